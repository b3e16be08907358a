"""`--format markdown`: the report for a CI job summary (the Action writes it to
$GITHUB_STEP_SUMMARY): the inventory, counts per check, then one row per root cause with its
pages, capped so the page stays readable. `--quiet` leaves the inventory out."""

from __future__ import annotations

from collections import Counter

from privacylint.model import Result
from privacylint.printable import printable
from privacylint.report import change
from privacylint.report.common import groups, pages_of, summary, where
from privacylint.report.tables import COOKIE_COLUMNS, PARTY_COLUMNS, cookie_rows, party_rows

_CAP = 100

_MARKUP = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "\\|", "`": "\\`", "*": "\\*",
                         "_": "\\_", "[": "\\[", "]": "\\]", "\\": "\\\\", "#": "\\#", "!": "\\!"})


def _cell(text: str) -> str:
    """Site text in a table cell: printable, and inert as Markdown and HTML (a job summary renders
    both: `<script ...>` in a message would be swallowed, a backtick or pipe would break the table)."""
    return printable(text).translate(_MARKUP)


def _table(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    return ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns),
            *("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows), ""]


def render(result: Result, quiet: bool = False) -> str:
    found = groups(result.findings)
    n = len(found)
    head = f"## privacylint: {n} problem{'s' if n != 1 else ''}" if n else "## privacylint: no problems"
    out = change.markdown(result.change, _cell) if result.change else []
    out += [head, "", _cell(summary(result)), ""]
    if not quiet:
        parties, cookies = party_rows(result), cookie_rows(result)
        out += ["### Third parties", ""] + (_table(PARTY_COLUMNS, parties) if parties else ["None.", ""])
        out += ["### Cookies and storage", ""] + (_table(COOKIE_COLUMNS, cookies) if cookies else ["None.", ""])
    if not n:
        return "\n".join(out)
    counts = Counter((g.first.check, g.first.name, g.severity) for g in found)
    occurrences = Counter(f.check for f in result.findings)
    out += ["### Problems", "", "| check | severity | problems | occurrences |", "|---|---|---|---|"]
    out += [f"| {cid} {name} | {severity} | {count} | {occurrences[cid]} |"
            for (cid, name, severity), count in sorted(counts.items())]
    out += ["", "| where | check | message | pages |", "|---|---|---|---|"]
    for group in found[:_CAP]:
        f = group.first
        shown, more = pages_of(group)
        pages = ", ".join(shown) + (f" and {more:,} more" if more else "") if f.origin or more or shown[1:] else ""
        out.append(f"| {_cell(where(f.primary))} | {f.check} {f.severity} | {_cell(f.message)} | {_cell(pages)} |")
    if n > _CAP:
        out.append(f"\n... and {n - _CAP} more; the full list is in the job log and the SARIF report.")
    return "\n".join(out) + "\n"
