"""What the site does, declared or not: the evidence behind the statement (JSON `inventory`)."""

from __future__ import annotations

from collections import defaultdict


def inventory(site) -> dict:
    return {"collectors": _collectors(site), "cookies": _cookies(site), "outbound_domains": _outbound(site)}


def _collectors(site) -> list[dict]:
    by_site: dict[str, dict] = {}
    for c in site.contacts:
        if c.first_party and c.collector is None:
            continue
        entry = by_site.setdefault(c.site, {"site": c.site, "hosts": set(), "vendor": None,
                                            "declared_as": None, "files": set()})
        entry["hosts"].add(c.who.host)
        entry["files"].add(c.file.path)
        entry["vendor"] = entry["vendor"] or (c.vendor.id if c.vendor else None)
        entry["declared_as"] = entry["declared_as"] or (c.collector.name if c.collector else None)
    return [{**e, "hosts": sorted(e["hosts"]), "files": len(e["files"])} for _, e in sorted(by_site.items())]


def _cookies(site) -> list[dict]:
    files = defaultdict(set)
    for f in site.files:
        for w in f.writes:
            files[w.storage, w.name or ""].add(f.path)
    return [{"name": name or None, "storage": storage,
             "declared": bool(name) and site.policy.cookie_rule_for(name, storage) is not None,
             "files": len(paths)}
            for (storage, name), paths in sorted(files.items())]


def _outbound(site) -> list[str]:
    return sorted(site.outbound_sites)  # collected as pages were folded in (Site.add)


def merge(into: dict, more: dict) -> dict:
    """Inventories of several roots, concatenated per list."""
    if not into:
        return more
    return {key: into[key] + [v for v in more[key] if v not in into[key]] for key in into}
