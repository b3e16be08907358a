"""Pages read from the streaming tokenizer (extract/tokens.py, lol_html) against the tree (lxml) and
an HTML5 tree builder (html5lib): the same tags, attributes and facts, exact positions."""

from __future__ import annotations

import glob
import os

import pytest

from privacylint.extract import extract_data, html, tokens
from privacylint.facts import FileFacts

lolhtml = pytest.importorskip("lolhtml")
HERE = os.path.dirname(__file__)
ROOT = os.path.dirname(HERE)
DOCS = "/work/main/benchmarks/.corpus/docs"  # the benchmark corpus, where it was built (not in CI)
PAGES = sorted(glob.glob(os.path.join(HERE, "fuzz-corpus", "seeds", "*.html"))
               + glob.glob(os.path.join(ROOT, "examples", "**", "*.html"), recursive=True))
DOCS_SAMPLE = sorted(glob.glob(os.path.join(DOCS, "*", "*.html")))[::97]


def facts_of(data: bytes, tokenizer: bool, monkeypatch) -> FileFacts:
    with monkeypatch.context() as m:
        if not tokenizer:
            m.setattr(tokens, "lolhtml", None)
        facts = FileFacts("page.html", "page")
        extract_data(data, "https://example.org/dir/page.html", facts)
    return facts


def read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


@pytest.mark.parametrize("path", PAGES + DOCS_SAMPLE, ids=os.path.basename)
def test_tokenizer_facts_are_the_trees(path, monkeypatch):
    data = read(path)
    assert facts_of(data, True, monkeypatch) == facts_of(data, False, monkeypatch)


CASES = {
    "noscript content is markup, and loads with scripting off":
        b'<p>x</p><noscript><img src="https://t.example.net/p.gif"></noscript><img src="https://a.example/b.png">',
    "character references as in an attribute": b'<a href="https://x.example/?a=1&copy=2&amp;b=&lt;&#x41;">l</a>'
                                                b'<img src="https://x.example/i?q&notit;&not=1&not">',
    "a tag over several lines": b'<p>\n<img\n  alt="a > b"\n  src="https://x.example/y.png"\n>\n<a href=\n'
                                b'"https://ext.example/">e</a>',
    "first of a repeated attribute": b'<img src="https://one.example/a" SRC="https://two.example/b">',
    "base before and after": b'<link rel=stylesheet href="s.css"><base href="https://cdn.example/x/"><a href=p>p</a>',
    "svg script href": b'<svg><script href="https://t.example.net/s.js"></script></svg>',
    "style attributes and backgrounds": b'<div style="background:url(https://t.example.net/bg.png)">'
                                        b'<noscript><p style="background:url(//t.example.net/n.png)"></noscript></div>'
                                        b'<table background="https://t.example.net/t.png"><td background="x.png">',
    "non-ascii before tags": "<p>\u00e9t\u00e9 \u2019 \U0001f600</p>\n<p>\u00e9<img src='https://x.example/\u00e9.png'>"
                             "<script>document.cookie='a=1'</script>".encode(),
    "inline script and style text": b"<style>@import url(https://fonts.example/a.css);</style>\n<script>\n"
                                    b"fetch('https://t.example.net/c');</script><script type=importmap>"
                                    b'{"imports":{"x":"https://cdn.example/x.js"}}</script>',
    "meta": b'<meta name=referrer content=" No-Referrer "><meta http-equiv=refresh content="0; url=https://r.example/">'
            b'<meta http-equiv=Content-Security-Policy content="default-src \'self\'">',
}


@pytest.mark.parametrize("name", CASES)
def test_tokenizer_cases_match_the_tree(name, monkeypatch):
    data = CASES[name]
    assert facts_of(data, True, monkeypatch) == facts_of(data, False, monkeypatch)


def test_noscript_content_is_read_as_markup(monkeypatch):
    facts = facts_of(CASES["noscript content is markup, and loads with scripting off"], True, monkeypatch)
    assert [(r.url, r.noscript, r.column) for r in facts.requests] == [
        ("https://t.example.net/p.gif", True, 19), ("https://a.example/b.png", False, 69)]


RAW_TEXT = (b'<title><img src="https://t.example.net/1"></title><textarea><script src="//t.example.net/2">'
            b'</script></textarea><iframe><img src="https://t.example.net/3"></iframe>'
            b'<!-- <script src="https://t.example.net/4"></script> --><script src="https://t.example.net/5">'
            b"</script>")


def test_raw_text_hides_what_looks_like_tags(monkeypatch):
    """Only the last script loads; it is placed where it begins (the tree gives its line, and the
    search for `<script` on that line found the one in the <textarea>, column 61)."""
    facts = facts_of(RAW_TEXT, True, monkeypatch)
    assert [(r.url, r.column) for r in facts.requests] == [("https://t.example.net/5", 221)]
    assert [r.url for r in facts_of(RAW_TEXT, False, monkeypatch).requests] == ["https://t.example.net/5"]


def test_attribute_references_decode_as_browsers_decode_them():
    assert tokens.unescape_attribute("?a=1&copy=2&amp;b=&lt;&#x41;&#0;") == "?a=1&copy=2&b=<A\ufffd"
    assert tokens.unescape_attribute("&notit;&not=1&not") == "&notit;&not=1\u00ac"
    assert tokens.unescape_attribute("&notin;&nosuch;") == "\u2209&nosuch;"


def test_a_tag_is_placed_where_it_begins(monkeypatch):
    """Exact positions: the line the tag starts on, its column; no line table built for it."""
    data = b'<!-- <img src="x"> --><img src="https://a.example/1.png">\n<p><img\nsrc="https://a.example/2.png">'
    facts = facts_of(data, True, monkeypatch)
    assert [(r.line, r.column) for r in facts.requests] == [(1, 23), (2, 4)]


def test_pages_the_tokenizer_leaves_to_the_tree():
    assert tokens.refusal(b"<template><img src=x></template>") is not None
    assert tokens.refusal(b"<img data-privacylint-ignore=pl101 src=x>") is not None
    assert tokens.refusal(b"<noscript><img src=x></noscript>") is None


@pytest.mark.parametrize("markup", [b"<template><img src='https://t.example.net/t.png'></template><img src=a.png>",
                                    b"<div data-privacylint-ignore='PL101: ok'><img src='https://t.example.net/x'></div>"])
def test_refused_pages_keep_the_trees_facts(markup, monkeypatch):
    calls = []
    monkeypatch.setattr(tokens, "extract", lambda *a: calls.append(a))
    facts = FileFacts("page.html", "page")
    extract_data(markup, "https://example.org/", facts)
    assert calls == [] and not facts.problems
    assert "https://t.example.net/t.png" not in [r.url for r in facts.requests]


def test_markup_the_tokenizer_refuses_goes_to_the_tree(monkeypatch):
    class Refusing:
        def __init__(self, sink):
            pass

        def on(self, selector, handler):
            pass

        def write(self, chunk):
            raise RuntimeError("Parsing ambiguity error")

    data = b'<img src="https://t.example.net/x.png">'
    expected = facts_of(data, False, monkeypatch)
    monkeypatch.setattr(tokens.lolhtml, "HTMLRewriter", Refusing)
    assert facts_of(data, True, monkeypatch) == expected


def test_a_handlers_error_is_its_own_not_the_bindings(monkeypatch):
    """A bug in a handler is reported with its own type (as on the tree), not as the binding's RuntimeError."""
    def broken(self, tag, el):
        raise KeyError("boom")

    monkeypatch.setattr(html._PageWalker, "_element", broken)
    facts = FileFacts("page.html", "page")
    extract_data(b'<img src="https://t.example.net/x.png">', "https://example.org/", facts)
    assert [p.message for p in facts.problems] == [
        "could not be analysed (KeyError: 'boom'; please report this), so it was not checked."]


# The tokenizer against an HTML5 tree builder: html5lib's parser switches its tokenizer's state as
# the standard says (raw text, RCDATA, foreign content, scripting on: <noscript> is raw text, as it
# is to lol_html); every start tag it reads, with its attributes, must be what lol_html reports.

def html5_start_tags(data: bytes) -> list[tuple[str, dict]]:
    html5lib = pytest.importorskip("html5lib")
    from html5lib import _tokenizer

    seen: list[tuple[str, dict]] = []
    original = _tokenizer.HTMLTokenizer.__iter__

    def recording(self):
        for token in original(self):
            if token["type"] == _tokenizer.tokenTypes["StartTag"]:
                seen.append((token["name"], dict(token["data"])))
            yield token

    _tokenizer.HTMLTokenizer.__iter__ = recording
    try:
        html5lib.HTMLParser().parse(data, scripting=True, useChardet=False, transport_encoding="utf-8")
    finally:
        _tokenizer.HTMLTokenizer.__iter__ = original
    return seen


def lolhtml_start_tags(data: bytes) -> list[tuple[str, dict]]:
    seen: list[tuple[str, dict]] = []
    sink = bytearray()

    class Every:
        def element(self, e):
            assert data[len(sink):len(sink) + 1 + len(e.tag_name)].lower() == b"<" + e.tag_name.encode()
            seen.append((e.tag_name, dict(tokens.Tag(e.tag_name, e.attributes, 0, False))))

    rewriter = lolhtml.HTMLRewriter(sink.extend)
    rewriter.on("*", Every())
    rewriter.write(data)
    rewriter.end()
    return seen


@pytest.mark.parametrize("path", PAGES + DOCS_SAMPLE, ids=os.path.basename)
def test_tokenizer_reads_the_start_tags_an_html5_parser_reads(path):
    data = read(path)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: the tokenizer is given the decoded page's UTF-8")
    assert lolhtml_start_tags(data) == html5_start_tags(data)
