"""The statement says the site does no analytics or tracking, and pages load a tracker.

Read from the statement's sentences ("We do not use analytics or tracking", "Wir verwenden
keine Analyse-Tools", "No tracking"). Evidence: a catalogue vendor of an analytics,
product-analytics, session-replay, advertising or marketing category that the site contacts
(self-hosted analytics such as Matomo or Umami included: analytics run by the site is analytics).
"""

from privacylint.checks.base import CheckSpec
from privacylint.checks.claims import TRACKING, at_claim, claims_of, join, loaded_by, says, vendor_contacts

SPEC = CheckSpec("PL312", "claim-no-tracking", "warning",
                 "The statement says the site does no analytics or tracking, and pages load a tracker.")


def check(site):
    claims = claims_of(site, "no-analytics")
    trackers = vendor_contacts(site, TRACKING) if claims else {}
    if not trackers:
        return
    evidence = [loaded_by(contacts, contacts[0].vendor.name) for _, contacts in sorted(trackers.items())]
    for claim in claims:
        yield at_claim(site, SPEC, claim, f"{says(site, claim)}, but {join(evidence)}. Say in the statement what "
                       "the site measures and with what, or remove the tracker.")
