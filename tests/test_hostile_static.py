"""Hostile input, second round (issue 19), static reading: each case hid a load a browser makes.

The charset cases are checked against Chromium itself (offline, as `--browser` loads pages):
what privacylint decodes must be what Chromium decodes, case by case."""

from __future__ import annotations

import os
import shutil

import pytest
from conftest import BASE_RULES, found, lint, make_site, needs

from privacylint.charset import meta_charsets
from privacylint.decode import decode_utf8

TRACKER = b'<script src="https://tracker.example.net/t.js"></script>'
KR = b'charset="iso-2022-kr"'  # a "replacement" label: a page declaring it decodes to nothing
# (markup before the tracker, whether Chromium honours the meta: the page then decodes to nothing)
CHARSET_CASES = {
    "comment": (b"<!-- <meta " + KR + b"> -->", False),
    "description": (b'<meta name="description" content="x charset=iso-2022-kr y">', False),
    "data-charset": (b'<meta data-charset="iso-2022-kr">', False),
    "script-string": (b"<script>var s = '<meta " + KR + b">';</script>", False),
    "title": (b"<title><meta " + KR + b"></title>", False),
    "style": (b"<style>/* <meta " + KR + b"> */</style>", False),
    "textarea": (b"<textarea><meta " + KR + b"></textarea>", False),
    "attribute": (b'<a title="<meta charset=iso-2022-kr>"></a>', False),
    "content-without-pragma": (b'<meta content="text/html; charset=iso-2022-kr">', False),
    "after-body-content": (b"<p>" + b"x" * 1100 + b"</p><meta " + KR + b">", False),
    "processing-instruction": (b"<?xml <meta " + KR + b"> ?>", False),
    "plain": (b"<meta " + KR + b">", True),
    "http-equiv": (b'<meta http-equiv="Content-Type" content="text/html; charset=iso-2022-kr">', True),
    "pragma-after-content": (b'<meta content="text/html; charset=iso-2022-kr" http-equiv="content-type">', True),
    "noscript": (b"<noscript><meta " + KR + b"></noscript>", True),
    "template": (b"<template><meta " + KR + b"></template>", True),
    "late-in-head": (b"<head><script>" + b"var x=1;" * 300 + b"</script><meta " + KR + b">", True),
    "unknown-label-first": (b'<meta charset="foo"><meta ' + KR + b">", True),
    "last-charset-wins": (b'<meta charset="utf-8" ' + KR + b">", True),
    "slash": (b"<meta/" + KR + b">", True),
}


@pytest.mark.parametrize("name", sorted(CHARSET_CASES))
def test_a_charset_counts_where_chromium_honours_it(name):
    markup, honoured = CHARSET_CASES[name]
    text, problem, _ = decode_utf8(markup + TRACKER, "page")
    assert (text == "") is honoured, (text[:80], problem)
    assert ("iso-2022-kr" in [label.lower() for label in meta_charsets(markup + TRACKER)]) is honoured


@pytest.mark.parametrize("name", [n for n, (_, honoured) in sorted(CHARSET_CASES.items()) if not honoured])
def test_a_charset_browsers_ignore_cannot_hide_a_tracker(tmp_path, name):
    """Before: the page "decoded to nothing", PL001 warning, exit 0; Chromium loads the tracker."""
    site = make_site(tmp_path / "site", {"index.html": CHARSET_CASES[name][0] + TRACKER + b'<a href="/privacy/">P</a>',
                                         "privacy/index.html": "<h1>P</h1>"})
    assert found(lint(site), "PL101") == [("PL101", "index.html", 1, "example.net")]


def test_chromium_agrees_on_every_charset_case():
    """The referee: each case loaded in Chromium, offline; the tracker is requested exactly where
    privacylint decodes the page to something."""
    pytest.importorskip("playwright.sync_api")
    needs("chromium", bool(shutil.which("chromium")), "install it with: apt-get install chromium", "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                    args=["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND"])
        try:
            for name, (markup, honoured) in sorted(CHARSET_CASES.items()):
                context = browser.new_context()
                seen: list[str] = []
                context.route("**/*", _serve(markup + TRACKER, seen))
                page = context.new_page()
                page.goto("http://site.test/", wait_until="load", timeout=15000)
                assert bool(seen) is not honoured, name
                context.close()
        finally:
            browser.close()


def _serve(body: bytes, seen: list[str]):
    """A route answering the page and recording (and aborting) everything else."""
    def route(r, _request) -> None:
        if r.request.url.startswith("http://site.test/"):
            r.fulfill(status=200, body=body, headers={"content-type": "text/html"})
        else:
            seen.append(r.request.url)
            r.abort()
    return route


def test_a_transport_charset_in_headers_wins_over_the_page(tmp_path):
    """ISO-2022-JP's escape to ASCII vanishes when the page is decoded as the _headers file says,
    and the tracker's host appears; read as UTF-8 the host is broken."""
    page = b'<script src="https://tr\x1b(Backer.example.net/t.js"></script><a href="/privacy/">P</a>'
    files = {"index.html": page, "privacy/index.html": "<h1>P</h1>"}
    site = make_site(tmp_path / "plain", files)
    assert found(lint(site), "PL101") == []
    headers = "/*\n  Content-Type: text/html; charset=iso-2022-jp\n"
    site = make_site(tmp_path / "site", {**files, "_headers": headers})
    assert found(lint(site), "PL101") == [("PL101", "index.html", 1, "example.net")]
    # only where the rule applies: /docs/* leaves the homepage alone
    site = make_site(tmp_path / "scoped", {**files, "_headers": headers.replace("/*", "/docs/*")})
    assert found(lint(site), "PL101") == []


@pytest.mark.parametrize("rule, path, applies", [
    ("/*", "index.html", True), ("/docs/*", "docs/a.html", True), ("/docs/*", "index.html", False),
    ("/privacy/", "privacy/index.html", True), ("/blog/:slug", "blog/x.html", True),
    ("/(.*)", "a/b/index.html", True), ("/:path*", "a/b.html", True), ("https://example.org/*", "a.html", True),
])
def test_header_rules_cover_the_paths_netlify_and_vercel_say(rule, path, applies):
    from privacylint.siteconfig import HeaderValue, SiteConfig, content_charset

    config = SiteConfig(headers=[HeaderValue("_headers", True, 2, 3, "content-type",
                                             "text/html; charset=shift_jis", rule)])
    assert (content_charset(config, path) == "shift_jis") is applies


@pytest.mark.parametrize("markup, subject", [
    ('<iframe srcdoc="&lt;script src=&quot;https://tracker.example.net/t.js&quot;&gt;&lt;/script&gt;"></iframe>',
     "example.net"),
    ('<svg><script href="https://tracker.example.net/t.js"></script></svg>', "example.net"),
    ('<svg><script xlink:href="https://tracker.example.net/t.js"></script></svg>', "example.net"),
    ('<script type="importmap">{"imports": {"t": "https://tracker.example.net/t.js"}}</script>', "example.net"),
    ('<meta http-equiv="refresh" content="0 url=https://tracker.example.net/">', "example.net"),
    ('<meta http-equiv="refresh" content="0;URL=\'https://tracker.example.net/\'">', "example.net"),
])
def test_markup_that_loads_in_a_browser_is_a_contact(tmp_path, markup, subject):
    site = make_site(tmp_path / "site", {"index.html": markup + '<a href="/privacy/">P</a>',
                                         "privacy/index.html": "<h1>P</h1>"})
    assert [f[3] for f in found(lint(site), "PL101")] == [subject]


def test_an_html_script_href_outside_svg_loads_nothing(tmp_path):
    site = make_site(tmp_path / "site", {"index.html": '<script href="https://tracker.example.net/t.js"></script>'
                                                      '<a href="/privacy/">P</a>', "privacy/index.html": "<h1>P</h1>"})
    assert found(lint(site), "PL101") == []


def test_a_control_character_in_an_attribute_does_not_lose_the_page(tmp_path):
    """A page the fallback tree builder reads (nesting over libxml2's 2048) with a control
    character in an attribute: before, the whole page was PL001 and its tracker unreported."""
    deep = "<div>" * 2100 + '<span title="a\x01b"></span>' + "</div>" * 2100
    site = make_site(tmp_path / "site", {"index.html": deep + TRACKER.decode() + '<a href="/privacy/">P</a>',
                                         "privacy/index.html": "<h1>P</h1>"})
    result = lint(site)
    assert found(result, "PL001") == [] and [f[3] for f in found(result, "PL101")] == ["example.net"]


def test_a_header_file_with_one_bad_entry_still_checks_the_others(tmp_path):
    vercel = ('{"headers": [7, {"source": "/(.*)", "headers": [{"key": "Set-Cookie", "value": "sid=1"}, "x"]},'
              ' {"source": 5}]}')
    site = make_site(tmp_path / "site", {"index.html": '<a href="/privacy/">P</a>', "privacy/index.html": "<h1>P</h1>",
                                         "vercel.json": vercel})
    assert [(f[0], f[3]) for f in found(lint(site))] == [("PL201", "sid")]


def test_a_header_file_that_cannot_be_read_fails_the_gate(tmp_path):
    site = make_site(tmp_path / "site", {"index.html": '<a href="/privacy/">P</a>', "privacy/index.html": "<h1>P</h1>",
                                         "netlify.toml": "[[headers]\nfor = '/*'\n"})
    result = lint(site)
    assert [(f.check, f.subject, f.severity) for f in result.findings] == [("PL001", "parse", "error")]
    assert result.findings[0].path.endswith("netlify.toml")
    os.remove(site / "netlify.toml")
