"""`--format concise`: one line per finding, `path:line:col: PL101 [error] message`, for editors and grep."""

from __future__ import annotations

from privacylint.model import Result
from privacylint.printable import printable
from privacylint.report.common import by_primary


def render(result: Result) -> str:
    lines = []
    for f in by_primary(result.findings):
        where = f.primary
        position = ":".join(str(n) for n in (where.line, where.column) if n)
        lines.append(f"{printable(where.path)}:{position + ':' if position else ''} {f.check} [{f.severity}] "
                     f"{printable(f.message)}")
    return "".join(line + "\n" for line in lines)
