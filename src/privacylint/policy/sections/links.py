"""links: outbound links allowed or allow-listed, and the click identifiers they must not carry."""

from __future__ import annotations

KEY = "links"


def read(r, root, policy) -> None:
    node = r.mapping(root["links"], r.value_pos(root, "links"), "links", ("outbound", "allow", "forbid_params"))
    if node is None:
        return
    policy.outbound = r.choice(node, "outbound", "links", ("allow", "allowlist"), "allow")
    policy.allow = r.host_patterns(node, "allow", "links")
    if "forbid_params" in node:
        policy.forbid_params = tuple(v for v, _ in r.strings(node, "forbid_params", "links"))
