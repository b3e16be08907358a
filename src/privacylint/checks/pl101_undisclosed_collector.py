"""A page makes the browser contact a third party that no declared collector covers.

Every third party a page contacts receives the visitor's IP address and the page URL (as
Referer), so a statement that does not name it is incomplete. A declared collector covers a
request through its catalogue vendor's hosts and its own `hosts:`.
"""

from privacylint.checks.base import CheckSpec, shorten

SPEC = CheckSpec("PL101", "undisclosed-collector", "error",
                 "A page contacts a third party that no collector in rules.yaml declares.")


def check(site):
    seen = set()
    for c in site.contacts:
        if c.first_party or c.collector or (c.file.path, c.site) in seen:
            continue
        seen.add((c.file.path, c.site))
        r = c.request
        who = f"{c.vendor.name} ({c.vendor.category})" if c.vendor else "a third party"
        declare = f"vendor: {c.vendor.id}" if c.vendor else f"hosts: [{c.site}]"
        where = " inside <noscript>" if r.noscript else ""
        yield site.finding(
            SPEC, c.file.path, r.line, r.column, c.site,
            f"{r.kind}{where} contacts {c.host}, {who} that no collector in rules.yaml declares "
            f"({shorten(r.url)}). Declare it under collectors: (name as the statement names it, "
            f"{declare}) or stop loading it.")
