"""A deployed site over HTTP (`privacylint URL`), against a server this test starts on
127.0.0.1: same-site, robots.txt obeyed, redirects off the site not followed, bounded in pages
and time, a hanging page a finding while the run goes on, real response headers checked."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from conftest import BASE_RULES
from hostile_server import HostileServer

from privacylint import cli
from privacylint.checks import CHECK_IDS
from privacylint.deployed.crawl import CrawlError, CrawlLimits, check_url
from privacylint.engine import Options
from privacylint.policy import load_policy

PAGES = {
    "/": '<a href="/privacy/">Privacy</a> <a href="/blog/">Blog</a> <a href="/private/">x</a> <a href="/go">out</a>'
         ' <a href="/slow/">slow</a> <script src="/app.js"></script>',
    "/privacy/": "<h1>Privacy</h1>",
    "/blog/": '<iframe src="https://www.youtube.com/embed/x"></iframe>',
    "/private/": '<script src="https://static.hotjar.com/c/hotjar-1.js"></script>',
    "/slow/": "<p>slow</p>",
}


class Site(BaseHTTPRequestHandler):
    pages = PAGES
    hits: ClassVar[list[str]] = []
    hang = 0.0

    def do_GET(self):  # the http.server interface
        self.hits.append(self.path)
        if self.path == "/robots.txt":
            return self._send(200, "User-agent: *\nDisallow: /private/\n", "text/plain")
        if self.path == "/go":
            self.send_response(302)
            self.send_header("Location", "https://elsewhere.example.com/")
            self.end_headers()
            return None
        if self.path == "/app.js":
            return self._send(200, 'localStorage.setItem("theme", "dark");', "application/javascript")
        if self.path == "/slow/" and self.hang:
            time.sleep(self.hang)
        if self.path.startswith("/p/"):
            return self._send(200, f'<a href="/p/{int(self.path[3:]) + 1}">next</a>', "text/html")
        if self.path in self.pages:
            return self._send(200, self.pages[self.path], "text/html; charset=utf-8",
                              {"Set-Cookie": "tracking_id=abc; Path=/"} if self.path == "/" else {})
        return self._send(404, "not found", "text/plain")

    def _send(self, status, body, kind, extra=None):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Site.hits, Site.hang, Site.pages = [], 0.0, dict(PAGES)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def policy(tmp_path):
    (tmp_path / "rules.yaml").write_text(BASE_RULES)
    return load_policy(tmp_path / "rules.yaml", CHECK_IDS)


def check(url, policy, **limits):
    limits = CrawlLimits(**{"delay": 0, **limits})
    return check_url(url, policy, Options(jobs=1, cache_dir=None), limits)


def test_a_deployed_site_is_checked_with_its_real_headers_and_findings_at_urls(server, policy):
    result = check(server, policy)
    found = sorted((f.check, f.path, f.subject) for f in result.findings)
    assert found == [
        ("PL101", f"{server}blog/", "youtube.com"),
        ("PL105", f"{server}blog/", "youtube.com"),
        ("PL201", server, "tracking_id"),  # the real Set-Cookie header of the homepage
        ("PL201", f"{server}app.js", "theme"),
    ]
    assert "/private/" not in Site.hits  # robots.txt says no
    assert "/go" in Site.hits  # the redirect was asked for, and not followed off the site


def test_the_page_bound_and_the_time_bound_stop_the_crawl(server, policy):
    Site.pages = {"/": '<a href="/p/1">1</a>', "/privacy/": "<h1>P</h1>"}
    check(server, policy, max_pages=5)
    assert len([h for h in Site.hits if h.startswith("/p/")]) == 3  # the homepage, the statement and 3 more
    Site.hits.clear()
    started = time.monotonic()
    check(server, policy, max_seconds=1, delay=0.3)
    assert time.monotonic() - started < 3 and len(Site.hits) <= 6


def test_a_hanging_page_is_a_finding_and_the_run_goes_on(server, policy):
    Site.hang = 3
    result = check(server, policy, timeout=0.5)
    slow = [f for f in result.findings if f.path == f"{server}slow/"]
    assert [(f.check, f.severity, f.message) for f in slow] == [
        ("PL001", "error", "it did not arrive whole within 0.5 seconds, the time allowed; it was not checked.")]
    assert any(f.check == "PL101" and f.path == f"{server}blog/" for f in result.findings)


def test_a_missing_statement_page_is_pl301(server, policy):
    del Site.pages["/privacy/"]
    result = check(server, policy)
    assert [f.subject for f in result.findings if f.check == "PL301"] == ["/privacy/"]


def test_the_command_line_takes_a_url(server, tmp_path, monkeypatch, capsys):
    (tmp_path / "rules.yaml").write_text(BASE_RULES)
    monkeypatch.chdir(tmp_path)
    assert cli.main([server, "--crawl-delay", "0", "--format", "concise", "--no-cache"]) == 1
    out = capsys.readouterr().out
    assert f"{server}blog/:1:1: PL101 [error] <iframe src> https://www.youtube.com/embed/x" in out
    assert cli.main([server, "_site"]) == 2
    assert "give one URL, or built site directories, not both" in capsys.readouterr().err
    assert cli.main(["http://127.0.0.1:9/", "--crawl-delay", "0"]) == 2
    assert "nothing could be fetched from http://127.0.0.1:9/" in capsys.readouterr().err
    assert cli.main([server, "--max-seconds", "nan"]) == 2  # a limit sockets cannot take is no internal error
    assert "(the crawl stopped at --max-seconds nan)" in capsys.readouterr().err


def test_the_proxy_of_the_environment_is_used(monkeypatch, policy):
    proxy = HostileServer()
    proxy.page("http://site.invalid/", '<iframe src="https://www.youtube.com/embed/x"></iframe>')
    proxy.raw("site.invalid:443", b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
    monkeypatch.setenv("http_proxy", proxy.url)
    monkeypatch.setenv("https_proxy", proxy.url)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    try:
        result = check("http://site.invalid/", policy)
        assert ("PL101", "http://site.invalid/") in [(f.check, f.path) for f in result.findings]
        assert "http://site.invalid/robots.txt" in proxy.paths()  # the absolute form, to the proxy only
        with pytest.raises(CrawlError, match="nothing could be fetched from https://site.invalid/"):
            check("https://site.invalid/", policy)
        assert "site.invalid:443" in proxy.paths()  # a CONNECT tunnel, refused here
    finally:
        proxy.close()
