"""The command line: reports, exit codes, and no traceback for any input."""

from __future__ import annotations

import re

import json
import subprocess
import sys

import pytest
from conftest import REPO, make_site

from privacylint import __version__, cli

EXAMPLE = REPO / "examples" / "kubevirt.io"
CLEAN_RULES = "version: 1\nsite: {url: 'https://example.org/'}\nstatement: {page: /privacy/}\n"


@pytest.fixture
def clean(tmp_path, monkeypatch):
    make_site(tmp_path / "_site", {"index.html": '<a href="/privacy/">Privacy</a>', "privacy/index.html": "<h1>P</h1>"})
    (tmp_path / "rules.yaml").write_text(CLEAN_RULES)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_cli(*argv, capsys):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_example_site_reports_findings_with_file_and_line(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    code, out, _ = run_cli("examples/kubevirt.io", capsys=capsys)
    assert code == 1
    assert "examples/kubevirt.io/index.html\n" in out
    assert "PL101  <iframe src> https://www.youtube.com/embed/dQw4w9WgXcQ contacts www.youtube.com" in out
    assert "examples/kubevirt.io/assets/js/main.js\n  10:7     error   PL201" in out
    assert "11:3     error   PL102  Google Analytics loads before consent" in out
    assert out.rstrip().splitlines()[-1] == (
        "9 problems (15 occurrences; 6 errors, 3 warnings) in 9 files; 10 files checked (7 pages) against rules.yaml.")
    # one entry per root cause: the fonts <link> of the layout is one entry with its 7 pages
    entries = [line for line in out.splitlines() if re.match(r"  \d+:\d+ +(error|warning) ", line)]
    assert len(entries) == 9
    assert re.search(r"\n {26}on 7 pages: examples/kubevirt.io/blog/2023/getting-started/index.html:8:3, "
                     r"[^\n]+ and 4 more\n", out)
    # the inventory leads: who receives data, how, on how many pages, behind which gate
    assert out.startswith("Third parties: 3, 2 not declared\n")
    assert re.search(r"Google Analytics +googletagmanager.com +analytics +script +7 +"
                     r"cookieconsent:analytics on 6, ungated on 1 +yes, as Google Analytics\n", out)
    assert re.search(r"\n  kv-theme +localStorage +site code +1 +no\n", out)


def test_json_output_follows_the_contract(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    code, out, _ = run_cli("examples/kubevirt.io", "--format", "json", capsys=capsys)
    doc = json.loads(out)
    assert code == 1
    assert list(doc) == ["version", "tool", "policy", "findings", "suppressed", "inventory", "stats"]
    assert doc["policy"] == "rules.yaml"
    assert doc["version"] == 1 and doc["tool"]["name"] == "privacylint"
    first = doc["findings"][0]
    assert list(first) == ["check", "name", "severity", "path", "line", "column", "subject", "message",
                           "origin", "fingerprint", "group", "evidence"]
    fonts = [f for f in doc["findings"] if f["check"] == "PL101" and f["subject"] == "fonts.googleapis.com"]
    assert len(fonts) == 8 and len({f["group"] for f in fonts}) == 2  # the @import in CSS; the layout's <link>
    assert (first["check"], first["path"], first["line"], first["subject"]) == (
        "PL101", "assets/css/main.css", 2, "fonts.googleapis.com")
    assert list(doc["inventory"]) == ["collectors", "cookies", "outbound_domains", "consent_managers", "not_loaded",
                                     "statement_claims", "pixel_events"]
    assert doc["inventory"]["consent_managers"] == ["cookieconsent"]
    ga = next(c for c in doc["inventory"]["collectors"] if c["vendor"] == "google-analytics")
    assert ga["declared_as"] == "Google Analytics" and ga["files"] == ga["pages"] == 7
    assert (ga["category"], ga["how"], ga["gates"]) == ("analytics", ["script"], {"cookieconsent:analytics": 6,
                                                                                   "ungated": 1})
    yt = next(c for c in doc["inventory"]["cookies"] if c["name"] == "YSC")
    assert (yt["writers"], yt["declared"], yt["files"]) == (["youtube"], False, 2)
    assert list(doc["stats"]) == ["files", "pages", "seconds"] and doc["stats"]["pages"] == 7


def test_output_is_deterministic(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    runs = []
    for jobs in ("1", "2", "1"):
        run_cli("examples/kubevirt.io", "--format", "json", "--jobs", jobs, capsys=capsys)
    for jobs in ("1", "2"):
        runs.append(run_cli("examples/kubevirt.io", "--format", "json", "--jobs", jobs, capsys=capsys)[1])
    docs = [json.loads(r) for r in runs]
    for doc in docs:
        doc["stats"]["seconds"] = 0
    assert docs[0] == docs[1]
    texts = {run_cli("examples/kubevirt.io", capsys=capsys)[1] for _ in range(2)}
    assert len(texts) == 1


def test_clean_site_exits_zero(clean, capsys):
    code, out, _ = run_cli("_site", capsys=capsys)
    assert (code, out) == (0, "Third parties: none contacted. Cookies and storage: none written.\n\n"
                              "No problems: 2 files checked (2 pages) against rules.yaml.\n")
    code, out, _ = run_cli("_site", "--quiet", capsys=capsys)
    assert (code, out) == (0, "No problems: 2 files checked (2 pages) against rules.yaml.\n")


def test_fail_on_and_select_and_ignore(clean, capsys):
    (clean / "_site" / "index.html").write_text(
        '<a href="/privacy/">P</a><a href="https://x.example.net/?fbclid=1">x</a>')
    assert run_cli("_site", capsys=capsys)[0] == 0  # a warning does not fail by default
    assert run_cli("_site", "--fail-on", "warning", capsys=capsys)[0] == 1
    assert run_cli("_site", "--fail-on", "warning", "--ignore", "PL4", capsys=capsys)[0] == 0
    assert run_cli("_site", "--fail-on", "warning", "--select", "PL1,PL3", capsys=capsys)[0] == 0
    assert run_cli("_site", "--fail-on", "warning", "--select", "pl401", capsys=capsys)[0] == 1


def test_policy_severity_override_and_off(clean, capsys):
    (clean / "_site" / "index.html").write_text('<script src="https://t.example.net/t.js"></script>')
    (clean / "rules.yaml").write_text(CLEAN_RULES + "checks: {PL101: warning, PL302: 'off'}\n")
    code, out, _ = run_cli("_site", capsys=capsys)
    assert code == 0 and "warning PL101" in out and "PL302" not in out


def test_several_formats_in_one_run(clean, capsys, tmp_path):
    target = tmp_path / "report.json"
    code, out, _ = run_cli("_site", "-q", "--format", "text", "--format", f"json={target}", capsys=capsys)
    assert code == 0 and out.startswith("No problems")
    assert json.loads(target.read_text())["findings"] == []


def test_policy_with_three_mistakes_exits_2_with_every_position(clean, capsys):
    (clean / "rules.yaml").write_text(
        "version: 1\nsite: {url: 'https://example.org/', homepag: /}\nstatement: {page: /privacy/}\n"
        "collectors:\n  - {name: GA, vendor: google-analytic}\nchecks: {PL119: error}\n")
    code, out, err = run_cli("_site", capsys=capsys)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "rules.yaml:2:37: unknown key 'homepag' in site (did you mean 'homepage'?)",
        "rules.yaml:5:24: unknown vendor 'google-analytic' (did you mean 'google-analytics'?) "
        "(privacylint --list-vendors shows the catalogue)",
        "rules.yaml:6:10: unknown check 'PL119' (did you mean 'PL311'?)",
        "privacylint: 3 problems in the rules file rules.yaml; nothing was checked.",
        f"privacylint: rules.yaml was found by searching upward from {clean}; if it belongs to another tool, give "
        "privacylint's own with --rules FILE.",
    ]


@pytest.mark.parametrize("argv, message", [
    # no PATH: the build found here is checked (tests/test_pr_paper_cuts.py, with the usage error when none is)
    (("missing",), "missing is not a directory"),
    (("_site", "--rules", "nope.yaml"), "nope.yaml does not exist"),
    (("_site", "--format", "xml"), "unknown format 'xml'"),
    (("_site", "--format", "text", "--format", "json"), "only one --format can go to standard output"),
    (("_site", "--select", "PL7"), "no check matches 'PL7'"),
    (("--explain", "PL999"), "unknown check 'PL999'"),
])
def test_usage_errors_exit_2(clean, capsys, argv, message):
    code, out, err = run_cli(*argv, capsys=capsys)
    assert code == 2 and message in err and "Traceback" not in err


def test_missing_rules_file_exits_2(tmp_path, monkeypatch, capsys):
    make_site(tmp_path / "_site", {"index.html": "x"})
    monkeypatch.chdir(tmp_path / "_site")
    code, _, err = run_cli(".", capsys=capsys)
    assert code == 2 and "no rules.yaml in" in err


def test_rules_yaml_is_found_upward(clean, monkeypatch, capsys):
    monkeypatch.chdir(clean / "_site")
    assert run_cli(".", capsys=capsys)[0] == 0


def test_unknown_flag_exits_2(capsys):
    assert run_cli("--no-such-flag", capsys=capsys)[0] == 2


def test_internal_error_is_a_message_not_a_traceback(clean, capsys, monkeypatch):
    def boom(*args, **kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr("privacylint.engine.run", boom)
    code, _, err = run_cli("_site", capsys=capsys)
    assert code == 2 and "internal error: KeyError" in err and "Traceback" not in err


def test_explain_and_lists(capsys):
    code, out, _ = run_cli("--explain", "pl101", capsys=capsys)
    readme = (REPO / "checks" / "PL101-undisclosed-collector" / "README.md").read_text(encoding="utf-8")
    assert code == 0 and out.startswith("# PL101 undisclosed-collector\n\n## What it checks\n")
    assert readme.split("\n---\n", 1)[1].strip() in out  # the whole README, front matter left out
    assert out.endswith("Default severity: error. Source: checks/PL101-undisclosed-collector/README.md\n")
    assert run_cli("--explain", "collector-before-consent", capsys=capsys)[1].startswith("# PL102 ")
    code, out, _ = run_cli("--list-vendors", capsys=capsys)
    lines = out.splitlines()
    assert lines[0].split() == ["id", "category", "consent", "name", "cookies"]
    youtube = next(line for line in lines if line.startswith("youtube "))
    assert "YSC" in youtube and "VISITOR_INFO1_LIVE" in youtube
    column = lines[0].index("name")
    assert youtube[column:].startswith("YouTube ") and all(line[column - 2:column] == "  " for line in lines)
    checks = json.loads(run_cli("--list-checks", "--format", "json", capsys=capsys)[1])
    assert [c["id"] for c in checks][:2] == ["PL001", "PL101"]
    listing = json.loads(run_cli("--list-vendors", "--format", "json", capsys=capsys)[1])
    assert (listing["license"], listing["version"]) == ("Apache-2.0 AND MIT", __version__)
    assert {"id", "name", "category", "hosts", "cookies", "consent", "sources"} <= set(listing["vendors"][0])


def test_python_dash_m_entry_point(clean):
    proc = subprocess.run([sys.executable, "-m", "privacylint", "_site", "-q"], capture_output=True, text=True,
                          cwd=clean)
    assert proc.returncode == 0 and proc.stdout.startswith("No problems")


def test_an_empty_selection_is_a_usage_error(clean, capsys):
    code, _, err = run_cli("_site", "--select", "PL1", "--ignore", "PL1", capsys=capsys)
    assert code == 2 and "leaves no check to run" in err


@pytest.mark.parametrize("files, hint", [
    ({"_config.yml": "title: x\n", "index.md": "# Hi\n"},
     "no pages in docs: is this the source? (_config.yml found: this is a Jekyll source; run `jekyll build` "
     "and lint _site)"),
    ({"mkdocs.yml": "site_name: x\n", "index.html": "---\ntitle: x\n---\n<p>x</p>",
      "b.html": "<p>{% include nav.html %}</p>"},
     "the pages in docs are templates (2 of 2 read have front matter or template tags): is this the source? "
     "(mkdocs.yml found: this is a MkDocs source; run `mkdocs build` and lint site)"),
    ({"notes.txt": "x"}, "no pages in docs: is this the source? Give the folder your site generator builds into"),
])
def test_a_source_tree_is_a_usage_error_that_says_how_to_build(clean, capsys, files, hint):
    make_site(clean / "docs", files)
    code, out, err = run_cli("docs", capsys=capsys)
    assert (code, out) == (2, "") and err.startswith(f"privacylint: {hint}")


def test_a_built_page_that_shows_template_syntax_is_still_a_build(clean, capsys):
    (clean / "_site" / "jinja.html").write_text("<pre>{% if user %}{{ user.name }}{% endif %}</pre>")
    assert run_cli("_site", "-q", capsys=capsys)[0] == 0  # one page of three is documentation of a template


@pytest.mark.parametrize("argv, message", [
    (("--config", "missing.yml"), "--config missing.yml does not exist"),
    (("--config", "_site"), "--config _site is a directory"),
    (("--config", "rules.ini"), "--config rules.ini: not a kind of config privacylint reads"),
    (("--rules", "_site"), "--rules _site is a directory; give the rules file (e.g. _site/rules.yaml)"),
    (("--format", "json="), "--format json=: give a file after '='"),
])
def test_say_what_is_wrong_with_the_invocation(clean, capsys, argv, message):
    (clean / "rules.ini").write_text("[x]\n")
    code, out, err = run_cli("_site", *argv, capsys=capsys)
    assert (code, out) == (2, "") and err == f"privacylint: {message}" + err.split(message, 1)[1]


def test_a_config_that_does_not_parse_is_one_positioned_line(clean, capsys):
    (clean / "_config.yml").write_text("title: x\nplugins: [a,\n")
    (clean / "vercel.json").write_text('{"headers": [}')
    code, out, _ = run_cli("_site", "--config", "_config.yml", "--config", "vercel.json", "--format", "concise",
                           capsys=capsys)
    unchecked = ("the cookies, Content-Security-Policy and collectors it could set were not checked, so none of "
                 "them can be vouched for.")
    assert code == 1 and out.splitlines() == [
        "_config.yml:3:1: PL001 [error] cannot be read as site config: while parsing a flow node expected the "
        f"node content, but found '<stream end>'; {unchecked}",
        f"vercel.json:1:14: PL001 [error] cannot be read as site config: Expecting value; {unchecked}",
    ]


def test_format_to_stdout_with_dash_and_a_summary_when_every_report_is_a_file(clean, capsys, tmp_path):
    code, out, err = run_cli("_site", "--format", "concise=-", "--format", f"json={tmp_path / 'r.json'}",
                             capsys=capsys)
    assert (code, out, err) == (0, "", "")
    code, out, err = run_cli("_site", "--format", f"json={tmp_path / 'r.json'}", capsys=capsys)
    assert (code, out) == (0, "") and err == "privacylint: No problems: 2 files checked (2 pages) against rules.yaml.\n"
    code, _, err = run_cli("_site", "--format", f"json={tmp_path / 'r'}", "--format", f"sarif={tmp_path / 'r'}",
                           capsys=capsys)
    assert code == 2 and "write to the same file" in err


def test_the_readme_shows_the_real_report_of_the_example(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = readme.split("the real output):\n\n```\n", 1)[1].split("```\n", 1)[0]
    code, out, _ = run_cli("examples/kubevirt.io", capsys=capsys)
    assert code == 1 and out == shown, "refresh the README: privacylint examples/kubevirt.io"
