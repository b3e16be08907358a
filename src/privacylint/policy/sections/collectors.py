"""collectors: every third party that may receive visitor data, by catalogue vendor or hosts."""

from __future__ import annotations

from privacylint.policy.model import Collector, Position
from privacylint.policy.reader import did_you_mean
from privacylint.vendors import catalogue

KEY = "collectors"
_KEYS = ("name", "vendor", "hosts", "purpose", "consent", "loads")


def read(r, root, policy) -> None:
    vendors = catalogue().vendors
    out: list[Collector] = []
    names: set[str] = set()
    loads: list[tuple[str, Position]] = []
    for node, pos, where in r.entries(root, "collectors"):
        if r.mapping(node, pos, where, _KEYS, ("name",)) is None:
            continue
        name = r.string(node, "name", where)
        vendor_id = r.string(node, "vendor", where)
        vendor = vendors.get(vendor_id) if vendor_id else None
        if vendor_id and vendor is None:
            r.error(r.value_pos(node, "vendor"), f"unknown vendor '{vendor_id}'{did_you_mean(vendor_id, vendors)} "
                                                 "(privacylint --list-vendors shows the catalogue)")
        hosts = r.host_patterns(node, "hosts", where)
        if "vendor" not in node and "hosts" not in node:
            r.error(pos, f"{where} needs 'vendor' or 'hosts' to say which requests it covers")
        if name and name.lower() in names:
            r.error(r.value_pos(node, "name"), f"collector '{name}' is declared twice")
        names.add(name.lower() if name else "")
        consent = r.choice(node, "consent", where, ("required", "not-required"), "required")
        item_loads = r.strings(node, "loads", where)
        loads.extend(item_loads)
        if name:
            out.append(Collector(name, vendor, hosts, r.string(node, "purpose", where), consent,
                                 tuple(v for v, _ in item_loads), pos))
    known = {c.name for c in out} | set(vendors)
    for value, pos in loads:
        if value not in known:
            r.error(pos, f"loads: '{value}' is neither a declared collector nor a catalogue vendor"
                         f"{did_you_mean(value, known)}")
    policy.collectors = tuple(out)
