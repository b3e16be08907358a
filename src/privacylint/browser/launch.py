"""Chromium, offline, one browser per page loading at a time (PARALLEL), under the run's deadline.

Offline means nothing leaves the machine: the route answers or aborts every request (serve),
the browser resolves no host name, every connection that escapes the route goes to a proxy that
does not exist (so a WebSocket, a preconnect or a worker's request to a literal IP address fails
too), and WebRTC may not use UDP outside a proxy (so no STUN or TURN packet goes anywhere). In
every mode a page's JavaScript heap is capped (a page that outgrows it crashes, a note) and the
page is not told it is automated (`navigator.webdriver`: consent managers hide from bots).
"""

from __future__ import annotations

import asyncio
import math
import os
import shutil

from privacylint.browser.options import BrowserError, BrowserOptions, Observed
from privacylint.browser.page import CLOSE_S, SALVAGE_S, observe_page, quietly, words
from privacylint.browser.serve import Build
from privacylint.facts import FileFacts

ARGS = ("--no-sandbox", "--webrtc-ip-handling-policy=disable_non_proxied_udp",
        "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
        "--disable-blink-features=AutomationControlled", "--js-flags=--max-old-space-size=512")
OFFLINE_ARGS = ("--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://proxy.invalid:9",
                "--proxy-bypass-list=<-loopback>")
# Playwright turns Chromium's IPC flooding protection off; kept on, a page calling pushState 100,000
# times is throttled by the page's own renderer instead of stalling the whole browser.
KEEP_DEFAULTS = ("--disable-ipc-flooding-protection",)
PARALLEL = 4  # pages loading at once, each in a browser of its own (a fresh context for each page)


def browser_path(playwright) -> str | None:
    """$PRIVACYLINT_BROWSER, else the Chromium Playwright installed, else the system's."""
    explicit = os.environ.get("PRIVACYLINT_BROWSER")
    if explicit:
        return explicit
    own = playwright.chromium.executable_path
    if own and os.path.exists(own):
        return own
    return shutil.which("chromium") or shutil.which("chromium-browser")


def page_url(site_url: str, page: FileFacts) -> str:
    return site_url + page.path.removesuffix("index.html")


def run_deadline(options: BrowserOptions, pages: int) -> float:
    """Enough for every page to use its whole time and be closed, PARALLEL at a time."""
    if options.run_timeout is not None:
        return options.run_timeout
    return (options.timeout + SALVAGE_S + CLOSE_S) * math.ceil(pages / PARALLEL) + 30


def observe(root: str, site_url: str, pages: list[FileFacts], options: BrowserOptions,
            records: dict[str, list[str]] | None = None) -> dict[str, Observed]:
    """Path of each page -> what it did. `records`: consent manager -> its consent records."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        raise BrowserError("--browser needs Playwright: pip install 'privacylint[browser]' (the browser itself: "
                           "apt-get install chromium, or python -m playwright install chromium)") from None
    return asyncio.run(_observe_all(root, site_url, pages, options, records or {}))


async def _observe_all(root: str, site_url: str, pages: list[FileFacts], options: BrowserOptions,
                       records: dict[str, list[str]]) -> dict[str, Observed]:
    from playwright.async_api import async_playwright

    seen = {page.path: Observed(page_url(site_url, page)) for page in pages}
    async with async_playwright() as p:
        executable = browser_path(p)
        if not executable:
            raise BrowserError("--browser found no Chromium: apt-get install chromium, or python -m playwright "
                               "install chromium, or set PRIVACYLINT_BROWSER to a Chromium executable")
        slots = [Slot(p, executable, options) for _ in range(min(PARALLEL, len(pages)))]
        try:
            if slots:
                await slots[0].browser()  # one that cannot start is a usage error, before any page
            await _all_pages(slots, Build(root, site_url, options.max_file_size), seen, options, records)
        finally:
            await asyncio.gather(*(slot.close() for slot in slots))
    return seen


class Slot:
    """A browser of its own for each page loading at a time: a page that floods or crashes its
    browser slows or stops that one only; the next page on the slot gets a fresh one if it died."""

    def __init__(self, playwright, executable: str, options: BrowserOptions):
        self.playwright, self.executable, self.options = playwright, executable, options
        self._browser = None

    async def browser(self):
        from playwright.async_api import Error as PlaywrightError

        if self._browser is None or not self._browser.is_connected():
            try:
                self._browser = await self.playwright.chromium.launch(
                    executable_path=self.executable, ignore_default_args=list(KEEP_DEFAULTS),
                    args=list(ARGS) + ([] if self.options.live else list(OFFLINE_ARGS)))
            except PlaywrightError as err:
                raise BrowserError(f"--browser could not start {self.executable}: {words(err)}") from None
        return self._browser

    async def close(self) -> None:
        if self._browser is not None:
            await quietly(self._browser.close(), 10)


async def _all_pages(slots: list[Slot], build: Build, seen: dict[str, Observed], options: BrowserOptions,
                     records: dict[str, list[str]]) -> None:
    queue = list(seen)
    started: set[str] = set()
    finished: set[str] = set()

    async def work(slot: Slot) -> None:
        while queue:
            path = queue.pop(0)
            started.add(path)
            try:
                await observe_page(await slot.browser(), build, seen[path], options, records)
            except Exception as err:  # noqa: BLE001 - never a traceback: the page is a note
                seen[path].error = f"the browser pass failed on it ({type(err).__name__}: {words(err)})"
            finished.add(path)

    deadline = run_deadline(options, len(seen))
    tasks = [asyncio.create_task(work(slot)) for slot in slots]
    _, pending = await asyncio.wait(tasks, timeout=deadline)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending, timeout=CLOSE_S)
    for path, page in seen.items():
        if path not in finished:
            page.error = (f"the browser pass ran out of its {deadline:g} s before this page finished; what it did until "
                          "then is kept" if path in started else f"not loaded: the browser pass ran out of its "
                          f"{deadline:g} s first")


def observe_site(site, root: str, site_url: str, options: BrowserOptions) -> dict[str, Observed]:
    """The pass over one site: its sample of pages, each manager's consent records known."""
    from privacylint.browser.accept import records
    from privacylint.browser.sample import choose_pages

    return observe(root, site_url, choose_pages(site, options.pages), options, records(site))
