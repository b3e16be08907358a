"""Suppressions, in the order they apply: inline directives in pages, `ignore:` entries of
rules.yaml, then a baseline file. A suppressed finding is kept (JSON, SARIF) with why.

Each kind must say why: an inline directive without a reason does not apply (PL903); an
`ignore:` entry past its `expires` date stops applying (PL902); what matched nothing is PL901.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass, field

from privacylint.baseline import Baseline
from privacylint.model import Finding, Suppressed
from privacylint.policy import IgnoreRule, Policy


@dataclass
class Usage:
    """What the suppressions did, for PL901-PL903."""

    directives: set[tuple[str, str, int]] = field(default_factory=set)  # (root, path, index) that applied
    ignores: set[int] = field(default_factory=set)  # index into policy.ignore
    baseline: set[str] = field(default_factory=set)  # fingerprints of baseline entries that matched


def apply_suppressions(findings: list[Finding], sites: list, policy: Policy, today: dt.date,
                       baseline: Baseline = Baseline()) -> tuple[list[Finding], list[Suppressed], Usage]:
    usage = Usage()
    files = {(site.root, f.path): f for site in sites for f in site.files}
    whole = {key: tuple(i for i, d in enumerate(f.directives) if d.whole_file)
             for key, f in files.items() if f.directives}
    live = [(i, r) for i, r in enumerate(policy.ignore) if r.expires is None or r.expires >= today]
    kept, suppressed = [], []
    for finding in findings:
        hit = (_inline(finding, files, whole, usage) or _ignore(finding, live, policy, usage)
               or _baseline(finding, baseline, usage))
        if hit:
            suppressed.append(Suppressed(finding, *hit))
        else:
            kept.append(finding)
    return kept, suppressed, usage


def _inline(finding: Finding, files: dict, whole: dict, usage: Usage) -> tuple[str, str, str] | None:
    """The first directive covering the finding: by its element, or one for the whole file (those
    are listed once per file: a page with 20,000 directives must not cost 20,000 per finding)."""
    facts = files.get((finding.root, finding.path)) if finding.root is not None else None
    if facts is None or not facts.directives:
        return None
    candidates = set(facts.covered.get((finding.line, finding.column), ()))
    candidates.update(whole[finding.root, finding.path])
    for index in sorted(candidates):
        d = facts.directives[index]
        if d.reason and finding.check in d.checks:
            usage.directives.add((finding.root, finding.path, index))
            return d.reason, f"{finding.display_path}:{d.line}", "inline"
    return None


def _ignore(finding: Finding, live: list[tuple[int, IgnoreRule]], policy: Policy,
            usage: Usage) -> tuple[str, str, str] | None:
    for index, rule in live:
        if (rule.check == finding.check and (rule.subject is None or rule.subject == finding.subject)
                and any(fnmatch.fnmatchcase(finding.path, glob) for glob in rule.paths)):
            usage.ignores.add(index)
            return rule.reason, f"{policy.path}:{rule.position[0]}:{rule.position[1]}", "ignore"
    return None


def _baseline(finding: Finding, baseline: Baseline, usage: Usage) -> tuple[str, str, str] | None:
    if finding.fingerprint in baseline:
        usage.baseline.add(finding.fingerprint)
        return "in the baseline", f"{baseline.path}:{baseline.entries[finding.fingerprint].line}", "baseline"
    return None
