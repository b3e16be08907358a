"""The fact cache: a hit skips extraction, an edit or a new tool version is a miss, a broken
cache is a miss (never a crash), concurrent runs share it safely, and a row planted by someone
without the cache's secret is a miss."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys

import pytest
from conftest import lint, make_site

from privacylint import cache, workers

RULES = "version: 1\nsite: {url: 'https://example.org/'}\nstatement: {page: /privacy/}\n"


@pytest.fixture
def counted(monkeypatch):
    """How many files were extracted (not taken from the cache) in the runs of a test."""
    calls = []
    real = workers.extract_data

    def extract_data(data, url, facts, charset=None):
        calls.append(facts.path)
        return real(data, url, facts, charset)

    monkeypatch.setattr(workers, "extract_data", extract_data)
    return calls


@pytest.fixture
def site(tmp_path):
    return make_site(tmp_path / "site", {
        "index.html": '<a href="/privacy/">Privacy</a><img src="https://px.example.net/a.gif"><script src="/app.js"></script>',
        "privacy/index.html": "<h1>Privacy</h1>",
        "app.js": "document.cookie = 'seen=1';",
    })


def report(result) -> list:
    return [(f.check, f.path, f.line, f.column, f.subject, f.message) for f in result.findings]


def test_hit_skips_extraction_and_gives_the_same_report(site, tmp_path, counted):
    first = lint(site, RULES, cache_dir=str(tmp_path / "cache"))
    assert sorted(counted) == ["app.js", "index.html", "privacy/index.html"]
    counted.clear()
    second = lint(site, RULES, cache_dir=str(tmp_path / "cache"))
    assert counted == [] and report(second) == report(first) and report(first)


def test_an_edited_file_is_extracted_again(site, tmp_path, counted):
    lint(site, RULES, cache_dir=str(tmp_path / "cache"))
    counted.clear()
    (site / "app.js").write_text("document.cookie = 'other=1';", encoding="utf-8")
    result = lint(site, RULES, cache_dir=str(tmp_path / "cache"))
    assert counted == ["app.js"]
    assert [f.subject for f in result.findings if f.check == "PL201"] == ["other"]


def test_a_new_tool_or_catalogue_version_is_a_miss(site, tmp_path, counted, monkeypatch):
    lint(site, RULES, cache_dir=str(tmp_path / "cache"))
    counted.clear()
    monkeypatch.setattr(cache, "code_version", lambda: "another version")
    lint(site, RULES, cache_dir=str(tmp_path / "cache"))
    assert len(counted) == 3


def test_the_code_version_covers_extraction_code_and_catalogue():
    assert len(cache.code_version()) == 32  # a hash of extract/*.py, decode, facts, vendors and the catalogue


@pytest.mark.parametrize("damage", ["entries", "file", "schema"])
def test_a_broken_cache_is_a_miss_never_a_crash(site, tmp_path, counted, damage):
    folder = tmp_path / "cache"
    first = lint(site, RULES, cache_dir=str(folder))
    path = folder / cache._FILE
    if damage == "entries":
        with sqlite3.connect(path) as db:
            rows = db.execute("SELECT key FROM facts").fetchall()
            db.executemany("UPDATE facts SET data = ? WHERE key = ?",
                           [(b"not zlib", rows[0][0])] + [(__import__("zlib").compress(b'["x"]'), k) for k, in rows[1:]])
            db.execute("UPDATE folded SET data = ?", (__import__("zlib").compress(b'{"f": 1, "o": []}'),))
    elif damage == "file":
        path.write_bytes(b"this is not a database" * 100)
        for extra in folder.glob(cache._FILE + "-*"):
            extra.unlink()
    else:
        with sqlite3.connect(path) as db:
            db.execute("DROP TABLE facts")
            db.execute("CREATE TABLE facts (other TEXT)")
    counted.clear()
    again = lint(site, RULES, cache_dir=str(folder))
    assert report(again) == report(first)
    assert len(counted) == 3


def test_an_unwritable_cache_folder_is_no_cache(site, tmp_path, counted):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = lint(site, RULES, cache_dir=str(blocker / "cache"))
    assert result.findings and len(counted) == 3


def test_two_concurrent_runs_share_the_cache(tmp_path):
    pages = {f"p{i}/index.html": f'<a href="/privacy/">P</a><img src="https://px{i % 7}.example.net/a.gif">'
             for i in range(300)}
    site = make_site(tmp_path / "site", {**pages, "privacy/index.html": "<h1>Privacy</h1>"})
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    command = [sys.executable, "-m", "privacylint", str(site), "--rules", str(tmp_path / "rules.yaml"),
               "--cache-dir", str(tmp_path / "cache"), "--format", "json", "--jobs", "2"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [1, 1], [err for _, err in outputs]
    third = subprocess.run(command, capture_output=True, timeout=120)
    findings = [json.loads(out)["findings"] for out, _ in outputs] + [json.loads(third.stdout)["findings"]]
    assert findings[0] == findings[1] == findings[2] and len(findings[0]) == 301  # PL101 per page, PL302
    with sqlite3.connect(tmp_path / "cache" / cache._FILE) as db:
        assert db.execute("SELECT count(*) FROM facts").fetchone()[0] == 301


def test_a_rebuild_with_the_same_content_is_not_extracted_again(site, tmp_path, counted):
    """A generator rewrites every file (new mtimes): the stat signature misses, the content key hits."""
    lint(site, RULES, cache_dir=str(tmp_path / "cache"))
    counted.clear()
    for path in site.rglob("*.*"):
        path.write_bytes(path.read_bytes())
    lint(site, RULES, cache_dir=str(tmp_path / "cache"))
    assert counted == []


def test_cached_facts_serve_any_policy(tmp_path):
    """The site trims facts for its policy (links to the statement, links no check needs); the
    cache must keep them whole: a re-run with another statement page and the inventory's
    outbound sites give what a run without the cache gives."""
    site = make_site(tmp_path / "site", {
        "index.html": '<a href="privacy/">P</a> <a href="about/">A</a> <a href="https://out.example/x">o</a>',
        "privacy/index.html": "<h1>Privacy</h1>", "about/index.html": "<h1>About</h1>",
        "docs/a.html": '<a href="../about/">About</a> <a href="https://other.example/">x</a>'})
    about = RULES.replace("/privacy/", "/about/").replace("page:", "linked_from: every-page, page:")
    lint(site, RULES, cache_dir=str(tmp_path / "cache"))
    for _ in range(2):  # facts as extracted, then folded for this policy: both as without the cache
        cached = lint(site, about, cache_dir=str(tmp_path / "cache"))
        fresh = lint(site, about)
        assert report(cached) == report(fresh)
        assert cached.inventory == fresh.inventory
        assert cached.inventory["outbound_domains"] == ["other.example", "out.example"]
    with sqlite3.connect(tmp_path / "cache" / cache._FILE) as db:
        folds = db.execute("SELECT COUNT(DISTINCT fold), COUNT(*) FROM folded").fetchone()
    assert folds == (2, 8)  # each file folded once per policy


def test_an_unchanged_rerun_takes_folded_facts_and_folds_nothing(site, tmp_path, counted, monkeypatch):
    from privacylint.site.fold import Folder

    lint(site, RULES, cache_dir=str(tmp_path / "cache"))
    folds = []
    real = Folder.fold
    monkeypatch.setattr(Folder, "fold", lambda self, f: folds.append(f.path) or real(self, f))
    counted.clear()
    again = lint(site, RULES, cache_dir=str(tmp_path / "cache"))
    assert (counted, folds) == ([], [])
    assert report(again) == report(lint(site, RULES))


def test_a_data_script_over_the_size_cap_is_not_read_again(tmp_path, monkeypatch):
    """A search index of several MB is read whole once to see that it is only data; an unchanged
    re-run takes that verdict from the cache. A changed file, or another cap, is judged again."""
    from privacylint import extract

    index = "Search.setIndex(" + json.dumps({"terms": {f"t{i}": [i] for i in range(3000)}}) + ")\n"
    site = make_site(tmp_path / "site", {"index.html": '<a href="/privacy/">Privacy</a>',
                                         "privacy/index.html": "<h1>Privacy</h1>", "searchindex.js": index})
    judged = []
    real = extract.is_data
    monkeypatch.setattr(extract, "is_data", lambda text, start: judged.append(1) or real(text, start))
    cap = len(index) // 2
    first = lint(site, RULES, cache_dir=str(tmp_path / "cache"), max_file_size=cap)
    second = lint(site, RULES, cache_dir=str(tmp_path / "cache"), max_file_size=cap)
    assert len(judged) == 1 and report(second) == report(first)
    assert not any(f.path == "searchindex.js" for f in first.findings)
    lint(site, RULES, cache_dir=str(tmp_path / "cache"), max_file_size=cap - 1)
    assert len(judged) == 2
    (site / "searchindex.js").write_text(index.replace("t1", "u1"), encoding="utf-8")
    lint(site, RULES, cache_dir=str(tmp_path / "cache"), max_file_size=cap)
    assert len(judged) == 3


def test_a_lower_size_cap_is_not_answered_from_the_cache(site, tmp_path):
    lint(site, RULES, cache_dir=str(tmp_path / "cache"))
    result = lint(site, RULES, cache_dir=str(tmp_path / "cache"), max_file_size=10)
    assert ("PL001", "index.html", "too-large") in [(f.check, f.path, f.subject) for f in result.findings]


# -- sealed rows: a planted or malformed row is a miss (issue 19) ----------------------------------------------
def _rewrite(path, table: str, change) -> int:
    """Rewrite the data of every row of `table` with change(facts data) -> data, keeping each
    row's MAC (its first bytes): what someone who can write the database, not read the secret, can do."""
    import zlib

    with sqlite3.connect(path) as db:
        rows = db.execute(f"SELECT rowid, data FROM {table}").fetchall()
        for rowid, data in rows:
            mac, doc = data[:cache._MAC_SIZE], json.loads(zlib.decompress(data[cache._MAC_SIZE:]))
            facts = doc["f"] if table == "folded" else doc
            change(facts)
            db.execute(f"UPDATE {table} SET data = ? WHERE rowid = ?",
                       (mac + zlib.compress(json.dumps(doc).encode()), rowid))
    return len(rows)


def _hide_requests(facts: list) -> None:
    facts[3] = []  # no request: the tracker on index.html would vanish


def _malform(facts: list) -> None:
    facts[3] = [[5, 6, "x", None, 1, 2, 3]]  # a request whose URL is a number


@pytest.mark.parametrize("change", [_hide_requests, _malform])
def test_a_planted_or_malformed_row_is_a_miss(site, tmp_path, counted, change):
    folder = tmp_path / "cache"
    first = lint(site, RULES, cache_dir=str(folder))
    assert ("PL101", "index.html") in [(f.check, f.path) for f in first.findings]
    assert _rewrite(folder / cache._FILE, "facts", change) == 3
    assert _rewrite(folder / cache._FILE, "folded", change) == 3
    counted.clear()
    again = lint(site, RULES, cache_dir=str(folder))
    assert report(again) == report(first) and sorted(counted) == ["app.js", "index.html", "privacy/index.html"]


def test_a_signature_pointed_at_older_facts_is_a_miss(site, tmp_path, counted):
    """The page gains a tracker; a planted `seen` row maps its new signature to the facts of its
    clean past (a sealed row of the same path): the signature row's own MAC makes that a miss."""
    folder = tmp_path / "cache"
    (site / "index.html").write_text('<a href="/privacy/">Privacy</a>', encoding="utf-8")
    lint(site, RULES, cache_dir=str(folder))
    (site / "index.html").write_text('<a href="/privacy/">Privacy</a><img src="https://px.example.net/a.gif">',
                                     encoding="utf-8")
    first = lint(site, RULES, cache_dir=str(folder))
    store = cache.FactCache(folder)
    with sqlite3.connect(folder / cache._FILE) as db:
        pages = [k for k, in db.execute("SELECT key FROM facts") if store.get(k).path == "index.html"]
        assert len(pages) == 2
        sig, now = db.execute(f"SELECT sig, key FROM seen WHERE key IN {tuple(pages)} ORDER BY rowid DESC").fetchone()
        db.execute("UPDATE seen SET key = ? WHERE sig = ?", (next(k for k in pages if k != now), sig))
    store.close()
    counted.clear()
    again = lint(site, RULES, cache_dir=str(folder))
    assert report(again) == report(first) and ("PL101", "index.html") in [(f.check, f.path) for f in again.findings]


def test_a_database_without_its_secret_is_all_misses(site, tmp_path, counted):
    lint(site, RULES, cache_dir=str(tmp_path / "cache"))
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / cache._FILE).write_bytes((tmp_path / "cache" / cache._FILE).read_bytes())
    counted.clear()
    lint(site, RULES, cache_dir=str(tmp_path / "copy"))  # a new secret is made: no row verifies
    assert len(counted) == 3


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX owners and modes")
def test_the_secret_is_private_and_one_others_can_read_is_not_used(site, tmp_path, counted):
    folder = tmp_path / "cache"
    lint(site, RULES, cache_dir=str(folder))
    secret = folder / cache._SECRET
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600 and len(secret.read_bytes()) == 32
    secret.chmod(0o644)
    counted.clear()
    result = lint(site, RULES, cache_dir=str(folder))
    assert len(counted) == 3 and result.findings  # no cache: every file extracted, the same findings
    secret.chmod(0o600)
    os.rename(secret, folder / "elsewhere")
    os.symlink(folder / "elsewhere", secret)
    counted.clear()
    lint(site, RULES, cache_dir=str(folder))
    assert len(counted) == 3  # a secret that is a link is not followed
