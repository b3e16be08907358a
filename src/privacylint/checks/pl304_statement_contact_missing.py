"""The contact address declared in rules.yaml is not a mailto: link on the statement page.

The GDPR (Art. 13(1)(a)-(b)) requires the controller's contact details in the notice; a
mailto: link makes the address declared in rules.yaml verifiable and usable.
"""

from urllib.parse import unquote

from privacylint.checks.base import CheckSpec

SPEC = CheckSpec("PL304", "statement-contact-missing", "warning",
                 "statement.contact is not a mailto: link on the statement page.")


def check(site):
    contact = site.policy.contact
    page = site.graph.page(site.policy.statement_page) if contact else None
    if page is None or not page.checked:
        return  # no statement page (PL301), or one that was not read (PL001): no evidence either way
    addresses = set()
    for link in page.links:
        if link.url.lower().startswith("mailto:"):
            to = unquote(link.url[7:].split("?", 1)[0])
            addresses.update(a.strip().lower() for a in to.split(","))
    if contact.lower() not in addresses:
        yield site.policy_finding(
            SPEC, site.policy.position("statement.contact"), contact,
            f"the statement page {page.path} has no mailto: link to {contact}; add "
            f"<a href=\"mailto:{contact}\">{contact}</a> where it says how to reach you.")
