"""The statement says the site uses a vendor that no page contacts any more.

Read from the statement's sentences ("We use Disqus for comments", "Wir verwenden Google
Analytics"; the vendor by a catalogue name or alias). The statement is then stale: it tells
visitors about a service the site dropped. Not reported when a file could not be read (PL001)
or a tag manager is loaded (either could load the vendor unseen), nor when the site config
turns the vendor on or it is a consent manager whose code or markup the site uses. A vendor
rules.yaml declares as well is PL305's finding, at its entry.
"""

from privacylint.checks.base import CheckSpec
from privacylint.checks.claims import at_claim, claims_of, says

SPEC = CheckSpec("PL314", "claim-vendor-unused", "warning",
                 "The statement says the site uses a vendor that no page contacts.")


def check(site):
    claims = claims_of(site, "vendor-used")
    if not claims or any(not f.checked for f in site.files if f.kind in ("page", "script", "stylesheet")):
        return
    used = set(site.contacts.used_vendors) | set(site.config_vendors()) | set(site.consent.managers_on(None))
    if any(site.catalogue.vendors[v].tag_manager for v in used if v in site.catalogue.vendors):
        return
    for claim in claims:
        if used.intersection(claim.vendors) or any(site.policy.collector_of_vendor(v) for v in claim.vendors):
            continue  # used, or declared in rules.yaml too: PL305 says so at the entry
        name = site.catalogue.vendors[claim.vendors[0]].name
        yield at_claim(site, SPEC, claim, f"{says(site, claim)}, but no page contacts {name}. If the site no longer "
                       "uses it, take it out of the statement (and rules.yaml).")
