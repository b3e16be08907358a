"""An `ignore:` entry of rules.yaml is past its `expires` date.

Compliance exceptions are meant to be temporary. Once expired the entry stops applying, so
the findings it covered fail the build again, and this says why: renew it with a new date and
reason, or fix what it covered and delete it.
"""

from privacylint.checks.base import CheckSpec

SPEC = CheckSpec("PL902", "expired-ignore", "error",
                 "An ignore entry in rules.yaml is past its expires date.")
AUDITS_SUPPRESSIONS = True


def check(audit):
    for rule in audit.policy.ignore:
        if rule.expires is not None and rule.expires < audit.today:
            yield audit.sites[0].policy_finding(
                SPEC, rule.position, rule.check,
                f"ignore entry for {rule.check} expired on {rule.expires.isoformat()} and no longer applies "
                f"(reason given: {rule.reason}); fix what it covered and delete it, or renew it with a new "
                "expires date.")
