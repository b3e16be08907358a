"""Command line: options in, reports out, exit code back. It writes through cli_common (shared with
`privacylint init`, init/command.py), whose functions are the only ones that print.

Exit codes: 0 nothing at or above --fail-on; 1 findings; 2 usage, policy or internal error;
130 interrupted (Ctrl-C), 143 terminated (SIGTERM), workers stopped with it.
--exit-zero turns 1 into 0, never 2.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from privacylint import __version__
from privacylint.cli_common import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    Parser,
    UsageError,
    check_sites,
    err,
    out,
    rules_path,
    write_file,
)
from privacylint.model import DEFAULT_MAX_FILE_SIZE, SEVERITIES, SEVERITY_RANK
from privacylint.printable import printable
from privacylint.report import FORMAT_NAMES, FORMATS, render

# The pipeline (lxml, the catalogue, ruamel, Playwright, requests) is imported when a command needs it:
# `--version` and `--help` stay instant.

# the curated catalogue is under the project's licence; the third-party-web table under MIT
CATALOGUE_LICENSE = "Apache-2.0 AND MIT"


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="privacylint",
        description="Check a built website against what its privacy statement (rules.yaml) declares.",
        epilog="Draft rules.yaml from a build: privacylint init SITE (see privacylint init --help). "
               "Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage/policy/internal error, "
               "130 interrupted, 143 terminated.")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="built site directory (e.g. _site, public), or the URL of a deployed site")
    p.add_argument("--rules", metavar="FILE", help="policy file (default: rules.yaml, searched upward)")
    p.add_argument("--format", action="append", metavar="NAME[=FILE]", default=[],
                   help=f"report format ({', '.join(FORMAT_NAMES)}); repeat to write several; =FILE writes "
                        "to a file, =- to standard output")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="leave the inventory out of the text and markdown reports (for hooks)")
    p.add_argument("--fail-on", choices=SEVERITIES, default="error",
                   help="lowest severity that makes the exit code 1 (default: error)")
    p.add_argument("--exit-zero", action="store_true",
                   help="exit 0 even with findings (a usage, policy or internal error still exits 2)")
    p.add_argument("--baseline", metavar="FILE", help="findings recorded in this baseline do not count")
    p.add_argument("--write-baseline", metavar="FILE",
                   help="record the current findings as the baseline, then exit 0")
    p.add_argument("--compare", metavar="BASE",
                   help="say first what this build adds and removes against the base branch's: BASE is its JSON "
                        "report (--format json=FILE) or a baseline file")
    p.add_argument("--source", metavar="DIR",
                   help="the site's source tree: report findings at the file and line that produced them, "
                        "and read its config (_config.yml, hugo.toml, mkdocs.yml, _headers ...)")
    p.add_argument("--config", metavar="FILE", action="append", default=[],
                   help="a site config or header file to read (repeatable; found in --source when omitted)")
    p.add_argument("--select", metavar="IDS", help="only these checks (comma-separated ids or prefixes: PL1,PL201)")
    p.add_argument("--ignore", metavar="IDS", help="skip these checks (ids or prefixes)")
    p.add_argument("--jobs", type=int, metavar="N",
                   help="processes for extraction (default: one per core; one for a site under 16 MB, where "
                        "starting more costs what they save)")
    p.add_argument("--max-file-size", type=int, default=DEFAULT_MAX_FILE_SIZE, metavar="BYTES",
                   help="files larger than this are reported (PL001) and skipped (default: 10 MiB)")
    p.add_argument("--no-cache", action="store_true", help="extract every file; neither read nor write the cache")
    p.add_argument("--browser", action="store_true",
                   help="also load pages in Chromium (offline: the build answers for the site, everything else is "
                        "recorded and aborted) and check what they do before consent; needs privacylint[browser]")
    p.add_argument("--browser-pages", default="layouts", metavar="layouts|all|N",
                   help="pages to load: the homepage, the statement and one per layout (default), all, or at most N")
    p.add_argument("--har", action="append", default=[], metavar="FILE",
                   help="a HAR 1.2 file recorded before consent: its requests and cookies count as observed")
    p.add_argument("--browser-live", action="store_true",
                   help="let third-party requests through, so vendor scripts run (CI runners with internet only)")
    p.add_argument("--max-pages", type=int, default=50, metavar="N", help="with a URL: pages to fetch at most")
    p.add_argument("--max-seconds", type=float, default=120.0, metavar="S", help="with a URL: time to fetch in all")
    p.add_argument("--crawl-delay", type=float, default=0.5, metavar="S", help="with a URL: pause between requests")
    p.add_argument("--cache-dir", metavar="DIR",
                   help="where extracted facts are cached between runs (default: $XDG_CACHE_HOME/privacylint, "
                        "else ~/.cache/privacylint)")
    p.add_argument("--explain", metavar="CHECK", help="print a check's documentation (id or name) and exit")
    p.add_argument("--list-checks", action="store_true", help="list the checks and exit")
    p.add_argument("--list-vendors", action="store_true", help="list the vendor catalogue and exit")
    p.add_argument("--version", action="version", version=f"privacylint {__version__}")
    return p


class Terminated(BaseException):
    """SIGTERM (kill, CI cancellation, a supervisor): stop like Ctrl-C, workers included."""


def _on_sigterm(signum, frame):
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    _safe_streams()
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["init"]:
        from privacylint.init.command import init_parser, run_init  # imports cli_common, never this module

        command, parser, argv = run_init, init_parser(), argv[1:]
    else:
        command, parser = _main, build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if _main_thread() else None
    try:
        return command(args)
    except KeyboardInterrupt:
        err("privacylint: interrupted")
        return EXIT_INTERRUPTED
    except Terminated:
        err("privacylint: terminated")
        return EXIT_TERMINATED
    except UsageError as error:
        err(f"privacylint: {printable(str(error))}")
    except _policy_error() as error:
        err(str(error))  # one positioned line per problem, each made printable by PolicyError
        count = len(error.issues)
        err(f"privacylint: {count} problem{'s' if count != 1 else ''} in the rules file {printable(error.path)}; "
            "nothing was checked.")
        if getattr(args, "rules", None) is None:
            err(f"privacylint: {printable(error.path)} was found by searching upward from {printable(os.getcwd())}; "
                "if it belongs to another tool, give privacylint's own with --rules FILE.")
    except Exception as error:  # noqa: BLE001 - the promise is: no traceback, exit 2
        if os.environ.get("PRIVACYLINT_DEBUG"):
            raise
        err(f"privacylint: internal error: {type(error).__name__}: {printable(str(error))}. Please report this "
            "(PRIVACYLINT_DEBUG=1 shows the traceback).")
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return EXIT_ERROR


def _policy_error() -> type[Exception]:
    from privacylint.policy import PolicyError

    return PolicyError


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _safe_streams() -> None:
    """Whatever the terminal's encoding (PYTHONIOENCODING=ascii, a C locale), a report with
    non-ASCII paths prints: what cannot be encoded is escaped, not an internal error."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass


def _main(args: argparse.Namespace) -> int:
    from privacylint import baseline
    from privacylint.cache import default_dir as default_cache_dir
    from privacylint.checks import SPECS
    from privacylint.engine import Options, run
    from privacylint.policy import load_policy

    formats = _formats(args.format)
    if args.explain:
        return out(explain(args.explain))
    if args.list_checks:
        return out(list_checks(dict(formats).get(None, "text")))
    if args.list_vendors:
        return out(list_vendors(dict(formats).get(None, "text")))
    if not args.paths:
        args.paths = [_default_site()]
    urls = [p for p in args.paths if p.startswith(("http://", "https://"))]
    if urls and len(urls) != len(args.paths) or len(urls) > 1:
        raise UsageError("give one URL, or built site directories, not both")
    if not urls:
        check_sites(args.paths)
    _check_configs(args.config)
    if (args.jobs is not None and args.jobs < 1) or args.max_file_size < 1:
        raise UsageError("--jobs and --max-file-size must be positive")
    if args.source and not os.path.isdir(args.source):
        raise UsageError(f"--source {args.source} is not a directory")
    base = _base(args.compare)
    policy = load_policy(rules_path(args.rules), frozenset(SPECS))
    _warn_if_published(policy.path, args.paths)
    cache_dir = None if args.no_cache else str(args.cache_dir or default_cache_dir())
    options = Options(enabled=_enabled(args.select, args.ignore), jobs=args.jobs, max_file_size=args.max_file_size,
                      baseline=_baseline(args.baseline), source=args.source, configs=tuple(args.config),
                      cache_dir=cache_dir, browser=_browser_options(args), har=tuple(args.har))
    from privacylint.browser.options import BrowserError

    try:
        result = _run_url(urls[0], policy, options, args) if urls else run(args.paths, policy, options)
    except BrowserError as error:
        raise UsageError(str(error)) from None
    if base is not None:
        from privacylint.compare import changes

        result.change = changes(base, result)
    for note in result.notes:  # what the browser or the crawl could not do: site text, one line each
        err(f"privacylint: {printable(note)}")
    if args.write_baseline:
        write_file(args.write_baseline, baseline.render(result))
        err(f"privacylint: wrote {len(baseline.current(result))} findings to the baseline "
            f"{printable(args.write_baseline)}")
        return EXIT_OK
    for target, name in formats:
        text = render(name, result, args.quiet)
        if target is None:
            out(text, commands=name == "github")
        else:
            write_file(target, text, commands=name == "github")
    if all(target is not None for target, _ in formats):  # every report went to a file: say how it went
        from privacylint.report.common import summary

        err(f"privacylint: {printable(summary(result))}")
    threshold = SEVERITY_RANK[args.fail_on]
    failed = any(SEVERITY_RANK[f.severity] >= threshold for f in result.findings)
    return EXIT_FINDINGS if failed and not args.exit_zero else EXIT_OK


BUILD_FOLDERS = ("_site", "public", "site", "_build/html", "build", "out", "dist")  # where generators build


def _default_site() -> str:
    """The site when no PATH is given (a pre-commit hook run by `try-repo`, which takes no args):
    $PRIVACYLINT_SITE, else the one usual build folder here that holds a build."""
    from privacylint.buildcheck import not_a_build

    chosen = os.environ.get("PRIVACYLINT_SITE", "").strip()
    if chosen:
        return chosen
    for name in BUILD_FOLDERS:
        if os.path.isdir(name) and not_a_build(name) is None:
            err(f"privacylint: checking {name}, the build found here (give PATH, or set PRIVACYLINT_SITE, to choose)")
            return name
    raise UsageError("give the built site to check, e.g. `privacylint _site` (build the site first), or set "
                     f"PRIVACYLINT_SITE; none of {', '.join(BUILD_FOLDERS)} here holds a build")


def _run_url(url: str, policy, options, args: argparse.Namespace):
    """A deployed site: fetched into a temporary folder, checked as a build, findings at URLs."""
    from privacylint.deployed.crawl import CrawlError, CrawlLimits, check_url

    if args.max_pages < 1 or args.max_seconds <= 0 or args.crawl_delay < 0:
        raise UsageError("--max-pages and --max-seconds must be positive, --crawl-delay not negative")
    limits = CrawlLimits(max_pages=args.max_pages, max_seconds=args.max_seconds, delay=args.crawl_delay)
    try:
        return check_url(url, policy, options, limits)
    except CrawlError as error:
        raise UsageError(str(error)) from None


def _browser_options(args: argparse.Namespace):
    if not args.browser:
        if args.browser_live or args.browser_pages != "layouts":
            raise UsageError("--browser-pages and --browser-live apply to --browser")
        return None
    if args.browser_pages not in ("layouts", "all") and not (args.browser_pages.isdigit() and
                                                             int(args.browser_pages) > 0):
        raise UsageError("--browser-pages takes layouts, all or a positive number")
    from privacylint.browser.options import BrowserOptions

    return BrowserOptions(pages=args.browser_pages, live=args.browser_live)


def _warn_if_published(policy_path: str, sites: list[str]) -> None:
    """rules.yaml copied into the build (Jekyll copies every file it does not exclude) is
    published with the site: say so, and how to stop it."""
    name = os.path.basename(policy_path)
    for site in sites:
        copy = os.path.join(site, name)
        if os.path.isfile(copy):
            err(f"privacylint: warning: {printable(copy)} is in the built site, so the policy file is published with it. "
                 f"Jekyll copies every file it does not exclude: add `exclude: [{name}]` to _config.yml.")


def _check_configs(paths: list[str]) -> None:
    """A --config the user names must exist and be of a kind privacylint reads."""
    from privacylint.siteconfig import GENERATOR_FILES, HEADER_FILES

    for path in paths:
        name = os.path.basename(path)
        if os.path.isdir(path):
            raise UsageError(f"--config {path} is a directory; give the config file itself")
        if not os.path.exists(path):
            raise UsageError(f"--config {path} does not exist")
        if name not in GENERATOR_FILES + HEADER_FILES and not name.endswith((".yml", ".yaml", ".toml")):
            raise UsageError(f"--config {path}: not a kind of config privacylint reads ({', '.join(HEADER_FILES)}, "
                             "or a generator config in YAML or TOML such as _config.yml, hugo.toml, mkdocs.yml)")


def _base(path: str | None) -> dict | None:
    """The base branch's report or baseline (--compare), read before anything is linted."""
    if not path:
        return None
    from privacylint.compare import CompareError, load_base

    try:
        return load_base(path)
    except CompareError as error:
        raise UsageError(str(error)) from None


def _baseline(path: str | None):
    from privacylint import baseline

    if not path:
        return baseline.Baseline()
    try:
        return baseline.load(path)
    except baseline.BaselineError as err:
        raise UsageError(str(err)) from None


def _formats(specs: list[str]) -> list[tuple[str | None, str]]:
    """[(file or None for stdout, format name)]; text to stdout when none is asked for."""
    out = []
    for spec in specs or ["text"]:
        name, equals, target = spec.partition("=")
        if name not in FORMATS:
            raise UsageError(f"unknown format '{name}'; choose from {', '.join(FORMATS)}")
        if equals and not target:
            raise UsageError(f"--format {spec}: give a file after '=' ({name}=report.txt), or '-' for standard output")
        out.append((None if target in ("", "-") else target, name))
    if sum(target is None for target, _ in out) > 1:
        raise UsageError("only one --format can go to standard output; give the others =FILE")
    files = [os.path.realpath(target) for target, _ in out if target is not None]
    if len(files) != len(set(files)):
        raise UsageError("two --format options write to the same file; give each its own")
    return out


def _enabled(select: str | None, ignore: str | None) -> frozenset[str]:
    from privacylint.checks import SPECS

    def pick(spec: str) -> set[str]:
        chosen = set()
        for token in filter(None, (t.strip().upper() for t in spec.split(","))):
            matched = {cid for cid in SPECS if cid.startswith(token)}
            if not matched:
                raise UsageError(f"no check matches '{token}' (privacylint --list-checks)")
            chosen |= matched
        return chosen

    enabled = pick(select) if select else set(SPECS)
    enabled -= pick(ignore) if ignore else set()
    if not enabled:
        raise UsageError(f"--select {select or '(all)'} --ignore {ignore} leaves no check to run; "
                         "a run that checks nothing would pass anything")
    return frozenset(enabled)


def explain(check: str) -> str:
    """The check's whole documentation (its README, shipped in the package), by id or name."""
    from privacylint.checks import REGISTRY
    from privacylint.explain import readme

    wanted = check.strip()
    module = next((m for m in REGISTRY if wanted.upper() == m.SPEC.id or wanted.lower() == m.SPEC.name), None)
    if module is None:
        raise UsageError(f"unknown check '{check}' (privacylint --list-checks)")
    spec = module.SPEC
    text = readme(spec.id) or f"# {spec.id} {spec.name}\n\n{(module.__doc__ or spec.summary).strip()}\n"
    return f"{text.rstrip()}\n\nDefault severity: {spec.severity}. Source: {spec.catalogue_dir}/README.md\n"


def list_checks(fmt: str) -> str:
    from privacylint.checks import SPECS

    if fmt == "json":
        import json
        return json.dumps([{"id": s.id, "name": s.name, "severity": s.severity, "summary": s.summary}
                           for s in SPECS.values()], indent=2) + "\n"
    return "".join(f"{s.id}  {s.name:<34} {s.severity:<8} {s.summary}\n" for s in SPECS.values())


def list_vendors(fmt: str) -> str:
    """Both tiers: the curated catalogue, then the third-party-web table that only names hosts."""
    from privacylint.vendors import catalogue, third_party_table

    vendors = sorted(catalogue().vendors.values(), key=lambda v: v.id)
    table = third_party_table()
    named = sorted(zip(table.entities, table.domains(), strict=True))
    if fmt == "json":
        import json
        return json.dumps({"catalogue": "privacylint vendor catalogue", "version": __version__,
                           "license": CATALOGUE_LICENSE,
                           "vendors": [{"id": v.id, "name": v.name, "aliases": list(v.aliases), "owner": v.owner,
                                        "category": v.category, "hosts": list(v.hosts),
                                        "cookies": [c.name for c in v.cookies], "consent": v.consent,
                                        "sources": list(v.sources)} for v in vendors],
                           "third_party_web": {"source": "third-party-web", "version": table.version,
                                               "license": table.license, "notice": table.notice,
                                               "use": "names only, never a verdict",
                                               "entities": [{"name": n, "category": c, "domains": d}
                                                            for (n, c), d in named]}}, indent=2) + "\n"
    rows = [("id", "category", "consent", "name", "cookies")]
    rows += [(v.id, v.category, v.consent, v.name, ", ".join(c.name for c in v.cookies) or "-") for v in vendors]
    rows += [("third-party-web", c, "-", n, "domains: " + ", ".join(d)) for (n, c), d in named]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[4] + "\n" for row in rows)

