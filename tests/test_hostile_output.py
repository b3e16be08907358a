"""Hostile input, second round, for everything a run prints or writes (issue 19, "Every run"): one
printable layer for stdout, stderr and report files in every format, `init` and `--diff`; lone
surrogates; JUnit on noncharacters; output files that are links; `init` on hostile strings.

What a GitHub runner does with a line (actions/runner, ActionCommandManager): `::name ...::data`
is a command when it starts the line after .NET `TrimStart()` (all Unicode whitespace), and the
older `##[name ...]data` anywhere in the line. `commands()` models that, a little wider (every
line break Python knows, every invisible mark), and returns the lines that would be commands.
"""

from __future__ import annotations

import json
import os
import re
import sys
import xml.dom.minidom
from importlib import import_module
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from conftest import lint, make_site
from ruamel.yaml import YAML

from privacylint import cli
from privacylint.report import FORMAT_NAMES

RULES = """\
version: 1
site: {url: "https://kubevirt.io/"}
statement: {page: /privacy/}
collectors:
  - {name: "\\u3000::error file=rules.yaml,line=1::policy ##[add-mask]p", hosts: [evil.example]}
"""
COMMAND = "::error file=index.html,line=1::forged"
# Whitespace the runner trims before it looks for `::`, and marks a viewer may hide.
LEADS = [" ", "  ", "\t", "\u00a0", "\u1680", "\u2000", "\u2005", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f",
         "\u3000", "\ufeff", "\u0085", "\u180e", "\u200b", "\x0b", "\x1c"]
HOSTILE = [lead + COMMAND for lead in LEADS] + [
    "x##[add-mask]secret", "##[stop-commands]token", "\x1b]8;;https://e.x\x07link\x1b]8;;\x07", "\x1b[31mred",
    "\u202eevil", "a\ufffeb\uffffc\ufdd0", "\r::warning::cr", "\n::error::lf", "\u009b31m",
]
FILE_NAMES = ["\u3000::error file=x,line=1::f.html", "x##[add-mask]y.html", "\n::error::nl.html",
              "\u2028::notice::ls.html"]
NOTE = "page.html: the browser could not load it (\n::error::note\u3000\x1b]8;;https://e.x\x07 ##[add-mask]n)"
TRIMMED = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "\ufeff\u180e\u200b\u2060"
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff"
                    "\U0001fffe\ud800-\udfff]")
ANNOTATION = re.compile(r"::(error|warning|notice) file=")


def commands(text: str) -> list[str]:
    """The lines of `text` a runner would read as a command (the github format's own annotations too)."""
    return [line for line in text.splitlines() if "##[" in line or line.lstrip(TRIMMED).startswith("::")]


def hostile_site(tmp_path: Path) -> Path:
    writes = "".join(f"localStorage.setItem({json.dumps(key)}, '1');\n" for key in HOSTILE)
    cookies = "".join(f"document.cookie = {json.dumps(key.strip() + '=1')};\n" for key in HOSTILE[-9:])
    files = {name: '<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>' for name in FILE_NAMES}
    return make_site(tmp_path / "site", {
        "index.html": '<html><head><link rel="canonical" href="https://kubevirt.io/"></head>'
                      '<body><a href="/privacy/">Privacy</a>'
                      '<script src="https://evil.example/::error::u/x.js#a##[add-mask]u"></script>'
                      f"<script>{writes}{cookies}</script></body></html>\n",
        "privacy/index.html": "<html><body><h1>Privacy</h1></body></html>\n",
        **files,
    })


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    """The hostile site, its rules, the current folder, and a browser note added to every run."""
    site = hostile_site(tmp_path)
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    from privacylint import engine

    real = engine.run

    def run_with_note(*args, **kwargs):
        result = real(*args, **kwargs)
        result.notes.append(NOTE)  # as observe.apply returns what the browser could not do
        return result

    monkeypatch.setattr(engine, "run", run_with_note)
    return site


def _check(text: str, name: str, annotations: int = 0) -> None:
    found = commands(text)
    if name == "github":
        assert all(ANNOTATION.match(line) for line in found), found
        assert len(found) == annotations, found
    else:
        assert found == [], (name, found)
    assert not UNSAFE.search(text), (name, UNSAFE.search(text))


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_no_site_string_becomes_a_runner_command_in_any_format(hostile, capsys, tmp_path, name):
    assert cli.main(["site", "--format", name]) == 1
    out, err = capsys.readouterr()
    assert cli.main(["site", "--format", f"{name}=report.out"]) == 1
    written = (tmp_path / "report.out").read_text(encoding="utf-8")
    _, err_file = capsys.readouterr()
    assert "internal error" not in err + err_file
    cli.main(["site", "--format", "json"])
    annotations = len(json.loads(capsys.readouterr().out)["findings"])  # without --source: one per finding
    assert annotations > len(HOSTILE)
    for text in (out, written):
        _check(text, name, annotations)
    for text in (err, err_file):
        _check(text, "stderr")
    assert "privacylint: page.html: the browser could not load it (\\u000a::error::note\u3000\\u001b]8" in err
    assert _timeless(out) == _timeless(written)


def _timeless(text: str) -> str:
    return re.sub(r'"seconds": [0-9.e-]+', "", text)


@pytest.mark.parametrize("name", ["json", "sarif"])
def test_json_stays_json_holding_the_site_strings(hostile, capsys, name):
    from privacylint.report import FORMATS

    assert cli.main(["site", "--format", name]) == 1
    printed = capsys.readouterr().out
    doc = json.loads(printed)
    if name == "json":
        subjects = {f["subject"] for f in doc["findings"] if f["check"] == "PL201"}
        assert set(HOSTILE) <= subjects, set(HOSTILE) - subjects  # the exact strings, escaped only as JSON escapes
        assert {c["name"] for c in doc["inventory"]["cookies"]} >= set(HOSTILE)
    raw = import_module(f"privacylint.report.{'json_format' if name == 'json' else name}").render
    result = lint(hostile, RULES)
    assert json.loads(FORMATS[name](result)) == json.loads(raw(result))  # the output layer changed no datum


def test_stderr_notes_policy_errors_and_argparse_are_safe(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text('version: 1\nsite: {url: "\\u3000::error::u ##[add-mask]x"}\n'
                                       'statement: {page: "/p/\\n::error::page"}\n', encoding="utf-8")
    (tmp_path / "_site").mkdir()
    (tmp_path / "_site" / "index.html").write_text("<p>x</p>", encoding="utf-8")
    assert cli.main(["_site", "--rules", "bad.yaml"]) == 2
    assert cli.main(["_site", "--fail-on", "\u3000::error::argv ##[add-mask]a"]) == 2
    assert cli.main(["\n::error::missing ##[x"]) == 2
    out, err = capsys.readouterr()
    assert "::error" in err and commands(out + err) == [] and not UNSAFE.search(out + err)


def test_init_and_its_diff_print_no_command_and_hold_the_exact_strings(tmp_path, monkeypatch, capsys):
    hostile_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["init", "site", "--no-cache"]) == 0
    drafted, err = capsys.readouterr()
    assert commands(drafted + err) == [] and not UNSAFE.search(drafted + err)
    (tmp_path / "drafted.yaml").write_text(drafted, encoding="utf-8")
    names = {c["name"] for c in YAML(typ="safe").load(drafted)["cookies"]}
    assert "[ ]" + COMMAND in names and "x##[[]add-mask]secret" in names  # the site's exact keys, as literal globs
    assert cli.main(["site", "--rules", "drafted.yaml", "--format", "json", "--no-cache"]) == 1
    left = json.loads(capsys.readouterr().out)["findings"]
    assert not [f["subject"] for f in left if f["check"] in ("PL101", "PL201")]  # declared, each exactly
    (tmp_path / "old.yaml").write_text(RULES, encoding="utf-8")
    assert cli.main(["init", "site", "--diff", "--rules", "old.yaml", "--no-cache"]) == 1
    diff, err = capsys.readouterr()
    assert "+  - name:" in diff and commands(diff + err) == [] and not UNSAFE.search(diff + err)


# -- a lone surrogate: a JS string, a HAR cookie ----------------------------------------------------------
def _surrogate_site(tmp_path: Path) -> Path:
    site = make_site(tmp_path / "site", {
        "index.html": '<a href="/privacy/">Privacy</a><script>localStorage.setItem("\\udc00", "1");'
                      'document.cookie = "a\\ud800b=1";</script>',
        "privacy/index.html": "<h1>Privacy</h1>",
    })
    har = {"log": {"version": "1.2", "creator": {"name": "t", "version": "1"},
                   "pages": [{"id": "home", "title": "https://kubevirt.io/"}],
                   "entries": [{"pageref": "home", "request": {"method": "GET", "url": "https://kubevirt.io/"},
                                "response": {"status": 200, "headers": [
                                    {"name": "Set-Cookie", "value": "\udfff\ud83d=1; Path=/"}]},
                                "_resourceType": "document"}]}}
    (tmp_path / "session.har").write_text(json.dumps(har), encoding="utf-8")  # "\udfff" escapes, as JSON allows
    (tmp_path / "rules.yaml").write_text('version: 1\nsite: {url: "https://kubevirt.io/"}\n'
                                         "statement: {page: /privacy/}\n", encoding="utf-8")
    return site


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_a_lone_surrogate_is_a_finding_in_every_format(tmp_path, monkeypatch, capsys, name):
    _surrogate_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["site", "--har", "session.har", "--format", name]) == 1
    out, err = capsys.readouterr()
    assert cli.main(["site", "--har", "session.har", "--format", f"{name}=r.out"]) == 1
    assert "internal error" not in err + capsys.readouterr().err
    assert _timeless((tmp_path / "r.out").read_text(encoding="utf-8")) == _timeless(out)
    assert "\\udc00" in out or "%5Cudc00" in out
    if name == "json":
        subjects = {f["subject"] for f in json.loads(out)["findings"]}
        assert {"\udc00", "a\ud800b", "\udfff\ud83d"} <= subjects  # the keys themselves, back from JSON
    if name == "junit":
        ET.fromstring(out)


def test_a_lone_surrogate_in_the_baseline_and_the_cache(tmp_path, monkeypatch, capsys):
    _surrogate_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    for _ in range(2):  # the second run answers from the cache
        assert cli.main(["site", "--har", "session.har", "--cache-dir", "c", "--write-baseline", "b.json"]) == 0
    assert cli.main(["site", "--har", "session.har", "--cache-dir", "c", "--baseline", "b.json"]) == 0
    assert "internal error" not in capsys.readouterr().err


# -- JUnit on characters XML 1.0 cannot hold ------------------------------------------------------------------
def test_junit_is_well_formed_on_noncharacters(tmp_path, monkeypatch, capsys):
    keys = ["a\ufffe", "b\uffff", "c\U0010ffff", "d\x0b\x00", "e\ud800", "f\ufdd0"]
    make_site(tmp_path / "site", {
        "index.html": '<a href="/privacy/">Privacy</a><script>'
                      + "".join(f"localStorage.setItem({json.dumps(k)}, 1);" for k in keys) + "</script>",
        "privacy/index.html": "<h1>Privacy</h1>"})
    (tmp_path / "rules.yaml").write_text('version: 1\nsite: {url: "https://kubevirt.io/"}\n'
                                         "statement: {page: /privacy/}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["site", "--format", "junit"]) == 1
    text = capsys.readouterr().out
    root = ET.fromstring(text)
    xml.dom.minidom.parseString(text)
    names = [case.get("name") for case in root.iter("testcase")]
    assert sorted(names) == sorted(f"site/index.html:1 {k}" for k in
                                   ["a\\ufffe", "b\\uffff", "c\\udbff\\udfff", "d\\u000b\\u0000", "e\\ud800",
                                    "f\\ufdd0"])


# -- output files that are symbolic links -------------------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32", reason="POSIX links")
@pytest.mark.parametrize("how", ["sarif", "baseline", "init"])
def test_an_output_that_is_a_link_is_refused_and_its_target_kept(tmp_path, monkeypatch, capsys, how):
    _surrogate_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "precious"
    target.write_text("keep me\n", encoding="utf-8")
    os.symlink(target, tmp_path / "out.link")
    argv = {"sarif": ["site", "--format", "sarif=out.link"],
            "baseline": ["site", "--write-baseline", "out.link"],
            "init": ["init", "site", "--url", "https://kubevirt.io/", "-o", "out.link", "--force", "--no-cache"]}[how]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "out.link is a symbolic link; privacylint does not write" in err and "internal error" not in err
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert os.path.islink(tmp_path / "out.link")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX devices")
def test_a_link_to_a_device_is_written(tmp_path, monkeypatch, capsys):
    _surrogate_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    os.symlink(os.devnull, tmp_path / "null.link")  # like /dev/stderr -> /proc/self/fd/2
    assert cli.main(["site", "--format", "json=null.link"]) == 1
    os.symlink(tmp_path / "missing", tmp_path / "dangling")  # a dangling link: not created through either
    assert cli.main(["site", "--format", "json=dangling"]) == 2
    assert not (tmp_path / "missing").exists()
    assert cli.main(["init", "site", "--url", "https://kubevirt.io/", "-o", "dangling", "--no-cache"]) == 2
    assert "dangling exists; privacylint init never overwrites it" in capsys.readouterr().err


# -- init on hostile strings -----------------------------------------------------------------------------------
def _init_site(tmp_path: Path, home_head: str = '<link rel="canonical" href="https://kubevirt.io/">',
               statement: str = "<h1>Privacy</h1>", **files) -> Path:
    return make_site(tmp_path / "site", {
        "index.html": f'<html><head>{home_head}</head><body><a href="/privacy/">Privacy</a></body></html>',
        "privacy/index.html": f"<html><body>{statement}</body></html>", **files})


def _draft(capsys, tmp_path: Path, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["init", "site", "--no-cache", "-o", "drafted.yaml", "--force", *argv])
    err = capsys.readouterr().err
    assert "internal error" not in err and "Traceback" not in err
    return code, (tmp_path / "drafted.yaml").read_text(encoding="utf-8") if code == 0 else "", err


def _relint(capsys, *pages: str) -> list[tuple[str, str]]:
    cli.main(["site", "--rules", "drafted.yaml", "--format", "json", "--no-cache"])
    return [(f["check"], f["subject"]) for f in json.loads(capsys.readouterr().out)["findings"]
            if f["check"] in ("PL101", "PL201")]


def test_init_drafts_a_key_named_like_a_glob_as_itself(tmp_path, monkeypatch, capsys):
    keys = ["*", "?", "[abc]x", "a*", " lead", "trail\u3000", "[!x]", "]"]
    writes = "".join(f"localStorage.setItem({json.dumps(k)}, 1);" for k in keys)
    _init_site(tmp_path, **{"app.html": f"<script>{writes}document.cookie = '*=1'</script>"})
    monkeypatch.chdir(tmp_path)
    code, text, _ = _draft(capsys, tmp_path)
    assert code == 0
    names = {c["name"] for c in YAML(typ="safe").load(text)["cookies"]}
    assert {"[*]", "[?]", "[[]abc]x", "a[*]", "[ ]lead", "trail[\u3000]", "[[]!x]", "]"} <= names
    assert _relint(capsys) == []  # each declared exactly
    (tmp_path / "site" / "more.html").write_text(
        "<script>localStorage.setItem('anything', 1); localStorage.setItem('ax', 1); localStorage.setItem('x', 1);"
        "document.cookie = 'other=1'</script>", encoding="utf-8")
    assert sorted(_relint(capsys)) == [("PL201", "anything"), ("PL201", "ax"), ("PL201", "other"), ("PL201", "x")]


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u0085", "\n", "\x1b", "\u202e"])
def test_init_on_a_file_name_with_a_line_separator(tmp_path, monkeypatch, capsys, char):
    _init_site(tmp_path, **{f"a{char}b.html": "<script src='https://www.googletagmanager.com/gtag/js?id=G-1'>"
                                              f"</script><script>localStorage.setItem('k{char}::error::x', 1)</script>"})
    monkeypatch.chdir(tmp_path)
    code, text, err = _draft(capsys, tmp_path)
    assert code == 0, err
    assert commands(text + err) == [] and not UNSAFE.search(text + err)
    assert _relint(capsys) == []


@pytest.mark.parametrize("mailto", ["mailto:%0a@x.org", "mailto:a@b%00.org", "mailto:a@b.org%0d%0a::x", "mailto:a@b.org,c@d.org",
                                    "mailto:a@%E2%80%A8b.org", "mailto:@", "mailto:%ff@x", "mailto:a b@c.org"])
def test_init_skips_a_malformed_mailto(tmp_path, monkeypatch, capsys, mailto):
    _init_site(tmp_path, statement=f'<a href="{mailto}">bad</a> <a href="mailto:privacy@kubevirt.io">good</a>')
    monkeypatch.chdir(tmp_path)
    code, text, err = _draft(capsys, tmp_path)
    assert code == 0, err
    assert YAML(typ="safe").load(text)["statement"]["contact"] == "privacy@kubevirt.io"


@pytest.mark.parametrize("canonical", ["https://[::1/", "https://[1::2::3]/", "https://[v1.x]/", "https://exa mple.org/",
                                       "https://[::1]:99999/", "https://%ff/"])
def test_init_skips_a_malformed_canonical_link(tmp_path, monkeypatch, capsys, canonical):
    _init_site(tmp_path, home_head=f'<link rel="canonical" href="{canonical}">', CNAME="kubevirt.io\n")
    monkeypatch.chdir(tmp_path)
    code, text, err = _draft(capsys, tmp_path)
    assert code == 0, err
    assert YAML(typ="safe").load(text)["site"]["url"] == "https://kubevirt.io/"  # the next source: CNAME
    (tmp_path / "site" / "CNAME").unlink()
    code, _, err = _draft(capsys, tmp_path)
    assert code == 2 and "cannot tell the site's URL from the build" in err
    code, _, err = _draft(capsys, tmp_path, "--url", canonical)
    assert code == 2 and f"--url {canonical} is not an http(s) URL with a host" in err


def test_init_canonicalises_an_ipv6_site_url(tmp_path, monkeypatch, capsys):
    _init_site(tmp_path, home_head='<link rel="canonical" href="https://[0:0:0:0:0:0:0:1]/">')
    monkeypatch.chdir(tmp_path)
    code, text, err = _draft(capsys, tmp_path)
    assert code == 0, err
    assert YAML(typ="safe").load(text)["site"]["url"] == "https://[::1]/"


def test_init_leaves_out_what_rules_yaml_cannot_hold(tmp_path, monkeypatch, capsys):
    long_key = "k" * 5000
    _init_site(tmp_path, **{"t.html": '<script src="https://*.com/x.js"></script><img src="https://[2001:db8::1]/p.gif">'
                                      '<script src="https://a.*.co.uk/x.js"></script><img src="https://cdn.example.net/p">'
                                      f"<script>localStorage.setItem('{long_key}', 1)</script>"})
    monkeypatch.chdir(tmp_path)
    code, text, err = _draft(capsys, tmp_path)
    assert code == 0, err
    doc = YAML(typ="safe").load(text)
    assert [c.get("hosts") for c in doc["collectors"]] == [["example.net"]]
    assert doc["cookies"] == []
    assert "# Left out, as rules.yaml cannot hold them" in text and "*.com" in text and "2001:db8::1" in text
    assert sorted(_relint(capsys)) == [("PL101", "*.co.uk"), ("PL101", "*.com"), ("PL101", "2001:db8::1"),
                                       ("PL201", long_key)]


def test_the_layer_trims_what_python_and_dotnet_call_whitespace():
    from privacylint.printable import _TRIMMED, safe_output

    spaces = {chr(c) for c in range(0x110000) if chr(c).isspace()} - {"\n"}
    assert spaces <= set(_TRIMMED)
    for lead in sorted(spaces | set(_TRIMMED)):
        assert commands(safe_output(f"x\n{lead}{lead}::error::y\n")) == [], repr(lead)
    assert safe_output("::warning file=a::b\n", commands=True) == "::warning file=a::b\n"
    assert safe_output(" ::warning file=a::b\n", commands=True) == " \\u003a:warning file=a::b\n"
    assert safe_output("a \U0001f600 \U0001fffe \U0010ffff") == "a \U0001f600 \\ud83f\\udffe \\udbff\\udfff"
