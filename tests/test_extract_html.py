"""Extraction from pages: what counts as a request, and where it is."""

from __future__ import annotations

from conftest import found, lint, make_site

from privacylint.extract import extract_bytes
from privacylint.facts import FileFacts

URL = "https://example.org/blog/post.html"


def extract(html: str, url: str = URL) -> FileFacts:
    facts = FileFacts("blog/post.html", "page")
    extract_bytes(html.encode("utf-8"), url, facts)
    return facts


def urls(facts: FileFacts) -> list[tuple[str, int]]:
    return [(r.url, r.line) for r in facts.requests]


def test_base_href_resolves_relative_urls():
    facts = extract('<html><head><base href="https://cdn.example.net/assets/">\n'
                    '<script src="app.js"></script></head>\n<body><a href="page.html">p</a></body></html>')
    assert urls(facts) == [("https://cdn.example.net/assets/app.js", 2)]
    assert facts.links[0].url == "https://cdn.example.net/assets/page.html"


def test_relative_urls_resolve_against_the_page():
    facts = extract('<img src="../img/a.png">')
    assert urls(facts) == [("https://example.org/img/a.png", 1)]


def test_protocol_relative_urls_take_the_page_scheme():
    assert urls(extract('<script src="//cdn.example.net/a.js"></script>')) == [("https://cdn.example.net/a.js", 1)]
    assert urls(extract('<script src="//cdn.example.net/a.js"></script>', "http://example.org/")) == [
        ("http://cdn.example.net/a.js", 1)]


def test_srcset_candidates_each_count():
    facts = extract('<img src="/a.png"\n srcset="https://x.example.net/a.png 1x,https://y.example.net/b,c.png 2x">\n'
                    '<picture><source srcset="https://z.example.net/s.webp"></picture>')
    assert [u for u, _ in urls(facts)] == ["https://example.org/a.png", "https://x.example.net/a.png",
                                           "https://y.example.net/b,c.png", "https://z.example.net/s.webp"]
    assert facts.requests[1].line == 1  # the start tag's line, though it ends on line 2


def test_noscript_content_is_live_and_marked():
    facts = extract('<noscript><img src="https://px.example.net/p.gif"></noscript><img src="https://a.example.net/">')
    assert [(r.url, r.noscript) for r in facts.requests] == [
        ("https://px.example.net/p.gif", True), ("https://a.example.net/", False)]


def test_comments_and_template_are_inert():
    facts = extract('<!-- <script src="https://c.example.net/x.js"></script> -->\n'
                    '<template><img src="https://t.example.net/x.png"><a href="/privacy/">p</a></template>\n'
                    '<p><img src="https://live.example.net/x.png"></p>')
    assert urls(facts) == [("https://live.example.net/x.png", 3)]
    assert facts.links == []


def test_every_fetching_element_is_a_request():
    html = """<link rel="stylesheet" href="https://a.example.net/s.css">
<link rel="preconnect" href="https://b.example.net">
<link rel="dns-prefetch" href="//c.example.net">
<link rel="icon" href="https://d.example.net/i.ico">
<link rel="canonical" href="https://e.example.net/not-fetched">
<iframe src="https://f.example.net/embed"></iframe>
<video poster="https://g.example.net/p.jpg"><source src="https://h.example.net/v.mp4"><track src="https://i.example.net/t.vtt"></video>
<audio src="https://j.example.net/a.mp3"></audio><embed src="https://k.example.net/e.swf"><object data="https://l.example.net/o"></object>
<form action="https://m.example.net/subscribe"><input type="image" src="https://n.example.net/b.png"></form>
<a href="/x" ping="https://o.example.net/ping">x</a>
<meta http-equiv="refresh" content="0; url=https://p.example.net/">
<div style="background: url('https://q.example.net/bg.png')"></div>"""
    hosts = sorted({u.split("/")[2] for u, _ in urls(extract(html))})
    assert hosts == [f"{c}.example.net" for c in "abcdfghijklmnopq"]


def test_inline_style_and_script_positions():
    facts = extract('<html><head>\n<style>\n  @import "https://fonts.example.net/a.css";\n</style>\n'
                    '<script>\n  var s = document.createElement("script");\n  s.src = "https://t.example.net/t.js";\n'
                    '  document.cookie = "seen=1";\n</script></head></html>')
    assert [(r.url, r.line, r.column) for r in facts.requests] == [
        ("https://fonts.example.net/a.css", 3, 12), ("https://t.example.net/t.js", 7, 11)]
    assert [(w.name, w.line, w.column) for w in facts.writes] == [("seen", 8, 3)]


def test_columns_of_elements_on_one_minified_line():
    facts = extract('<p><img src="/1"><img src="https://a.example.net/2"><img src="https://b.example.net/3"></p>')
    assert [(r.line, r.column) for r in facts.requests] == [(1, 4), (1, 18), (1, 53)]


def test_non_javascript_scripts_are_not_run():
    facts = extract('<script type="application/ld+json">{"url": "https://schema.example.net/"}</script>'
                    '<script type="text/plain">document.cookie="x=1"</script>')
    assert facts.requests == [] and facts.writes == []


def test_ten_thousand_deep_nesting_is_parsed_whole():
    html = "<html><body>" + "<div>" * 10_000 + '<img src="https://deep.example.net/x.png">' + "</div>" * 10_000
    html += '\n<img src="https://after.example.net/y.png"></body></html>'
    assert urls(extract(html)) == [("https://deep.example.net/x.png", 1), ("https://after.example.net/y.png", 2)]


def test_line_numbers_past_65535_are_kept():
    html = "<html><body>" + "<p>x</p>\n" * 70_000 + '<img src="https://late.example.net/x.png"></body></html>'
    assert urls(extract(html)) == [("https://late.example.net/x.png", 70_001)]


def test_broken_markup_still_yields_what_it_can():
    facts = extract('<html><head><script src="https://a.example.net/x.js"><body><img src="https://b.example.net/y" <p')
    assert [u for u, _ in urls(facts)][:1] == ["https://a.example.net/x.js"]


def test_stylesheet_import_is_reported_in_the_css_file(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": '<link rel="stylesheet" href="/css/main.css"><a href="/privacy/">Privacy</a>',
        "privacy/index.html": "<h1>Privacy</h1>",
        "css/main.css": '/* @import url("https://commented.example.net/x.css"); */\n'
                        'body { color: red; }\n@import url("https://fonts.googleapis.com/css2?family=Inter");\n'
                        '.a { background: url(../img/a.png) }\n',
    })
    assert found(lint(site)) == [("PL101", "css/main.css", 3, "fonts.googleapis.com")]


def test_concatenated_url_in_first_party_js_is_reported_in_the_js_file(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": '<script src="/js/widget.js"></script><a href="/privacy/">Privacy</a>',
        "privacy/index.html": "<h1>Privacy</h1>",
        "js/widget.js": "(function (d) {\n  var s = d.createElement('script');\n"
                        "  s.src = 'https://widgets.example.net/loader-' + version + '.js';\n"
                        "  d.head.appendChild(s);\n})(document);\n",
    })
    assert found(lint(site)) == [("PL101", "js/widget.js", 3, "example.net")]


def test_script_on_another_github_io_site_is_third_party(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": '<script src="https://alice.github.io/own.js"></script>\n'
                      '<script src="https://bob.github.io/widget.js"></script><a href="/privacy/">Privacy</a>',
        "privacy/index.html": "<h1>Privacy</h1>",
    })
    rules = "version: 1\nsite: {url: 'https://alice.github.io/'}\nstatement: {page: /privacy/}\n"
    assert found(lint(site, rules)) == [("PL101", "index.html", 2, "bob.github.io")]


def test_first_party_hosts_are_not_collectors(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": '<img src="https://www.example.org/a.png"><img src="https://example.github.io/b.png">'
                      '<img src="https://static.example-cdn.net/c.png"><a href="/privacy/">Privacy</a>',
        "privacy/index.html": "<h1>Privacy</h1>",
    })
    rules = ("version: 1\nsite: {url: 'https://example.org/', first_party: [example.github.io, "
             "static.example-cdn.net]}\nstatement: {page: /privacy/}\n")
    assert found(lint(site, rules)) == []


def test_a_minified_page_keeps_every_column(tmp_path):
    html = "<html><body>" + "".join(f'<a href="https://example.net/p{i}">x</a><img src="/i{i}.png">'
                                    for i in range(3000)) + "</body></html>"
    facts = extract(html)
    last = facts.links[-1]
    assert (len(facts.links), last.url, last.line) == (3000, "https://example.net/p2999", 1)
    assert html[last.column - 1:].startswith('<a href="https://example.net/p2999">')
    image = facts.requests[-1]
    assert html[image.column - 1:].startswith('<img src="/i2999.png">')
