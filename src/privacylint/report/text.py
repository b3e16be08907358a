"""`--format text` (default): findings grouped by file, then one summary line. For people."""

from __future__ import annotations

from collections import Counter
from itertools import groupby

from privacylint.model import Result
from privacylint.printable import line_start, printable
from privacylint.report.common import by_primary


def render(result: Result) -> str:
    out = []
    for path, group in groupby(by_primary(result.findings), key=lambda f: f.primary.path):
        out.append(line_start(path))
        for f in group:
            p = f.primary
            where = f"{p.line}:{p.column}" if p.column else f"{p.line}" if p.line else "-"
            built = f" (built: {f.display_path}{':' + str(f.line) if f.line else ''})" if f.origin else ""
            out.append(f"  {where:<8} {f.severity:<7} {f.check}  {printable(f.message + built)}")
        out.append("")
    out.append(_summary(result))
    return "\n".join(out) + "\n"


def _summary(result: Result) -> str:
    checked = f"{result.files} files checked ({result.pages} pages)"
    suppressed = f"; {len(result.suppressed)} suppressed" if result.suppressed else ""
    if not result.findings:
        return f"No problems: {checked}{suppressed}."
    by_severity = Counter(f.severity for f in result.findings)
    counts = ", ".join(f"{by_severity[s]} {s}{'s' if by_severity[s] != 1 else ''}"
                       for s in ("error", "warning", "note") if by_severity[s])
    files = len({(f.root, f.path) for f in result.findings})
    n = len(result.findings)
    return (f"{n} problem{'s' if n != 1 else ''} ({counts}) in {files} file{'s' if files != 1 else ''}; "
            f"{checked}{suppressed}.")
