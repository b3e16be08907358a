"""Property-based fuzzing of the surfaces a pull request or a shared runner can write (issue 19):
the fact cache's rows and the strings `init` drafts rules.yaml from.

- A cache row of any bytes, in any column, is a miss: the run's report equals an uncached run's,
  never an internal error and never facts the row's writer chose.
- A storage key or cookie name of any text a script can hold, on a page whose file name is any
  text a file system takes: `init` drafts a rules.yaml that loads and declares that write exactly
  (the re-run has no PL201 for it), and prints no runner command.

Bounded like tests/test_fuzz.py: PRIVACYLINT_FUZZ_EXAMPLES examples per property (60 by default;
.ci/run runs more).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import string

import pytest
from conftest import lint, make_site
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from privacylint import cache, cli
from privacylint.report import render

EXAMPLES = int(os.environ.get("PRIVACYLINT_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
RULES = "version: 1\nsite: {url: https://example.org/}\nstatement: {page: /privacy/}\n"
TRIMMED = " \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def _report(result) -> dict:
    report = json.loads(render("json", result))
    del report["stats"]  # its time differs run to run
    return report


@pytest.fixture(scope="module")
def cached(tmp_path_factory):
    """A small site, its uncached report, and a cache folder filled by one run."""
    root = tmp_path_factory.mktemp("cached")
    site = make_site(root / "site", {
        "index.html": '<a href="/privacy/">Privacy</a><img src="https://px.example.net/a.gif">'
                      '<script src="/app.js"></script>',
        "app.js": "localStorage.setItem('theme', 'dark');",
        "privacy/index.html": "<h1>Privacy</h1>"})
    folder = root / "cache"
    expected = _report(lint(site, RULES))
    lint(site, RULES, cache_dir=str(folder))
    return site, folder, expected


def _columns(db) -> list[tuple[str, str]]:
    tables = [t for t, in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return [(t, c[1]) for t in tables for c in db.execute(f"PRAGMA table_info({t})")]


values = st.one_of(st.binary(max_size=200), st.text(max_size=60), st.integers(-2**63, 2**63 - 1), st.none(), st.floats())


@FUZZ
@given(st.data(), values)
def test_a_cache_row_of_any_bytes_is_a_miss(cached, tmp_path_factory, data, value):
    site, folder, expected = cached
    copy = tmp_path_factory.mktemp("copy") / "cache"
    shutil.copytree(folder, copy)
    with sqlite3.connect(copy / cache._FILE) as db:
        table, column = data.draw(st.sampled_from(_columns(db)))
        keep_prefix = data.draw(st.booleans())
        try:
            if keep_prefix and isinstance(value, bytes):  # the row's MAC kept, the rest replaced
                db.execute(f"UPDATE {table} SET {column} = substr({column}, 1, ?) || ?", (cache._MAC_SIZE, value))
            else:
                db.execute(f"UPDATE {table} SET {column} = ?", (value,))
        except sqlite3.IntegrityError:
            assume(False)  # the schema refuses it: nobody can plant it
    assert _report(lint(site, RULES, cache_dir=str(copy))) == expected


# A storage key: any text a script string can hold (lone surrogates, controls, separators,
# glob characters, runner commands), not empty and without "=" or ";" (a cookie's own syntax).
keys = st.lists(st.characters(blacklist_characters="=;\x00") | st.sampled_from(
    ["*", "?", "[", "]", "::", "##[", "\u2028", "\u202e", "\x1b"]), min_size=1, max_size=8).map("".join).filter(
    lambda k: k.strip(TRIMMED + "\r\n\x0b\x0c\x1c\x1d\x1e\x1f\x85") == k and k.strip())
names = st.text(string.ascii_letters + "-_ .\u2028\u00e9\u202e", min_size=1, max_size=10).filter(
    lambda n: n.strip(" .") == n and n not in ("index", "privacy"))


@FUZZ
@given(keys, names)
def test_init_drafts_any_key_on_any_page_exactly(tmp_path_factory, capsys, key, name):
    root = tmp_path_factory.mktemp("init")
    make_site(root / "site", {
        "index.html": '<html><head><link rel="canonical" href="https://kubevirt.io/"></head>'
                      '<body><a href="/privacy/">Privacy</a></body></html>',
        "privacy/index.html": "<h1>Privacy</h1>",
        f"{name}.html": f"<script>localStorage.setItem({json.dumps(key)}, 1);</script>"})
    cwd = os.getcwd()
    os.chdir(root)
    try:
        code = cli.main(["init", "site", "--no-cache", "-o", "drafted.yaml", "--force"])
        out, err = capsys.readouterr()
        assert code == 0 and "internal error" not in err, err
        text = (root / "drafted.yaml").read_text(encoding="utf-8")
        assert not [line for line in (text + out + err).splitlines()
                    if "##[" in line or line.lstrip(TRIMMED).startswith("::")]
        assert YAML(typ="safe").load(text)["version"] == 1
        cli.main(["site", "--rules", "drafted.yaml", "--format", "json", "--no-cache"])
        findings = json.loads(capsys.readouterr().out)["findings"]
        assert [f for f in findings if f["check"] == "PL201"] == []
    finally:
        os.chdir(cwd)


# A HAR file is another tool's output, maybe a hostile one: any JSON shaped like a HAR, with any
# value where a string, a list or an object belongs, gives findings or a usage error (exit 2), never
# an internal error.
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                      max_size=3), max_leaves=8)
urls = st.sampled_from(["https://example.org/", "https://example.org/blog/", "https://connect.facebook.net/x.js",
                        "http://[::1/", "https://例え.jp/\u2028", "data:,x", ""]) | st.text(max_size=30)


def _maybe(value_strategy):
    return value_strategy | json_values


entries = st.fixed_dictionaries({
    "pageref": _maybe(st.sampled_from(["home", "blog", "nope"])),
    "request": _maybe(st.fixed_dictionaries({"method": _maybe(st.just("GET")), "url": _maybe(urls)})),
    "response": _maybe(st.fixed_dictionaries({"status": _maybe(st.just(200)), "headers": _maybe(st.lists(
        st.fixed_dictionaries({"name": _maybe(st.sampled_from(["Set-Cookie", "set-cookie"])),
                               "value": _maybe(st.text(max_size=40))}), max_size=3)),
        "cookies": _maybe(st.lists(st.fixed_dictionaries({"name": _maybe(st.text(max_size=10))}), max_size=2))})),
    "_resourceType": _maybe(st.sampled_from(["script", "image", "websocket"])),
})
hars = st.fixed_dictionaries({"log": _maybe(st.fixed_dictionaries({
    "version": _maybe(st.just("1.2")),
    "pages": _maybe(st.lists(st.fixed_dictionaries({"id": _maybe(st.sampled_from(["home", "blog"])),
                                                    "title": _maybe(urls)}), max_size=3)),
    "entries": _maybe(st.lists(entries, max_size=4))}))})


@FUZZ
@given(hars)
def test_any_har_gives_findings_or_a_usage_error(tmp_path_factory, capsys, doc):
    root = tmp_path_factory.mktemp("har")
    make_site(root / "_site", {"index.html": '<a href="/privacy/">P</a>', "privacy/index.html": "<h1>P</h1>",
                               "blog/index.html": "<p>blog</p>"})
    (root / "rules.yaml").write_text(RULES, encoding="utf-8")
    (root / "x.har").write_text(json.dumps(doc), encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(root)
    try:
        code = cli.main(["_site", "--har", "x.har", "--format", "json", "--no-cache"])
        out, err = capsys.readouterr()
    finally:
        os.chdir(cwd)
    assert code in (0, 1, 2) and "internal error" not in err and "Traceback" not in err, err
    if code != 2:
        json.loads(out)
