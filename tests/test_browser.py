"""`--browser`: pages of the build loaded in Debian's chromium through Playwright, offline.

Third parties are stubbed by the route where a test needs their code to run (a fake gtag.js that
sets `_ga`); everything else of theirs is recorded and aborted. That nothing leaves the machine
is checked, not assumed: a page that reaches for a server this test runs on 127.0.0.1 (an
address no DNS rule can stop) must leave that server untouched.
"""

from __future__ import annotations

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import lint, make_site, needs

from privacylint.browser.options import BrowserOptions
from privacylint.checks import CHECK_IDS

RULES = """\
version: 1
site: {url: "https://example.org/"}
statement: {page: /privacy/}
consent: {gates: [cookieconsent]}
collectors:
  - {name: Google Analytics, vendor: google-analytics}
cookies:
  - {name: "_ga*", consent: required}
  - {name: cc_cookie, consent: not-required}
"""
GATED_GA = '<script type="text/plain" data-category="analytics" src="https://www.googletagmanager.com/gtag/js?id=G-1">' \
           "</script>"
FAKE_GTAG = ("application/javascript", b'document.cookie = "_ga=GA1.1.123.456; path=/";')
PRIVACY = "<h1>Privacy</h1><p>We use Google Analytics.</p>"


@pytest.fixture(autouse=True)
def browser_available():
    pytest.importorskip("playwright.sync_api")
    needs("chromium", bool(shutil.which("chromium") or shutil.which("chromium-browser")),
          "install it with: apt-get install chromium", "chromium")


def observed(tmp_path, files: dict, **options) -> list[tuple[str, str, str, str]]:
    site = make_site(tmp_path / "site", {"privacy/index.html": PRIVACY, **files})
    browser = BrowserOptions(stubs={"https://www.googletagmanager.com/gtag/js": FAKE_GTAG}, **options)
    result = lint(site, RULES, browser=browser, enabled=CHECK_IDS - {"PL104", "PL305"})
    return [(f.check, f.path, f.subject, f.evidence) for f in result.findings], result


def test_a_tracker_url_assembled_at_run_time_is_observed(tmp_path):
    app = 'var h = atob("dHJhY2tlci5leGFtcGxlLm5ldA=="); var s = document.createElement("script");' \
          ' s.src = "https://" + h + "/t.js"; document.head.appendChild(s);'
    found, result = observed(tmp_path, {"index.html": '<a href="/privacy/">P</a><script src="/app.js"></script>',
                                        "app.js": app})
    assert found == [("PL101", "index.html", "example.net", "observed")]
    assert result.findings[0].message.startswith(
        "observed in a browser, made by https://example.org/app.js: script https://tracker.example")
    assert " contacts tracker.example.net: a third party " in result.findings[0].message
    assert result.inventory["observed"][0]["initiators"] == {
        "https://tracker.example.net/t.js": "https://example.org/app.js"}
    assert [c["how"] for c in result.inventory["collectors"]] == [["script"]]
    assert result.observed_pages == 2


def test_a_consent_manager_that_leaks_before_consent_is_pl102_with_both_verdicts(tmp_path):
    # the leak is opaque to static reading: the URL is only in base64
    leak = '<script>var g = document.createElement("script"); g.src = atob("aHR0cHM6Ly93d3cuZ29vZ2xldGFnbWFuYWdlci5jb20vZ3RhZy9qcz9pZD1HLTE=");' \
           ' document.head.appendChild(g);</script>'
    found, result = observed(tmp_path, {"index.html": f'<a href="/privacy/">P</a>{GATED_GA}{leak}'})
    assert ("PL102", "index.html", "googletagmanager.com", "observed") in found
    message = next(f.message for f in result.findings if f.check == "PL102")
    assert "Read statically, its markup at line 1 is held back (cookieconsent:analytics), but a browser " in message
    assert ("PL202", "index.html", "_ga", "observed") in found  # the fake gtag.js set its cookie


def test_a_gate_that_holds_is_observed_holding(tmp_path):
    found, result = observed(tmp_path, {"index.html": f'<a href="/privacy/">P</a>{GATED_GA}'})
    assert found == [] and result.observed_pages == 2


def test_storage_written_by_minified_code_is_observed(tmp_path):
    minified = 'window["local"+"Storage"]["set"+"Item"]("k_"+1,"v");document[atob("Y29va2ll")]=atob("c2lk")+"=2;path=/"'
    found, _ = observed(tmp_path, {"index.html": '<a href="/privacy/">P</a><script src="/m.js"></script>',
                                   "m.js": minified})
    assert sorted(found) == [("PL201", "index.html", "k_1", "observed"), ("PL201", "index.html", "sid", "observed")]


class _Witness(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - the http.server interface
        self.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_no_request_leaves_the_machine(tmp_path):
    _Witness.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Witness)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        page = (f'<a href="/privacy/">P</a><img src="http://127.0.0.1:{port}/pixel.gif">'
                f'<script>fetch("http://127.0.0.1:{port}/beacon"); new Image().src = "https://cdn.example.net/x.gif";'
                "</script>")
        found, _ = observed(tmp_path, {"index.html": page})
    finally:
        server.shutdown()
        server.server_close()
    assert _Witness.hits == [], "a request reached the network"
    assert {(check, subject) for check, _, subject, _ in found} == {("PL101", "127.0.0.1"), ("PL101", "example.net")}


def test_a_thousand_page_site_loads_only_its_layouts(tmp_path):
    files = {"index.html": '<a href="/privacy/">P</a>'}
    for n in range(1000):
        layout = "blog" if n % 2 else "docs"
        files[f"{layout}/{n}.html"] = f'<script src="/{layout}.js"></script><p>page {n}</p>'
    files["blog.js"] = "var blog = 1;"
    files["docs.js"] = 'localStorage.setItem("docs-" + "seen", "1");'
    found, result = observed(tmp_path, files)
    assert result.observed_pages == 4  # homepage, statement, one blog page, one docs page
    assert ("PL201", "docs/0.html", "docs-seen", "observed") in found
    _, capped = observed(tmp_path, files, pages="2")
    assert capped.observed_pages == 2


def test_a_page_that_cannot_load_is_a_note_and_the_others_still_load(tmp_path):
    endless = "<script>while (true) {}</script>"
    found, result = observed(tmp_path, {"index.html": '<a href="/privacy/">P</a>', "busy/index.html": endless},
                             timeout=8, pages="all")
    assert result.observed_pages == 3 and found == []
    assert len(result.notes) == 1 and result.notes[0].startswith("busy/index.html: ")
    assert "did not finish within the page's 8 s (its JavaScript kept the page busy" in result.notes[0]


# A stand-in with cookieconsent v3's API, writing its consent record as the library does (the
# real libraries are in the tests further down).
MANAGER = ('<script>window.CookieConsent = {acceptCategory: function (which) {'
           ' document.cookie = "cc_cookie=" + encodeURIComponent(JSON.stringify({categories: which})) + "; path=/";'
           ' document.querySelectorAll("script[type=\'text/plain\']").forEach(function (held) {'
           ' var s = document.createElement("script"); s.src = held.getAttribute("src");'
           ' document.head.appendChild(s); }); }};</script>')


def test_accepting_through_the_consent_manager_shows_what_the_gate_held_back(tmp_path):
    found, result = observed(tmp_path, {"index.html": f'<a href="/privacy/">P</a>{GATED_GA}{MANAGER}'})
    assert found == []
    home = next(p for p in result.inventory["observed"] if p["page"] == "index.html")
    assert home["before_consent"] == [] and home["accepted_by"] == ["cookieconsent"]
    assert home["accept_all"] == "accepted through cookieconsent (it wrote cookie:cc_cookie)"
    assert home["after_consent"] == ["https://www.googletagmanager.com/gtag/js?id=G-1", "cookie:_ga", "cookie:cc_cookie"]


def test_a_browser_that_cannot_start_is_exit_2_with_how_to_get_one(tmp_path, monkeypatch, capsys):
    from privacylint import cli

    make_site(tmp_path / "_site", {"index.html": '<a href="/privacy/">P</a>', "privacy/index.html": PRIVACY})
    (tmp_path / "rules.yaml").write_text(RULES)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRIVACYLINT_BROWSER", str(tmp_path / "no-such-chromium"))
    assert cli.main(["_site", "--browser", "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"privacylint: --browser could not start {tmp_path / 'no-such-chromium'}: ")
    assert cli.main(["_site", "--browser-live"]) == 2
    assert "--browser-pages and --browser-live apply to --browser" in capsys.readouterr().err
