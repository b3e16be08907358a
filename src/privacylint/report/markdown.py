"""`--format markdown`: a short report for a CI job summary (the Action writes it to
$GITHUB_STEP_SUMMARY): counts per check, then the findings, capped so the page stays readable."""

from __future__ import annotations

from collections import Counter

from privacylint.model import Result
from privacylint.printable import printable
from privacylint.report.common import by_primary

_CAP = 100
_ICON = {"error": "error", "warning": "warning", "note": "note"}


_MARKUP = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "\\|", "`": "\\`", "*": "\\*",
                         "_": "\\_", "[": "\\[", "]": "\\]", "\\": "\\\\", "#": "\\#", "!": "\\!"})


def _cell(text: str) -> str:
    """Site text in a table cell: printable, and inert as Markdown and HTML (a job summary renders
    both: `<script ...>` in a message would be swallowed, a backtick or pipe would break the table)."""
    return printable(text).translate(_MARKUP)


def render(result: Result) -> str:
    n = len(result.findings)
    head = f"## privacylint: {n} finding{'s' if n != 1 else ''}" if n else "## privacylint: no findings"
    out = [head, "", f"{result.files} files checked ({result.pages} pages); {len(result.suppressed)} suppressed.", ""]
    if not n:
        return "\n".join(out)
    counts = Counter((f.check, f.name, f.severity) for f in result.findings)
    out += ["| check | severity | findings |", "|---|---|---|"]
    out += [f"| {cid} {name} | {severity} | {count} |" for (cid, name, severity), count in sorted(counts.items())]
    out += ["", "| where | check | message |", "|---|---|---|"]
    for f in by_primary(result.findings)[:_CAP]:
        where = f.primary
        out.append(f"| {_cell(where.path)}:{where.line or ''} | {f.check} {_ICON[f.severity]} | {_cell(f.message)} |")
    if n > _CAP:
        out.append(f"\n... and {n - _CAP} more; the full list is in the job log and the SARIF report.")
    return "\n".join(out) + "\n"
