"""`--format text` (default): findings grouped by file, then one summary line. For people."""

from __future__ import annotations

from collections import Counter
from itertools import groupby

from privacylint.model import Result


def render(result: Result) -> str:
    out = []
    for path, group in groupby(result.findings, key=lambda f: f.display_path):
        out.append(path)
        for f in group:
            where = f"{f.line}:{f.column}" if f.column else f"{f.line}" if f.line else "-"
            out.append(f"  {where:<8} {f.severity:<7} {f.check}  {f.message}")
        out.append("")
    out.append(_summary(result))
    return "\n".join(out) + "\n"


def _summary(result: Result) -> str:
    checked = f"{result.files} files checked ({result.pages} pages)"
    suppressed = f"; {len(result.suppressed)} suppressed by ignore entries" if result.suppressed else ""
    if not result.findings:
        return f"No problems: {checked}{suppressed}."
    by_severity = Counter(f.severity for f in result.findings)
    counts = ", ".join(f"{by_severity[s]} {s}{'s' if by_severity[s] != 1 else ''}"
                       for s in ("error", "warning", "note") if by_severity[s])
    files = len({(f.root, f.path) for f in result.findings})
    n = len(result.findings)
    return (f"{n} problem{'s' if n != 1 else ''} ({counts}) in {files} file{'s' if files != 1 else ''}; "
            f"{checked}{suppressed}.")
