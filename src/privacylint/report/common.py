"""What several output formats share: ordering, grouping by root cause, paths a person can open."""

from __future__ import annotations

import os
from typing import NamedTuple

from privacylint.model import Finding, Location, Result

LEVELS = {"error": "error", "warning": "warning", "note": "note"}
SHOWN_PAGES = 3  # a group lists this many of its pages, then "and N more"


class Group(NamedTuple):
    """Findings with one root cause (Finding.group): the first, in report order, and all."""

    first: Finding
    members: list[Finding]

    @property
    def severity(self) -> str:
        return self.first.severity


def by_primary(findings: list[Finding]) -> list[Finding]:
    """Findings in the order of where they are reported (the source line, when mapped)."""
    def key(f: Finding) -> tuple:
        p = f.primary
        return (p.path, p.line or 0, p.column or 0, f.check, f.subject, f.display_path)

    return sorted(findings, key=key)


def groups(findings: list[Finding], same_origin_only: bool = False) -> list[Group]:
    """Findings with one root cause, once each, in report order. `same_origin_only`: group only
    what --source mapped to one source line (annotations and code-scanning alerts, whose identity
    is a location, stay one per built page otherwise)."""
    found: dict[object, list[Finding]] = {}
    for f in by_primary(findings):
        key = f.group if f.origin or not same_origin_only else id(f)
        found.setdefault(key, []).append(f)
    return [Group(members[0], members) for members in found.values()]


def unmapped_note(f: Finding) -> str:
    """With --source, for a finding no source line is certain for: that it stays on the built file."""
    return f"Not traced to a source line ({f.unmapped}); reported on the built file." if f.unmapped else ""


def more_pages(members: list[Finding]) -> str:
    others = len(members) - 1
    return f" (and {others} more built page{'s' if others != 1 else ''})" if others else ""


def shown_path(path: str) -> str:
    """A path a person can click: relative to the current directory, absolute when outside it."""
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path)
        except ValueError:  # another drive
            return path
        if relative != ".." and not relative.startswith(".." + os.sep):
            return relative
    return path


def where(location: Location) -> str:
    return shown_path(location.path) + "".join(f":{n}" for n in (location.line, location.column) if n)


def pages_of(group: Group, limit: int = SHOWN_PAGES) -> tuple[list[str], int]:
    """The group's built pages (with line) to list, and how many more there are."""
    shown = [where(m.built) for m in group.members[:limit]]
    return shown, max(0, len(group.members) - limit)


def spread(group: Group) -> str:
    """`on 223 pages`, `in 6 files` (a script copied into several folders), or `built file` for one
    finding mapped to its source."""
    count = len(group.members)
    if count == 1:
        return "built file"
    pages = all(m.path.lower().endswith((".html", ".htm")) for m in group.members)
    return f"on {count:,} pages" if pages else f"in {count:,} files"


def summary(result: Result) -> str:
    """`15 problems (1,378 occurrences; 12 errors, 3 warnings) in 226 files; 230 files checked
    (230 pages) against rules.yaml; 2 suppressed.`"""
    found = groups(result.findings)
    checked = f"{result.files:,} file{'s' if result.files != 1 else ''} checked ({result.pages:,} pages)"
    if result.policy:
        checked += f" against {shown_path(result.policy)}"
    suppressed = f"; {len(result.suppressed):,} suppressed" if result.suppressed else ""
    if not found:
        return f"No problems: {checked}{suppressed}."
    counts = ", ".join(f"{n:,} {s}{'s' if n != 1 else ''}" for s in ("error", "warning", "note")
                       if (n := sum(g.severity == s for g in found)))
    n, occurrences = len(found), len(result.findings)
    if occurrences != n:
        counts = f"{occurrences:,} occurrences; {counts}"
    files = len({(f.root, f.path) for f in result.findings})
    return (f"{n:,} problem{'s' if n != 1 else ''} ({counts}) in {files:,} file{'s' if files != 1 else ''}; "
            f"{checked}{suppressed}.")
