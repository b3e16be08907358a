"""The homepage (or, with `linked_from: every-page`, a page) has no link to the statement.

Visitors must be able to find the statement; most statements, KubeVirt's included, promise a
link from the homepage. With every-page, the
statement itself and redirect stubs (pages that only hold a meta refresh) are exempt. A page that
could not be read (PL001) is no evidence of a missing link: for the homepage that is a note.
A link counts when a visitor can see and follow it: an <a href> or <area href>, not inside a
`hidden`, `aria-hidden="true"` or `display:none` container or a <template>; <link
rel="privacy-policy"> is for machines and does not count. The suggested link carries site.url's
path (a project site at https://alice.github.io/proj/ links /proj/privacy/).
"""

from privacylint.checks.base import CheckSpec
from privacylint.facts import META_REFRESH
from privacylint.site import page_key

SPEC = CheckSpec("PL302", "statement-not-linked", "error",
                 "The homepage (or every page) does not link to the privacy statement.")


def check(site):
    policy = site.policy
    target = site.graph.offsite_statement or page_key(policy.statement_page)
    if policy.linked_from == "homepage":
        home = site.graph.page(policy.homepage)
        if home is None:
            yield site.policy_finding(
                SPEC, policy.position("site.homepage") if "site.homepage" in policy.positions
                else policy.position("site.url"), policy.statement_page,
                f"the homepage {policy.homepage} is not in the build, so its link to the statement "
                "cannot be checked; set site.homepage to the homepage's path.")
            return
        if not home.checked:
            yield site.finding(
                SPEC, home.path, None, None, policy.statement_page,
                "the homepage could not be read (see its PL001 finding), so whether it links to the statement "
                "cannot be checked.", severity="note")
            return
        pages = [home]
    else:
        pages = [p for key, p in site.graph.pages.items()
                 if key != target and p.checked and not any(r.kind == META_REFRESH for r in p.requests)]
    for page in pages:
        if not site.graph.links_to(page, target):
            yield site.finding(
                SPEC, page.path, None, None, policy.statement_page,
                f"no link to the privacy statement {policy.statement_page}; add one (a footer link "
                f"<a href=\"{_href(site)}\">Privacy</a> is usual).")


def _href(site) -> str:
    page = site.policy.statement_page
    return page if site.graph.offsite_statement else site.graph.public_path(page)
