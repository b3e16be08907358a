"""JavaScript: which URLs are loads, which are bare literals, and which storage writes."""

from __future__ import annotations

import pytest

from privacylint.extract.js import extract_js


def loads(js: str) -> list[tuple[str, bool]]:
    return [(r.url, r.loaded) for r in extract_js(js).requests]


def writes(js: str) -> list[tuple[str, str | None]]:
    return [(w.storage, w.name) for w in extract_js(js).writes]


@pytest.mark.parametrize("js", [
    "s.src = 'https://a.example.net/x.js';",
    "el.setAttribute('src', \"https://a.example.net/x.js\")",
    "fetch('https://a.example.net/x.js', {method: 'POST'})",
    "navigator.sendBeacon('https://a.example.net/x.js', data)",
    "xhr.open('POST', 'https://a.example.net/x.js')",
    "import('https://a.example.net/x.js')",
    "(new Image).src = `https://a.example.net/x.js?id=${id}`",
])
def test_sinks_make_loads(js):
    assert loads(js)[0][1] is True


def test_concatenated_prefix_and_variable_flow():
    assert loads("j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;") == [
        ("https://www.googletagmanager.com/gtm.js?id=", True)]
    assert loads('var u="//stats.example.org/";\n_paq.push(["setTrackerUrl", u+"matomo.php"]);\ng.src=u+"matomo.js";') == [
        ("//stats.example.org/", False), ("//stats.example.org/matomo.js", True)]


def test_bare_literals_are_kept_but_not_loads():
    assert loads("var home = 'https://example.net/'; location.href = home; i.src = '/a.png';") == [
        ("https://example.net/", False)]
    # with no sink, storage API, consent word or catalogue name at all, the script is not scanned
    assert loads("var home = 'https://example.net/'; location.href = home;") == []
    assert loads("(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=')") == [
        ("https://static.hotjar.com/c/hotjar-", False)]


def test_comments_hide_code_and_regex_literals_are_not_strings():
    js = """// s.src = 'https://commented.example.net/a.js'
/* fetch("https://block.example.net/") */
var re = /["']/g, half = a / 2; s.src = "https://live.example.net/x.js";"""
    assert loads(js) == [("https://live.example.net/x.js", True)]


def test_escaped_slashes_in_minified_strings():
    assert loads(r's.src="https:\/\/cdn.example.net\/x.js"') == [("https://cdn.example.net/x.js", True)]


def test_storage_writes():
    js = """
document.cookie = "theme=dark; path=/";
document.cookie = name + "=" + value;
var key = "consent"; document.cookie = key + "=1";
Cookies.set('lang', 'en');
$.cookie('visited', 'yes', {expires: 7});
$.cookie('visited');
localStorage.setItem("a", 1); window.sessionStorage.setItem('b', 2);
localStorage['c'] = 3; localStorage.d = 4; localStorage.getItem('e'); x = localStorage.length;
if (document.cookie == "x=1") {}
"""
    assert writes(js) == [("cookie", "theme"), ("cookie", None), ("cookie", "consent"), ("cookie", "lang"),
                          ("cookie", "visited"), ("local", "a"), ("session", "b"), ("local", "c"), ("local", "d")]


def test_unterminated_constructs_do_not_crash():
    for js in ["'unterminated", "/* open", "`tpl ${", "s.src = ", "/[/"]:
        extract_js(js)


def test_a_snippet_padded_with_white_space_is_still_found():
    """Marker patterns run in windows around the pre-filter's anchors; the windows tile the code,
    so padding inside a snippet cannot push it out of reach."""
    from privacylint.vendors import catalogue

    found = catalogue().markers_in("x = 1;\ngtag(" + " " * 5000 + "'config', 'G-1');")
    assert [(vendor, text.replace(" ", "")) for _, vendor, text in found] == [("google-analytics", "gtag('config'")]


def test_text_in_data_is_not_code_but_its_urls_are_kept():
    """Snippet-like text inside a data table's strings is data: no snippet, no write; a URL
    string in it is still a literal a later check may count."""
    import json

    table = {f"k{i}": f"gtag('config' document.cookie = {i}" for i in range(400)}
    table["beacon"] = "https://www.google-analytics.com/collect"
    js = "var data = " + json.dumps(table) + ";\nlocalStorage.setItem('seen', 1);"
    result = extract_js(js)
    assert result.markers == []
    assert [(w.storage, w.name) for w in result.writes] == [("local", "seen")]
    assert [(r.url, r.loaded) for r in result.requests] == [("https://www.google-analytics.com/collect", False)]
