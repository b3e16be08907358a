"""A page makes the browser contact a third party that no declared collector covers.

Every third party a page contacts receives the visitor's IP address and the page URL (as
Referer), so a statement that does not name it is incomplete. A declared collector covers a
contact through its catalogue vendor (hosts, snippet) and its own `hosts:`. Contacts held back
by a consent manager count too: after consent the third party still receives the data.
"""

from privacylint.checks.base import CheckSpec, shorten

SPEC = CheckSpec("PL101", "undisclosed-collector", "error",
                 "A page contacts a third party that no collector in rules.yaml declares.")


def check(site):
    for c in site.contacts:
        if c.first_party or c.collector:
            continue
        who = f"{c.vendor.name} ({c.vendor.category})" if c.vendor else _unknown(site, c.who.host)
        declare = f"vendor: {c.vendor.id}" if c.vendor else f"hosts: [{c.site}]"
        where = " inside <noscript>" if c.noscript else ""
        what = f"{shorten(c.evidence)}{where} contacts {c.who.host}" if c.url else \
            f"the inline snippet {shorten(c.evidence, 40)}{where} loads {c.site}"
        yield site.finding(
            SPEC, c.file.path, c.line, c.column, c.site,
            f"{what}: {who} that no collector in rules.yaml declares. Declare it under collectors: "
            f"(name as the statement names it, {declare}) or stop loading it.", evidence=c.evidence_kind)


def _unknown(site, host: str) -> str:
    """A third party the catalogue does not know, named by the second tier when it can be."""
    named = site.catalogue.third_party_of(host)
    return f"a third party ({named.name}, {named.category}, as {named.source} names it)" if named else "a third party"
