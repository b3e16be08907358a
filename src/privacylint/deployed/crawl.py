"""`privacylint https://preview.example.org/`: a deployed site, fetched over HTTP and checked as
a build.

Polite and bounded: same origin (and under the URL's path) only, seeded from the URL itself,
the homepage and statement pages and `sitemap.xml`; `robots.txt` obeyed for our user agent;
redirects followed only while they stay on the origin; at most `max_pages` pages, `max_seconds`
in all (a deadline no server can stretch: fetch.py), `max_bytes` in all, `max_file_size` per
response, `delay` seconds between requests, `timeout` seconds per response, and a user agent
that says what it is. The site's own scripts and stylesheets are fetched too (their facts are
the pages'), within the same bounds. Pages and scripts are read for more URLs by extraction
itself, so the crawl follows what the checks see.

What was fetched is written to a folder as a build (fetched.py) and goes through the same
extraction and checks; findings then point at URLs (at_urls.py). What could not be fetched
is a PL001 finding at its URL, and the crawl goes on; what robots.txt or a limit kept from being
fetched is a note, and no check claims something is absent that the crawl did not reach.

Credentials in the URL (`https://user:pass@preview/`) are sent as HTTP Basic authorization to
that origin only, and appear in no URL of the report.
"""

from __future__ import annotations

import base64
import codecs
import html
import itertools
import re
import time
import urllib.robotparser
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit, urlunsplit

import webencodings

from privacylint import __version__
from privacylint.deployed import fetch
from privacylint.extract import extract_data, kind_of
from privacylint.extract.urls import resolve
from privacylint.facts import META_REFRESH, FileFacts
from privacylint.deployed.fetched import Folder
from privacylint.model import DEFAULT_MAX_FILE_SIZE
from privacylint.deployed.at_urls import as_urls, counted

USER_AGENT = f"privacylint/{__version__} (privacy statement linter; checks this site against its policy)"
_HEADERS_KEPT = ("set-cookie", "content-security-policy", "content-security-policy-report-only", "referrer-policy")
_MAX_KEPT_HEADERS = 64 * 1024  # bytes of kept headers per response; the _headers file stays under 1 MiB
_MAX_HEADERS_FILE = 960 * 1024
_MAX_REDIRECTS = 5
_MAX_FOUND = 20000  # URLs the crawl keeps track of; more are counted, not queued
_ROBOTS_MAX = 512 * 1024  # as search engines read it
_HTML = frozenset({"text/html", "application/xhtml+xml"})
_PAGE_EXTENSIONS = frozenset({"", "html", "htm", "xhtml", "shtml", "php", "asp", "aspx", "jsp", "cgi"})
_LOC = re.compile(rb"<loc>\s*([^<\s]+)\s*</loc>")


@dataclass
class CrawlLimits:
    max_pages: int = 50
    max_seconds: float = 120.0
    max_bytes: int = 50 * 1024 * 1024
    delay: float = 0.5  # seconds between requests
    timeout: float = 30.0  # seconds per response, in all: a server dripping bytes cannot stretch it
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # per response, as --max-file-size is per file


@dataclass
class Crawl:
    base: str  # the URL given, without credentials, ending in "/"
    folder: Folder
    pages: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (URL, PL001 subject, why)
    outcome: dict[str, str] = field(default_factory=dict)  # URL asked for -> "read", "absent" or why not read
    robots_skipped: list[str] = field(default_factory=list)
    unreached: list[str] = field(default_factory=list)  # found, not fetched: a limit stopped the crawl
    stopped: str | None = None  # that limit
    notes: list[str] = field(default_factory=list)

    def url_of(self, rel: str) -> str:
        return self.folder.url_of(rel)

    def incomplete(self) -> str | None:
        """Why the crawl did not read every page it found, in words; None when it did."""
        why = []
        if self.stopped and self.unreached:
            why.append(f"the crawl stopped at {self.stopped} with {counted(len(self.unreached), 'URL')} not fetched")
        if self.robots_skipped:
            why.append(f"robots.txt kept {counted(len(self.robots_skipped), 'URL')} from being fetched")
        if self.failures:
            why.append(f"{counted(len(self.failures), 'URL')} could not be read (see PL001)")
        return "; ".join(why) or None


class CrawlError(Exception):
    pass


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """(the URL without user:password@, the Authorization value they make, the secret to redact)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    clean = urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, parts.query, parts.fragment))
    token = base64.b64encode(f"{user}:{password}".encode("utf-8", "replace")).decode("ascii")
    return clean, f"Basic {token}", parts.netloc.rpartition("@")[0]


def crawl(url: str, folder: str, seeds: list[str], limits: CrawlLimits, authorization: str | None = None) -> Crawl:
    """Fetch the site at `url` (no credentials in it; `authorization` goes to its origin only)
    into `folder`, from `url` and `seeds` (paths of the site), within `limits`."""
    base = url if url.endswith("/") else url + "/"
    crawler = _Crawler(base, folder, limits, authorization)
    crawler.run([base, *(resolve(s.lstrip("/"), base) for s in seeds), *crawler.sitemap()])
    crawler.result.folder.write_headers()
    return crawler.result


class _Crawler:
    def __init__(self, base: str, folder: str, limits: CrawlLimits, authorization: str | None):
        self.base, self.limits, self.authorization = base, limits, authorization
        self.origin = urlsplit(base)[:2]
        self.result = Crawl(base, Folder(folder, base))
        self.started = time.monotonic()
        self.deadline = self.started + _seconds(limits.max_seconds)
        self.bytes = self.headers_bytes = 0
        self.last = float("-inf")
        self.done: set[str] = set()  # final URLs stored
        self.robots = self._robots()

    # -- the crawl
    def run(self, seeds: list[str | None]) -> None:
        """Pages first, breadth first, then the scripts and stylesheets they load (which may
        load more). The page limit stops pages only; the time and byte limits stop everything."""
        pages = deque((u, "page") for u in dict.fromkeys(u for u in seeds if u and self.inside(u)))
        assets: deque[tuple[str, str]] = deque()
        seen = {u for u, _ in pages}
        while pages or assets:
            queue = pages or assets
            stop = self._limit(pages=queue is pages)
            if stop:
                self.result.stopped = f"{self.result.stopped}, then {stop}" if self.result.stopped else stop
                self.result.unreached += [u for u, _ in queue]
                queue.clear()
                if queue is pages and stop.startswith("--max-pages"):
                    continue
                self.result.unreached += [u for u, _ in assets]
                return
            url, kind = queue.popleft()
            facts = self._visit(url, kind)
            for found, found_kind in _found(facts, url) if facts else ():
                found = _without_credentials(found.partition("#")[0])
                if found not in seen and self.inside(found) and len(seen) < _MAX_FOUND:
                    seen.add(found)
                    (pages if found_kind == "page" else assets).append((found, found_kind))

    def _limit(self, pages: bool) -> str | None:
        """The limit that stops the crawl now, in words; None while it may go on."""
        if pages and self.result.pages >= self.limits.max_pages:
            return f"--max-pages {self.limits.max_pages}"
        if self.bytes >= self.limits.max_bytes:
            return f"its {self.limits.max_bytes:,}-byte limit"
        if time.monotonic() >= self.deadline:
            return f"--max-seconds {self.limits.max_seconds:g}"
        return None

    def inside(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts[:2] == self.origin and parts.path.startswith(urlsplit(self.base).path)

    def _visit(self, url: str, expected: str) -> FileFacts | None:
        """Fetch and store one URL; its facts (for the URLs it names), or None."""
        got = self._get(url)
        if got is None:
            return None
        final, response = got
        if response.status in (404, 410):
            self.result.outcome[url] = "absent"
            return None
        if not 200 <= response.status < 300:
            return self._fail(url, "unreadable", f"it answered HTTP {response.status}")
        kind = _kind(expected, response.header("content-type"))
        if kind is None:
            self.result.outcome[url] = f"it is not an HTML page ({response.header('content-type')[:60] or 'no type'})"
            return None
        self.result.outcome[url] = "read" if final == url else f"redirect:{final}"
        if final in self.done:
            return None
        self.done.add(final)
        return self._store(url, final, kind, response)

    def _store(self, url: str, final: str, kind: str, response: fetch.Response) -> FileFacts | None:
        body = _with_http_charset(response.body, response.header("content-type"))
        kept = [(k, v) for k, v in response.headers if k in _HEADERS_KEPT]
        size = sum(len(k) + len(v) + 4 for k, v in kept)
        if kept and (size > _MAX_KEPT_HEADERS or self.headers_bytes + size > _MAX_HEADERS_FILE):
            self._fail(url, "too-large", f"its Set-Cookie, Content-Security-Policy and Referrer-Policy headers "
                       f"are over {_MAX_KEPT_HEADERS:,} bytes, so they were not read")
            kept, size = [], 0
        self.headers_bytes += size
        rel = self.result.folder.name_for(final, kind)
        try:
            self.result.folder.write(rel, final, body, kept)
        except OSError as err:
            return self._fail(url, "unreadable", f"it could not be stored to be checked ({err.strerror or err})")
        self.result.pages += kind == "page"
        facts = FileFacts(rel, kind)
        extract_data(body, final, facts)
        return facts

    def _get(self, url: str) -> tuple[str, fetch.Response] | None:
        """GET, following redirects that stay on the site; (final URL, response), or None when
        it was not fetched (the outcome says why)."""
        asked = url
        for _ in range(_MAX_REDIRECTS + 1):
            if not self.robots.can_fetch(USER_AGENT, url):
                self.result.robots_skipped.append(url)
                self.result.outcome[asked] = "robots.txt asks privacylint not to fetch it"
                return None
            try:
                response = self._ask(url, self.limits.max_file_size)
            except fetch.FetchError as err:
                return self._fail(asked, err.subject, err.why)
            location = response.redirect
            if not location:
                return url, response
            target = resolve(location, url)
            target = target and _without_credentials(target.partition("#")[0])
            if not target:
                return self._fail(asked, "unreadable", "it redirects to an address that is not a valid http(s) URL")
            if not self.inside(target):
                self.result.outcome[asked] = "it redirects off the site"  # a link out, not a page of it
                return None
            url = target
        return self._fail(asked, "unreadable", f"it redirects more than {_MAX_REDIRECTS} times")

    def _ask(self, url: str, max_size: int) -> fetch.Response:
        """One request: after the polite pause, within the time left; raises FetchError."""
        now = time.monotonic()
        pause = min(_seconds(self.limits.delay) - (now - self.last), self.deadline - now)
        if pause > 0:
            time.sleep(pause)
        self.last = time.monotonic()
        deadline = min(self.last + _seconds(self.limits.timeout), self.deadline)
        try:
            response = fetch.get(url, deadline=deadline, max_size=max_size, user_agent=USER_AGENT,
                                 authorization=self.authorization)
        except fetch.Overtime as err:
            if deadline < self.deadline:
                raise
            raise fetch.FetchError(f"--max-seconds {self.limits.max_seconds:g} ran out while it was coming") from err
        self.bytes += len(response.body)
        return response

    def _fail(self, url: str, subject: str, why: str) -> None:
        self.result.failures.append((url, subject, why))
        self.result.outcome[url] = why

    # -- what the site says about crawling it
    def _robots(self) -> urllib.robotparser.RobotFileParser:
        parser = urllib.robotparser.RobotFileParser()
        lines: list[str] = []
        try:
            response = self._ask(f"{self.origin[0]}://{self.origin[1]}/robots.txt", _ROBOTS_MAX)
            if 200 <= response.status < 300:
                lines = response.body.decode("utf-8", "replace").splitlines()
            elif response.status >= 500:
                self.result.notes.append(f"robots.txt answered HTTP {response.status}; the crawl went on as if "
                                         "it allowed every page.")
        except fetch.FetchError as err:
            self.result.notes.append(f"robots.txt could not be read ({err.why}); the crawl went on as if it "
                                     "allowed every page.")
        parser.parse(lines)
        return parser

    def sitemap(self) -> list[str]:
        url = self.base + "sitemap.xml"
        if not self.robots.can_fetch(USER_AGENT, url):
            return []
        try:
            response = self._ask(url, self.limits.max_file_size)
        except fetch.FetchError as err:
            self.result.notes.append(f"{url} could not be read ({err.why}); the crawl followed links only.")
            return []
        if not 200 <= response.status < 300:
            return []
        locs = itertools.islice(_LOC.finditer(response.body), _MAX_FOUND)
        found = (resolve(html.unescape(m.group(1).decode("utf-8", "replace")), self.base) for m in locs)
        return [_without_credentials(u) for u in found if u]


def _found(facts: FileFacts, url: str):
    """(URL, kind) of what a page or script names that the crawl may fetch: pages it links to
    or frames, and scripts and stylesheets it loads."""
    for link in facts.links:
        if link.kind in ("<a href>", "<area href>") and _looks_like_page(link.url):
            yield link.url, "page"
    for href in facts.local_links:
        target = resolve(href, facts.base or url)
        if target and _looks_like_page(target):
            yield target, "page"
    for request in facts.requests:
        kind = kind_of(urlsplit(request.url).path)
        if request.kind.startswith(("<iframe", "<frame")) or request.kind == META_REFRESH:
            yield request.url, "page"
        elif kind in ("script", "stylesheet"):
            yield request.url, kind
        elif request.kind.startswith("<script"):
            yield request.url, "script"
        elif request.kind in ("<link rel=stylesheet>", "css @import"):
            yield request.url, "stylesheet"


def _looks_like_page(url: str) -> bool:
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name.rpartition(".")[2].lower() in _PAGE_EXTENSIONS if "." in name else True


def _kind(expected: str, content_type: str) -> str | None:
    """What to store a response as: the kind it was asked for, unless its type says otherwise."""
    media = content_type.partition(";")[0].strip().lower()
    if expected == "page":
        return "page" if media in _HTML or not media else None
    if media in _HTML or media.startswith(("image/", "video/", "audio/", "font/")):
        return None
    return expected


def _with_http_charset(body: bytes, content_type: str) -> bytes:
    """The body as the browser decodes it: a charset in the Content-Type header wins over the
    document's own declaration (a byte order mark wins over both), so the text is given to
    extraction as UTF-8 with a byte order mark."""
    label = re.search(r";\s*charset\s*=\s*[\"']?([\w.:-]{1,64})", content_type, re.IGNORECASE)
    encoding = webencodings.lookup(label.group(1)) if label else None
    if encoding is None or body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body
    if encoding.name == "replacement":
        return codecs.BOM_UTF8  # the browser shows one replacement character: nothing of it loads
    if encoding.name == "utf-8":
        return codecs.BOM_UTF8 + body  # over a <meta charset> that says otherwise
    return codecs.BOM_UTF8 + body.decode(encoding.codec_info.name, "replace").encode("utf-8", "replace")


def _seconds(value: float) -> float:
    """Seconds that sockets and sleep accept: NaN is none, anything over a day a day."""
    return min(value, 86400.0) if value > 0 else 0.0


def _without_credentials(url: str) -> str:
    return split_credentials(url)[0]


def check_url(url: str, policy, options, limits: CrawlLimits):
    """Fetch the deployed site into a temporary folder and check it as a build (the policy's
    site.url becomes the deployed URL; its own host stays first party); findings at URLs."""
    import dataclasses
    import tempfile

    from privacylint.engine import run

    clean, authorization, secret = split_credentials(url)
    base = resolve(clean, clean)
    if not base or not urlsplit(base).hostname:
        raise CrawlError(f"{clean} is not a URL privacylint can fetch")
    base = urlunsplit(urlsplit(base)[:3] + ("", ""))  # the site is a path: no query, no fragment
    limits = dataclasses.replace(limits, max_file_size=options.max_file_size)
    with tempfile.TemporaryDirectory(prefix="privacylint-fetched-") as folder:
        fetched = crawl(base, folder, [policy.homepage, policy.statement_page or ""], limits, authorization)
        if not fetched.pages:
            why = "; ".join(f"{u}: {w}" for u, _, w in fetched.failures[:3]) or \
                (f"the crawl stopped at {fetched.stopped}" if fetched.stopped else "no page answered")
            raise CrawlError(f"nothing could be fetched from {fetched.base} ({why})")
        production = urlsplit(policy.site_url).hostname
        deployed = dataclasses.replace(policy, site_url=fetched.base,
                                       first_party=tuple(dict.fromkeys((*policy.first_party, production))))
        options = dataclasses.replace(options, aliases=dict(fetched.folder.aliases))
        return as_urls(run([folder], deployed, options), fetched, policy, secret)
