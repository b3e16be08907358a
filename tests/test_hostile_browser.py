"""Hostile pages in `--browser` (issue 19, the browser pass; issue 23: redirects, the sample).

A pull request is hostile input: whoever wants a tracker past review needs the browser pass to
hang, to drop what it saw, to call a fake consent manager "consent", or to let the page reach the
network. Each test loads its pages exactly as `--browser` does (offline, Debian's chromium) and
runs under a hard bound of its own, so a hang fails the test instead of stalling the suite.
"""

from __future__ import annotations

import os
import resource
import shutil
import socket
import threading
import time

import pytest
from conftest import lint, make_site, needs

from privacylint.browser.options import MAX_NAMES, BrowserOptions
from privacylint.checks import CHECK_IDS

RULES = """\
version: 1
site: {url: "https://example.org/"}
statement: {page: /privacy/}
consent: {gates: [cookieconsent, cookiebot]}
collectors:
  - {name: Google Analytics, vendor: google-analytics, consent: required}
cookies:
  - {name: cc_cookie, consent: not-required}
  - {name: "_ga*", consent: required}
"""
HOME = '<a href="/privacy/">Privacy</a>'
PRIVACY = "<h1>Privacy</h1><p>We use Google Analytics.</p>"
GTM = "https://www.googletagmanager.com/gtag/js?id=G-1"
OPAQUE_GTM = "atob('aHR0cHM6Ly93d3cuZ29vZ2xldGFnbWFuYWdlci5jb20vZ3RhZy9qcz9pZD1HLTE=')"  # GTM, unreadable statically


@pytest.fixture(autouse=True)
def browser_available():
    pytest.importorskip("playwright.async_api")
    needs("chromium", bool(shutil.which("chromium") or shutil.which("chromium-browser")),
          "install it with: apt-get install chromium", "chromium")


def img(url: str) -> str:
    return f'new Image().src = "{url}";'


def run(tmp_path, files: dict, bound: float = 150, pages: str = "all", timeout: float = 10, **options):
    """Lint a site with --browser in a thread that must end within `bound` seconds."""
    site = make_site(tmp_path / "site", {"index.html": HOME, "privacy/index.html": PRIVACY, **files})
    browser = BrowserOptions(pages=pages, timeout=timeout, **options)
    out: list = []

    def go():
        try:
            out.append(lint(site, RULES, browser=browser, enabled=CHECK_IDS - {"PL104", "PL305"}))
        except BaseException as err:  # noqa: BLE001 - handed to the test below
            out.append(err)

    worker = threading.Thread(target=go, daemon=True)
    worker.start()
    worker.join(bound)
    assert not worker.is_alive(), f"the browser pass did not end within {bound} s"
    if isinstance(out[0], BaseException):
        raise out[0]
    return out[0]


def page(result, path: str) -> dict:
    return next(p for p in result.inventory["observed"] if p["page"] == path)


def notes_on(result, path: str) -> list[str]:
    return [n for n in result.notes if n.startswith(f"{path}: ")]


# -- 1. Hard deadlines: a busy page is a note, the others go on, the run ends ---------------------------

def test_a_busy_loop_after_load_stops_that_page_and_keeps_what_it_did(tmp_path):
    busy = (f"<script>{img('https://before.example.net/b.gif')} localStorage.setItem('seen-before', '1');"
            " setTimeout(function () { while (true) {} }, 50);</script>")
    result = run(tmp_path, {"busy/index.html": busy, "calm/index.html": f"<script>{img('https://calm.example.com/c.gif')}</script>"},
                 timeout=8)
    [note] = notes_on(result, "busy/index.html")
    assert "kept the page busy" in note and "what it did until then is kept" in note
    busy_page = page(result, "busy/index.html")
    assert busy_page["before_consent"] == ["https://before.example.net/b.gif"]
    assert busy_page["local_storage"] == ["seen-before"]  # read once its JavaScript was stopped
    assert page(result, "calm/index.html")["complete"] is True
    assert page(result, "calm/index.html")["before_consent"] == ["https://calm.example.com/c.gif"]


def test_a_busy_loop_in_the_consent_managers_accept_function(tmp_path):
    manager = "<script>window.Cookiebot = {submitCustomConsent: function () { while (true) {} }};" \
              f" {img('https://before.example.net/b.gif')} localStorage.setItem('seen-before', '1');</script>"
    result = run(tmp_path, {"cmp/index.html": manager}, timeout=8)
    [note] = notes_on(result, "cmp/index.html")
    assert note.startswith("cmp/index.html: accepting all through its consent manager did not finish within")
    cmp = page(result, "cmp/index.html")
    assert cmp["before_consent"] == ["https://before.example.net/b.gif"] and cmp["accepted_by"] == []
    assert cmp["local_storage"] == ["seen-before"]
    assert page(result, "index.html")["complete"] is True


def test_100k_pushstate_calls_end(tmp_path):
    flood = f"<script>{img('https://before.example.net/b.gif')}" \
            " for (var i = 0; i < 100000; i++) history.pushState({n: i}, '', '/p' + i);</script>"
    result = run(tmp_path, {"flood/index.html": flood}, timeout=8)
    assert page(result, "flood/index.html")["before_consent"] == ["https://before.example.net/b.gif"]
    assert page(result, "index.html")["complete"] is True


def test_the_run_has_a_deadline_of_its_own(tmp_path):
    busy = {f"busy{n}/index.html": "<script>while (true) {}</script>" for n in range(12)}  # 14 pages, 4 at a time
    started = time.monotonic()
    result = run(tmp_path, busy, timeout=4, run_timeout=7, bound=60)
    assert time.monotonic() - started < 45
    errors = [p.get("error", "") for p in result.inventory["observed"]]
    assert any("the browser pass ran out of its 7 s" in e for e in errors)
    assert any(e.startswith("not loaded: the browser pass ran out of its 7 s first") for e in errors)


# -- 2. What was observed before a page failed or left is kept ------------------------------------------

def test_a_page_that_navigates_away_keeps_what_it_did_before(tmp_path):
    leaves = f"<script>{img('https://built.example.net/t.gif?d=' + 'x')} location.href = '/elsewhere/';</script>"
    away = f"<script>{img('https://before.example.com/x.gif')} location.href = 'https://away.example.org/';</script>"
    result = run(tmp_path, {"leaves/index.html": leaves, "away/index.html": away,
                            "elsewhere/index.html": f"<script>{img('https://target.example.net/t.gif')}</script>"})
    leaving = page(result, "leaves/index.html")
    assert leaving["before_consent"] == ["https://built.example.net/t.gif?d=x"]  # not the target's tracker
    assert leaving["redirects_to"] == "https://example.org/elsewhere/" and leaving["complete"] is True
    assert page(result, "away/index.html")["before_consent"] == ["https://away.example.org/",
                                                                 "https://before.example.com/x.gif"]
    assert [n for n in result.notes if "tried to navigate away" in n] == [
        ("2 page(s) tried to navigate away (a redirect, or script): away/index.html -> https://away.example.org/, "
        "leaves/index.html -> https://example.org/elsewhere/; each is observed as itself up to that point, never "
        "with its target's behaviour")]


def test_replaced_builtins_and_a_throwing_localstorage_change_nothing_read(tmp_path):
    hostile = ("<script>localStorage.setItem('real-key', '1'); sessionStorage.setItem('real-session', '1');"
               " Object.defineProperty(window, 'localStorage', {get: function () { throw new Error('no'); }});"
               " Storage.prototype.key = function () { return 42; };"
               " Object.keys = function () { return [1, 2, 3]; };"
               " Array.prototype.push = function () { throw new Error('no'); };"
               " JSON.stringify = function () { return 5; }; String.prototype.slice = function () { return 7; };"
               f" {img('https://after-override.example.net/x.gif')}</script>")
    result = run(tmp_path, {"hostile/index.html": hostile})
    seen = page(result, "hostile/index.html")
    assert seen["local_storage"] == ["real-key"] and seen["session_storage"] == ["real-session"]
    assert seen["before_consent"] == ["https://after-override.example.net/x.gif"] and seen["complete"] is True
    assert notes_on(result, "hostile/index.html") == []
    assert {f.subject for f in result.findings if f.check == "PL201"} == {"real-key", "real-session"}


def test_a_crashing_page_keeps_what_it_did_before(tmp_path):
    crash = (f"<script>{img('https://before.example.net/b.gif')} document.cookie = 'before-crash=1; path=/';"
             " setTimeout(function () { var hoard = []; while (true) hoard.push(new Array(1000000).fill(1.5)); }, 20);"
             "</script>")
    result = run(tmp_path, {"crash/index.html": crash}, timeout=20)
    [note] = notes_on(result, "crash/index.html")
    assert "crashed" in note or "kept the page busy" in note
    crashed = page(result, "crash/index.html")
    assert crashed["before_consent"] == ["https://before.example.net/b.gif"] and crashed["cookies"] == ["before-crash"]
    assert page(result, "index.html")["complete"] is True


def test_two_thousand_iframes(tmp_path):
    frames = (f"<script>{img('https://before.example.net/b.gif')} addEventListener('load', function () {{"
              " for (var i = 0; i < 2000; i++) { var f = document.createElement('iframe'); f.src = '/frame.html?' + i;"
              " document.body.appendChild(f); } });</script>")
    result = run(tmp_path, {"frames/index.html": f"<body>{frames}</body>", "frame.html": "<p>frame</p>"}, timeout=10)
    assert page(result, "frames/index.html")["before_consent"] == ["https://before.example.net/b.gif"]
    assert page(result, "index.html")["complete"] is True


def test_a_page_that_navigates_during_accept(tmp_path):
    manager = ("<script type='text/plain' data-category='analytics' src='" + GTM + "'></script>"
               "<script>window.CookieConsent = {acceptCategory: function () {"
               " document.cookie = 'cc_cookie=all; path=/';"
               " var s = document.createElement('script'); s.src = '" + GTM + "'; document.head.appendChild(s);"
               " location.href = '/thanks/'; }};</script>")
    result = run(tmp_path, {"accept/index.html": manager,
                            "thanks/index.html": f"<script>{img('https://thanks.example.net/t.gif')}</script>"})
    seen = page(result, "accept/index.html")
    assert seen["accepted_by"] == ["cookieconsent"] and seen["before_consent"] == []
    assert seen["after_consent"] == [GTM, "cookie:cc_cookie"] and seen["redirects_to"] == "https://example.org/thanks/"
    assert not [f for f in result.findings if f.path == "accept/index.html"]


def test_300k_storage_keys_are_capped(tmp_path):
    flood = "<script>for (var i = 0; i < 300000; i++) localStorage.setItem('k' + i, '');</script>"
    result = run(tmp_path, {"flood/index.html": flood}, timeout=30)
    # (a loaded machine may also run out of the page's time while the page writes: that is a second note)
    assert f"flood/index.html: it wrote 300000 localStorage keys: the first {MAX_NAMES} are recorded" in \
        notes_on(result, "flood/index.html")
    assert len(page(result, "flood/index.html")["local_storage"]) == MAX_NAMES
    assert len([f for f in result.findings if f.check == "PL201" and f.evidence == "observed"]) == MAX_NAMES


# -- 3. Nothing leaves the machine ------------------------------------------------------------------------

class _Listener:
    """What reaches a UDP and a TCP socket on loopback while the pass runs."""

    def __init__(self, host: str):
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((host, 0))
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.bind((host, 0))
        self.tcp.listen(8)
        self.udp.settimeout(0.2)
        self.tcp.settimeout(0.2)
        self.port_udp, self.port_tcp = self.udp.getsockname()[1], self.tcp.getsockname()[1]
        self.received: list = []
        self.running = True
        self.threads = [threading.Thread(target=self._udp, daemon=True), threading.Thread(target=self._tcp, daemon=True)]
        for t in self.threads:
            t.start()

    def _udp(self):
        while self.running:
            try:
                self.received.append(("udp", self.udp.recvfrom(4096)))
            except OSError:
                pass

    def _tcp(self):
        while self.running:
            try:
                self.received.append(("tcp", self.tcp.accept()[1]))
            except OSError:
                pass

    def close(self):
        self.running = False
        for t in self.threads:
            t.join(2)
        self.udp.close()
        self.tcp.close()


def test_webrtc_sends_no_packet(tmp_path):
    other = _Listener("127.0.0.2")  # another loopback address: no host resolver rule stops it
    try:
        stun = f"stun:127.0.0.2:{other.port_udp}"
        turn = f"turn:127.0.0.2:{other.port_tcp}?transport=tcp"
        rtc = ("<script>function leak(RTC) { var pc = new RTC({iceServers: [{urls: '" + stun + "'},"
               " {urls: '" + turn + "', username: 'u', credential: 'secret-page-data'}]});"
               " pc.createDataChannel('x'); pc.createOffer().then(function (o) { pc.setLocalDescription(o); }); }"
               " leak(RTCPeerConnection);"
               " var f = document.createElement('iframe'); document.body.appendChild(f); leak(f.contentWindow.RTCPeerConnection);"
               " setTimeout(function () { leak(RTCPeerConnection); }, 2000);</script>")
        run(tmp_path, {"rtc/index.html": f"<body>{rtc}</body>"})
        time.sleep(1)
    finally:
        other.close()
    assert other.received == [], "WebRTC reached the network"


def test_websocket_webtransport_and_eventsource_are_recorded_and_reach_nothing(tmp_path):
    here, other = _Listener("127.0.0.1"), _Listener("127.0.0.2")
    try:
        ws = f"wss://127.0.0.1:{here.port_tcp}/socket"
        es = f"https://127.0.0.1:{here.port_tcp}/events"
        wt = f"https://127.0.0.2:{other.port_udp}/transport"
        script = (f"<script>try {{ new WebSocket('{ws}'); }} catch (e) {{}}"
                  f" try {{ new EventSource('{es}'); }} catch (e) {{}}"
                  f" try {{ new WebTransport('{wt}').ready.catch(function () {{}}); }} catch (e) {{}}</script>")
        result = run(tmp_path, {"sockets/index.html": script})
        time.sleep(1)
    finally:
        here.close()
        other.close()
    assert here.received == [] and other.received == [], "a socket reached the network"
    assert set(page(result, "sockets/index.html")["before_consent"]) == {ws, es, wt}


# -- 4. First-party files: capped like static reading, never read whole --------------------------------

def test_a_huge_first_party_file_is_refused_not_read(tmp_path):
    refs = "".join(f'<script src="/huge.js?{n}"></script>' for n in range(4))
    site_files = {"big/index.html": f"{refs}<script>{img('https://after.example.net/a.gif')}</script>"}
    huge = tmp_path / "site" / "huge.js"
    huge.parent.mkdir(parents=True)
    with open(huge, "wb") as fh:  # 1 GiB, sparse: it costs no disk, and reading it would cost 1 GiB
        fh.truncate(2**30)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = run(tmp_path, site_files, bound=120)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 300, f"the pass grew by {grown_mb:.0f} MB"
    assert notes_on(result, "big/index.html") == [
        ("big/index.html: huge.js is over --max-file-size (1073741824 bytes): the browser got a 413 for it, so what "
        "it would do is not observed")]
    assert page(result, "big/index.html")["before_consent"] == ["https://after.example.net/a.gif"]


def test_a_symlink_leaving_the_build_is_not_served(tmp_path):
    outside = tmp_path / "outside.js"
    outside.write_text(img("https://outside.example.net/o.gif"))
    (tmp_path / "site").mkdir()
    os.symlink(outside, tmp_path / "site" / "lib.js")
    result = run(tmp_path, {"link/index.html": '<script src="/lib.js"></script>'})
    assert page(result, "link/index.html")["before_consent"] == []


# -- 5. Timing: delayed and input-triggered loads are seen; a fake manager makes nothing "after consent" ---

def test_delayed_and_input_triggered_trackers_are_seen_before_consent(tmp_path):
    later = ("<script>setTimeout(function () { " + img("https://t900.example.net/a.gif") +
             " setTimeout(function () { " + img("https://chained.example.net/a.gif") + " }, 1500); }, 900);"
             " setTimeout(function () { " + img("https://t20s.example.net/a.gif") + " }, 20000);"
             " addEventListener('mousemove', function () { " + img("https://mouse.example.net/a.gif") + " });"
             " addEventListener('scroll', function () { " + img("https://scroll.example.net/a.gif") + " });"
             " addEventListener('keydown', function () { " + img("https://key.example.net/a.gif") + " });"
             "</script><div style='height: 4000px'>long</div>")
    result = run(tmp_path, {"later/index.html": later})
    hosts = {u.split("/")[2] for u in page(result, "later/index.html")["before_consent"]}
    assert hosts == {"t900.example.net", "chained.example.net", "t20s.example.net", "mouse.example.net",
                     "scroll.example.net", "key.example.net"}


def test_a_fake_consent_manager_makes_nothing_after_consent(tmp_path):
    fake = ("<script>window.Cookiebot = {submitCustomConsent: function () {"
            " var s = document.createElement('script'); s.src = " + OPAQUE_GTM + "; document.head.appendChild(s); }};"
            "</script>")
    result = run(tmp_path, {"fake/index.html": fake})
    seen = page(result, "fake/index.html")
    assert seen["accepted_by"] == [] and seen["before_consent"] == [GTM]
    assert seen["accept_all"] == "cookiebot's API was called but wrote no consent record: not counted"
    assert [(f.check, f.evidence) for f in result.findings if f.path == "fake/index.html"] == [("PL102", "observed")]


def test_a_contact_seen_before_any_action_stays_before_consent(tmp_path):
    both = ("<script>var s = document.createElement('script'); s.src = " + OPAQUE_GTM + "; document.head.appendChild(s);"
            " window.CookieConsent = {acceptCategory: function () { document.cookie = 'cc_cookie=all; path=/';"
            " var again = document.createElement('script'); again.src = " + OPAQUE_GTM + " + '&again';"
            " document.head.appendChild(again); }};</script>")
    result = run(tmp_path, {"both/index.html": both})
    seen = page(result, "both/index.html")
    assert seen["accepted_by"] == ["cookieconsent"] and seen["before_consent"] == [GTM]
    assert [(f.check, f.subject, f.evidence) for f in result.findings if f.path == "both/index.html"] == [
        ("PL102", "googletagmanager.com", "observed")]


# -- 6. The sample: inline differences are layouts, N is filled, redirect stubs are redirects ------------

def test_an_inline_tracker_on_a_page_sharing_the_homepages_scripts_is_loaded(tmp_path):
    inline = ("<script src='/app.js'></script><script>var s = document.createElement('script');"
              " s.src = 'https://www.googletagmanager.com/gtag/js?id=G-' + 'INLINE'; document.head.appendChild(s);"
              "</script>")
    files = {"index.html": f"{HOME}<script src='/app.js'></script>", "app.js": "var app = 1;",
             "docs/a.html": "<script src='/app.js'></script><p>a</p>", "docs/z.html": inline}
    result = run(tmp_path, files, pages="layouts")
    assert sorted(p["page"] for p in result.inventory["observed"]) == ["docs/z.html", "index.html",
                                                                       "privacy/index.html"]
    assert page(result, "docs/z.html")["before_consent"] == ["https://www.googletagmanager.com/gtag/js?id=G-INLINE"]


def test_browser_pages_n_loads_n_pages_when_there_are_fewer_layouts(tmp_path):
    files = {f"post/{n:02}.html": f"<p>post {n}</p>" for n in range(40)}
    result = run(tmp_path, files, pages="30")
    assert result.observed_pages == 30


def test_a_meta_refresh_stub_is_a_redirect_not_its_target(tmp_path):
    stub = '<meta http-equiv="refresh" content="0; url=/target/"><p>Moved</p>'
    target = f'<script src="{GTM}"></script>'
    result = run(tmp_path, {"stub/index.html": stub, "target/index.html": target})
    assert page(result, "stub/index.html")["redirects_to"] == "https://example.org/target/"
    assert page(result, "stub/index.html")["before_consent"] == []
    assert [f.path for f in result.findings] == ["target/index.html"]
    assert not [n for n in result.notes if "SecurityError" in n]
    assert any("stub/index.html -> https://example.org/target/" in n for n in result.notes)
