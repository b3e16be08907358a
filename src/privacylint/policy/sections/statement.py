"""statement: where the privacy statement is, where it must be linked from, its contact."""

from __future__ import annotations

import re

KEY = "statement"


def read(r, root, policy) -> None:
    node = r.mapping(root["statement"], r.value_pos(root, "statement"), "statement",
                     ("page", "linked_from", "contact"), ("page",))
    if node is None:
        return
    policy.statement_page = r.url_path(node, "page", "statement", None) or ""
    policy.linked_from = r.choice(node, "linked_from", "statement", ("homepage", "every-page"), "homepage")
    contact = r.string(node, "contact", "statement")
    if contact is not None:
        r.positions["statement.contact"] = r.value_pos(node, "contact")
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", contact):
            r.error(r.value_pos(node, "contact"), f"statement.contact must be an e-mail address, not '{contact}'")
        policy.contact = contact
