"""Static verdicts against the browser on real builds: does a PL102 stand where Chromium looks?

    python3 benchmarks/realsites.py BUILD=RULES [BUILD=RULES ...] [--base SRC] [--stub PREFIX=FILE]
    python3 benchmarks/realsites.py /tmp/realsites/substrate=/tmp/realsites/rules/substrate.yaml \\
        --base /work/wt/base/src --json /tmp/realsites/referee.json

For each built site and its rules.yaml:
1. Static: privacylint (this checkout's `src`, and with `--base` an older `src` too) runs on the build;
   its PL102 findings are the static verdict "loads before consent".
2. The referee: Chromium (Playwright, headless, `--no-sandbox`) loads every page a PL102 names or
   that loads a file a PL102 names, plus the homepage, the statement and one page per layout (the
   set of scripts a page loads). Offline exactly as `privacylint --browser`: the site's own origin is
   answered from the build, every other request is recorded and aborted, and no host name resolves.
   Each page is loaded twice, each time in a fresh context: once then "accept all", once then
   "reject all", through the consent manager's own API (Klaro `getManager()`: `changeAll` or, in
   versions without it, `updateConsent` per service, then `saveAndApplyConsents()`; CookieConsent v2
   `cc.accept('all')` / `cc.accept([])`; v3 `CookieConsent.acceptCategory('all')` / `([])`;
   tarteaucitron `respondAll`). What each page requested before any action, after accepting and
   after refusing is recorded.
3. Per (page, collector declared `consent: required`, by the third-party sites that are its), the
   observed verdict:
   `before` (requested before any consent action), `gated` (only after "accept all"), `not-a-gate`
   (also after "reject all") or `never`; the static verdict: PL102 on the page or on a site file
   the page loaded. A PL102 agrees with `before`/`not-a-gate`; no PL102 agrees with `gated`. A PL102
   the browser never saw is `unconfirmed` (an aborted vendor script cannot make its own requests):
   not contradicted, listed apart.

A consent manager the build loads from a CDN cannot run offline; `--stub PREFIX=FILE` answers URLs
starting with PREFIX from a local copy of the same library (e.g. an npm package's dist file), so
that the manager runs as on the real site. Not a CI test: it needs builds of real sites (see
benchmarks/RESULTS.md, "Static verdicts against the browser on real builds", for which and how).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import mimetypes
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import yaml
from lxml import html as lxml_html

HERE = Path(__file__).resolve().parent
CURRENT_SRC = HERE.parent / "src"
sys.path.insert(0, str(CURRENT_SRC))
from privacylint.domains import host_of, site_of

CHROMIUM = os.environ.get("PRIVACYLINT_BROWSER", "/usr/bin/chromium")
OFFLINE_ARGS = ["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND"]
SETTLE_MS = 750  # as privacylint --browser: timers and deferred loaders run after `load`
PARALLEL = 3
# One consent action through whichever manager the page runs; `mode` true = accept all, false =
# reject all. Returns what it went through ("name" or "name: error").
CONSENT_ACTION = """(mode) => {
  const done = [];
  const attempt = (name, f) => { try { if (f()) done.push(name); } catch (e) { done.push(name + ": " + e); } };
  attempt("klaro", () => {
    if (!window.klaro || !klaro.getManager) return false;
    const m = klaro.getManager();
    if (m.changeAll) m.changeAll(mode);
    else for (const s of (m.config.services || m.config.apps || []))
      m.updateConsent(s.name, mode || !!s.required);
    m.saveAndApplyConsents();
    return true;
  });
  attempt("cookieconsent-v3", () => window.CookieConsent && CookieConsent.acceptCategory
    && (CookieConsent.acceptCategory(mode ? "all" : []), true));
  attempt("cookieconsent-v2", () => {
    let cc = null;
    for (const key of ["cc", ...Object.keys(window)]) {
      try {
        const v = window[key];
        if (v && typeof v === "object" && typeof v.accept === "function"
            && typeof v.allowedCategory === "function") { cc = v; break; }
      } catch (e) {}  // a property the document may not read
    }
    return cc && (cc.accept(mode ? "all" : []), true);
  });
  attempt("tarteaucitron", () => window.tarteaucitron && tarteaucitron.userInterface
    && (tarteaucitron.userInterface.respondAll(mode), true));
  return done;
}"""


@dataclass
class Seen:
    """One load of one page in a fresh context: before the action, then after it."""

    before: set[str] = field(default_factory=set)  # third-party URLs
    after: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)  # site files requested before the action
    managers: list[str] = field(default_factory=list)
    error: str | None = None


# --- static ----------------------------------------------------------------------------------

def run_static(src: Path, build: str, rules: str) -> tuple[dict, float]:
    """privacylint's JSON report on the build, run from `src`; and its CPU seconds."""
    env = dict(os.environ, PYTHONPATH=str(src))
    start = os.times()
    out = subprocess.run([sys.executable, "-m", "privacylint", "--rules", rules, "--no-cache", "--jobs", "1",
                          "--format", "json=-", "--exit-zero", build],
                         env=env, capture_output=True, text=True, check=False)
    end = os.times()
    if out.returncode != 0:
        raise SystemExit(f"privacylint ({src}) failed on {build}: {out.stderr[-2000:]}")
    cpu = (end.children_user - start.children_user) + (end.children_system - start.children_system)
    return json.loads(out.stdout), cpu


def pl102(report: dict) -> dict[str, set[str]]:
    """Path (page or site file) -> the sites a PL102 there names."""
    found: dict[str, set[str]] = defaultdict(set)
    for finding in report["findings"]:
        if finding["check"] == "PL102":
            found[finding["path"]].add(finding["subject"])
    return found


def required_sites(rules: dict, reports: list[dict]) -> dict[str, str]:
    """Third-party site -> the collector declared `consent: required` that covers it (what a row
    compares: static reading may name a self-hosted vendor's contact by another site than the one
    the browser sees, e.g. a tarteaucitron service whose host is a setting)."""
    required = {c["name"]: c for c in rules.get("collectors") or [] if c.get("consent", "required") == "required"}
    sites = {}
    for name, collector in required.items():
        for host in collector.get("hosts") or []:
            sites[site_of(host.lstrip("*.").split("/")[0])] = name
    for report in reports:
        for entry in report["inventory"]["collectors"]:
            if entry.get("declared_as") in required:
                sites[entry["site"]] = entry["declared_as"]
    return sites


# --- pages -----------------------------------------------------------------------------------

def page_files(build: Path) -> list[str]:
    return sorted(p.relative_to(build).as_posix() for p in build.rglob("*.html") if p.is_file())


def scripts_of(build: Path, page: str, site_url: str) -> tuple[str, ...]:
    """The site files a page's <script src> name (its layout, for sampling)."""
    try:
        tree = lxml_html.parse(str(build / page))
    except (OSError, ValueError):
        return ()
    url = page_url(site_url, page)
    base = urlsplit(site_url)
    own = []
    for src in tree.xpath("//script/@src"):
        full = urlsplit(urljoin(url, src))
        if full.netloc == base.netloc and full.path.startswith(base.path):
            own.append(unquote(full.path[len(base.path):]))
    return tuple(sorted(set(own)))


def page_url(site_url: str, page: str) -> str:
    return site_url + page.removesuffix("index.html")


def choose(build: Path, rules: dict, flagged: set[str], limit: int) -> list[str]:
    """Pages a PL102 names or that load a file a PL102 names; the homepage, the statement and
    one page per layout; at most `limit` (0: no limit), the sample first."""
    site_url = rules["site"]["url"]
    pages = page_files(build)
    layouts = {page: scripts_of(build, page, site_url) for page in pages}
    home = (rules["site"].get("homepage") or "/").strip("/")
    statement = (rules.get("statement") or {}).get("page", "/privacy/").strip("/")
    sample = [p for p in (f"{home}/index.html".lstrip("/"), f"{statement}/index.html".lstrip("/"),
                          f"{statement}.html") if p in layouts]
    seen_layouts = {layouts[p] for p in sample}
    for page in pages:
        if layouts[page] not in seen_layouts:
            seen_layouts.add(layouts[page])
            sample.append(page)
    named = [p for p in pages if p in flagged or flagged.intersection(layouts[p])]
    chosen = list(dict.fromkeys(sample + named))
    return chosen[:limit] if limit else chosen


# --- the referee -----------------------------------------------------------------------------

def from_build(root: Path, site_url: str, url: str) -> tuple[bytes | None, str]:
    base = urlsplit(site_url).path
    path = unquote(urlsplit(url).path)
    if not path.startswith(base):
        return None, ""
    rel = path[len(base):]
    real_root = os.path.realpath(root)
    for candidate in (rel, rel + "index.html" if rel.endswith("/") or not rel else rel + "/index.html"):
        full = os.path.realpath(os.path.join(root, candidate))
        if full.startswith(real_root + os.sep) and os.path.isfile(full):
            with open(full, "rb") as fh:
                return fh.read(), mimetypes.guess_type(full)[0] or "application/octet-stream"
    return None, ""


async def load(browser, root: Path, site_url: str, page: str, accept: bool, stubs: dict[str, Path]) -> Seen:
    seen = Seen()
    phase = {"after": False}
    origin = urlsplit(site_url)[:2]
    context = await browser.new_context(service_workers="block", ignore_https_errors=True)

    async def route(r):
        url = r.request.url
        if urlsplit(url)[:2] == origin:
            body, kind = from_build(root, site_url, url)
            if body is not None and not phase["after"]:
                seen.files.add(unquote(urlsplit(url).path)[len(urlsplit(site_url).path):])
            return await r.fulfill(status=200 if body is not None else 404, body=body or b"", content_type=kind)
        (seen.after if phase["after"] else seen.before).add(url)
        stub = next((path for prefix, path in stubs.items() if url.startswith(prefix)), None)
        if stub is not None:
            return await r.fulfill(status=200, body=stub.read_bytes(), content_type="application/javascript")
        return await r.abort()

    await context.route("**/*", route)
    tab = await context.new_page()
    try:
        await tab.goto(page_url(site_url, page), wait_until="load", timeout=20000)
        await tab.wait_for_timeout(SETTLE_MS)
        phase["after"] = True
        seen.managers = await tab.evaluate(CONSENT_ACTION, accept)
        await tab.wait_for_timeout(SETTLE_MS * 2)
    except Exception as err:  # noqa: BLE001 - a page that fails is a note; the others still load
        seen.error = str(err).splitlines()[0][:200]
    finally:
        await context.close()
    return seen


async def referee(root: Path, site_url: str, pages: list[str], stubs: dict[str, Path]) -> dict[str, tuple[Seen, Seen]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=OFFLINE_ARGS)
        slots = asyncio.Semaphore(PARALLEL)

        done = []

        async def both(page: str):
            async with slots:
                result = page, (await load(browser, root, site_url, page, True, stubs),
                                await load(browser, root, site_url, page, False, stubs))
                done.append(page)
                if len(done) % 25 == 0 or len(done) == len(pages):
                    print(f"  {root.name}: {len(done)}/{len(pages)} pages", file=sys.stderr, flush=True)
                return result

        try:
            return dict(await asyncio.gather(*(both(page) for page in pages)))
        finally:
            await browser.close()


def sites(urls: set[str]) -> set[str]:
    return {site_of(h) for h in map(host_of, urls) if h}


def observed(accepted: Seen, rejected: Seen, subject: str, wanted: dict[str, str]) -> str:
    """What the browser did with a collector (or an undeclared site) on one page."""
    def named(urls: set[str]) -> set[str]:
        return {wanted.get(s, s) for s in sites(urls)}

    if subject in named(accepted.before | rejected.before):
        return "before"
    if subject in named(rejected.after):
        return "not-a-gate"
    if subject in named(accepted.after):
        return "gated"
    return "never"


# --- comparison ------------------------------------------------------------------------------

AGREES = {(True, "before"), (True, "not-a-gate"), (False, "gated")}


def compare(flagged: dict[str, set[str]], seen: dict[str, tuple[Seen, Seen]], wanted: dict[str, str]) -> list[dict]:
    """One row per (page, collector declared `consent: required`) that static reading flags or the
    browser saw."""
    rows = []
    required = set(wanted.values())
    for page, (accepted, rejected) in sorted(seen.items()):
        static = {wanted.get(s, s) for s in flagged.get(page, ())}
        for f in accepted.files | rejected.files:
            static |= {wanted.get(s, s) for s in flagged.get(f, ())}
        touched = {wanted.get(s, s) for s in sites(accepted.before | accepted.after | rejected.before | rejected.after)}
        for subject in sorted(touched & required | static):
            verdict = observed(accepted, rejected, subject, wanted)
            if subject not in static and verdict == "never":
                continue
            ungated = subject in static
            state = ("agree" if (ungated, verdict) in AGREES else
                     "unconfirmed" if ungated and verdict == "never" else "disagree")
            rows.append({"page": page, "collector": subject, "static_pl102": ungated, "observed": verdict,
                         "state": state})
    return rows


def summary(rows: list[dict]) -> dict:
    states = Counter(r["state"] for r in rows)
    return {"contacts": len(rows), "agree": states["agree"], "unconfirmed": states["unconfirmed"],
            "disagree": states["disagree"], "pl102": sum(r["static_pl102"] for r in rows)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sites", nargs="+", metavar="BUILD=RULES")
    parser.add_argument("--base", type=Path, help="an older privacylint `src` to compare with (before)")
    parser.add_argument("--stub", action="append", default=[], metavar="PREFIX=FILE",
                        help="answer third-party URLs starting with PREFIX from FILE (a CDN-hosted consent manager)")
    parser.add_argument("--max-pages", type=int, default=0, help="pages per site at most (0: all chosen)")
    parser.add_argument("--all-pages", action="store_true", help="load every page of the build")
    parser.add_argument("--json", type=Path, help="write every row and the timings here")
    args = parser.parse_args()
    stubs = {prefix: Path(path) for prefix, _, path in (s.partition("=") for s in args.stub)}
    versions = [("now", CURRENT_SRC)] + ([("before", args.base)] if args.base else [])
    table, details = [], {}
    for spec in args.sites:
        build_arg, _, rules_path = spec.partition("=")
        build = Path(build_arg)
        rules = yaml.safe_load(Path(rules_path).read_text(encoding="utf-8"))
        reports, cpu = {}, {}
        for label, src in versions:
            reports[label], cpu[label] = run_static(src, str(build), rules_path)
        flagged = {label: pl102(report) for label, report in reports.items()}
        wanted = required_sites(rules, list(reports.values()))
        named = set().union(*(set(f) for f in flagged.values()))
        pages = page_files(build) if args.all_pages else choose(build, rules, named, args.max_pages)
        start = time.monotonic()
        seen = asyncio.run(referee(build, rules["site"]["url"], pages, stubs))
        wall = time.monotonic() - start
        errors = sorted(p for p, (a, r) in seen.items() if a.error or r.error)
        rows = {label: compare(flagged[label], seen, wanted) for label in flagged}
        ran = [m for a, r in seen.values() for m in a.managers + r.managers]
        managers = sorted({m.partition(":")[0] for m in ran})
        manager_errors = Counter(m for m in ran if ":" in m)
        entry = {"build": str(build), "pages_in_build": len(page_files(build)), "pages_loaded": len(pages),
                 "load_errors": errors, "managers": managers, "manager_errors": dict(manager_errors),
                 "referee_seconds": round(wall, 1),
                 "static_cpu_seconds": {k: round(v, 2) for k, v in cpu.items()},
                 "summary": {label: summary(r) for label, r in rows.items()}, "rows": rows}
        details[build.name] = entry
        table.append((build.name, entry))
    print("| site | pages loaded / built | manager run | contacts (before / now) | PL102 | agree | "
          "unconfirmed (PL102, never requested) | disagree |")
    print("|---|---|---|---|---|---|---|---|")
    for name, entry in table:
        cells = [" / ".join(str(entry["summary"][label][key]) for label in ("before", "now") if label in entry["summary"])
                 for key in ("contacts", "pl102", "agree", "unconfirmed", "disagree")]
        print(f"| {name} | {entry['pages_loaded']} / {entry['pages_in_build']} | {', '.join(entry['managers']) or '-'} "
              f"| {' | '.join(cells)} |")
    for name, entry in table:
        for label in ("before", "now"):
            groups = defaultdict(list)
            for row in entry["rows"].get(label, []):
                if row["state"] != "agree":
                    groups[(row["state"], row["collector"], row["static_pl102"], row["observed"])].append(row["page"])
            for (state, collector, ungated, verdict), pages in sorted(groups.items()):
                print(f"{name} [{label}] {state}: {collector} on {len(pages)} page(s), e.g. {pages[0]} "
                      f"(PL102: {'yes' if ungated else 'no'}; browser: {verdict})")
        for error, count in sorted(entry["manager_errors"].items()):
            print(f"{name}: the consent action failed on {count} load(s): {error}")
        if entry["load_errors"]:
            print(f"{name}: {len(entry['load_errors'])} page(s) failed to load, e.g. {entry['load_errors'][0]}")
    if args.json:
        args.json.write_text(json.dumps(details, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
