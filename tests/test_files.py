"""Bad input: each file problem is a PL001 finding and the rest of the site is still checked."""

from __future__ import annotations

import codecs
import os

import pytest
from conftest import found, lint, make_site

from privacylint.decode import decode_utf8

GOOD_PAGES = {"index.html": '<a href="/privacy/">Privacy</a>', "privacy/index.html": "<h1>Privacy</h1>"}
COLLECTOR = '<script src="https://tracker.example.net/t.js"></script>'


def test_binary_file_named_html_is_skipped_and_the_rest_checked(tmp_path):
    site = make_site(tmp_path / "site", {**GOOD_PAGES, "a.html": b"GIF89a\x00\x01\x02", "b.html": COLLECTOR})
    assert found(lint(site)) == [("PL001", "a.html", 1, "binary"), ("PL101", "b.html", 1, "example.net")]
    assert lint(site).findings[0].severity == "error"


def test_invalid_utf8_is_a_warning_and_the_page_still_checked(tmp_path):
    site = make_site(tmp_path / "site", {**GOOD_PAGES,
                                         "a.html": b'<meta charset="utf-8">\n<p>caf\xe9</p>\n' + COLLECTOR.encode()})
    result = lint(site)
    assert found(result) == [("PL001", "a.html", 2, "decode"), ("PL101", "a.html", 3, "example.net")]
    assert result.findings[0].severity == "warning"


def test_undeclared_non_utf8_page_is_decoded_by_a_guess(tmp_path):
    site = make_site(tmp_path / "site", {**GOOD_PAGES, "a.html": "<p>Grüße</p>\n".encode("cp1252")})
    (finding,) = lint(site).findings
    assert (finding.subject, finding.severity) == ("decode", "warning")
    assert "declares no charset" in finding.message


@pytest.mark.parametrize("data, same", [
    ("<p>Grüße ¶</p>".encode(), True),  # no charset, valid UTF-8
    ('<meta charset="utf-8"><p>¶</p>'.encode(), True),
    ('<meta charset="utf-16"><p>¶</p>'.encode(), True),  # a meta UTF-16 label means UTF-8
    (codecs.BOM_UTF8 + "<p>¶</p>".encode(), False),  # the text has no BOM: not the same bytes
    ('<meta charset="iso-8859-1"><p>\xb6</p>'.encode("latin-1"), False),
    ("<p>Grüße</p>".encode("cp1252"), False),  # guessed
    (b'<meta charset="utf-8"><p>caf\xe9</p>', False),  # replaced
])
def test_a_page_is_parsed_from_its_own_bytes_only_when_they_are_its_utf8(data, same):
    text, _, is_utf8 = decode_utf8(data, "page")
    assert is_utf8 == same
    if is_utf8:
        assert text.encode("utf-8") == data


def test_symlink_out_of_the_tree_is_reported_not_followed(tmp_path):
    outside = make_site(tmp_path / "outside", {"secret.html": COLLECTOR})
    site = make_site(tmp_path / "site", GOOD_PAGES)
    os.symlink(outside / "secret.html", site / "linked.html")
    os.symlink(outside, site / "linked-dir")
    assert found(lint(site)) == [("PL001", "linked-dir", None, "symlink"), ("PL001", "linked.html", None, "symlink")]


def test_symlink_loops_inside_the_tree_are_followed_once(tmp_path):
    site = make_site(tmp_path / "site", {**GOOD_PAGES, "docs/a.html": COLLECTOR})
    os.symlink("..", site / "docs" / "up")
    os.symlink("a.html", site / "docs" / "b.html")
    assert found(lint(site)) == [("PL101", "docs/a.html", 1, "example.net"), ("PL101", "docs/b.html", 1, "example.net")]


def test_broken_symlink_is_reported(tmp_path):
    site = make_site(tmp_path / "site", GOOD_PAGES)
    os.symlink("missing.html", site / "gone.html")
    assert found(lint(site)) == [("PL001", "gone.html", None, "unreadable")]


def test_file_over_the_size_limit_is_skipped(tmp_path):
    site = make_site(tmp_path / "site", {**GOOD_PAGES, "big.js": "var s = 1;\n" * 200})
    assert found(lint(site, max_file_size=1000)) == [("PL001", "big.js", None, "too-large")]


def test_unreadable_file_is_an_error_not_a_crash(tmp_path):
    from privacylint.extract import extract_file

    facts = extract_file(str(tmp_path), "x.html", "https://example.org/x.html", 10**9)  # a directory: open() fails
    assert [(p.subject, p.severity) for p in facts.problems] == [("unreadable", "error")]


@pytest.mark.parametrize("threshold, pooled", [(16 * 1024 * 1024, False), (0, True)])
def test_with_no_jobs_given_a_small_site_runs_in_one_process(tmp_path, monkeypatch, threshold, pooled):
    """Starting workers costs what they save on a small site; an explicit --jobs is obeyed."""
    from privacylint import workers

    started = []
    real = workers.multiprocessing.get_context
    monkeypatch.setattr(workers.multiprocessing, "get_context", lambda how: started.append(how) or real(how))
    monkeypatch.setattr(workers, "AUTO_PARALLEL_BYTES", threshold)
    monkeypatch.setattr(workers.os, "cpu_count", lambda: 2)
    pages = {f"p{i:03}.html": COLLECTOR if i % 7 == 0 else "<p>x</p>" for i in range(120)}
    site = make_site(tmp_path / "site", {**GOOD_PAGES, **pages})
    auto = lint(site, jobs=None)
    assert bool(started) == pooled
    assert auto.findings == lint(site, jobs=1).findings


def test_empty_and_whitespace_pages(tmp_path):
    site = make_site(tmp_path / "site", {**GOOD_PAGES, "empty.html": "", "blank.html": "  \n\n"})
    assert found(lint(site)) == []


def test_parallel_extraction_gives_the_same_result(tmp_path):
    pages = {f"p{i:03}.html": COLLECTOR if i % 7 == 0 else "<p>x</p>" for i in range(120)}
    site = make_site(tmp_path / "site", {**GOOD_PAGES, **pages})
    assert lint(site, jobs=2).findings == lint(site, jobs=1).findings
