"""A request or link to a third party sends the full page URL as Referer.

Browsers default to `strict-origin-when-cross-origin`: a third party learns only the site, not
the page. `referrerpolicy="unsafe-url"` or `"no-referrer-when-downgrade"` - on the element, in
`<meta name="referrer">` for the page, or in a Referrer-Policy header - hands it the full URL,
path and query, which can name the visitor's interests or carry tokens. Reported per page and
third party (for the header: once, at the header).
"""

from privacylint.checks.base import CheckSpec, shorten

SPEC = CheckSpec("PL402", "referrer-leak", "warning",
                 "A third-party request or link sends the full page URL as Referer.")
UNSAFE = frozenset({"unsafe-url", "no-referrer-when-downgrade"})


def _policy(element: str | None, page) -> tuple[str | None, str]:
    if element:
        return element, f'its referrerpolicy="{element}"'
    if page.referrer:
        return page.referrer[2], f'the page\'s <meta name="referrer" content="{page.referrer[2]}">'
    return None, ""


def check(site):
    for c in site.contacts:
        if c.first_party or not c.url or c.file.kind != "page":
            continue
        policy, why = _policy(c.referrer, c.file)
        if policy in UNSAFE:
            yield site.finding(SPEC, c.file.path, c.line, c.column, c.site,
                               f"{shorten(c.evidence, 70)} sends {c.site} the full page URL as Referer: {why}. "
                               "Drop the attribute (the browser default sends only the origin) or use "
                               "strict-origin-when-cross-origin.")
    for f in site.files:
        for link in f.links:
            who = site.parties.who(link.url)
            if who is None or who.first_party:
                continue
            policy, why = _policy(link.referrer, f)
            if policy in UNSAFE:
                yield site.finding(SPEC, f.path, link.line, link.column, who.site,
                                   f"the link to {shorten(link.url, 60)} sends {who.site} the full page URL as "
                                   f"Referer: {why}. Drop it, or use strict-origin-when-cross-origin.")
    for header in site.config.headers:
        if header.name == "referrer-policy" and header.value.strip().lower() in UNSAFE:
            yield site.config_finding(SPEC, header, "referrer-policy",
                                      f"Referrer-Policy: {header.value.strip()} sends every third party the full URL "
                                      "of every page; use strict-origin-when-cross-origin (the browser default).")
