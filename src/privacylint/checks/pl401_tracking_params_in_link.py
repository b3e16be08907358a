"""An outbound link carries a click-identifier parameter (fbclid, gclid, ...).

Such parameters tie the visit to an ad click or a mailing and hand that identifier to the
linked site; they are usually copied along with a URL by accident. `links.forbid_params` sets
the list (globs allowed); the default is the common click identifiers, not utm_* campaign tags.
"""

import fnmatch
import re
from urllib.parse import parse_qsl, urlsplit

from privacylint.checks.base import CheckSpec, shorten

SPEC = CheckSpec("PL401", "tracking-params-in-link", "warning",
                 "An outbound link carries a parameter listed in links.forbid_params.")


def check(site):
    forbidden = re.compile("|".join(fnmatch.translate(p.lower()) for p in site.policy.forbid_params) or "(?!)").match
    for f in site.files:
        for link in f.links:
            if "?" not in link.url or site.parties.is_first_party(link.url):
                continue
            for name, _ in parse_qsl(urlsplit(link.url).query, keep_blank_values=True):
                if not forbidden(name.lower()):
                    continue
                yield site.finding(
                    SPEC, f.path, link.line, link.column, name,
                    f"the link to {shorten(link.url, 70)} carries '{name}', a tracking parameter; "
                    "remove it from the URL.")
