"""Hostile input (issue: browser-exact URLs and charsets, linear scanners, clean shutdown, safe
output). One case per numbered item, each with the findings or the positioned error it must give.

The shared set-up: a site whose homepage links its statement, and a rules.yaml for kubevirt.io."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, lint, make_site

from privacylint import cli
from privacylint.policy import PolicyError, load_policy

RULES = """\
version: 1
site: {url: "https://kubevirt.io/"}
statement: {page: /privacy/}
collectors:
  - {name: Google Analytics, vendor: google-analytics}
cookies:
  - {name: "_ga*"}
"""
GA = '<script async src="https://www.googletagmanager.com/gtag/js?id=G-X"></script>'


HOME = ('<html><head><script type="text/plain" data-category="analytics" '
        'src="https://www.googletagmanager.com/gtag/js?id=G-HOME"></script></head>'
        '<body><a href="/privacy/">Privacy</a></body></html>\n')  # Google Analytics, held back: no finding


def site_with(tmp_path: Path, files: dict) -> Path:
    return make_site(tmp_path / "site", {
        "index.html": HOME,
        "privacy/index.html": "<html><body><h1>Privacy</h1><p>Google Analytics</p></body></html>\n",
        **files,
    })


def subjects(result, check: str) -> list[str]:
    return sorted({f.subject for f in result.findings if f.check == check})


# -- 1. URLs the browser reads differently ---------------------------------------------------------
@pytest.mark.parametrize("src", ["https://evil.com\\@kubevirt.io/x.js", "http:evil.com/x.js", "/\\evil.com/x.js",
                                 "///evil.com/x.js", "\\\\evil.com/x.js", "/\t/evil.com/x.js"])
def test_1_urls_read_as_browsers_read_them(tmp_path, src):
    site = site_with(tmp_path, {"page.html": f'<script src="{src}"></script>'})
    assert subjects(lint(site, RULES), "PL101") == ["evil.com"]


def test_1_percent_encoded_hosts_and_dot_segments(tmp_path):
    site = site_with(tmp_path, {
        "a.html": '<script src="https://www%2egoogle-analytics%2ecom/analytics.js"></script>',
        "b.html": '<img src="https://kubevirt%2eio/logo.png">',
        "c.html": '<script src="https://www.googletagmanager.com/gtag/../gtm.js?id=GTM-X"></script>',
    })
    result = lint(site, RULES)
    # a: Google Analytics, declared; b: the site itself; c: Tag Manager, not Analytics, and undeclared
    assert [(f.path, f.subject) for f in result.findings if f.check == "PL101"] == [
        ("c.html", "googletagmanager.com")]
    assert any(f.check == "PL102" and f.path == "a.html" for f in result.findings)


@pytest.mark.parametrize("raw", ["x.css", "../x.css", "/x.css", "a/./b/../x.css", "x%2ecss", "x y.css", ""])
def test_1_relative_urls_resolve_the_same_when_remembered_per_folder(raw):
    """resolve() remembers a relative URL per base folder; every base must still get its own answer."""
    from ada_url import join_url

    from privacylint.extract.urls import resolve

    bases = ["https://a.com", "https://b.com", "https://a.com/p/q/r.html", "https://a.com/p/q/s.html",
             "https://a.com/p/r.html", "https://a.com:8443/p/q/r.html", "https://a.com/p/q/r.html?x=/y/"]
    for _ in range(2):  # the second round answers from memory
        for base in bases:
            assert resolve(raw, base) == (join_url(base, raw) if raw else None), (raw, base)


# -- 2. charset labels browsers do not know ----------------------------------------------------------
@pytest.mark.parametrize("label", ["cp037", "cp500", "UTF16", "utf_16_le", "utf-16-le", "utf-32", "base64",
                                   "rot13", "zlib"])
def test_2_unknown_charset_labels_are_ignored_as_browsers_ignore_them(tmp_path, label):
    site = site_with(tmp_path, {"page.html": f'<meta charset="{label}">{GA}'})
    result = lint(site, RULES)
    assert [(f.check, f.path) for f in result.findings] == [("PL102", "page.html")]


def test_2_replacement_encoding_loads_nothing(tmp_path):
    site = site_with(tmp_path, {"page.html": f'<meta charset="iso-2022-kr">{GA}'})
    result = lint(site, RULES)
    assert [(f.check, f.subject, f.severity) for f in result.findings] == [("PL001", "decode", "warning")]


# -- 3. CSS a browser reads and a regex does not -----------------------------------------------------
@pytest.mark.parametrize("css", ["a{background:u\\72l(https://evil.example/a.png)}",
                                 "a{background:url(https\\:\\/\\/evil.example/a.png)}",
                                 'a{background-image:image-set("https://evil.example/b.png" 1x)}',
                                 '@import "https://evil.example/c.css";'])
def test_3_css_escapes_and_image_set(tmp_path, css):
    site = site_with(tmp_path, {"page.html": f'<style>{css}</style><link rel="stylesheet" href="/s.css">', "s.css": css})
    result = lint(site, RULES)
    assert sorted((f.path, f.subject) for f in result.findings if f.check == "PL101") == [
        ("page.html", "evil.example"), ("s.css", "evil.example")]


# -- 4. padding hides a page ---------------------------------------------------------------------------
def test_4_a_page_that_could_not_be_read_fails_the_gate(tmp_path):
    outside = make_site(tmp_path / "elsewhere", {"t.html": GA})
    site = site_with(tmp_path, {"big.html": GA + "<!--" + " " * 5000 + "-->"})
    os.symlink(outside / "t.html", site / "linked.html")
    os.mkfifo(site / "pipe.html")
    result = lint(site, RULES, max_file_size=2000)
    assert [(f.check, f.path, f.subject, f.severity) for f in result.findings] == [
        ("PL001", "big.html", "too-large", "error"),
        ("PL001", "linked.html", "symlink", "error"),
        ("PL001", "pipe.html", "unreadable", "error"),
    ]


def test_4_an_ignore_entry_with_a_reason_accepts_it(tmp_path):
    site = site_with(tmp_path, {"big.html": GA + " " * 5000})
    rules = RULES + 'ignore:\n  - {check: PL001, paths: ["big.html"], reason: "an archive page, reviewed"}\n'
    result = lint(site, rules, max_file_size=2000)
    assert result.findings == [] and [s.finding.subject for s in result.suppressed] == ["too-large"]


# -- 5, 6. denial of service: every scanner linear ---------------------------------------------------
# tests/test_linear.py counts steps; these are the issue's own inputs, end to end.
def test_5_and_6_pathological_inputs_finish(tmp_path):
    site = site_with(tmp_path, {
        "css.html": '<div style="background:url(' + " " * 200_000 + 'x">',
        "consent.html": "<script>" + "gtag('consent','default',{" * 4000 + "</script>",
        "callback.html": "<script>" + 'addEventListener("CookiebotOnAccept",function(){' * 5000 + "</script>",
        "string.js": "'\\" * 200_000,
    })
    code = _run_bounded(site, tmp_path, cpu_seconds=60)
    assert code in (0, 1)


def _run_bounded(site: Path, tmp_path: Path, cpu_seconds: int) -> int:
    """Run privacylint in a child whose CPU time is capped: a quadratic scanner would be killed."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    limit = f"import resource; resource.setrlimit(resource.RLIMIT_CPU, ({cpu_seconds}, {cpu_seconds}))"
    proc = subprocess.run([sys.executable, "-c", f"{limit}\nfrom privacylint.cli import main\nraise SystemExit(main())",
                           str(site), "--rules", str(rules), "--jobs", "1", "--no-cache"],
                          capture_output=True, text=True)
    assert proc.returncode != -signal.SIGXCPU, "ran out of CPU time: a scanner is not linear"
    return proc.returncode


# -- 7. rules.yaml bombs -------------------------------------------------------------------------------
def _policy_error(tmp_path, text: str) -> list[str]:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path, frozenset({"PL101"}))
    return [f"{line}:{col}: {msg}" for line, col, msg in info.value.issues]


def test_7_alias_bomb_is_refused_before_it_expands(tmp_path):
    lines = ["a: &a [x,x,x,x,x,x,x,x,x]"] + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]"
                                             for i in range(9)]
    errors = _policy_error(tmp_path, "\n".join(lines) + "\nversion: *j\n")
    assert errors == ["7:23: more than 50 aliases (*name); write the values out"]


def test_7_a_huge_policy_is_refused_at_once(tmp_path):
    errors = _policy_error(tmp_path, "version: 1\n" + "# padding\n" * 200_000)
    assert errors == ["1:1: the policy is over 1,048,576 bytes; rules.yaml declares a site's collectors and "
                      "cookies, which takes a few KB"]


def test_7_many_collectors_are_checked_in_linear_time(tmp_path):
    entries = "".join(f"  - {{name: c{i}, hosts: [c{i}.example.com]}}\n" for i in range(5000))
    path = tmp_path / "rules.yaml"
    path.write_text(RULES.replace("collectors:\n", "collectors:\n" + entries), encoding="utf-8")
    assert len(load_policy(path, frozenset({"PL101"})).collectors) == 5001


def test_7_nested_suppressions_give_one_finding(tmp_path):
    nested = "".join('<div data-privacylint-ignore="PL105: embeds reviewed">' for _ in range(3000))
    site = site_with(tmp_path, {"nest.html": f"<body>{nested}</body>"})
    result = lint(site, RULES)
    assert [(f.check, f.path) for f in result.findings] == [("PL901", "nest.html")]


# -- 9. signals ----------------------------------------------------------------------------------------
def _big_site(tmp_path: Path) -> Path:
    """Pages that take seconds to extract (each with a large script full of loads), so that the
    signal arrives while the workers are busy."""
    script = "<script>" + "".join(f"i.src='https://t{i}.example.net/x';\n" for i in range(8000)) + "</script>"
    return site_with(tmp_path, {f"p{i}/index.html": f"<html><body>{script}{i}</body></html>" for i in range(100)})


@pytest.mark.parametrize("sig,code,word", [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")])
def test_9_a_signal_ends_the_run_and_its_workers(tmp_path, sig, code, word):
    site = _big_site(tmp_path)
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "privacylint", str(site), "--rules", str(tmp_path / "rules.yaml"),
                             "--jobs", "2", "--no-cache"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    workers = _wait_for_children(proc.pid, 2)
    time.sleep(0.3)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == code
    assert err.decode().strip() == f"privacylint: {word}"
    for pid in workers:  # the workers are gone too (not orphaned, not holding stdout)
        assert not Path(f"/proc/{pid}").exists() or _zombie(pid)


def _wait_for_children(pid: int, count: int) -> list[int]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{pid}/task/{pid}/children")
        found = [int(c) for c in children.read_text().split()] if children.exists() else []
        if len(found) >= count:
            return found
        time.sleep(0.05)
    pytest.fail("the pool never started")


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


# -- 10. one bad directory entry -----------------------------------------------------------------------
def test_10_bad_entries_are_findings_and_the_rest_is_checked(tmp_path):
    site = site_with(tmp_path, {"ga.html": GA})
    os.symlink("y.html", site / "x.html")
    os.symlink("x.html", site / "y.html")
    (site / "d1").mkdir()
    (site / "d2").mkdir()
    os.symlink("../d2", site / "d1" / "loop")
    os.symlink("../d1", site / "d2" / "loop")
    with open(os.path.join(os.fsencode(site), b"bad\xff.html"), "wb") as fh:
        fh.write(GA.encode())
    result = lint(site, RULES)
    assert [(f.check, f.path, f.subject) for f in result.findings] == [
        ("PL001", "bad\ufffd.html", "unreadable"),
        ("PL102", "ga.html", "googletagmanager.com"),
        ("PL001", "x.html", "unreadable"),
        ("PL001", "y.html", "unreadable"),
    ]


# -- 11. positioned policy errors, never an internal error ------------------------------------------
@pytest.mark.parametrize("text,error", [
    ("version: 1\x01\n", "1:11: invalid YAML: the control character U+0001 is not allowed in YAML text"),
    ("version: 1\x00\n", "1:11: invalid YAML: the control character U+0000 is not allowed in YAML text"),
    ("version: " + "[" * 20000, "1:41: nesting deeper than 32 levels; rules.yaml is four levels deep"),
    ("version: " + "9" * 5000, "1:10: a value of 5,000 characters; the longest rules.yaml needs is far below 4,096"),
    ('version: 1\nsite: {url: "https://[::1/"}\nstatement: {page: /p/}\n',
     "2:13: site.url must be an http(s) URL with a host, not 'https://[::1/'"),
    ('version: 1\nsite: {url: "https://a.org:99999/"}\nstatement: {page: /p/}\n',
     "2:13: site.url must be an http(s) URL with a host, not 'https://a.org:99999/'"),
    ("version: 1\nsite: {url: 'https://a.org/'}\nstatement: {page: /p/}\n"
     "ignore: [{check: PL101, reason: x, expires: 2020-13-45}]\n",
     "4:45: ignore[0].expires must be a date that exists, like 2027-06-30, not '2020-13-45'"),
    ('version: 1\ncollectors: !!python/object/apply:os.system ["echo hi"]\n',
     "2:13: the tag !!python/object/apply:os.system is not allowed: rules.yaml is plain data"),
    ("version: true\nsite: {url: 'https://a.org/'}\nstatement: {page: /p/}\n",
     "1:10: version must be the integer 1 (this privacylint reads rules.yaml version 1), not True"),
    ("version: 1.0\nsite: {url: 'https://a.org/'}\nstatement: {page: /p/}\n",
     "1:10: version must be the integer 1 (this privacylint reads rules.yaml version 1), not 1.0"),
])
def test_11_policy_errors_are_positioned(tmp_path, text, error):
    assert _policy_error(tmp_path, text) == [error]


def test_11_a_deep_baseline_is_a_usage_error(tmp_path, monkeypatch, capsys):
    site = site_with(tmp_path, {})
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in ("deep.json", "list.json"):
        assert cli.main([str(site), "--baseline", name]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"privacylint: {name}: not a privacylint baseline") and "internal error" not in err


# -- 12. a terminal that cannot print the path ---------------------------------------------------------
def test_12_ascii_stdout_with_a_non_ascii_file_name(tmp_path):
    site = site_with(tmp_path, {"straße.html": GA})
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    for fmt in ("text", "json"):
        proc = subprocess.run([sys.executable, "-m", "privacylint", str(site), "--rules", str(tmp_path / "rules.yaml"),
                               "--format", fmt], capture_output=True, env={**os.environ, "PYTHONIOENCODING": "ascii"})
        assert proc.returncode == 1, proc.stderr
        assert b"internal error" not in proc.stderr and b"stra" in proc.stdout


# -- 13. output injection -------------------------------------------------------------------------------
HOSTILE_NAME = "a\n::error::pwned\x1b[31m\u202e.html"


def test_13_no_site_string_becomes_a_command_or_escape(tmp_path):
    cookie = "x\r\n::error file=README.md,line=1::pwned\x1b]8;;https://e.x\x07"
    site = site_with(tmp_path, {HOSTILE_NAME: GA, "c.html": f"<script>document.cookie = {json.dumps(cookie + '=1')};</script>"})
    result = lint(site, RULES)
    from privacylint.report import FORMATS

    for name in FORMATS:
        text = FORMATS[name](result)
        for line in text.splitlines():
            assert not line.lstrip().startswith(("::error::pwned", "::error file=README")), (name, line)
        if name not in ("json", "sarif"):  # JSON escapes control characters itself
            assert not any(ch in text for ch in "\x1b\x07\r\u202e"), name
    junit = FORMATS["junit"](result)
    import xml.dom.minidom

    xml.dom.minidom.parseString(junit)  # well-formed
    markdown = FORMATS["markdown"](result)
    assert "<script" not in markdown and "&lt;script" in markdown


def test_13_a_file_named_like_a_command_is_prefixed(tmp_path):
    site = site_with(tmp_path, {"::error::x.html": GA})
    result = lint(site, RULES)
    from privacylint.report import FORMATS

    lines = FORMATS["text"](result).splitlines() + FORMATS["concise"](result).splitlines()
    assert not any(line.lstrip().startswith("::") for line in lines)


# -- 14. site config follows no link out of the site ---------------------------------------------------
def test_14_config_symlink_out_of_the_tree_is_not_read(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("/*\n  Set-Cookie: leaked=1\n", encoding="utf-8")
    site = site_with(tmp_path, {})
    os.symlink(secret, site / "_headers")
    result = lint(site, RULES)
    assert [(f.check, f.path, f.subject, f.message.split(";")[0]) for f in result.findings] == [
        ("PL001", "_headers", "symlink", "is a symbolic link that leaves the tree")]


def test_14_config_over_the_size_cap_is_not_read(tmp_path):
    site = site_with(tmp_path, {"_headers": "/*\n  Set-Cookie: a=1\n" + "# x\n" * 300_000})
    result = lint(site, RULES)
    assert [(f.check, f.subject, f.severity) for f in result.findings] == [("PL001", "too-large", "error")]
    assert "over 1,048,576 characters" in result.findings[0].message


def test_cli_is_importable_without_the_pipeline():
    """--version and --help import none of lxml, tldextract, ruamel (start-up)."""
    code = ("import sys; from privacylint import cli; "
            "print(sorted(m for m in ('lxml', 'tldextract', 'ruamel.yaml', 'requests') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO).stdout
    assert out.strip() == "[]"
