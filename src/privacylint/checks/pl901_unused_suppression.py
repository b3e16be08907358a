"""An inline suppression, an `ignore:` entry or a baseline entry that matched no finding.

A suppression that suppresses nothing is stale: the problem was fixed, or it never matched
(a typo in the check id, path glob or subject). Stale suppressions hide the next real problem
at the same place, so they are reported, like ruff's RUF100. A baseline entry that matches
nothing was fixed: it is reported at its line in the baseline file (`--write-baseline` rewrites
the file without it). Only suppressions whose checks all ran are judged (not under
--select/--ignore that skip them).
"""

import re

from privacylint.baseline import STALE
from privacylint.checks.base import CheckSpec, Where

_ID = re.compile(r"^PL\d{1,4}$")

SPEC = CheckSpec("PL901", "unused-suppression", "warning",
                 "An inline suppression, ignore entry or baseline entry matched no finding.")
AUDITS_SUPPRESSIONS = True


def check(audit):
    for site, f, index, d in audit.directives():
        unknown = [c for c in d.checks if c not in audit.known]
        if any(not _ID.match(c) for c in unknown):  # words, not ids: the colon is missing or misplaced
            yield site.finding(SPEC, f.path, d.line, d.column, ",".join(d.checks)[:60],
                               "the suppression is not written as check ids, a colon, then the reason: "
                               "data-privacylint-ignore=\"PL105: marketing wants the branded player\" "
                               "(or <!-- privacylint-ignore PL105: reason -->); it suppresses nothing.")
        elif unknown or not d.checks:
            names = ", ".join(unknown) or "nothing"
            yield site.finding(SPEC, f.path, d.line, d.column, ",".join(d.checks) or "-",
                               f"the suppression names {names}, not a privacylint check; "
                               "write it as data-privacylint-ignore=\"PL101: reason\".")
        elif (d.reason and set(d.checks) <= audit.enabled
              and (site.root, f.path, index) not in audit.usage.directives):
            yield site.finding(SPEC, f.path, d.line, d.column, ",".join(d.checks),
                               f"the suppression of {', '.join(d.checks)} here matched no finding; remove it.")
    for index, rule in enumerate(audit.policy.ignore):
        expired = rule.expires is not None and rule.expires < audit.today
        if not expired and rule.check in audit.enabled and index not in audit.usage.ignores:
            yield audit.sites[0].policy_finding(
                SPEC, rule.position, rule.check,
                f"ignore entry for {rule.check} ({', '.join(rule.paths)}"
                f"{', ' + rule.subject if rule.subject else ''}) matched no finding; remove it or fix its "
                "paths or subject.")
    yield from _stale_baseline(audit)


def _stale_baseline(audit):
    baseline = audit.baseline
    for fingerprint, entry in sorted(baseline.entries.items(), key=lambda kv: kv[1].line):
        if fingerprint not in audit.usage.baseline and entry.check in audit.enabled:
            yield audit.sites[0].config_finding(
                SPEC, Where(baseline.path, False, entry.line, None), f"{STALE}{fingerprint}",
                f"baseline entry for {entry.check} ({entry.path}, {entry.subject}) matched no finding: it was "
                f"fixed. Remove it, or rewrite the baseline: privacylint ... --baseline {baseline.path} "
                f"--write-baseline {baseline.path}")
