"""The "what this change does" section (`--compare BASE`), first in the text and markdown
reports (so first in the Action's job summary): third parties, cookies and storage keys added and
removed with their pages and gate state, gate states changed, problems new and fixed."""

from __future__ import annotations

from privacylint.compare import empty
from privacylint.printable import printable
from privacylint.report.common import shown_path
from privacylint.report.tables import STORAGE_NAMES, gate_text

_LIMIT = 20  # new or fixed problems listed; the rest are counted


def _party(c: dict) -> str:
    name = c.get("name") or c["site"]
    kind = f"{c['site']}, {c['category']}" if c.get("category") else c["site"]
    declared = f"declared as {c['declared_as']}" if c.get("declared_as") else "not declared"
    pages = c.get("pages") or 0
    how = ", ".join(c.get("how") or ()) or "contact"
    return (f"{name} ({kind}): {how} on {pages:,} page{'s' if pages != 1 else ''}, "
            f"{gate_text(c.get('gates') or {'ungated': 0})}, {declared}")


def _gates(c: dict) -> str:
    before, after = gate_text(c["gates_before"] or {"ungated": 0}), gate_text(c.get("gates") or {"ungated": 0})
    return f"{c.get('name') or c['site']} ({c['site']}): {before} -> {after}"


def _cookie(c: dict) -> str:
    files = c.get("files") or 0
    writers = ", ".join(c.get("writers") or ()) or "-"
    name = c["name"] or "(name computed at run time)"
    return (f"{name} ({STORAGE_NAMES.get(c['storage'], c['storage'])}), written by {writers} on {files:,} "
            f"page{'s' if files != 1 else ''}, {'declared' if c.get('declared') else 'not declared'}")


def _items(change: dict) -> list[tuple[str, str]]:
    """(verb, what) of every change, in the order a reviewer reads them."""
    parties, cookies = change.get("third_parties", {}), change.get("cookies", {})
    items = [("adds", _party(c)) for c in parties.get("added", [])]
    items += [("removes", _party(c)) for c in parties.get("removed", [])]
    items += [("gates", _gates(c)) for c in parties.get("gate_changed", [])]
    items += [("adds", _cookie(c)) for c in cookies.get("added", [])]
    items += [("removes", _cookie(c)) for c in cookies.get("removed", [])]
    return items


def _problem(f: dict) -> str:
    where = shown_path(f["path"]) + (f":{f['line']}" if f.get("line") else "")
    more = f" ({f['occurrences']:,} occurrences)" if f.get("occurrences", 1) > 1 else ""
    return f"{f['check']} {where}: {f['message']}{more}"


def _counts(change: dict) -> str:
    new, fixed = change["findings"]["new"], change["findings"]["fixed"]
    return f"{len(new):,} new problem{'s' if len(new) != 1 else ''}, {len(fixed):,} fixed"


def _no_inventory(change: dict) -> list[str]:
    return [] if "third_parties" in change else [
        "(the base holds no inventory, a baseline written by an older privacylint: problems compared only)"]


def text(change: dict) -> list[str]:
    head = f"What this change does, against {shown_path(change['base'])}"
    if empty(change):
        return [printable(f"{head}: no third party, cookie or storage key added or removed; no new problem, "
                          "none fixed."), ""]
    out = [printable(f"{head}: {_counts(change)}.")] + _no_inventory(change)
    out += [f"  {verb:<8} {printable(what)}" for verb, what in _items(change)]
    out += [f"  {'new':<8} {printable(_problem(f))}" for f in change["findings"]["new"][:_LIMIT]]
    out += [f"  {'fixed':<8} {printable(f['check'])} {printable(shown_path(f['path']))}: {printable(f['subject'])}"
            for f in change["findings"]["fixed"][:_LIMIT]]
    hidden = max(0, len(change["findings"]["new"]) - _LIMIT) + max(0, len(change["findings"]["fixed"]) - _LIMIT)
    if hidden:
        out.append(f"  ... and {hidden:,} more (--format json lists them under change)")
    return out + [""]


def markdown(change: dict, cell) -> list[str]:
    """The section in Markdown; `cell` makes site text inert (markdown._cell)."""
    out = ["## What this change does", "", f"Compared with {cell(shown_path(change['base']))}: {_counts(change)}.", ""]
    out += _no_inventory(change)
    if empty(change):
        return out + ["No third party, cookie or storage key added or removed.", ""]
    items = _items(change)
    if items:
        out += ["| change | what |", "|---|---|", *(f"| {verb} | {cell(what)} |" for verb, what in items), ""]
    problems = [("new", _problem(f)) for f in change["findings"]["new"][:_LIMIT]]
    problems += [("fixed", f"{f['check']} {shown_path(f['path'])}: {f['subject']}")
                 for f in change["findings"]["fixed"][:_LIMIT]]
    if problems:
        out += ["| problem | where and what |", "|---|---|", *(f"| {k} | {cell(v)} |" for k, v in problems), ""]
    return out
