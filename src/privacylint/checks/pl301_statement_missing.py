"""The privacy statement page named in rules.yaml is not in the build.

A statement that is not published cannot inform anyone; usually the page moved or a build
step dropped it. `/privacy`, `/privacy/`, `/privacy/index.html` and `/privacy.html` are one page.
A statement published on another site (statement.page as a URL) is not in the build by design:
a note says once that its text is not checked.
"""

from privacylint.checks.base import CheckSpec

SPEC = CheckSpec("PL301", "statement-missing", "error",
                 "The statement page named by statement.page is not in the build.")


def check(site):
    page = site.policy.statement_page
    if site.graph.offsite_statement:
        yield site.policy_finding(
            SPEC, site.policy.position("statement.page"), page,
            f"the privacy statement is on another site ({page}): only the links to it are checked (PL302); "
            "privacylint reads no page outside the build, so whether it names each collector (PL303) and the "
            "contact (PL304) is for you to check.", severity="note")
        return
    if page and site.graph.page(page) is None:
        yield site.policy_finding(
            SPEC, site.policy.position("statement.page"), page,
            f"the privacy statement {page} is not in the build at {site.root}; build it, or set "
            "statement.page to the path where the statement is published.")
