"""`--browser`: pages of the build loaded in a real browser (Chromium, driven by Playwright), at
their real URL, with what they do recorded as observed facts.

Offline by default: every request for the site's own origin is answered from the build, every
other request is recorded and aborted, and the browser resolves no host name at all, so nothing
leaves the machine. `--browser-live` lets third-party requests through (for CI runners with
internet: vendor scripts then run and set their own cookies); tests never use it.

Which pages: the homepage, the statement page and one page per layout, a layout being the set of
scripts a page loads (so a 10,000-page site costs its number of layouts); `--browser-pages all`
or a number changes that. One browser, several pages at a time, each in a fresh browser context
(cookies are the page's own), bounded in time. Recorded before any consent: the requests for other origins (URL and resource
type), the cookies and the keys of localStorage and sessionStorage.

Playwright is an optional extra (`pip install privacylint[browser]`); the static run never
imports this module. The browser: $PRIVACYLINT_BROWSER, else Playwright's own Chromium, else the
system's `chromium`.
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
import shutil
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from privacylint.facts import HAR, HAR_WRITE, OBSERVED, OBSERVED_WRITE, FileFacts, Request, StorageWrite

_OFFLINE_ARGS = ("--host-resolver-rules=MAP * ~NOTFOUND",)  # no DNS: a request that escaped the route fails
_SETTLE_MS = 750  # after `load`: timers and deferred loaders run
PARALLEL = 4  # pages loading at once, each in its own context
# "Accept all" through each consent manager's public API (their documentation: cookieconsent v3
# acceptCategory('all'); Cookiebot submitCustomConsent(preferences, statistics, marketing);
# OneTrust AllowAll(); Klaro getManager().changeAll(true) + saveAndApplyConsents(); tarteaucitron
# userInterface.respondAll(true)). Returns the managers it accepted through.
_ACCEPT_ALL = """() => {
  const done = [];
  const attempt = (name, f) => { try { if (f()) done.push(name); } catch (e) {} };
  attempt("cookieconsent", () => window.CookieConsent && CookieConsent.acceptCategory
    && (CookieConsent.acceptCategory("all"), true));
  attempt("cookiebot", () => window.Cookiebot && Cookiebot.submitCustomConsent
    && (Cookiebot.submitCustomConsent(true, true, true), true));
  attempt("onetrust", () => window.OneTrust && OneTrust.AllowAll && (OneTrust.AllowAll(), true));
  attempt("klaro", () => window.klaro && klaro.getManager
    && ((m) => (m.changeAll(true), m.saveAndApplyConsents(), true))(klaro.getManager()));
  attempt("tarteaucitron", () => window.tarteaucitron && tarteaucitron.userInterface
    && (tarteaucitron.userInterface.respondAll(true), true));
  return done;
}"""
_STORAGE = "() => ({local: Object.keys(localStorage), session: Object.keys(sessionStorage)})"


class BrowserError(Exception):
    pass


@dataclass
class BrowserOptions:
    pages: str = "layouts"  # layouts | all | a number
    live: bool = False
    timeout: float = 15.0  # seconds per page
    stubs: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # URL prefix -> (type, body): tests


@dataclass
class Observed:
    """What one page did in the browser before any consent."""

    url: str
    requests: list[tuple[str, str]] = field(default_factory=list)  # (url, resource type), other origins
    initiators: dict[str, str] = field(default_factory=dict)  # request URL -> the script that made it
    cookies: list[str] = field(default_factory=list)
    local: list[str] = field(default_factory=list)
    session: list[str] = field(default_factory=list)
    error: str | None = None
    accepted_by: list[str] = field(default_factory=list)  # consent managers "accept all" went through
    after_consent: list[str] = field(default_factory=list)  # what accepting added: URLs, cookie:, local:


def choose_pages(site, how: str) -> list[FileFacts]:
    """The pages to load: homepage, statement, then the first page of each layout."""
    pages = sorted((f for f in site.files if f.kind == "page" and f.checked), key=lambda f: f.path)
    if how == "all":
        return pages
    chosen, layouts = [], set()
    for special in (site.graph.page(site.policy.homepage), site.graph.page(site.policy.statement_page)):
        if special is not None and special not in chosen:
            chosen.append(special)
    for page in chosen:
        layouts.add(site.graph.layout(page))
    for page in pages:
        layout = site.graph.layout(page)
        if layout not in layouts:
            layouts.add(layout)
            chosen.append(page)
    return chosen[:int(how)] if how.isdigit() else chosen


def browser_path(playwright) -> str | None:
    """$PRIVACYLINT_BROWSER, else the Chromium Playwright installed, else the system's."""
    explicit = os.environ.get("PRIVACYLINT_BROWSER")
    if explicit:
        return explicit
    own = playwright.chromium.executable_path
    if own and os.path.exists(own):
        return own
    return shutil.which("chromium") or shutil.which("chromium-browser")


def observe(root: str, site_url: str, pages: list[FileFacts], options: BrowserOptions) -> dict[str, Observed]:
    """Path of each page -> what it did. One browser; PARALLEL pages at a time, each in its own
    context."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        raise BrowserError("--browser needs Playwright: pip install 'privacylint[browser]' (the browser itself: "
                           "apt-get install chromium, or python -m playwright install chromium)") from None
    return asyncio.run(_observe_all(root, site_url, pages, options))


async def _observe_all(root: str, site_url: str, pages: list[FileFacts],
                       options: BrowserOptions) -> dict[str, Observed]:
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        executable = browser_path(p)
        if not executable:
            raise BrowserError("--browser found no Chromium: apt-get install chromium, or python -m playwright "
                               "install chromium, or set PRIVACYLINT_BROWSER to a Chromium executable")
        try:
            browser = await p.chromium.launch(executable_path=executable, args=["--no-sandbox"] +
                                              ([] if options.live else list(_OFFLINE_ARGS)))
        except PlaywrightError as err:
            raise BrowserError(f"--browser could not start {executable}: {str(err).splitlines()[0]}") from None
        slots = asyncio.Semaphore(PARALLEL)

        async def one(page: FileFacts) -> tuple[str, Observed]:
            async with slots:
                return page.path, await _load(browser, root, site_url, page, options)

        try:
            return dict(await asyncio.gather(*(one(page) for page in pages)))
        finally:
            await browser.close()


async def _load(browser, root: str, site_url: str, page: FileFacts, options: BrowserOptions) -> Observed:
    url = site_url + page.path.removesuffix("index.html")
    seen = Observed(url)
    origin = _origin(site_url)
    context = await browser.new_context(service_workers="block", ignore_https_errors=True)

    async def route(r):
        request_url = r.request.url
        if _origin(request_url) == origin:
            body, kind = _from_build(root, site_url, request_url)
            return await r.fulfill(status=200 if body is not None else 404, body=body or b"", content_type=kind)
        seen.requests.append((request_url, r.request.resource_type))
        stub = next((v for k, v in options.stubs.items() if request_url.startswith(k)), None)
        if stub is not None:
            return await r.fulfill(status=200, content_type=stub[0], body=stub[1])
        return await (r.continue_() if options.live else r.abort())

    await context.route("**/*", route)
    tab = await context.new_page()
    await _record_initiators(context, tab, seen)
    try:
        await tab.goto(url, wait_until="load", timeout=options.timeout * 1000)
        await tab.wait_for_timeout(_SETTLE_MS)
        storage = await tab.evaluate(_STORAGE)
        seen.local, seen.session = sorted(storage["local"]), sorted(storage["session"])
        seen.cookies = sorted({c["name"] for c in await context.cookies()})
        await _accept_all(tab, context, seen)
    except Exception as err:  # noqa: BLE001 - a page that hangs or crashes is a note; the others still load
        seen.error = str(err).splitlines()[0][:200]
    finally:
        await context.close()
    return seen


async def _record_initiators(context, tab, seen: Observed) -> None:
    """Which script made each request, where Chromium says (DevTools protocol: the initiator's
    URL, or the top frame of its call stack)."""
    try:
        cdp = await context.new_cdp_session(tab)
        await cdp.send("Network.enable")
    except Exception:  # noqa: BLE001 - a browser without the protocol: no initiators, the rest stands
        return

    def on_request(params: dict) -> None:
        initiator = params.get("initiator") or {}
        frames = (initiator.get("stack") or {}).get("callFrames") or []
        script = next((f.get("url") for f in frames if f.get("url")), None) or initiator.get("url")
        if script:
            seen.initiators.setdefault(params["request"]["url"], script)

    cdp.on("Network.requestWillBeSent", on_request)


async def _accept_all(tab, context, seen: Observed) -> None:
    """Accept everything through the page's consent manager, and record what that added: the
    gate as observed (what it held back until the visitor agreed)."""
    before = len(seen.requests)
    seen.accepted_by = await tab.evaluate(_ACCEPT_ALL)
    if not seen.accepted_by:
        return
    await tab.wait_for_timeout(_SETTLE_MS)
    storage = await tab.evaluate(_STORAGE)
    cookies = sorted({c["name"] for c in await context.cookies()})
    added = [url for url, _ in seen.requests[before:]]
    added += [f"cookie:{c}" for c in cookies if c not in seen.cookies]
    added += [f"local:{k}" for k in sorted(storage["local"]) if k not in seen.local]
    seen.after_consent = added
    del seen.requests[before:]  # made after consent: not what the page does before


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _from_build(root: str, site_url: str, url: str) -> tuple[bytes | None, str]:
    """A first-party URL answered from the build (never outside it)."""
    base = urlsplit(site_url).path
    path = unquote(urlsplit(url).path)
    if not path.startswith(base):
        return None, "text/plain"
    rel = path[len(base):]
    real_root = os.path.realpath(root)
    for candidate in (rel, rel + "index.html" if rel.endswith("/") or not rel else rel + "/index.html"):
        full = os.path.realpath(os.path.join(root, candidate))
        if full.startswith(real_root + os.sep) and os.path.isfile(full):
            with open(full, "rb") as fh:
                return fh.read(), mimetypes.guess_type(full)[0] or "application/octet-stream"
    return None, "text/plain"


def apply(site, observed: dict[str, Observed], har: bool = False) -> list[str]:
    """Fold what the browser saw into the site's facts, as observed facts: requests the markup
    does not show (or shows held back), and storage the code writes. Returns notes (pages that
    could not be loaded)."""
    notes = []
    in_files = {r.url for f in site.files if f.kind != "page" for r in f.requests if r.gate is None}
    by_path = {f.path: f for f in site.files}
    for path, seen in sorted(observed.items()):
        page = by_path.get(path)
        if page is None:
            continue
        if seen.error:
            notes.append(f"{path}: the browser could not load it ({seen.error})")
            continue
        static = {r.url: r for r in page.requests}
        for url, kind in seen.requests:
            known = static.get(url)
            if known is not None and known.gate is None and not known.noscript or url in in_files:
                continue  # the markup (or a stylesheet or script) says the same: that fact stands, with its line
            made_by = seen.initiators.get(url)
            by = f", made by {made_by}" if made_by and made_by != seen.url else ""
            page.requests.append(Request(url, f"{HAR if har else OBSERVED}{by}: {kind}", 0, None))
        written = {(w.storage, w.name) for w in page.writes}
        for storage, names in (("cookie", seen.cookies), ("local", seen.local), ("session", seen.session)):
            for name in names:
                if (storage, name) not in written:
                    page.writes.append(StorageWrite(storage, name, HAR_WRITE if har else OBSERVED_WRITE, 0, None))
    return notes


def inventory(observed: dict[str, Observed]) -> list[dict]:
    """Per page loaded: what it contacted and wrote before consent, and what accepting added."""
    return [{"page": path, "url": seen.url, "before_consent": sorted({u for u, _ in seen.requests}),
             "initiators": {u: seen.initiators[u] for u in sorted(seen.initiators) if u in {r for r, _ in seen.requests}},
             "cookies": seen.cookies, "local_storage": seen.local, "session_storage": seen.session,
             "accepted_by": seen.accepted_by, "after_consent": seen.after_consent,
             **({"error": seen.error} if seen.error else {})}
            for path, seen in sorted(observed.items())]



def from_har(path: str, site) -> dict[str, Observed]:
    """A HAR 1.2 file (browser devtools, Playwright, another scanner) as observed facts: per page
    it covers, the requests to other origins and the cookies the responses set. Record it before
    accepting anything: every entry counts as made before consent. A HAR is another tool's output:
    a value of the wrong type skips that entry or header; only a file with no `log.entries` list
    is refused."""
    import json

    from privacylint.extract.urls import resolve

    try:
        with open(path, encoding="utf-8") as fh:
            log = json.load(fh)["log"]
        if not isinstance(log, dict) or not isinstance(log.get("entries"), list):
            raise TypeError("log.entries is not a list")
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as err:
        raise BrowserError(f"--har {path}: not a HAR 1.2 file ({type(err).__name__}: {err})") from None
    pages = {p["id"]: p.get("title") for p in _dicts(log.get("pages")) if isinstance(p.get("id"), str)}
    origin = _origin(site.policy.site_url)
    found: dict[str, Observed] = {}
    for entry in _dicts(log["entries"]):
        request, response = entry.get("request"), entry.get("response")
        url = request.get("url") if isinstance(request, dict) else None
        url = resolve(url, site.policy.site_url) if isinstance(url, str) else None  # as the browser parsed it
        if url is None:
            continue
        title = pages.get(entry.get("pageref")) if isinstance(entry.get("pageref"), str) else None
        page_url = (isinstance(title, str) and resolve(title, site.policy.site_url)) or url
        kind = entry.get("_resourceType") if isinstance(entry.get("_resourceType"), str) else "request"
        key = site.graph.page_key_of(page_url)
        page = site.graph.pages.get(key) if key is not None else None
        if page is None:
            continue  # a page of another site, or one the build does not have
        seen = found.setdefault(page.path, Observed(page_url))
        if _origin(url) != origin:
            seen.requests.append((url, kind))
        for header in _dicts(response.get("headers") if isinstance(response, dict) else None):
            name, value = header.get("name"), header.get("value")
            if isinstance(name, str) and name.lower() == "set-cookie" and isinstance(value, str):
                cookie = value.split("=", 1)[0].strip()
                if cookie and cookie not in seen.cookies:
                    seen.cookies.append(cookie)
    return found


def _dicts(value) -> list[dict]:
    """The objects of a JSON list (nothing when it is not a list)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []

