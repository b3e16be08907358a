"""`--format text` (default), for people: the site's inventory first (who receives visitor data,
on how many pages, behind which gate; the cookies and who writes them), then the problems, one
entry per root cause (an include on 223 pages is one entry, with its pages), grouped by the file
where it is fixed; then one summary line. `--quiet` leaves the inventory out."""

from __future__ import annotations

from itertools import groupby

from privacylint.model import Result
from privacylint.printable import printable
from privacylint.report import change
from privacylint.report.common import Group, groups, pages_of, shown_path, spread, summary, unmapped_note
from privacylint.report.tables import COOKIE_COLUMNS, PARTY_COLUMNS, cookie_rows, party_rows


def render(result: Result, quiet: bool = False) -> str:
    out = change.text(result.change) if result.change else []
    out += [] if quiet else _inventory(result)
    for path, entries in groupby(groups(result.findings), key=lambda g: g.first.primary.path):
        out.append(printable(shown_path(path)))
        for group in entries:
            out += _entry(group)
        out.append("")
    out.append(printable(summary(result)))
    return "\n".join(out) + "\n"


def _entry(group: Group) -> list[str]:
    f, p = group.first, group.first.primary
    where = f"{p.line}:{p.column}" if p.column else f"{p.line}" if p.line else "-"
    lines = [f"  {where:<8} {f.severity:<7} {f.check}  {printable(f.message)}"]
    if f.origin or len(group.members) > 1:
        shown, more = pages_of(group)
        pages = ", ".join(printable(s) for s in shown) + (f" and {more:,} more" if more else "")
        lines.append(f"  {'':<8} {'':<7}        {spread(group)}: {pages}")
    if f.unmapped:
        lines.append(f"  {'':<8} {'':<7}        {printable(unmapped_note(f))}")
    return lines


def _inventory(result: Result) -> list[str]:
    parties, cookies = party_rows(result), cookie_rows(result)
    if not parties and not cookies:
        return ["Third parties: none contacted. Cookies and storage: none written.", ""]
    undeclared = sum(row[-1] == "no" for row in parties)
    out = [f"Third parties: {len(parties)}" + (f", {undeclared} not declared" if undeclared else "")]
    out += _table(PARTY_COLUMNS, parties) if parties else ["  none"]
    undeclared = sum(row[-1] == "no" for row in cookies)
    out.append(f"Cookies and storage: {len(cookies)}" + (f", {undeclared} not declared" if undeclared else ""))
    out += _table(COOKIE_COLUMNS, cookies) if cookies else ["  none"]
    outbound = len(result.inventory.get("outbound_domains", []))
    if outbound:
        out.append(f"Links lead to {outbound:,} other site{'s' if outbound != 1 else ''} "
                   "(not contacted until clicked; --format json lists them).")
    return out + [""]


def _table(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    rows = [tuple(printable(cell) for cell in row) for row in rows]
    widths = [max(len(cell) for cell in column) for column in zip(columns, *rows)]
    return ["  " + "  ".join(_cell(cell, w) for cell, w in zip(row, widths)).rstrip() for row in (columns, *rows)]


def _cell(text: str, width: int) -> str:
    return text.rjust(width) if text.replace(",", "").isdigit() else text.ljust(width)
