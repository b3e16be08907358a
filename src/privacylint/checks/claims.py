"""What the PL31x checks share: a claim of the statement, reported at its sentence, with the
evidence that contradicts it (design.md, "Claims")."""

from __future__ import annotations

from privacylint.claims import Claim

TRACKING = frozenset({"analytics", "product-analytics", "session-replay", "advertising", "marketing"})


def claims_of(site, claim_type: str) -> list[Claim]:
    return [c for c in site.claims if c.type == claim_type]


def says(site, claim: Claim) -> str:
    """"the statement says 'We do not use cookies' (privacy/index.html:42)"."""
    return f"the statement says '{claim.quote}' ({site.statement.path}:{claim.sentence.line})"


def at_claim(site, spec, claim: Claim, message: str):
    """A finding at the claim's sentence in the statement page."""
    return site.finding(spec, site.statement.path, claim.sentence.line, None, claim.quote, message)


def loaded_by(contacts: list, name: str) -> str:
    """"7 pages load Google Analytics (first index.html:5)" from a vendor's contacts."""
    files = sorted({c.file.path for c in contacts})
    first = min(contacts, key=lambda c: (c.file.path, c.line))
    count = f"{len(files)} files load" if len(files) > 1 else f"{files[0]} loads"
    where = f" (first at {first.file.path}:{first.line})" if len(files) > 1 else f" (line {first.line})"
    return f"{count} {name}{where}"


def join(parts: list[str], limit: int = 3) -> str:
    """'a, b and c' (and 'and N more' past `limit`)."""
    if len(parts) > limit:
        parts = [*parts[:limit], f"{len(parts) - limit} more"]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def vendor_contacts(site, categories=None, third_party_only: bool = False) -> dict[str, list]:
    """Catalogue vendors the site contacts (of `categories`, or all) -> their contacts."""
    out = {}
    for vendor_id, contacts in site.contacts.used_vendors.items():
        vendor = contacts[0].vendor
        if categories is not None and vendor.category not in categories:
            continue
        if third_party_only:
            contacts = [c for c in contacts if not c.who.first_party]
        if contacts:
            out[vendor_id] = contacts
    return out
