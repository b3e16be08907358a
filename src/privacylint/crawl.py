"""`privacylint https://preview.example.org/`: a deployed site, fetched over HTTP and checked as
a build.

Polite and bounded: same origin (and under the URL's path) only, seeded from the URL itself,
the statement page and `sitemap.xml`; `robots.txt` obeyed for our user agent; redirects followed
only while they stay on the origin; at most `max_pages` pages, `max_seconds` in all,
`max_bytes` in all, `delay` seconds between requests, a per-request timeout, and a user agent
that says what it is. The site's own scripts and stylesheets are fetched too (their facts are
the pages'), within the same bounds.

What was fetched is written to a folder as a build (`/a/` -> a/index.html) and goes through the
same extraction and checks; the real response headers that matter (Set-Cookie,
Content-Security-Policy, Referrer-Policy) go into a `_headers` file there, read like a Netlify
one. Findings then point at URLs: Crawl.url_of maps a file of the folder back to its URL.
What could not be fetched (a timeout, an error status other than 404) is a PL001 finding at
that URL; the run goes on.
"""

from __future__ import annotations

import os
import re
import time
import urllib.robotparser
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from privacylint import __version__
from privacylint.extract.urls import resolve

USER_AGENT = f"privacylint/{__version__} (privacy statement linter; checks this site against its policy)"
_HEADERS_KEPT = ("set-cookie", "content-security-policy", "referrer-policy", "content-type")
_LINK = re.compile(rb"""<a\b[^>]*?\bhref\s*=\s*["']?([^"'\s>]+)""", re.I)
_ASSET = re.compile(rb"""<(?:script\b[^>]*?\bsrc|link\b[^>]*?\bhref)\s*=\s*["']?([^"'\s>]+)""", re.I)
_MAX_REDIRECTS = 5


@dataclass
class CrawlLimits:
    max_pages: int = 50
    max_seconds: float = 120.0
    max_bytes: int = 50 * 1024 * 1024
    delay: float = 0.5  # seconds between requests
    timeout: float = 10.0  # per request


@dataclass
class Crawl:
    base: str  # the URL given, ending in "/"
    folder: str
    pages: int = 0
    fetched: dict[str, str] = field(default_factory=dict)  # relative file -> URL
    failures: list[tuple[str, str]] = field(default_factory=list)  # (URL, why)
    headers_of: dict[int, str] = field(default_factory=dict)  # line of _headers -> relative file

    def url_of(self, rel: str) -> str:
        return self.fetched.get(rel, self.base + rel)


def crawl(url: str, folder: str, statement: str | None, limits: CrawlLimits, session=None) -> Crawl:
    import requests

    base = url if url.endswith("/") else url + "/"
    session = session or requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    state = _State(base, folder, limits, session)
    seeds = [base] + ([resolve(statement.lstrip("/"), base)] if statement else []) + state.sitemap()
    queue = deque(dict.fromkeys(u for u in seeds if u))
    seen = set(queue)
    while queue and state.within_bounds():
        page = queue.popleft()
        body = state.fetch(page, as_page=True)
        if body is None:
            continue
        for found in _LINK.findall(body) + _ASSET.findall(body):
            target = resolve(found.decode("utf-8", "replace"), page)
            target = target and target.split("#")[0]
            if target and target not in seen and state.inside(target):
                seen.add(target)
                if _looks_like_page(target):
                    queue.append(target)
                else:
                    state.assets.append(target)
    for asset in state.assets:
        if not state.within_bounds(asset=True):
            break
        state.fetch(asset, as_page=False)
    state.write_headers()
    return state.result


def _looks_like_page(url: str) -> bool:
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return "." not in name or name.lower().endswith((".html", ".htm"))


class _State:
    def __init__(self, base: str, folder: str, limits: CrawlLimits, session):
        self.base, self.folder, self.limits, self.session = base, folder, limits, session
        self.origin = urlsplit(base)[:2]
        self.result = Crawl(base, folder)
        self.started = time.monotonic()
        self.bytes = 0
        self.last = 0.0
        self.assets: list[str] = []
        self.headers: list[tuple[str, list[tuple[str, str]]]] = []
        self.robots = self._robots()

    def inside(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts[:2] == self.origin and parts.path.startswith(urlsplit(self.base).path)

    def within_bounds(self, asset: bool = False) -> bool:
        return ((asset or self.result.pages < self.limits.max_pages) and self.bytes < self.limits.max_bytes
                and time.monotonic() - self.started < self.limits.max_seconds)

    def _get(self, url: str):
        """GET with the polite delay, redirects followed only on the origin; None when refused."""
        import requests

        for _ in range(_MAX_REDIRECTS + 1):
            wait = self.limits.delay - (time.monotonic() - self.last)
            if wait > 0:
                time.sleep(wait)
            self.last = time.monotonic()
            budget = max(0.1, min(self.limits.timeout, self.limits.max_seconds - (self.last - self.started)))
            try:
                response = self.session.get(url, timeout=budget, allow_redirects=False, stream=True)
                body = response.raw.read(self.limits.max_bytes - self.bytes + 1, decode_content=True)
            except requests.RequestException as err:
                self.result.failures.append((url, f"could not be fetched: {type(err).__name__}"))
                return None, None
            self.bytes += len(body)
            if response.is_redirect:
                target = resolve(response.headers.get("location", ""), url)
                if not target or not self.inside(target):
                    return None, None  # off the site: not followed (a link out, not a page of it)
                url = target
                continue
            return response, body
        self.result.failures.append((url, "too many redirects"))
        return None, None

    def _robots(self):
        parser = urllib.robotparser.RobotFileParser()
        response, body = self._get(f"{self.origin[0]}://{self.origin[1]}/robots.txt")
        self.result.failures.clear()  # a site without robots.txt is no failure
        lines = body.decode("utf-8", "replace").splitlines() if response is not None and response.ok else []
        parser.parse(lines)
        return parser

    def sitemap(self) -> list[str]:
        response, body = self._get(self.base + "sitemap.xml")
        if response is None or not response.ok:
            self.result.failures = [f for f in self.result.failures if not f[0].endswith("sitemap.xml")]
            return []
        return [u.decode("utf-8", "replace") for u in re.findall(rb"<loc>\s*([^<\s]+)\s*</loc>", body)
                if self.inside(u.decode("utf-8", "replace"))]

    def fetch(self, url: str, as_page: bool) -> bytes | None:
        if not self.robots.can_fetch(USER_AGENT, url):
            return None
        response, body = self._get(url)
        if response is None:
            return None
        if response.status_code == 404:
            return None  # a missing page is what the checks report (PL301 for the statement)
        if not response.ok:
            self.result.failures.append((url, f"answered HTTP {response.status_code}"))
            return None
        is_html = "html" in response.headers.get("content-type", "")
        rel = self._file_for(url, is_html)
        if rel is None:
            return None
        path = os.path.join(self.folder, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(body)
        self.result.fetched[rel] = url
        kept = [(k, v) for k, v in response.raw.headers.items() if k.lower() in _HEADERS_KEPT]
        if kept:
            self.headers.append((rel, kept))
        if as_page and is_html:
            self.result.pages += 1
            return body
        return None

    def _file_for(self, url: str, is_html: bool) -> str | None:
        rest = unquote(urlsplit(url).path)[len(urlsplit(self.base).path):]
        if ".." in rest.split("/"):
            return None
        if is_html and (not rest or rest.endswith("/") or "." not in rest.rsplit("/", 1)[-1]):
            rest = rest.rstrip("/") + "/index.html" if rest else "index.html"
        return rest.lstrip("/") or None

    def write_headers(self) -> None:
        lines = []
        for rel, pairs in self.headers:
            lines.append("/" + rel)
            for name, value in pairs:
                lines.append(f"  {name}: {value}")
                self.result.headers_of[len(lines)] = rel
        if lines:
            with open(os.path.join(self.folder, "_headers"), "w", encoding="utf-8") as fh:
                fh.write("\n".join(lines) + "\n")


class CrawlError(Exception):
    pass


def check_url(url: str, policy, options, limits: CrawlLimits):
    """Fetch the deployed site into a temporary folder and check it as a build (the policy's
    site.url becomes the deployed URL; its own host stays first party); findings at URLs."""
    import dataclasses
    import tempfile

    from privacylint.engine import run

    with tempfile.TemporaryDirectory(prefix="privacylint-fetched-") as folder:
        fetched = crawl(url, folder, policy.statement_page, limits)
        if not fetched.pages:
            why = "; ".join(f"{u}: {w}" for u, w in fetched.failures[:3]) or "no page answered"
            raise CrawlError(f"nothing could be fetched from {url} ({why})")
        production = urlsplit(policy.site_url).hostname
        deployed = dataclasses.replace(policy, site_url=fetched.base,
                                       first_party=tuple(dict.fromkeys((*policy.first_party, production))))
        return as_urls(run([folder], deployed, options), fetched)


def as_urls(result, fetched: Crawl):
    """The run's findings on the fetched folder, pointed at the URLs they came from; and a PL001
    finding for each URL that could not be fetched."""
    from dataclasses import replace

    from privacylint.model import Finding

    def moved(f):
        if f.root != fetched.folder:
            return f
        if f.path == "_headers":
            return replace(f, root=None, path=fetched.url_of(fetched.headers_of.get(f.line, "")), line=None,
                           column=None)
        return replace(f, root=None, path=fetched.url_of(f.path))

    result.findings = [moved(f) for f in result.findings]
    result.suppressed = [replace(s, finding=moved(s.finding)) for s in result.suppressed]
    result.findings += [Finding("PL001", "unreadable-file", "error", url, None, None, "unreadable",
                                f"{why}; it was not checked.") for url, why in fetched.failures]
    result.findings.sort(key=lambda f: f.sort_key())
    result.roots = [fetched.base]
    return result
