"""The statement says a vendor (or analytics) runs only after consent, and it loads without.

Read from the statement's sentences ("Analytics only run after you consent", "Google Analytics
wird nur nach Ihrer Einwilligung geladen"). Evidence: a contact of that vendor (of any analytics
vendor, for analytics in general) that no consent manager holds back, as PL102 decides it; a
contact that relies on a manager's auto-blocking cannot be verified and is not evidence.
"""

from privacylint.checks.base import CheckSpec
from privacylint.checks.claims import TRACKING, at_claim, claims_of, join, says
from privacylint.gates import AUTO, gate_of

SPEC = CheckSpec("PL315", "claim-consent-first", "warning",
                 "The statement says something runs only after consent, and it loads without.")


def check(site):
    for claim in claims_of(site, "consent-first"):
        evidence = []
        for c in site.contacts:
            vendor = c.vendor
            if vendor is None or not (vendor.id in claim.vendors or not claim.vendors and vendor.category in TRACKING):
                continue
            gate = gate_of(site, c.place)
            if not gate.held and gate.kind != AUTO:
                evidence.append(f"{c.file.path}:{c.line} loads {vendor.name} with no consent gate")
        if evidence:
            yield at_claim(site, SPEC, claim, f"{says(site, claim)}, but {join(evidence)}. Hold it back with the "
                           "consent manager's markup, or correct the statement.")
