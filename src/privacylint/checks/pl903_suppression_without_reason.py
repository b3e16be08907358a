"""An inline suppression gives no reason.

A suppression is a decision that a finding is acceptable; without its reason nobody can review
it later. A directive without a reason does not apply: write `PL101: why this is fine`.
"""

from privacylint.checks.base import CheckSpec

SPEC = CheckSpec("PL903", "suppression-without-reason", "error",
                 "An inline suppression gives no reason (and so does not apply).")
AUDITS_SUPPRESSIONS = True


def check(audit):
    for site, f, _, d in audit.directives():
        if d.checks and not d.reason:
            yield site.finding(
                SPEC, f.path, d.line, d.column, ",".join(d.checks),
                f"the suppression of {', '.join(d.checks)} gives no reason, so it does not apply; "
                f"write it as \"{d.checks[0]}: why this is acceptable\".")
