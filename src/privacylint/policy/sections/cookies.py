"""cookies: every cookie and storage key the site may write."""

from __future__ import annotations

from privacylint.policy.model import CookieRule

KEY = "cookies"


def read(r, root, policy) -> None:
    out: list[CookieRule] = []
    names: set[tuple] = set()
    for node, pos, where in r.entries(root, "cookies"):
        if r.mapping(node, pos, where, ("name", "storage", "purpose", "consent"), ("name",)) is None:
            continue
        name = r.string(node, "name", where)
        storage = r.choice(node, "storage", where, ("cookie", "local", "session"), "cookie")
        if name and (name, storage) in names:
            r.error(r.value_pos(node, "name"), f"{storage} '{name}' is declared twice")
        names.add((name, storage))
        consent = r.choice(node, "consent", where, ("required", "not-required"), "required")
        if name:
            out.append(CookieRule(name, storage, r.string(node, "purpose", where), consent, pos))
    policy.cookies = tuple(out)
