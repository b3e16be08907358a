"""What a change does (`--compare BASE`): this run against the base branch's, as a reviewer asks
it: which third parties, cookies and storage keys the change adds or removes (with pages and gate
state), whose gate state it changes, and which problems are new or fixed.

BASE is the base branch's JSON report (`--format json=base.json`) or a baseline file (which
holds a compact inventory since this version; an older one compares findings only). Third
parties are matched by site, cookies by storage and name, problems by fingerprint (check, file,
subject), so moved lines change nothing. Pure: the result is data (`Result.change`, JSON
`change`), rendered first by the text and markdown reports.
"""

from __future__ import annotations

import json

from privacylint.model import Result

_COLLECTOR_KEYS = ("site", "name", "vendor", "category", "declared_as", "pages", "how", "gates")
_COOKIE_KEYS = ("name", "storage", "declared", "files", "writers")
_SHAPE = "the base branch's JSON report (privacylint --format json=base.json) or a baseline file"


class CompareError(Exception):
    pass


def compact(inventory: dict) -> dict:
    """The part of an inventory a comparison reads (what a baseline file keeps)."""
    return {"collectors": [{k: c.get(k) for k in _COLLECTOR_KEYS} for c in inventory.get("collectors", [])],
            "cookies": [{k: c.get(k) for k in _COOKIE_KEYS} for c in inventory.get("cookies", [])]}


def load_base(path: str) -> dict:
    """{"path", "inventory" (or None), "findings": {fingerprint: finding}} of a base report or baseline."""
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except OSError as err:
        raise CompareError(f"--compare {path}: cannot read it ({err.strerror or err})") from None
    except (ValueError, RecursionError):
        raise CompareError(f"--compare {path}: not JSON; expected {_SHAPE}") from None
    findings = doc.get("findings") if isinstance(doc, dict) and doc.get("version") == 1 else None
    inventory = doc.get("inventory") if isinstance(doc, dict) else None
    if not isinstance(findings, list) or not all(isinstance(f, dict) and isinstance(f.get("fingerprint"), str)
                                                 for f in findings + (doc.get("suppressed") or [])):
        raise CompareError(f"--compare {path}: not a privacylint report or baseline; expected {_SHAPE}")
    if inventory is not None and not (isinstance(inventory, dict) and _rows(inventory, "collectors", "site")
                                      is not None and _rows(inventory, "cookies", "name") is not None):
        raise CompareError(f"--compare {path}: its inventory is not one privacylint wrote; expected {_SHAPE}")
    known = {f["fingerprint"]: {k: _text(f.get(k)) for k in ("check", "path", "subject")}
             for f in findings + (doc.get("suppressed") or [])}
    return {"path": path, "inventory": _clean(inventory) if inventory is not None else None, "findings": known}


def _text(value) -> str:
    return value if isinstance(value, str) else "" if value is None else json.dumps(value)


def _count(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _clean(inventory: dict) -> dict:
    """A base inventory as this run's own: a file from elsewhere (an artifact) holds any JSON."""
    collectors = [{"site": _text(c["site"]), "name": _text(c.get("name")) or None,
                   "vendor": _text(c.get("vendor")) or None, "category": _text(c.get("category")) or None,
                   "declared_as": _text(c.get("declared_as")) or None, "pages": _count(c.get("pages")),
                   "how": [_text(h) for h in c.get("how") or () if isinstance(c.get("how"), list)],
                   "gates": {_text(k): _count(v) for k, v in (c.get("gates") or {}).items()}
                   if isinstance(c.get("gates"), dict) else {}} for c in inventory.get("collectors", [])]
    cookies = [{"name": _text(c["name"]) or None, "storage": _text(c.get("storage")) or "cookie",
                "declared": c.get("declared") is True, "files": _count(c.get("files")),
                "writers": [_text(w) for w in c.get("writers") or () if isinstance(c.get("writers"), list)]}
               for c in inventory.get("cookies", [])]
    return {"collectors": collectors, "cookies": cookies}


def _rows(inventory: dict, key: str, field: str) -> list | None:
    rows = inventory.get(key, [])
    return rows if isinstance(rows, list) and all(isinstance(r, dict) and field in r for r in rows) else None


def changes(base: dict, result: Result) -> dict:
    """What the run adds and removes against `base` (load_base)."""
    out: dict = {"base": base["path"]}
    now = compact(result.inventory)
    if base["inventory"] is not None:
        before = compact(base["inventory"])
        parties = {c["site"]: c for c in before["collectors"]}
        current = {c["site"]: c for c in now["collectors"]}
        out["third_parties"] = {
            "added": [c for site, c in current.items() if site not in parties],
            "removed": [c for site, c in parties.items() if site not in current],
            "gate_changed": [{**c, "gates_before": parties[site].get("gates") or {}}
                             for site, c in current.items()
                             if site in parties and set(c.get("gates") or {}) != set(parties[site].get("gates") or {})]}
        cookies = {(c["storage"], c["name"]): c for c in before["cookies"]}
        written = {(c["storage"], c["name"]): c for c in now["cookies"]}
        out["cookies"] = {"added": [c for key, c in written.items() if key not in cookies],
                          "removed": [c for key, c in cookies.items() if key not in written]}
    known = base["findings"]
    still = {f.fingerprint for f in result.findings} | {s.finding.fingerprint for s in result.suppressed}
    new: dict[str, dict] = {}
    for f in result.findings:
        if f.fingerprint not in known:
            entry = new.setdefault(f.group, {"check": f.check, "name": f.name, "severity": f.severity,
                                             "path": f.primary.path, "line": f.primary.line,
                                             "subject": f.subject, "message": f.message, "occurrences": 0})
            entry["occurrences"] += 1
    out["findings"] = {"new": list(new.values()),
                       "fixed": [{"check": f.get("check"), "path": f.get("path"), "subject": f.get("subject")}
                                 for fp, f in sorted(known.items(), key=lambda kv: _order(kv[1]))
                                 if fp not in still]}
    return out


def _order(f: dict) -> tuple:
    return (str(f.get("path")), str(f.get("check")), str(f.get("subject")))


def empty(change: dict) -> bool:
    parts = [change.get("third_parties", {}), change.get("cookies", {}), change["findings"]]
    return not any(v for part in parts for v in part.values())
