"""The statement says no data goes to third parties, and pages contact third parties.

Read from the statement's sentences ("We do not share your data with third parties", "No
third-party services", "Wir geben Ihre Daten nicht an Dritte weiter"). Every request to another
site hands it the visitor's IP address, the page's address and the browser's headers: an
embedded video, a font or a script from a CDN is a third party receiving visitor data.
"""

from privacylint.checks.base import CheckSpec
from privacylint.checks.claims import at_claim, claims_of, join, says

SPEC = CheckSpec("PL313", "claim-no-third-parties", "warning",
                 "The statement says no data goes to third parties, and pages contact third parties.")


def check(site):
    claims = claims_of(site, "no-third-parties")
    if not claims:
        return
    by_party: dict[str, list] = {}
    for c in site.contacts:
        if not c.who.first_party:
            by_party.setdefault(c.vendor.name if c.vendor else c.site, []).append(c)
    if not by_party:
        return
    evidence = []
    for name, contacts in sorted(by_party.items()):
        first = min(contacts, key=lambda c: (c.file.path, c.line))
        evidence.append(f"{name} ({first.file.path}:{first.line})")
    parties = f"{len(by_party)} third part{'ies' if len(by_party) > 1 else 'y'}"
    for claim in claims:
        yield at_claim(site, SPEC, claim, f"{says(site, claim)}, but pages contact {parties}: {join(evidence)}; each "
                       "receives the visitor's IP address. Name them in the statement, or serve what they provide "
                       "from the site itself.")
