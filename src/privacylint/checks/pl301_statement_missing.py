"""The privacy statement page named in rules.yaml is not in the build.

A statement that is not published cannot inform anyone; usually the page moved or a build
step dropped it. `/privacy`, `/privacy/`, `/privacy/index.html` and `/privacy.html` are one page.
"""

from privacylint.checks.base import CheckSpec

SPEC = CheckSpec("PL301", "statement-missing", "error",
                 "The statement page named by statement.page is not in the build.")


def check(site):
    page = site.policy.statement_page
    if page and site.graph.page(page) is None:
        yield site.policy_finding(
            SPEC, site.policy.position("statement.page"), page,
            f"the privacy statement {page} is not in the build at {site.root}; build it, or set "
            "statement.page to the path where the statement is published.")
