"""With `links.outbound: allowlist`, a link goes to a site not in `links.allow`.

Some statements promise which sites the site links to ("we link only to our project's own
services and GitHub"); the allowlist makes that promise checkable, and catches links pasted from
a tracking redirect or an ad network. Entries are hosts or sites (`github.com` covers
`www.github.com`). mailto: links are not outbound.
"""

from privacylint.checks.base import CheckSpec, shorten
from privacylint.domains import host_matches

SPEC = CheckSpec("PL403", "outbound-link-not-allowed", "error",
                 "With links.outbound: allowlist, a link goes to a site not in links.allow.")


def check(site):
    policy = site.policy
    if policy.outbound != "allowlist":
        return
    for f in site.files:
        for link in f.links:
            who = site.parties.who(link.url)
            if who is None or who.first_party:
                continue
            if any(host_matches(who.host, p) or who.site == p for p in policy.allow):
                continue
            yield site.finding(SPEC, f.path, link.line, link.column, who.site,
                               f"the link to {shorten(link.url, 70)} goes to {who.site}, which links.allow does not "
                               f"list; add {who.site} to links.allow (and to the statement, if it names the sites "
                               "it links to) or remove the link.")
