"""The statement says Google Analytics runs with IP anonymisation, and the site loads GA4.

IP anonymisation (`anonymize_ip`, `anonymizeIp`) is a setting of Universal Analytics. GA4, what
a `G-` measurement id loads, has no such setting (it does not log IP addresses and the setting
does nothing): a statement that describes it is describing a product the site does not run.
Only GA4 is evidence here: whether a Universal Analytics tag sets the option is not read yet.
"""

import re

from privacylint.checks.base import CheckSpec
from privacylint.checks.claims import at_claim, claims_of, says

SPEC = CheckSpec("PL317", "claim-ip-anonymisation", "warning",
                 "The statement says Google Analytics anonymises IPs, and the site loads GA4, which has no such setting.")

_GA4 = re.compile(r"[?&]id=G-[A-Z0-9]+|gtag\('config', *['\"]G-")


def check(site):
    claims = claims_of(site, "ip-anonymisation")
    contacts = site.contacts.used_vendors.get("google-analytics", []) if claims else []
    ga4 = [c for c in contacts if _GA4.search(c.evidence)]
    if not ga4:
        return
    first = min(ga4, key=lambda c: (c.file.path, c.line))
    for claim in claims:
        yield at_claim(site, SPEC, claim, f"{says(site, claim)}, but {first.file.path}:{first.line} loads GA4 "
                       "(a G- measurement id), which has no IP anonymisation setting. Describe what GA4 does with "
                       "IP addresses instead.")
