"""The statement says fonts are hosted locally, and pages load fonts from a font service.

Read from the statement's sentences ("Fonts are hosted locally", "Wir binden Google Fonts lokal
ein"). Evidence: a request to a catalogue vendor of the fonts category (Google Fonts, Adobe
Fonts, Bunny Fonts ...) on another site.
"""

from privacylint.checks.base import CheckSpec
from privacylint.checks.claims import at_claim, claims_of, join, loaded_by, says, vendor_contacts

SPEC = CheckSpec("PL316", "claim-fonts-self-hosted", "warning",
                 "The statement says fonts are hosted locally, and pages load them from a font service.")


def check(site):
    claims = claims_of(site, "fonts-self-hosted")
    fonts = vendor_contacts(site, {"fonts"}, third_party_only=True) if claims else {}
    if not fonts:
        return
    evidence = [loaded_by(contacts, contacts[0].vendor.name) for _, contacts in sorted(fonts.items())]
    for claim in claims:
        yield at_claim(site, SPEC, claim, f"{says(site, claim)}, but {join(evidence)}. Download the font files and "
                       "serve them from the site, or correct the statement.")
