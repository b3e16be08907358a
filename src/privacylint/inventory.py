"""What the site does, declared or not: the evidence behind the statement (JSON `inventory`).

Computed once per run by the engine; every report renders it, none recomputes it. Per third
party (or self-hosted software, or a declared first-party collector): how it is contacted, on
how many pages, and behind which gate; per cookie or storage key: who writes it. A contact in a
.js file counts for the pages that load the file.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import parse_qs, urlsplit

from privacylint.facts import HAR, JS_LITERAL, JS_LOAD, META_REFRESH, OBSERVED
from privacylint.gates import AUTO, gate_of

# How a request is made -> the words a privacy reviewer uses. First matching prefix wins.
_HOW = (("<script", "script"), ("<iframe", "frame"), ("<frame", "frame"), ("<embed", "embed"),
        ("<object", "embed"), ("<img", "image"), ("<input", "image"), ("<picture", "image"),
        ("<source", "media"), ("<video", "media"), ("<audio", "media"), ("<track", "media"),
        ("<link rel=stylesheet", "CSS"), ("<link rel=preconnect", "preconnect"),
        ("<link rel=dns-prefetch", "preconnect"), ("<link rel=icon", "image"), ("<link imagesrcset", "image"),
        ("<a ping", "ping"), ("<area ping", "ping"), ("<link", "link"), ("css", "CSS"), ("style", "CSS"),
        (JS_LOAD, "JS-injected"), (JS_LITERAL, "JS URL"), (META_REFRESH, "redirect"))


def inventory(site) -> dict:
    return {"collectors": _collectors(site), "cookies": _cookies(site), "outbound_domains": _outbound(site),
            "consent_managers": site.consent.managers_on(None), "not_loaded": _not_loaded(site),
            "statement_claims": _statement_claims(site), "pixel_events": _pixel_events(site)}


def _pixel_events(site) -> list[dict]:
    """What the site tells advertising and analytics pixels, decoded from the requests (the
    vendor's documented query parameters, the catalogue's `pixel_events`): which account, which
    event, on how many pages, seen statically or in a browser."""
    found: dict[tuple, dict] = {}
    for c in site.contacts:
        if c.url is None or c.vendor is None or not c.vendor.pixel_events:
            continue
        parts = urlsplit(c.url)
        path = parts.path.rstrip("/") or "/"
        spec = next(((i, e) for p, i, e in c.vendor.pixel_events if p == path), None)
        if spec is None:
            continue
        query = parse_qs(parts.query)
        key = (c.vendor.id, (query.get(spec[0]) or [""])[0], (query.get(spec[1]) or [""])[0])
        entry = found.setdefault(key, {"pages": set(), "evidence": set(), "first": {"path": c.file.path,
                                                                                   "line": c.line}})
        entry["pages"] |= _pages_of(site, c)
        entry["evidence"].add(c.evidence_kind)
    return [{"vendor": vendor, "id": account or None, "event": event or None, "pages": len(e["pages"]),
             "evidence": sorted(e["evidence"]), "first": e["first"]}
            for (vendor, account, event), e in sorted(found.items())]


def _statement_claims(site) -> list[dict]:
    """What the statement's sentences claim (privacylint/claims.py), where: the PL31x checks hold
    the site to them; a reviewer sees what the reader understood, and what it did not."""
    return [{"claim": c.type, "vendors": list(c.vendors), "kind": c.kind, "path": site.statement.path,
             "line": c.sentence.line, "sentence": c.quote} for c in site.claims]


def _not_loaded(site) -> list[dict]:
    """Scripts and stylesheets no page runs, with what they would do: no finding comes from
    them (Site.running), but a reviewer sees them here."""
    out = []
    for f in site.graph.not_loaded:
        hosts = sorted({w.host for r in f.requests if r.kind != JS_LITERAL and (w := site.parties.who(r.url))
                        and not w.first_party} | {m.vendor for m in f.markers})
        writes = sorted({f"{w.storage}:{w.name}" for w in f.writes if w.name})
        if hosts or writes:
            out.append({"path": f.path, "contacts": hosts, "writes": writes})
    return out


# What a browser says it loaded (Playwright's resource types, HAR's _resourceType) -> the same words.
_OBSERVED_HOW = {"script": "script", "stylesheet": "CSS", "image": "image", "font": "font", "media": "media",
                 "document": "frame", "sub_frame": "frame", "iframe": "frame", "xhr": "JS-injected",
                 "fetch": "JS-injected", "ping": "ping", "beacon": "ping", "websocket": "JS-injected"}


def how_contacted(evidence: str, url: str | None) -> str:
    if url is None:
        return "snippet"
    kind = evidence[: len(evidence) - len(url)].strip()
    for prefix in (OBSERVED, HAR):
        if kind.startswith(prefix):
            observed = kind.rpartition(": ")[2].strip()
            return _OBSERVED_HOW.get(observed, observed or "request")
    return next((word for prefix, word in _HOW if kind.startswith(prefix)), kind.strip("<>") or "request")


def gate_label(gate) -> str:
    """A contact's gate state, in the words of the report: `cookiebot:statistics`,
    `google-consent-mode`, `auto-blocked by usercentrics`, `ungated`."""
    if gate.kind is None:
        return "ungated"
    if gate.kind == AUTO:
        return f"auto-blocked by {gate.by}"
    return f"{gate.kind}:{gate.category}" if gate.category else gate.kind


def _pages_of(site, contact) -> set[str]:
    if contact.file.kind == "page":
        return {contact.file.path}
    return {page.path for page, _ in site.graph.script_loads.get(contact.file.path, [])} or {contact.file.path}


def _collectors(site) -> list[dict]:
    by_site: dict[str, dict] = {}
    gates: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for c in site.contacts:
        if c.first_party and c.collector is None and c.vendor is None:
            continue
        entry = by_site.setdefault(c.site, {"site": c.site, "hosts": set(), "vendor": None, "name": None,
                                            "category": None, "declared_as": None, "files": set(),
                                            "pages": set(), "how": set(),
                                            "first": {"path": c.file.path, "line": c.line}})
        entry["hosts"].add(c.who.host)
        entry["files"].add(c.file.path)
        pages = _pages_of(site, c)
        entry["pages"] |= pages
        entry["how"].add(how_contacted(c.evidence, c.url))
        if c.vendor and not entry["vendor"]:
            entry.update(vendor=c.vendor.id, name=c.vendor.name, category=c.vendor.category)
        entry["declared_as"] = entry["declared_as"] or (c.collector.name if c.collector else None)
        entry["name"] = entry["name"] or entry["declared_as"]  # not in the catalogue: as rules.yaml names it
        gates[c.site][gate_label(gate_of(site, c.place))] |= pages
    return [{**e, "hosts": sorted(e["hosts"]), "files": len(e["files"]), "pages": len(e["pages"]),
             "how": sorted(e["how"]), "gates": {label: len(p) for label, p in sorted(gates[key].items())},
             **_named_by_third_party_web(site, e)}
            for key, e in sorted(by_site.items())]


def _named_by_third_party_web(site, entry: dict) -> dict:
    """For a third party the catalogue does not know: the second tier's name and category, marked
    as third-party-web's (`third_party_web`), the entry's own name and category staying null."""
    if entry["vendor"]:
        return {}
    named = next(filter(None, map(site.catalogue.third_party_of, sorted(entry["hosts"]))), None)
    return {"third_party_web": {"name": named.name, "category": named.category}} if named else {}


def _cookies(site) -> list[dict]:
    files, writers, first = defaultdict(set), defaultdict(set), {}
    for f in site.graph.running:
        for w in f.writes:
            files[w.storage, w.name or ""].add(f.path)
            writers[w.storage, w.name or ""].add("site code")
            first.setdefault((w.storage, w.name or ""), {"path": f.path, "line": w.line})
    for contacts in site.contacts.used_vendors.values():
        vendor = contacts[0].vendor
        evidence = site.contacts.vendor_evidence(vendor.id)
        pages = set().union(*(_pages_of(site, c) for c in contacts))
        for cookie in site.consent.vendor_cookies(vendor):
            if cookie.written_by(evidence):
                files[cookie.storage, cookie.name] |= pages
                writers[cookie.storage, cookie.name].add(vendor.id)
                first.setdefault((cookie.storage, cookie.name), {"path": contacts[0].file.path,
                                                                 "line": contacts[0].line})
    return [{"name": name or None, "storage": storage,
             "declared": bool(name) and site.policy.cookie_rule_for(name, storage) is not None,
             "files": len(paths), "writers": sorted(writers[storage, name]), "first": first[storage, name]}
            for (storage, name), paths in sorted(files.items())]


def _outbound(site) -> list[str]:
    return sorted(site.outbound_sites)  # collected as pages were folded in (Site.add)


def merge(into: dict, more: dict) -> dict:
    """Inventories of several roots, concatenated per list."""
    if not into:
        return more
    return {key: into[key] + [v for v in more.get(key, []) if v not in into[key]] for key in into}
