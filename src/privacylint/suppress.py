"""`ignore:` entries of rules.yaml: each with a reason; past its `expires` date it stops applying."""

from __future__ import annotations

import datetime as dt
import fnmatch

from privacylint.model import Finding, Suppressed
from privacylint.policy import IgnoreRule, Policy


def apply_ignores(findings: list[Finding], policy: Policy, today: dt.date) -> tuple[list[Finding], list[Suppressed]]:
    live = [rule for rule in policy.ignore if rule.expires is None or rule.expires >= today]
    kept, suppressed = [], []
    for finding in findings:
        rule = next((r for r in live if _matches(r, finding)), None)
        if rule is None:
            kept.append(finding)
        else:
            where = f"{policy.path}:{rule.position[0]}:{rule.position[1]}"
            suppressed.append(Suppressed(finding, rule.reason, where))
    return kept, suppressed


def _matches(rule: IgnoreRule, finding: Finding) -> bool:
    return (rule.check == finding.check
            and (rule.subject is None or rule.subject == finding.subject)
            and any(fnmatch.fnmatchcase(finding.path, glob) for glob in rule.paths))
