"""What the browser gets for each request of a page, offline.

The site's own origin is answered from the build, as static reading reads it: a file over
`--max-file-size` is never read (413), a symbolic link leaving the build is never followed
(404), and a page gets at most PAGE_BYTES of the build in all (503 after that), so a 1 GiB file
referenced four times costs nothing. Every other request is recorded and aborted (`--browser-live`:
let through). The page stays the page it is: a navigation of its window elsewhere (a meta refresh,
`location = ...`, a form) is recorded and refused, so a redirect stub is observed as itself and
never with its target's behaviour; after "accept all", reloading the page itself is allowed
(consent managers do that).
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
import os
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from privacylint.browser.options import BrowserOptions, Observed

MAX_SENT, MAX_SENT_BYTES = 500, 64 * 1024  # requests (and bytes of each body) searched for typed input
PAGE_BYTES = 256 * 1024 * 1024  # of the build, served to one page at most
_BIG = 1024 * 1024  # a body this large waits for one of _BIG_AT_ONCE slots: memory stays bounded
_BIG_AT_ONCE = 4


def origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


@dataclass(frozen=True)
class Served:
    status: int
    body: bytes = b""
    content_type: str = "text/plain"
    refused: str | None = None  # why a file of the build was not served


class Build:
    """The build's files, answered for the site's URLs; shared by every page of the run."""

    def __init__(self, root: str, site_url: str, max_file_size: int):
        self.root = root
        self.real_root = os.path.realpath(root)
        self.base = urlsplit(site_url).path
        self.max_file_size = max_file_size
        self._big = asyncio.Semaphore(_BIG_AT_ONCE)

    def find(self, url: str) -> tuple[str, str] | None:
        """(path relative to the build, real path) of the file a URL names, or None: outside the
        site's path, missing, not a regular file, or a link that leaves the build."""
        path = unquote(urlsplit(url).path)
        if not path.startswith(self.base) or "\0" in path:
            return None
        rel = path[len(self.base):]
        for candidate in (rel, rel + "index.html" if rel.endswith("/") or not rel else rel + "/index.html"):
            full = os.path.realpath(os.path.join(self.root, candidate))
            if full.startswith(self.real_root + os.sep) and os.path.isfile(full):
                return candidate, full
        return None

    def read(self, url: str, budget: int | None = None) -> Served:
        """The answer for a URL: the file, or why not (never more than --max-file-size read)."""
        found = self.find(url)
        if found is None:
            return Served(404)
        rel, full = found
        try:
            size = os.path.getsize(full)
            if size > self.max_file_size:
                return Served(413, refused=f"{rel} is over --max-file-size ({size} bytes): the browser got a 413 "
                                          "for it, so what it would do is not observed")
            if budget is not None and size > budget:
                return Served(503, refused=f"it requested more than {PAGE_BYTES // 2**20} MB of the build: the "
                                          "rest was refused (503)")
            with open(full, "rb") as fh:
                body = fh.read(self.max_file_size + 1)
        except OSError:
            return Served(404)
        if len(body) > self.max_file_size:  # it grew since
            return Served(413, refused=f"{rel} is over --max-file-size: the browser got a 413 for it")
        return Served(200, body, mimetypes.guess_type(full)[0] or "application/octet-stream")

    async def fulfil(self, route, url: str, budget: list[int], seen: Observed) -> None:
        """Answer one first-party request; `budget` is what the page may still be served. Large
        files are read a few at a time, so a page asking for one 2,000 times holds a few copies."""
        found = self.find(url)
        big = found is not None and os.path.getsize(found[1]) >= _BIG
        async with self._big if big else contextlib.nullcontext():
            served = self.read(url, budget[0])
            if served.refused:
                seen.note(served.refused)
            budget[0] -= len(served.body)
            await route.fulfill(status=served.status, body=served.body, content_type=served.content_type)


class Router:
    """One page's requests: `handle` is its context's route handler."""

    def __init__(self, build: Build, site_url: str, options: BrowserOptions, seen: Observed):
        self.build = build
        self.origin = origin(site_url)
        self.options = options
        self.seen = seen
        self.tab = None  # the page's tab, once open: its window's navigations are watched
        self.may_reload = False  # set once "accept all" went through
        self._navigations = 0
        self._budget = [PAGE_BYTES]
        self.sent: list[tuple[str, bytes]] | None = None  # (URL, body) of each request, once watched

    def watch(self) -> None:
        """From now on, keep what each request sends (instrument.canary_in looks for typed input)."""
        self.sent = []

    def _keep_sent(self, request) -> None:
        if self.sent is None or len(self.sent) >= MAX_SENT:
            return
        try:
            body = request.post_data_buffer or b""
        except Exception:  # noqa: BLE001 - a body Playwright cannot give: the URL still counts
            body = b""
        self.sent.append((request.url[:8192], body[:MAX_SENT_BYTES]))

    async def handle(self, route) -> None:
        request = route.request
        url = request.url
        self._keep_sent(request)
        if self._top_level(request) and not self._own_navigation(request, url):
            if origin(url) != self.origin:
                self.seen.contact(url, request.resource_type)
            if self.seen.redirects_to is None:
                self.seen.redirects_to = url[:2000]
            return await route.abort("aborted")  # the window stays on the page (no error page either)
        if origin(url) == self.origin:
            return await self.build.fulfil(route, url, self._budget, self.seen)
        self.seen.contact(url, request.resource_type)
        stub = next((v for k, v in self.options.stubs.items() if url.startswith(k)), None)
        if stub is not None:
            return await route.fulfill(status=200, content_type=stub[0], body=stub[1])
        return await (route.continue_() if self.options.live else route.abort())

    def _top_level(self, request) -> bool:
        """A navigation of a window (this page's or a popup's), not of a frame inside it."""
        if not request.is_navigation_request():
            return False
        try:
            return request.frame.parent_frame is None
        except Exception:  # noqa: BLE001 - Playwright has no frame for it yet (a popup): a window
            return True

    def _own_navigation(self, request, url: str) -> bool:
        """The page's own load, or (after accepting) a reload of it, in its own window."""
        try:
            own = self.tab is not None and request.frame == self.tab.main_frame
        except Exception:  # noqa: BLE001 - no frame yet: a popup
            own = False
        if not own:
            return False
        same = url.partition("#")[0] == self.seen.url.partition("#")[0]
        if self._navigations == 0 and same or self.may_reload and same:
            self._navigations += 1
            self.may_reload = False
            return True
        return False
