"""Checks read facts, never files (issue 22): what a check needs from a page (the statement's
visible text, the links a visitor can see) is extracted once, under the size cap and the
symlink rules, and cached with the other facts."""

from __future__ import annotations

import ast
import builtins
import io
import os

import pytest
from conftest import REPO, found, lint, make_site

from privacylint import checks as checks_package
from privacylint.extract import extract_file, stream
from privacylint.extract.text import could_be_statement, sentences
from privacylint.facts import facts_from_data, facts_to_data

MODEL = [REPO / "src" / "privacylint" / "site", REPO / "src" / "privacylint" / "checks"]
# Calls and imports that read a file, or parse a page, by any road.
_CALLS = {"open", "read_text", "read_bytes", "fdopen", "scandir", "listdir", "walk", "iterdir", "stat", "lstat"}
_MODULES = {"io", "os", "pathlib", "shutil", "importlib.resources", "lxml", "html.parser", "mmap",
            "privacylint.decode", "privacylint.extract.html", "privacylint.extract.text", "privacylint.extract.stream"}

RULES = """\
version: 1
site: {url: 'https://example.org/'}
statement: {page: %s, contact: privacy@example.org}
collectors:
  - {name: Google Analytics, vendor: google-analytics}
"""
GA = '<script async src="https://www.googletagmanager.com/gtag/js?id=G-X"></script>'


def _statement_checks(result) -> list[str]:
    return sorted(f.check for f in result.findings if f.check.startswith("PL30"))


def _reads_in(path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in _CALLS:
                found.append(f"{path.name}:{node.lineno}: {name}()")
        elif isinstance(node, ast.Import):
            found += [f"{path.name}:{node.lineno}: import {a.name}" for a in node.names if a.name in _MODULES]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module in _MODULES:
            found.append(f"{path.name}:{node.lineno}: from {node.module}")
    return found


def test_no_module_of_the_model_or_the_checks_opens_a_file():
    modules = [p for folder in MODEL for p in sorted(folder.rglob("*.py"))]
    assert len(modules) > 20
    assert [hit for path in modules for hit in _reads_in(path)] == []


def test_the_guard_sees_a_read():
    """The AST test above can fail: a module that opens a file is caught."""
    sample = REPO / "src" / "privacylint" / "init" / "clues.py"  # init's reader of a build: it reads pages
    assert any("open()" in hit or "import os" in hit for hit in _reads_in(sample))


@pytest.fixture
def no_reads_in_checks(monkeypatch):
    """Every check runs with open() (builtins, io, os) failing; returns the reads attempted."""
    attempts: list[str] = []
    real = builtins.open

    def refuse(*args, **kwargs):
        attempts.append(str(args[0]) if args else "?")
        raise PermissionError("a check opened a file")

    for module in checks_package.REGISTRY:
        check = module.check

        def guarded(site, _check=check):
            saved = builtins.open, io.open, os.open
            builtins.open = io.open = os.open = refuse
            try:
                return list(_check(site))
            finally:
                builtins.open, io.open, os.open = saved

        monkeypatch.setattr(module, "check", guarded)
    yield attempts
    assert builtins.open is real


def test_a_full_run_opens_no_file_once_extraction_is_done(tmp_path, no_reads_in_checks):
    """The statement at a path that does not look like one (its text comes from the extractor on
    the engine's request), a homepage whose only link to it is hidden: the verdicts come from facts."""
    site = make_site(tmp_path / "site", {
        "index.html": f'{GA}<div hidden><a href="/about/">About</a></div>',
        "about/index.html": '<title>About us</title><p>We use Google Analytics.</p>'
                            '<a href="mailto:privacy@example.org">write</a>',
    })
    result = lint(site, RULES % "/about/")
    assert no_reads_in_checks == []
    assert _statement_checks(result) == ["PL302"]
    (site / "about" / "index.html").write_text("<title>About us</title><p>We count visits.</p>")
    result = lint(site, RULES % "/about/")
    assert no_reads_in_checks == []
    assert _statement_checks(result) == ["PL302", "PL303", "PL304"]


def test_a_statement_behind_a_symlink_out_of_the_site_is_not_read(tmp_path, no_reads_in_checks):
    """PL001 says the link was not followed; PL303 and PL304 give the same verdict whatever the
    outside file says (before: PL303 read the outside file's text)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    site = make_site(tmp_path / "site", {"index.html": f'{GA}<a href="/privacy/">Privacy</a>'})
    (site / "privacy").mkdir()
    os.symlink(outside / "statement.html", site / "privacy" / "index.html")
    verdicts = []
    for text in ("<p>We use Google Analytics.</p><a href='mailto:privacy@example.org'>mail</a>", "<p>Nothing.</p>"):
        (outside / "statement.html").write_text(text)
        verdicts.append([f for f in found(lint(site, RULES % "/privacy/")) if f[0][:4] in ("PL00", "PL30")])
    assert no_reads_in_checks == []
    assert verdicts[0] == verdicts[1] == [("PL001", "privacy/index.html", None, "symlink")]


def test_a_statement_over_the_size_cap_is_not_parsed_at_check_time(tmp_path, no_reads_in_checks, monkeypatch):
    site = make_site(tmp_path / "site", {
        "index.html": f'{GA}<a href="/privacy/">Privacy</a>',
        "privacy/index.html": "<p>We use Google Analytics.</p>" + "<p>padding</p>" * 1000,
    })
    parsed = []
    monkeypatch.setattr("privacylint.extract.text.sentences", lambda text: parsed.append(len(text)) or [])
    result = lint(site, RULES % "/privacy/", max_file_size=4096)
    assert no_reads_in_checks == [] and parsed == []
    assert [(f.check, f.path) for f in result.findings if f.check[:4] in ("PL00", "PL30")] == [
        ("PL001", "privacy/index.html")]


def test_the_statement_text_and_hidden_links_are_cached_facts(tmp_path):
    page = tmp_path / "privacy.html"
    page.write_text('<title>Privacy</title>\n<p>We use no cookies.\nWe do not track you.</p>\n'
                    '<div style="display:none"><a href="https://example.org/x">x</a></div>'
                    '<a href="https://example.org/y">y</a>')
    facts = extract_file(str(page), "privacy.html", "https://example.org/privacy.html", 10**6)
    assert [(s.text, s.line) for s in facts.text] == [("We use no cookies.", 2), ("We do not track you.", 3),
                                                            ("y", 4)]
    assert [(link.url, link.hidden) for link in facts.links] == [("https://example.org/x", True),
                                                                 ("https://example.org/y", False)]
    again = facts_from_data(facts_to_data(facts))
    assert again.text == facts.text and again.links == facts.links


def test_only_pages_that_could_be_a_statement_keep_their_text(tmp_path):
    assert could_be_statement("datenschutz/index.html", "")
    assert could_be_statement("legal/notice.html", "")
    assert could_be_statement("about/index.html", "<head><title>Politique de confidentialité</title>")
    assert could_be_statement("p/42.html", "<title>Informativa sulla privacy</title>")
    assert not could_be_statement("docs/install.html", "<title>Installing</title><p>privacy</p>")
    page = tmp_path / "install.html"
    page.write_text("<title>Install</title><p>Run it.</p>")
    assert extract_file(str(page), "install.html", "https://example.org/install.html", 10**6).text is None


@pytest.mark.parametrize("streamed", [False, True])
def test_links_in_hidden_containers_are_marked_by_both_walkers(tmp_path, monkeypatch, streamed):
    monkeypatch.setattr(stream, "STREAM_FROM", 0 if streamed else 10**12)
    page = tmp_path / "index.html"
    page.write_text('<div aria-hidden="true"><p><a href="https://example.org/a">a</a></p></div>'
                    '<footer hidden><a href="/privacy/">P</a></footer><nav><a href="/about/">A</a></nav>'
                    '<span aria-hidden="true"></span><a href="https://example.org/b">b</a>')
    facts = extract_file(str(page), "index.html", "https://example.org/", 10**6)
    assert [(link.url, link.hidden) for link in facts.links] == [("https://example.org/a", True),
                                                                 ("https://example.org/b", False)]
    assert facts.local_links == ("/about/",)


def test_sentences_skip_what_no_visitor_reads():
    text = ('<head><title>T</title><style>p{}</style></head><body><h2>Cookies</h2>'
            '<p>We use <b>no</b> cookies. See e.g. the law.</p><script>var a = "We track you."</script>'
            '<div hidden>Hidden text.</div><noscript>Enable scripts.</noscript><p>Last one</p></body>')
    assert [(s.text, s.heading) for s in sentences(text)] == [
        ("Cookies", 2), ("We use no cookies.", 0), ("See e.g. the law.", 0), ("Last one", 0)]


def test_the_statement_text_comes_back_from_the_fact_cache(tmp_path, no_reads_in_checks):
    site = make_site(tmp_path / "site", {
        "index.html": f'{GA}<a href="/privacy/">Privacy</a>',
        "privacy/index.html": '<p>We use Google Analytics.</p><a href="mailto:privacy@example.org">mail</a>',
    })
    cache = tmp_path / "cache"
    first = lint(site, RULES % "/privacy/", cache_dir=str(cache))
    again = lint(site, RULES % "/privacy/", cache_dir=str(cache))
    assert _statement_checks(first) == _statement_checks(again) == []
    assert no_reads_in_checks == []
