"""The pipeline: discover -> extract (in parallel) -> classify -> checks -> suppressions -> Result.

Pure: no printing, no exiting. Extraction runs in a process pool; each worker reads its file and
returns small facts, so no page's tree outlives its extraction.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from privacylint.baseline import Baseline
from privacylint.checks import REGISTRY, SPECS
from privacylint.discover import discover
from privacylint.extract import statement_sentences
from privacylint.inventory import inventory, merge
from privacylint.model import DEFAULT_MAX_FILE_SIZE, Result
from privacylint.policy import Policy
from privacylint.site import Site
from privacylint.siteconfig import content_charset, read_config
from privacylint.sourcemap import SourceMap
from privacylint.suppress import Usage, apply_suppressions
from privacylint.vendors import catalogue
from privacylint.workers import Job, cyclic_gc_off, extract_stream


@dataclass(slots=True)
class Options:
    enabled: frozenset[str] = frozenset(SPECS)  # after --select/--ignore
    jobs: int | None = None  # extraction processes; None: one per core, one for a small site
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    today: dt.date = field(default_factory=dt.date.today)
    baseline: Baseline = field(default_factory=Baseline)  # accepted findings (--baseline)
    browser: object = None  # browser.options.BrowserOptions: load pages in a browser too (--browser)
    har: tuple[str, ...] = ()  # HAR files whose entries count as observed (--har)
    source: str | None = None  # the site's source tree (source mapping, site config)
    configs: tuple[str, ...] = ()  # site config and header files given explicitly
    cache_dir: str | None = None  # the fact cache; None: extract every file
    aliases: dict = field(default_factory=dict)  # URL mode: a URL's site path -> the file it was fetched as


@dataclass(slots=True)
class Audit:
    """What the suppression checks (PL901-PL903) look at, once every other check has run."""

    sites: list[Site]
    policy: Policy
    usage: Usage
    today: dt.date
    enabled: frozenset[str]
    baseline: Baseline = field(default_factory=Baseline)
    known: frozenset[str] = frozenset(SPECS)

    def directives(self):
        """(site, file, index, directive) of every inline suppression, in file order."""
        for site in self.sites:
            for f in site.files:
                for index, d in enumerate(f.directives):
                    yield site, f, index, d


def run(roots: list[str], policy: Policy, options: Options | None = None) -> Result:
    with cyclic_gc_off():
        return _run(roots, policy, options or Options())


def _run(roots: list[str], policy: Policy, options: Options) -> Result:
    started = time.perf_counter()
    result = Result(roots=list(roots), policy=policy.path or None)
    severities = {cid: level for cid, level in policy.checks.items() if level != "off"}
    enabled = frozenset(cid for cid in options.enabled if policy.checks.get(cid) != "off")
    modules = [m for m in REGISTRY if m.SPEC.id in enabled]
    result.checks = tuple(m.SPEC.id for m in modules)
    findings, sites = [], []
    for root in roots:
        files, skipped = discover(root)
        site = Site(root, [], policy, catalogue(), severities, read_config(root, options.source, options.configs),
                    options.aliases)
        jobs = [Job(f.abspath, f.relpath, policy.site_url + quote(f.relpath), options.max_file_size, f.size,
                    content_charset(site.config, f.relpath) if site.config.headers else None)
                for f in files]
        for facts, outbound in extract_stream(jobs, options.jobs, options.cache_dir, site.folder.fold, site.folder.fold_key):
            site.add(facts, outbound)
        for facts in skipped:
            site.add(facts)
        site.settle()
        _statement_text(site, files, options)
        site.claims  # noqa: B018 - read now (the grammar is a data file): checks open no file
        site.files.sort(key=lambda f: f.path)
        observed = _observe(site, root, policy, options, result) if options.browser is not None else {}
        if options.har:
            from privacylint.browser import apply, har

            for path in options.har:
                result.notes += apply.fold(site, har.from_har(path, site), har=True)
        if observed:
            from privacylint.browser import apply

            result.notes += apply.settle(site, observed)
            result.observed += apply.inventory(observed)
        sites.append(site)
        for module in modules:
            if not getattr(module, "AUDITS_SUPPRESSIONS", False):
                findings.extend(module.check(site))
        result.inventory = merge(result.inventory, inventory(site))
        result.files += sum(f.checked for f in site.files)
        result.pages += sum(f.checked and f.kind == "page" for f in site.files)
    if result.observed:
        result.inventory["observed"] = result.observed
    kept, suppressed, usage = apply_suppressions(
        sorted(findings, key=lambda f: f.sort_key()), sites, policy, options.today, options.baseline)
    kept = _one_per_file_and_subject(sorted(kept, key=lambda f: f.evidence != "static"))  # file:line first
    result.suppressed = _one_per_file_and_subject(suppressed, key=lambda s: s.finding)
    audit = Audit(sites, policy, usage, options.today, enabled, options.baseline)
    audits = [f for module in modules if getattr(module, "AUDITS_SUPPRESSIONS", False) for f in module.check(audit)]
    kept.extend(_one_per_file_and_subject(sorted(audits, key=lambda f: f.sort_key())))
    if options.source:
        mapper = SourceMap(options.source, exclude=list(roots))
        kept = [mapper.attach(f) for f in kept]
        result.suppressed = [replace(s, finding=mapper.attach(s.finding)) for s in result.suppressed]
    result.findings = sorted(kept, key=lambda f: f.sort_key())
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _statement_text(site: Site, files: list, options: Options) -> None:
    """The statement's visible text, when extraction did not keep it (its path and title did not
    say it could be a statement: extract/text.py). Read by the extractor, under the same limits;
    a page that was not read (PL001) gets none."""
    page = site.statement
    if page is None or page.text is not None or not page.checked:
        return
    for f in files:
        if f.relpath == page.path:
            charset = content_charset(site.config, f.relpath) if site.config.headers else None
            page.text = statement_sentences(f.abspath, f.relpath, options.max_file_size, charset)
            return


def _observe(site: Site, root: str, policy: Policy, options: Options, result: Result) -> dict:
    """Load pages in a browser and fold what they did into the site, before checks."""
    from privacylint.browser import apply, launch

    browser = replace(options.browser, max_file_size=options.max_file_size)
    seen = launch.observe_site(site, root, policy.site_url, browser)
    result.notes += apply.fold(site, seen)
    result.observed_pages += len(seen)
    return seen


def _one_per_file_and_subject(items: list, key=lambda f: f) -> list:
    """Checks report every occurrence (so suppressions can tell them apart); a report lists one
    per check, file and subject: the first, in file order (design.md, "JSON output")."""
    seen, out = set(), []
    for item in items:
        f = key(item)
        identity = (f.check, f.root, f.path, f.subject)
        if identity not in seen:
            seen.add(identity)
            out.append(item)
    return out
