"""statement: where the privacy statement is, where it must be linked from, its contact.

`page` is a URL path on site.url, or the absolute URL of a statement published on another site
(an organisation's statement shared by its projects: https://www.example.com/privacy/). A URL
on site.url itself is read as its path.
"""

from __future__ import annotations

import re

from privacylint.domains import parse_url

KEY = "statement"


def read(r, root, policy) -> None:
    node = r.mapping(root["statement"], r.value_pos(root, "statement"), "statement",
                     ("page", "linked_from", "contact"), ("page",))
    if node is None:
        return
    policy.statement_page = _page(r, node, policy)
    policy.linked_from = r.choice(node, "linked_from", "statement", ("homepage", "every-page"), "homepage")
    contact = r.string(node, "contact", "statement")
    if contact is not None:
        r.positions["statement.contact"] = r.value_pos(node, "contact")
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", contact):
            r.error(r.value_pos(node, "contact"), f"statement.contact must be an e-mail address, not '{contact}'")
        policy.contact = contact


def _page(r, node, policy) -> str:
    value = r.string(node, "page", "statement") if "page" in node else None
    if value is None:
        return ""
    r.positions["statement.page"] = r.value_pos(node, "page")
    if value.startswith("/"):
        return value
    parsed = parse_url(value) if value.startswith(("http://", "https://")) else None
    if parsed is None or not parsed.hostname:
        r.error(r.value_pos(node, "page"), "statement.page must be a URL path starting with '/', or the http(s) URL "
                                           f"of a statement published on another site, not '{value}'")
        return ""
    url = f"{parsed.protocol}//{parsed.host}{parsed.pathname or '/'}"
    if policy.site_url and url.startswith(policy.site_url):
        return "/" + url[len(policy.site_url):]  # on the site itself: its path
    return url
