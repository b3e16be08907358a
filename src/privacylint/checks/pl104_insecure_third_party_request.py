"""A third-party request over plain http.

Over http the request, its Referer and any cookie travel unencrypted: anyone on the network
path sees which page the visitor reads, and can alter the script that comes back. Browsers
block or upgrade most such requests on https pages (mixed content), so they often fail too.
"""

from privacylint.checks.base import CheckSpec, shorten

SPEC = CheckSpec("PL104", "insecure-third-party-request", "warning",
                 "A page makes a third-party request over plain http.")


def check(site):
    # A protocol-relative //host URL takes the page's scheme: on a site served over http (a
    # preview, a deployed site checked by URL) it is plain http too, so it is no fix there.
    fix = "use https:// (a protocol-relative // URL is http too on a page served over http)" \
        if site.policy.site_url.lower().startswith("http://") else "use https://"
    for c in site.contacts:
        if c.first_party or not c.url or not c.url.lower().startswith("http://"):
            continue
        yield site.finding(
            SPEC, c.file.path, c.line, c.column, c.site,
            f"{shorten(c.evidence, 80)} goes to {c.who.host} over plain http; {fix}.")
