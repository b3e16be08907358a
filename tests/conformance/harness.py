"""The conformance suite's referee: each consent manager's real library, loaded in Chromium, says
what its configuration does; privacylint's static reading of the same build must say the same.

A fixture is a folder here (its page, the site's own scripts) plus the manager's library, copied
from the npm install (.ci/consent-managers, see libraries.txt) into the build as a site
self-hosts it. Each build is loaded twice, offline exactly as `--browser` loads a page (the
build answers its own origin; every other request is recorded and aborted; no host name
resolves): once to "accept all", once to "refuse all", each through the manager's own public
API, after two page views (the visitor lands, then follows a link on the site). Per contacted
host, the observed verdict:

- "loads before consent": requested before any choice;
- "loads after refusal": held until the visitor chooses, then requested even when they refuse
  (a category they cannot refuse: no consent gate);
- "gated": requested only once they accept;
- "never": not requested at all (a fixture bug, unless the fixture says it is expected).

The static verdict: PL102 for the host's site (or for another site of the same catalogue vendor:
a tarteaucitron placeholder names YouTube, not a host) in that build ("loads before consent"),
else the contact's gate state in the inventory ("gated"), else "not seen". They agree when PL102 fires
exactly for what the browser loads without consent.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ruamel.yaml import YAML

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
MODULES = REPO / ".ci" / "consent-managers" / "node_modules"
SITE_URL = "https://example.org/"
TODAY = dt.date(2026, 6, 1)
SETTLE_MS = 750  # real time after `load` for timers and deferred loaders (the browser pass advances page time instead)

BEFORE, REFUSED, GATED, NEVER = "loads before consent", "loads after refusal", "gated", "never"
NOT_SEEN = "not seen"
WITHOUT_CONSENT = (BEFORE, REFUSED)  # what PL102 must report
# a collector loading without consent: PL102, or PL111 when it is a session recorder (in its place)
WITHOUT_CONSENT_CHECKS = frozenset({"PL102", "PL111"})


@dataclass(frozen=True)
class Library:
    alias: str  # the npm alias it is installed under (two versions of one package side by side)
    package: str
    version: str
    manager: str  # the key of its accept/refuse actions below
    files: tuple[tuple[str, str], ...]  # (path in the package, path in the build)

    @property
    def installed(self) -> str | None:
        """The version installed, or None (vanilla-cookieconsent 2.9.2's package.json says "v2.9.2")."""
        try:
            version = json.loads((MODULES / self.alias / "package.json").read_text(encoding="utf-8"))["version"]
        except (OSError, ValueError, KeyError):
            return None
        return str(version).removeprefix("v")


def libraries() -> dict[str, Library]:
    out = {}
    for line in (HERE / "libraries.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        alias, spec, manager, *files = line.split()
        package, _, version = spec.rpartition("@")
        out[alias] = Library(alias, package, version, manager, tuple(tuple(f.split("=", 1)) for f in files))
    return out


def missing_libraries() -> list[str]:
    """The pinned libraries not installed at their pinned version."""
    return [f"{lib.package}@{lib.version}" for lib in libraries().values() if lib.installed != lib.version]


@dataclass(frozen=True)
class Fixture:
    id: str
    library: Library
    knob: str
    contacts: tuple[str, ...]  # hosts the page contacts, gated or not
    gates: str  # rules.yaml consent.gates
    never: tuple[str, ...] = ()  # hosts the fixture expects never to load (a dead configuration)

    @property
    def folder(self) -> Path:
        return HERE / self.id


def fixtures() -> list[Fixture]:
    libs = libraries()
    entries = YAML(typ="safe").load((HERE / "fixtures.yaml").read_text(encoding="utf-8"))
    out = []
    for e in entries:
        lib = libs[e["library"]]
        gates = e.get("gates", f"[{_GATE_IDS[lib.manager]}]" if _GATE_IDS[lib.manager] else "any")
        out.append(Fixture(e["id"], lib, " ".join(e["knob"].split()), tuple(e["contacts"]), gates,
                           tuple(e.get("never", ()))))
    return out


# The catalogue's consent-manager id of each library, for `consent.gates` (None: the catalogue
# has none: Osano's open-source cookieconsent is not Osano's hosted CMP; Orejime is a Klaro fork).
_GATE_IDS = {"klaro": "klaro", "cookieconsent": "cookieconsent", "tarteaucitron": "tarteaucitron",
             "osano": None, "orejime": None}

RULES = """\
version: 1
site: {{url: "{url}"}}
statement: {{page: /privacy/}}
consent: {{gates: {gates}}}
collectors:
  - {{name: Google Analytics, vendor: google-analytics, consent: required}}
  - {{name: Google Tag Manager, vendor: google-tag-manager, consent: required}}
  - {{name: HubSpot, vendor: hubspot, consent: required}}
  - {{name: YouTube, vendor: youtube, consent: required}}
  - {{name: Hotjar, vendor: hotjar, consent: required}}
  - {{name: Vimeo, vendor: vimeo, consent: required}}
"""


def build(fixture: Fixture, into: Path) -> Path:
    """The fixture's build: its own files, and the library self-hosted at the paths it names."""
    root = into / fixture.id
    shutil.copytree(fixture.folder, root)
    for source, target in fixture.library.files:
        (root / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MODULES / fixture.library.alias / source, root / target)
    return root


# --- the static verdict -------------------------------------------------------------------------

@dataclass
class Static:
    verdict: str
    where: str = ""  # the PL102 findings' path:line, or the inventory's gate label


def static_verdicts(fixture: Fixture, root: Path, seen_urls: list[str] = ()) -> dict[str, Static]:
    """Per contacted host: what privacylint's static pass says of it. `seen_urls`: what the
    browser requested, whose paths say which vendor a host stands for (a library's own
    service file, not the fixture's pages, may hold the URL)."""
    from privacylint.checks import CHECK_IDS
    from privacylint.domains import site_of
    from privacylint.engine import Options, run
    from privacylint.policy import load_policy
    from privacylint.vendors import catalogue

    rules = root.parent / f"{root.name}-rules.yaml"
    rules.write_text(RULES.format(url=SITE_URL, gates=fixture.gates), encoding="utf-8")
    result = run([str(root)], load_policy(rules, CHECK_IDS), Options(jobs=1, today=TODAY, enabled=WITHOUT_CONSENT_CHECKS))
    collectors = result.inventory.get("collectors", [])
    out = {}
    paths = _paths_by_host(root)
    for url in seen_urls:
        parts = urlsplit(url)
        paths.setdefault(parts.hostname or "", {"/"}).add(parts.path or "/")
    for host in fixture.contacts:
        vendors = {v.id for path in paths.get(host, {"/"}) if (v := catalogue().vendor_of(host, path))}
        entries = [c for c in collectors if c["site"] == site_of(host) or c["vendor"] in vendors]
        sites = {site_of(host)} | {c["site"] for c in entries}
        found = [f"{f.path}:{f.line}" for f in result.findings if f.check in WITHOUT_CONSENT_CHECKS and f.subject in sites]
        if found:
            out[host] = Static(BEFORE, ", ".join(sorted(set(found))))
        elif entries:
            out[host] = Static(GATED, ", ".join(sorted({g for c in entries for g in c["gates"]})))
        else:
            out[host] = Static(NOT_SEEN)
    return out


def _paths_by_host(root: Path) -> dict[str, set[str]]:
    """Host -> the URL paths the fixture's own files name for it (a host can be two vendors:
    www.googletagmanager.com/gtag/ is Google Analytics, the rest of it Tag Manager)."""
    import re

    found: dict[str, set[str]] = {}
    for path in root.rglob("*"):
        if path.suffix in (".html", ".js") and "lib" not in path.relative_to(root).parts:
            for m in re.finditer(r"https?://([\w.-]+)(/[^\s'\"?#]*)?", path.read_text(encoding="utf-8", errors="replace")):
                found.setdefault(m.group(1), {"/"}).add(m.group(2) or "/")
    return found


# --- the observed verdict -----------------------------------------------------------------------

# "Accept all" and "refuse all" through each manager's own public API (read in its source: see
# the PL102 README's conformance section). Each returns true once it acted, false when it
# could not (no such API on the page): the suite fails then, it never passes silently.
_ACTIONS = {
    "klaro": """(accept) => {
        const m = window.klaro && klaro.getManager && klaro.getManager();
        if (!m) return false;
        m.changeAll(accept); m.saveAndApplyConsents(); return true; }""",
    "orejime": """(accept) => {
        const m = window.orejime && orejime.internals && orejime.internals.manager;
        if (!m) return false;
        accept ? m.acceptAll() : m.declineAll(); m.saveAndApplyConsents(); return true; }""",
    # v2: the object initCookieConsent() returned, wherever the site keeps it (usually window.cc)
    "cookieconsent": """(accept) => {
        if (window.CookieConsent && CookieConsent.acceptCategory) {
            CookieConsent.acceptCategory(accept ? 'all' : []); return true; }
        const cc = [window.cc, ...Object.values(window)].find(
            (v) => v && typeof v === 'object' && typeof v.accept === 'function'
                   && typeof v.allowedCategory === 'function');
        if (!cc) return false;
        cc.accept(accept ? 'all' : []); return true; }""",
    "tarteaucitron": """(accept) => {
        if (!(window.tarteaucitron && tarteaucitron.userInterface)) return false;
        tarteaucitron.userInterface.respondAll(accept); return true; }""",
    # the banner's own buttons: the library has no "accept" call of its own, only setStatus on
    # the popup object the site's callback receives
    "osano": """(accept) => {
        const button = document.querySelector(accept ? '.cc-window .cc-allow, .cc-window .cc-dismiss'
                                                     : '.cc-window .cc-deny');
        if (!button) return !accept;  // an informational banner offers no refusal: nothing to do
        button.click(); return true; }""",
}
# Real visitors are not automated: cookieconsent v2 and v3 (hide_from_bots / hideFromBots, on by
# default) do nothing at all when navigator.webdriver is true, as it is under Playwright.
_NOT_A_BOT = "Object.defineProperty(Navigator.prototype, 'webdriver', {get: () => false});"
# The visitor follows a link on the site: a second page view, with a same-site referrer.
_FOLLOW_LINK = """() => { const a = document.createElement('a'); a.href = location.href;
    document.body.appendChild(a); a.click(); }"""
PARALLEL = 4
_STUB_TYPES = {"script": "application/javascript", "document": "text/html", "stylesheet": "text/css"}


@dataclass
class Visit:
    before: list[str] = field(default_factory=list)  # third-party URLs requested before the action
    after: list[str] = field(default_factory=list)  # ... after it
    acted: bool = False
    error: str | None = None


@dataclass
class Observed:
    accept: Visit
    refuse: Visit

    def verdict(self, host: str) -> str:
        if host in _hosts(self.accept.before) | _hosts(self.refuse.before):
            return BEFORE
        if host in _hosts(self.refuse.after):
            return REFUSED
        if host in _hosts(self.accept.after):
            return GATED
        return NEVER

    def hosts(self) -> set[str]:
        return set().union(*(_hosts(urls) for v in (self.accept, self.refuse) for urls in (v.before, v.after)))


def _hosts(urls: list[str]) -> set[str]:
    return {urlsplit(u).hostname or "" for u in urls}


def observe(builds: dict[str, tuple[Fixture, Path]]) -> dict[str, Observed]:
    """Fixture id -> what Chromium did with it. One browser, PARALLEL contexts at a time."""
    return asyncio.run(_observe_all(builds))


async def _observe_all(builds: dict[str, tuple[Fixture, Path]]) -> dict[str, Observed]:
    from playwright.async_api import async_playwright

    from privacylint.browser.launch import OFFLINE_ARGS, browser_path

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=browser_path(p), args=["--no-sandbox", *OFFLINE_ARGS])
        slots = asyncio.Semaphore(PARALLEL)

        async def visit(fixture: Fixture, root: Path, accept: bool) -> Visit:
            async with slots:
                return await _visit(browser, fixture, root, accept)

        try:
            ids = sorted(builds)
            visits = await asyncio.gather(*(visit(*builds[i], accept) for i in ids for accept in (True, False)))
        finally:
            await browser.close()
    return {i: Observed(visits[2 * n], visits[2 * n + 1]) for n, i in enumerate(ids)}


async def _visit(browser, fixture: Fixture, root: Path, accept: bool) -> Visit:
    from privacylint.browser.serve import Build, origin

    seen = Visit()
    requests: list[str] = []
    context = await browser.new_context(service_workers="block", ignore_https_errors=True)
    await context.add_init_script(_NOT_A_BOT)

    async def route(r):
        url = r.request.url
        if origin(url) == origin(SITE_URL):
            served = Build(str(root), SITE_URL, 10 * 1024 * 1024).read(url)
            body, kind = (served.body if served.status == 200 else None), served.content_type
            return await r.fulfill(status=200 if body is not None else 404, body=body or b"", content_type=kind)
        requests.append(url)
        kind = _STUB_TYPES.get(r.request.resource_type, "text/plain")
        return await r.fulfill(status=200, content_type=kind, body=b"")

    async def settle(tab):
        await tab.wait_for_load_state("networkidle")
        await tab.wait_for_timeout(SETTLE_MS)

    async def follow_link(tab):
        async with tab.expect_navigation(wait_until="load", timeout=20_000):
            await tab.evaluate(_FOLLOW_LINK)
        await settle(tab)

    await context.route("**/*", route)
    tab = await context.new_page()
    try:
        await tab.goto(SITE_URL, wait_until="load", timeout=20_000)
        await settle(tab)
        await follow_link(tab)
        seen.before = list(requests)
        seen.acted = await tab.evaluate(_ACTIONS[fixture.library.manager], accept)
        await settle(tab)
        await follow_link(tab)  # some apply a choice only on the next page (cookieconsent v2 in opt-out mode)
        seen.after = requests[len(seen.before):]
    except Exception as err:  # noqa: BLE001 - reported by the suite as the fixture's error
        seen.error = str(err).splitlines()[0][:300]
    finally:
        await context.close()
    return seen


# --- both, for every fixture --------------------------------------------------------------------

@dataclass
class Row:
    fixture: Fixture
    host: str
    static: Static
    observed: str

    @property
    def agree(self) -> bool:
        return (self.static.verdict == BEFORE) == (self.observed in WITHOUT_CONSENT)


@dataclass
class Results:
    rows: list[Row]
    observed: dict[str, Observed]
    fixtures: list[Fixture]

    def row(self, fixture_id: str, host: str) -> Row:
        return next(r for r in self.rows if r.fixture.id == fixture_id and r.host == host)


def run_all(workdir: Path) -> Results:
    """Build, observe and read statically every fixture."""
    every = fixtures()
    builds = {f.id: (f, build(f, workdir)) for f in every}
    observed = observe(builds)
    rows = []
    for f in every:
        seen = observed[f.id]
        static = static_verdicts(f, builds[f.id][1], [*seen.accept.before, *seen.accept.after,
                                                      *seen.refuse.before, *seen.refuse.after])
        rows += [Row(f, host, static[host], observed[f.id].verdict(host)) for host in f.contacts]
    return Results(rows, observed, every)


# --- the table in the PL102 README --------------------------------------------------------------

README = REPO / "checks" / "PL102-collector-before-consent" / "README.md"
START, END = "<!-- conformance table: generated by tests/conformance/table.py -->", "<!-- end of conformance table -->"
_BETWEEN = re.compile(re.escape(START) + r"\n(?:(.*?)\n)?" + re.escape(END), re.DOTALL)
_MANAGER_NAMES = {"klaro": "Klaro", "cookieconsent": "CookieConsent (orestbida)", "tarteaucitron": "tarteaucitron.js",
                  "osano": "Osano cookieconsent", "orejime": "Orejime"}


def table(results: Results) -> str:
    """The Markdown table: one row per fixture and contact (the fixture's cells on its first row only)."""
    lines = ["| manager | version | configuration | contact | static (PL102) | browser | agree |",
             "|---|---|---|---|---|---|---|"]
    previous = None
    for r in results.rows:
        lib = r.fixture.library
        knob = r.fixture.knob.replace("|", "\\|")
        cells = ["", "", ""] if r.fixture is previous else [_MANAGER_NAMES[lib.manager], lib.version,
                                                              f"`{r.fixture.id}`: {knob}"]
        previous = r.fixture
        cells += [r.host, r.static.verdict, r.observed, "yes" if r.agree else "**no**"]
        lines.append("| " + " | ".join(cells) + " |")
    agreeing = sum(r.agree for r in results.rows)
    lines.append("")
    lines.append(f"{agreeing} of {len(results.rows)} agree, over {len(results.fixtures)} configurations of "
                 f"{len({f.library.alias for f in results.fixtures})} libraries.")
    return "\n".join(lines)


def readme_table(text: str) -> str | None:
    """The generated table in the README's text, or None."""
    match = _BETWEEN.search(text)
    return (match.group(1) or "") if match else None


def with_table(text: str, generated: str) -> str:
    if readme_table(text) is None:
        raise ValueError(f"the README has no markers {START} ... {END}")
    return _BETWEEN.sub(lambda _: f"{START}\n{generated}\n{END}", text)


def describe(results: Results) -> str:
    """Every disagreement, for a human: fixture, contact, both verdicts, where static reading stood."""
    return "\n".join(f"{r.fixture.id} {r.host}: static {r.static.verdict} ({r.static.where or '-'}), "
                     f"browser {r.observed}" for r in results.rows if not r.agree)
