"""URL mode against a server that misbehaves on purpose (tests/hostile_server.py, on 127.0.0.1).

Each case is one attack or one protocol failure. The promise: the URL is a PL001 finding (or a
positioned note), the crawl goes on to the next page, nothing hangs past the time allowed,
nothing is read past the size cap, no URL adds a header line, the credentials of the URL reach
no report and no other host, and no check claims an absence the crawl did not see.
"""

from __future__ import annotations

import base64
import gzip
import threading
import time
import zlib

import pytest
from conftest import BASE_RULES
from hostile_server import HostileServer, drip, endless

from privacylint import cli
from privacylint.checks import CHECK_IDS
from privacylint.deployed.crawl import CrawlLimits, check_url
from privacylint.engine import Options
from privacylint.policy import load_policy

HOME = '<a href="/privacy/">Privacy</a> <a href="/bad">bad</a> <a href="/good/">good</a>'
GOOD = '<iframe src="https://www.youtube.com/embed/x"></iframe>'
OK_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"


@pytest.fixture
def server():
    site = HostileServer()
    site.page("/", HOME)
    site.page("/privacy/", "<h1>Privacy</h1>")
    site.page("/good/", GOOD)
    yield site
    site.close()


@pytest.fixture
def policy(tmp_path):
    return policy_of(tmp_path, BASE_RULES)


def policy_of(tmp_path, rules):
    (tmp_path / "rules.yaml").write_text(rules)
    return load_policy(tmp_path / "rules.yaml", CHECK_IDS)


def check(url, policy, max_file_size=10 * 1024 * 1024, **limits):
    """The crawl and checks, in a thread that must end: a hang fails the test instead of the run."""
    out = {}

    def work():
        try:
            out["result"] = check_url(url, policy, Options(jobs=1, cache_dir=None, max_file_size=max_file_size),
                                      CrawlLimits(**{"delay": 0, **limits}))
        except BaseException as err:  # noqa: BLE001 - handed to the test below
            out["error"] = err

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the crawl hung"
    if "error" in out:
        raise out["error"]
    return out["result"]


def checked(result):
    return sorted((f.check, f.path, f.subject) for f in result.findings)


def goes_on(result, server):
    """The page after the hostile one was still fetched and checked."""
    return ("PL101", f"{server.url}good/", "youtube.com") in checked(result)


# -- 1. every network or protocol failure is a PL001 at its URL, and the crawl goes on
def gzip_bomb(size: int) -> bytes:
    return gzip.compress(b"<p>" + b"a" * size, 9)


BROKEN = {
    "malformed-gzip": OK_HEAD.replace("Connection", "Content-Encoding: gzip\r\nContent-Length: 20\r\nConnection")
    .encode() + b"\r\n\x1f\x8b\x08\x00garbage-not-deflate",
    "truncated-content-length": (OK_HEAD + "Content-Length: 1000\r\n\r\n<p>only this</p>").encode(),
    "bad-chunked-framing": (OK_HEAD + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n").encode(),
    "chunked-cut-short": (OK_HEAD + "Transfer-Encoding: chunked\r\n\r\n100\r\nhello").encode(),
    "not-http": b"SSH-2.0-OpenSSH_9.2\r\n\r\n",
    "bad-status-code": b"HTTP/1.1 abc Oops\r\n\r\n",
    "http-2-preface": b"HTTP/2.0 200 OK\r\n\r\n",
    "no-answer": b"",
    "header-line-too-long": (OK_HEAD + "X-Long: " + "a" * 70000 + "\r\n\r\n").encode(),
    "too-many-headers": (OK_HEAD + "".join(f"X-H{i}: 1\r\n" for i in range(150)) + "\r\n").encode(),
    "two-content-lengths": (OK_HEAD + "Content-Length: 5\r\nContent-Length: 9\r\n\r\nhello").encode(),
    "brotli": (OK_HEAD + "Content-Encoding: br\r\nContent-Length: 4\r\n\r\n\x8b\x01\x80a").encode(),
    "gzip-cut-short": OK_HEAD.encode() + b"Content-Encoding: gzip\r\n\r\n" + gzip.compress(b"<p>x</p>" * 99)[:30],
    "deflate-garbage": (OK_HEAD + "Content-Encoding: deflate\r\n\r\nnot deflate at all").encode(),
    "server-error": b"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n",
    "redirect-loop": b"HTTP/1.1 302 Found\r\nLocation: /bad\r\nContent-Length: 0\r\n\r\n",
    "redirect-to-nowhere": b"HTTP/1.1 302 Found\r\nLocation: http://[::1\r\nContent-Length: 0\r\n\r\n",
    "redirect-without-location": b"HTTP/1.1 301 Moved\r\nContent-Length: 0\r\n\r\n",
    "100-continue-forever": b"HTTP/1.1 100 Continue\r\n\r\n" * 5000,
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_response_is_pl001_at_its_url_and_the_crawl_goes_on(server, policy, case):
    server.raw("/bad", BROKEN[case])
    result = check(server.url, policy, timeout=5)
    bad = [(f.check, f.severity) for f in result.findings if f.path == f"{server.url}bad"]
    assert bad == [("PL001", "error")], checked(result)
    assert goes_on(result, server)


def test_a_gzip_bomb_is_too_large_not_inflated(server, policy):
    server.raw("/bad", OK_HEAD.encode() + b"Content-Encoding: gzip\r\n\r\n" + gzip_bomb(50_000_000))
    result = check(server.url, policy, max_file_size=1_000_000)
    assert ("PL001", f"{server.url}bad", "too-large") in checked(result)
    assert goes_on(result, server)


def test_a_nul_in_a_sitemap_url_is_fetched_under_a_safe_name(server, policy):
    server.page("/sitemap.xml", f"<urlset><url><loc>{server.url}a%00b/</loc></url></urlset>", content_type="text/xml")
    server.page("/a%00b/", GOOD)
    result = check(server.url, policy)
    assert ("PL101", f"{server.url}a%00b/", "youtube.com") in checked(result)


def test_an_asset_and_a_page_on_one_path_are_both_checked(server, policy):
    server.page("/", HOME + '<script src="/x"></script><a href="/x/">x</a><a href="/y">y</a><a href="/y/">y</a>'
                '<script src="/z.js"></script><a href="/z.js/">z</a>')
    server.page("/x", 'localStorage.setItem("theme", "dark");', content_type="application/javascript")
    server.page("/x/", GOOD)
    server.page("/z.js", 'localStorage.setItem("zoom", "1");', content_type="application/javascript")
    server.page("/z.js/", '<img src="https://www.facebook.com/tr?id=1">')
    server.page("/y", '<script src="https://static.hotjar.com/c/hotjar-1.js"></script>')
    server.page("/y/", '<iframe src="https://player.vimeo.com/video/1"></iframe>')
    result = checked(check(server.url, policy))
    assert ("PL201", f"{server.url}x", "theme") in result
    assert ("PL101", f"{server.url}x/", "youtube.com") in result
    assert ("PL101", f"{server.url}y", "hotjar.com") in result
    assert ("PL101", f"{server.url}y/", "vimeo.com") in result
    assert ("PL201", f"{server.url}z.js", "zoom") in result
    assert ("PL101", f"{server.url}z.js/", "facebook.com") in result


def test_a_page_without_a_trailing_slash_resolves_relative_links_as_browsers_do(server, tmp_path):
    rules = BASE_RULES.replace("  page: /privacy/", "  page: /privacy/\n  linked_from: every-page")
    server.page("/", HOME + '<a href="/docs/a">a</a>')
    server.page("/docs/a", '<a href="../privacy/">Privacy</a>')  # /privacy/ from /docs/a; /docs/privacy/ from /docs/a/
    for path in ("/privacy/", "/good/"):
        server.page(path, '<a href="/privacy/">Privacy</a>')
    result = check(server.url, policy_of(tmp_path, rules))
    assert [f.path for f in result.findings if f.check == "PL302"] == []


def test_a_300_character_path_segment_is_checked(server, policy):
    long = "a" * 300
    server.page("/", HOME + f'<a href="/{long}/">long</a><a href="/{long}.html">long</a>')
    server.page(f"/{long}/", GOOD)
    server.page(f"/{long}.html", '<script src="https://static.hotjar.com/c/hotjar-1.js"></script>')
    result = checked(check(server.url, policy))
    assert ("PL101", f"{server.url}{long}/", "youtube.com") in result
    assert ("PL101", f"{server.url}{long}.html", "hotjar.com") in result


def test_a_page_named_like_the_folders_own_files_is_checked(server, policy):
    server.page("/", HOME + '<a href="/_headers">h</a><a href="/_privacylint/x.html">p</a>')
    server.page("/_headers", GOOD)
    server.page("/_privacylint/x.html", '<script src="https://static.hotjar.com/c/hotjar-1.js"></script>')
    result = checked(check(server.url, policy))
    assert ("PL101", f"{server.url}_headers", "youtube.com") in result
    assert ("PL101", f"{server.url}_privacylint/x.html", "hotjar.com") in result


# -- 2. a deadline no drip can stretch
@pytest.mark.parametrize("where", ["status-line", "headers", "body"])
def test_a_byte_drip_cannot_stretch_max_seconds(server, policy, where):
    head = {"status-line": b"HTTP/1.1 2", "headers": b"HTTP/1.1 200 OK\r\nX-Drip: ",
            "body": OK_HEAD.encode() + b"\r\n<p>"}[where]
    server.handle("/bad", drip(head))
    started = time.monotonic()
    result = check(server.url, policy, max_seconds=2)
    assert time.monotonic() - started < 15
    assert [f.message for f in result.findings if f.path == f"{server.url}bad"] == [
        "--max-seconds 2 ran out while it was coming; it was not checked."]
    assert any("the crawl stopped at --max-seconds 2" in n for n in result.notes)


def test_a_drip_is_cut_at_the_time_per_response_and_the_crawl_goes_on(server, policy):
    server.handle("/bad", drip(OK_HEAD.encode() + b"\r\n<p>"))
    started = time.monotonic()
    result = check(server.url, policy, timeout=1)
    assert time.monotonic() - started < 15
    assert [f.message for f in result.findings if f.path == f"{server.url}bad"] == [
        "it did not arrive whole within 1 seconds, the time allowed; it was not checked."]
    assert goes_on(result, server)


# -- 3. responses are streamed and capped like files
@pytest.mark.parametrize("declared", [True, False])
def test_a_260_mb_page_is_pl001_too_large_and_not_read(server, policy, declared):
    total = 260 * 1024 * 1024
    head = OK_HEAD + (f"Content-Length: {total}\r\n" if declared else "") + "\r\n"
    server.handle("/bad", endless(head.encode(), total))
    result = check(server.url, policy, max_file_size=1024 * 1024)
    bad = [(f.subject, f.message) for f in result.findings if f.path == f"{server.url}bad"]
    assert [s for s, _ in bad] == ["too-large"] and "--max-file-size" in bad[0][1]
    assert server.sent < 32 * 1024 * 1024  # what the socket buffers hold at most: the rest was never asked for
    assert goes_on(result, server)


def test_a_huge_homepage_does_not_make_the_statement_missing(server, policy):
    server.handle("/", endless((OK_HEAD + "\r\n").encode(), 260 * 1024 * 1024))
    result = check(server.url, policy, max_file_size=1024 * 1024)
    assert [(f.check, f.subject) for f in result.findings if f.check in ("PL001", "PL301")] == [
        ("PL001", "too-large")]


# -- 4. what the crawl did not read is said, and is no evidence of absence
DECLARED = BASE_RULES + "collectors:\n  - {name: Hotjar, vendor: hotjar}\n"


def test_robots_txt_skips_are_a_note_and_pl301_says_why(server, tmp_path):
    server.page("/robots.txt", "User-agent: *\nDisallow: /privacy/\nDisallow: /good/\n", content_type="text/plain")
    result = check(server.url, policy_of(tmp_path, DECLARED))
    skipped = [n for n in result.notes if n.startswith("robots.txt")]
    assert len(skipped) == 1 and f"{server.url}privacy/" in skipped[0] and f"{server.url}good/" in skipped[0]
    statement = [f for f in result.findings if f.check == "PL301"]
    assert [(f.severity, f.message) for f in statement] == [("note", (
        f"the privacy statement /privacy/ at {server.url}privacy/ was not read: robots.txt asks privacylint not "
        "to fetch it; so whether it is published could not be checked."))]
    unused = [f for f in result.findings if f.check == "PL305"]
    assert [f.severity for f in unused] == ["note"] and "robots.txt kept 2 URLs from being fetched" in unused[0].message
    assert "/privacy/" not in server.paths() and "/good/" not in server.paths()


def test_the_page_limit_is_a_note_and_no_absence_is_claimed(server, tmp_path):
    server.page("/", '<a href="/a/">a</a><a href="/b/">b</a><a href="/privacy/">P</a>')
    result = check(server.url, policy_of(tmp_path, DECLARED), max_pages=1)
    assert any(n.startswith("the crawl stopped at --max-pages 1 after 1 page; 3 URLs found not fetched")
               for n in result.notes), result.notes
    assert [(f.check, f.severity) for f in result.findings if f.check in ("PL301", "PL305")] == [
        ("PL301", "note"), ("PL305", "note")]
    assert "the crawl stopped at --max-pages 1 before it" in next(f.message for f in result.findings
                                                                 if f.check == "PL301")


def test_a_missing_statement_names_its_url_not_a_temporary_folder(server, policy):
    del server.routes["/privacy/"]
    result = check(server.url, policy)
    statement = [f for f in result.findings if f.check == "PL301"]
    assert [(f.severity, f.message) for f in statement] == [("error", (
        f"the privacy statement /privacy/ is not at {server.url}privacy/ (it answered 404); publish it there, "
        "or set statement.page to the path where the statement is published."))]


# -- 5. no header injection, safe names, credentials kept to their origin
ALLOWED_HEADERS = {b"host", b"user-agent", b"accept-encoding", b"connection", b"authorization"}


def test_encoded_line_breaks_in_urls_add_no_header(server, policy):
    crlf = "/a%0D%0AInjected:%20yes/"
    lf = "/b%0A%20%20Set-Cookie:%20injected=1/"
    server.page("/", HOME + f'<a href="{crlf}">1</a><a href="{lf}">2</a><a href="/c\r\nInjected: raw/">3</a>')
    server.page(crlf, GOOD)
    server.page(lf, "<p>b</p>", headers=(("Set-Cookie", "fine=1; Path=/"),))
    result = check(server.url, policy)
    for request in server.requests:
        lines = request.split(b"\r\n")
        assert lines[0].count(b" ") == 2 and lines[0].endswith(b" HTTP/1.1")
        assert {line.split(b":")[0].lower() for line in lines[1:] if line} <= ALLOWED_HEADERS, request
    cookies = [(f.path, f.subject) for f in result.findings if f.check == "PL201"]
    assert cookies == [(f"{server.url}{lf[1:]}", "fine")]
    assert ("PL101", f"{server.url}{crlf[1:]}", "youtube.com") in checked(result)


def test_credentials_in_the_url_stay_with_their_origin_and_out_of_reports(server, policy):
    other = HostileServer()
    server.page("/", HOME + f'<a href="{other.url}x/">other</a><a href="/go">go</a><script src="/gone.js"></script>')
    server.raw("/go", f"HTTP/1.1 302 Found\r\nLocation: {other.url}y/\r\nContent-Length: 0\r\n\r\n".encode())
    server.raw("/gone.js", b"HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n")
    url = server.url.replace("http://", "http://user:s3cret@")
    try:
        result = check(url, policy)
    finally:
        other.close()
    assert other.requests == []
    token = base64.b64encode(b"user:s3cret")
    assert all(b"Authorization: Basic " + token in r for r in server.requests)
    assert goes_on(result, server)
    shown = repr([(f.path, f.message, f.subject) for f in result.findings]) + repr(result.notes) + repr(result.roots)
    assert "s3cret" not in shown and "user:" not in shown


def test_credentials_stay_out_of_the_error_when_nothing_answers(tmp_path, monkeypatch, capsys):
    dead = HostileServer()
    dead.close()
    (tmp_path / "rules.yaml").write_text(BASE_RULES)
    monkeypatch.chdir(tmp_path)
    assert cli.main([dead.url.replace("http://", "http://user:s3cret@"), "--crawl-delay", "0"]) == 2
    err = capsys.readouterr().err
    assert "nothing could be fetched" in err and "s3cret" not in err


# -- 6. issue 23: advice that holds on an http preview
def test_protocol_relative_on_an_http_preview_is_not_advised_as_the_fix(server, policy):
    server.page("/", HOME + '<script src="//cdn.example.net/x.js"></script>')
    [insecure] = [f for f in check(server.url, policy).findings if f.check == "PL104"]
    assert "protocol-relative" in insecure.message and "use https://" in insecure.message
    assert "(or a protocol-relative //)" not in insecure.message


# -- the charset of the HTTP header wins, as in browsers
@pytest.mark.parametrize(("header", "meta", "loads"), [("iso-2022-jp", "utf-8", True), ("utf-8", "iso-2022-jp", False)])
def test_the_http_charset_decides_how_a_page_reads(server, policy, header, meta, loads):
    body = f'<meta charset="{meta}"><script src="https://www.goo\x1b(Bgle-analytics.com/analytics.js"></script>'
    server.page("/good/", body, content_type=f"text/html; charset={header}")
    result = checked(check(server.url, policy))
    assert (("PL101", f"{server.url}good/", "google-analytics.com") in result) is loads


def test_deflate_and_gzip_bodies_are_read(server, policy):
    server.raw("/bad", OK_HEAD.encode() + b"Content-Encoding: gzip\r\n\r\n" + gzip.compress(GOOD.encode()))
    server.raw("/good/", OK_HEAD.encode() + b"Content-Encoding: deflate\r\n\r\n" + zlib.compress(GOOD.encode())[2:-4])
    result = checked(check(server.url, policy))
    assert ("PL101", f"{server.url}bad", "youtube.com") in result
    assert ("PL101", f"{server.url}good/", "youtube.com") in result
