"""The inventory as table rows, for the reports people read (text, markdown, html): the same
columns and words everywhere. The rows come from Result.inventory, computed once by the engine."""

from __future__ import annotations

from privacylint.model import Result

PARTY_COLUMNS = ("third party", "site", "category", "contacted as", "pages", "gate", "declared")
COOKIE_COLUMNS = ("cookie or key", "storage", "written by", "pages", "declared")
STORAGE_NAMES = {"cookie": "cookie", "local": "localStorage", "session": "sessionStorage"}


def gate_text(gates: dict[str, int]) -> str:
    """`ungated`, or `cookieconsent:analytics on 6, ungated on 1` when pages differ."""
    if len(gates) == 1:
        return next(iter(gates))
    return ", ".join(f"{label} on {n:,}" for label, n in sorted(gates.items(), key=lambda kv: (-kv[1], kv[0])))


def party_rows(result: Result) -> list[tuple[str, ...]]:
    rows = []
    for c in result.inventory.get("collectors", []):
        declared = f"yes, as {c['declared_as']}" if c.get("declared_as") else "no"
        rows.append((c.get("name") or c["site"], c["site"], c.get("category") or "-", ", ".join(c.get("how", ())),
                     f"{c.get('pages', c['files']):,}", gate_text(c.get("gates") or {"ungated": 0}), declared))
    return rows


def cookie_rows(result: Result) -> list[tuple[str, ...]]:
    return [(c["name"] or "(name computed at run time)", STORAGE_NAMES.get(c["storage"], c["storage"]),
             ", ".join(c.get("writers", ())) or "-", f"{c['files']:,}", "yes" if c["declared"] else "no")
            for c in result.inventory.get("cookies", [])]


def ungated_pages(collector: dict) -> int:
    return sum(n for label, n in collector.get("gates", {}).items()
               if label == "ungated" or label.startswith("auto-blocked"))
