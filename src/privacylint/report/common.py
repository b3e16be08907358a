"""What several output formats share."""

from __future__ import annotations

from privacylint.model import Finding

LEVELS = {"error": "error", "warning": "warning", "note": "note"}


def by_primary(findings: list[Finding]) -> list[Finding]:
    """Findings in the order of where they are reported (the source line, when mapped)."""
    def key(f: Finding) -> tuple:
        p = f.primary
        return (p.path, p.line or 0, p.column or 0, f.check, f.subject, f.display_path)

    return sorted(findings, key=key)


def grouped_by_origin(findings: list[Finding]) -> list[tuple[Finding, list[Finding]]]:
    """Findings that a shared source line produced on many pages, once each: (first, all).

    An include or layout that loads a collector gives one finding per built page; where those
    are mapped to one source line, an annotation or code-scanning alert should appear once.
    Without source mapping every finding stands alone.
    """
    groups: dict[tuple, list[Finding]] = {}
    for f in findings:
        key = (f.check, f.subject, f.origin) if f.origin else (id(f),)
        groups.setdefault(key, []).append(f)
    return [(members[0], members) for members in groups.values()]


def more_pages(members: list[Finding]) -> str:
    others = len(members) - 1
    return f" (and {others} more built page{'s' if others != 1 else ''})" if others else ""
