"""Property-based fuzzing of URL mode (hypothesis): responses built from the pieces hostile
servers are made of (status lines, header names and values, framings, encodings, bodies,
redirects), cut anywhere, served raw by a local server (tests/hostile_server.py, 127.0.0.1).

Properties: one GET gives a Response or a FetchError, nothing else, within its deadline, never
a body over the cap; a crawl whose homepage, robots.txt, sitemap or script is that response gives
a Result (findings at URLs of the site) or a CrawlError, never an internal error.

Bounded like tests/test_fuzz.py: PRIVACYLINT_FUZZ_EXAMPLES examples for the GET (the crawl, which
runs the checks each time, a tenth of them); inputs that failed once are kept in tests/fuzz-corpus/.
"""

from __future__ import annotations

import gzip
import os
import time
import zlib
from pathlib import Path

import pytest
from conftest import BASE_RULES
from hostile_server import HostileServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

from privacylint.checks import CHECK_IDS
from privacylint.deployed.crawl import CrawlError, CrawlLimits, check_url
from privacylint.engine import Options
from privacylint.deployed.fetch import FetchError, get
from privacylint.policy import load_policy

CORPUS = Path(__file__).with_name("fuzz-corpus")
EXAMPLES = int(os.environ.get("PRIVACYLINT_FUZZ_EXAMPLES", "60"))


def fuzz(examples: int):
    return settings(max_examples=max(10, examples), deadline=None,
                    database=DirectoryBasedExampleDatabase(str(CORPUS)),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


PAGE = (b'<a href="/privacy/">P</a><script src="/app.js"></script>'
        b'<iframe src="https://www.youtube.com/embed/x"></iframe>')
STATUS = ["HTTP/1.1 200 OK", "HTTP/1.0 200 OK", "HTTP/1.1 301 Moved", "HTTP/1.1 302 Found", "HTTP/1.1 308 X",
          "HTTP/1.1 404 Not Found", "HTTP/1.1 500 Oops", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK",
          "HTTP/1.1 103 Early Hints", "HTTP/1.1 204 No Content", "HTTP/1.1 999 X", "HTTP/1.1 -1 X", "HTTP/2 200",
          "HTTP/1.1 200", "ICY 200 OK", "", "HTTP/1.1  200  OK", "http/1.1 200 ok", "HTTP/1.1 0200 OK"]
NAMES = ["Content-Length", "Transfer-Encoding", "Content-Encoding", "Content-Type", "Location", "Set-Cookie",
         "Content-Security-Policy", "Referrer-Policy", "Connection", "X-Padding", " Content-Length", "Content-Length ",
         "", ":", "Set-Cookie\x00"]
VALUES = ["0", "5", "-1", "abc", "99999999999999999999", "chunked", "gzip", "deflate", "br", "gzip, gzip",
          "identity", "chunked, gzip", "text/html", "text/html; charset=iso-2022-jp", "text/html; charset=utf-16",
          "text/html; charset=replacement", "application/javascript", "text/css", "image/png", "",
          "/", "/app.js", "/privacy/", "//other.example/", "http://[::1", "https://127.0.0.1:1/", "javascript:x",
          "/x%0d%0aSet-Cookie:%20a=1", "http://user:pw@127.0.0.1:1/", "a=1; Path=/", "_ga=1\x0b2", "close",
          "keep-alive", "script-src 'self' https://www.google-analytics.com", "unsafe-url", "\u2028", "é" * 40,
          "a" * 300]
BODIES = [PAGE, b"", b"<p>" + b"x" * 2000, b"\x00\x01\x02", "<p>é\u2028</p>".encode(), b"\xff\xfe<\x00p\x00>\x00",
          b'localStorage.setItem("k", 1); s.src = "/other.js";', b"<url><loc>/a%00b/</loc></url>",
          b"User-agent: *\nDisallow: /\n", b'<meta charset="utf-16"><p>x</p>']


def _coded(body: bytes, how: str) -> bytes:
    return {"plain": body, "gzip": gzip.compress(body), "zlib": zlib.compress(body), "raw": zlib.compress(body)[2:-4],
            "gzip-cut": gzip.compress(body)[:12], "garbage-gzip": b"\x1f\x8b\x08\x00" + body}[how]


def _chunked(body: bytes, sizes: list[int], broken: str) -> bytes:
    out, at = b"", 0
    for size in sizes:
        piece = body[at:at + size]
        at += size
        out += f"{len(piece):x}".encode() + b"\r\n" + piece + b"\r\n"
    return out + {"": b"0\r\n\r\n", "no-end": b"", "bad-size": b"zz\r\n", "huge": b"ffffffffffffffff\r\nab"}[broken]


@st.composite
def responses(draw) -> bytes:
    """A response as raw bytes: mostly well-formed pieces, put together badly."""
    eol = draw(st.sampled_from(["\r\n", "\n"]))
    status = draw(st.one_of(st.sampled_from(STATUS), st.text(max_size=30)))
    headers = draw(st.lists(st.tuples(st.sampled_from(NAMES), st.one_of(st.sampled_from(VALUES), st.text(max_size=30))),
                            max_size=8))
    body = _coded(draw(st.sampled_from(BODIES)), draw(st.sampled_from(["plain", "gzip", "zlib", "raw", "gzip-cut",
                                                                       "garbage-gzip"])))
    if draw(st.booleans()):
        body = _chunked(body, draw(st.lists(st.integers(0, 300), max_size=4)),
                        draw(st.sampled_from(["", "no-end", "bad-size", "huge"])))
    head = eol.join([status, *(f"{k}: {v}" for k, v in headers)]) + eol + eol
    data = head.encode("utf-8", "surrogatepass") + body
    cut = draw(st.one_of(st.none(), st.integers(0, len(data))))
    return data if cut is None else data[:cut]


@pytest.fixture(scope="module")
def server():
    site = HostileServer()
    yield site
    site.close()


@fuzz(EXAMPLES)
@given(responses())
def test_a_get_gives_a_response_or_a_fetch_error_in_time(server, data):
    server.raw("/x", data)
    started = time.monotonic()
    try:
        response = get(server.url + "x", deadline=started + 5, max_size=4096, user_agent="fuzz")
    except FetchError as err:
        assert err.why and err.subject in ("unreadable", "too-large")
    else:
        assert len(response.body) <= 4096 and 100 <= response.status <= 999
    assert time.monotonic() - started < 10


@fuzz(EXAMPLES // 10)
@given(responses(), st.sampled_from(["/", "/robots.txt", "/sitemap.xml", "/app.js", "/privacy/"]))
def test_a_crawl_gives_findings_at_urls_or_a_crawl_error(server, tmp_path_factory, data, where):
    server.routes.clear()
    server.page("/", PAGE)
    server.page("/privacy/", "<h1>Privacy</h1>")
    server.page("/app.js", "document.cookie = 'a=1';", content_type="application/javascript")
    server.raw(where, data)
    rules = tmp_path_factory.mktemp("u") / "rules.yaml"
    rules.write_text(BASE_RULES)
    options = Options(jobs=1, cache_dir=None, max_file_size=8192)
    try:
        result = check_url(server.url, load_policy(rules, CHECK_IDS), options,
                           CrawlLimits(delay=0, timeout=2, max_seconds=5))
    except CrawlError as err:
        assert str(err).startswith("nothing could be fetched from")
        return
    for f in result.findings:
        assert f.path.startswith(server.url) or f.path == str(rules), f
