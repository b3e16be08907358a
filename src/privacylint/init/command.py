"""`privacylint init SITE`: the command line of the drafting command (draft.py does the work).
Same exit codes as the main command; errors are cli_common.UsageError."""

from __future__ import annotations

import argparse
import os

from privacylint.cli_common import (
    EXIT_FINDINGS,
    EXIT_OK,
    Parser,
    UsageError,
    check_sites,
    err,
    out,
    rules_path,
    write_file,
)
from privacylint.printable import printable


def init_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="privacylint init",
        description="Draft rules.yaml from what the built site does and what its statement says; each entry "
                    "is commented with its evidence. With --diff, show how an existing rules.yaml differs.",
        epilog="Exit codes: 0 drafted (with --diff: no difference), 1 --diff found differences, 2 usage error.")
    p.add_argument("site", metavar="SITE", help="the built site directory (e.g. _site)")
    p.add_argument("--url", help="the site's public URL (default: from the build: canonical link, og:url, "
                                 "sitemap.xml, CNAME, feed)")
    p.add_argument("--statement", metavar="PATH|URL",
                   help="URL path of the privacy statement, or its URL when it is published on another site "
                        "(default: found by its link text or path)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the draft here (default: standard output)")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.add_argument("--diff", action="store_true", help="compare with the existing rules file (--rules, or "
                                                       "rules.yaml searched upward) as a unified diff")
    p.add_argument("--rules", metavar="FILE", help="the existing rules file, for --diff")
    p.add_argument("--source", metavar="DIR", help="the site's source tree: comments give source lines")
    p.add_argument("--jobs", type=int, metavar="N", help="extraction processes (default: as for a lint)")
    p.add_argument("--no-cache", action="store_true", help="extract every file; neither read nor write the cache")
    return p


def run_init(args: argparse.Namespace) -> int:
    from privacylint.cache import default_dir as default_cache_dir
    from privacylint.checks import CHECK_IDS
    from privacylint.init.draft import DraftError, diff, draft
    from privacylint.engine import Options
    from privacylint.policy import load_policy
    from privacylint.report.common import groups

    check_sites([args.site])
    if args.output and os.path.lexists(args.output) and not args.force and not args.diff:
        raise UsageError(f"{args.output} exists; privacylint init never overwrites it without --force "
                         "(or compare with it: privacylint init SITE --diff --rules FILE)")
    if args.source and not os.path.isdir(args.source):
        raise UsageError(f"--source {args.source} is not a directory")
    options = Options(jobs=None if args.jobs is None else max(1, args.jobs), source=args.source,
                      cache_dir=None if args.no_cache else str(default_cache_dir()))
    try:
        if args.diff:  # what the existing file says of the site, its statement and contact: not looked for again
            rules = rules_path(args.rules)
            policy = load_policy(rules, CHECK_IDS)
            drafted = draft(args.site, args.url or policy.site_url, args.statement or policy.statement_page, options,
                            contact=policy.contact, first_party=policy.first_party)
        else:
            drafted = draft(args.site, args.url, args.statement, options)
    except DraftError as error:
        raise UsageError(str(error)) from None
    for note in drafted.notes:
        err(f"privacylint init: {printable(note)}")
    if args.diff:
        changes = diff(rules, drafted, args.site, options)
        out(changes)
        return EXIT_FINDINGS if changes else EXIT_OK
    if args.output:
        write_file(args.output, drafted.text)
    else:
        out(drafted.text)
    remaining = len(groups(drafted.remaining.findings))
    rerun = f"privacylint {printable(args.site)}" + (f" --rules {printable(args.output)}" if args.output else "")
    err(f"privacylint init: drafted {drafted.collectors} collector{'s' if drafted.collectors != 1 else ''}, "
        f"{drafted.cookies} cookie{'s' if drafted.cookies != 1 else ''}"
        + (f"; {remaining} {'problems remain' if remaining != 1 else 'problem remains'} that rules.yaml cannot fix: "
           f"run {rerun}" if remaining else "; nothing else to fix") + ".")
    return EXIT_OK
