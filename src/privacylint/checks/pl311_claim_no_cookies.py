"""The statement says the site uses no cookies (or none of a kind), and the site writes some.

Read from the statement's own sentences (data/claims.yaml: "We do not use cookies", "Wir
verwenden keine Cookies", "We do not use tracking cookies"). Evidence: a cookie the site's code
writes (document.cookie, Cookies.set ...), a Set-Cookie header of the site config, and the
cookies a vendor the site loads is known to write (the catalogue). A claim about tracking
cookies is contradicted by tracking vendors' cookies only; one about third-party cookies by the
cookies of vendors on other sites. localStorage is not a cookie: it does not contradict.
"""

from privacylint.checks.base import CheckSpec
from privacylint.checks.claims import TRACKING, at_claim, claims_of, join, loaded_by, says, vendor_contacts
from privacylint.siteconfig import cookie_names

SPEC = CheckSpec("PL311", "claim-no-cookies", "warning",
                 "The statement says the site uses no cookies (of a kind), and the site writes some.")


def check(site):
    for claim in claims_of(site, "no-cookies"):
        evidence = _evidence(site, claim.kind)
        if evidence:
            what = {"tracking": "tracking cookies", "third-party": "third-party cookies"}.get(claim.kind, "cookies")
            yield at_claim(site, SPEC, claim, f"{says(site, claim)}, but {join(evidence)}. Say in the statement "
                           f"which {what} the site sets and why, or stop setting them.")


def _evidence(site, kind: str | None) -> list[str]:
    out = []
    if kind is None:
        for f in site.graph.running:
            for w in f.writes:
                if w.storage == "cookie":
                    name = f"`{w.name}`" if w.name else "a cookie named at run time"
                    out.append(f"{f.path}:{w.line} writes {name}")
        for header in site.config.headers:
            if header.name == "set-cookie":
                out += [f"the server's Set-Cookie header ({header.path}) sets `{n}`"
                        for n in cookie_names(header.value)]
    vendors = vendor_contacts(site, TRACKING if kind == "tracking" else None, third_party_only=kind == "third-party")
    for vendor_id, contacts in sorted(vendors.items()):
        vendor = contacts[0].vendor
        evidence = site.contacts.vendor_evidence(vendor_id)
        cookies = [c.name for c in site.consent.vendor_cookies(vendor) if c.storage == "cookie" and c.written_by(evidence)]
        if cookies:
            out.append(f"{loaded_by(contacts, vendor.name)}, which writes {join([f'`{c}`' for c in cookies])}")
    return out
