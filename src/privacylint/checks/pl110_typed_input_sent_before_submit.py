"""A script sends what a visitor types into a form before they submit it (a key logger).

Observed only (`--browser`): the browser pass types a canary into the page's first form field
that is not a search box, never submits, and looks for it (as typed, URL-encoded, base64, or
hashed with md5, sha1, sha256 or sha512) in every request made after (browser.instrument).
Static reading cannot tell a script that reads a field on submit from one that sends it as it
is typed, so it reports nothing here.
"""

from privacylint.checks.base import CheckSpec

SPEC = CheckSpec("PL110", "typed-input-sent-before-submit", "error",
                 "A script sends what a visitor types into a form before they submit it.")


def check(site):
    for f in site.graph.running:
        for b in f.behaviours:
            if b.kind != "input-sent" or b.observed is None:
                continue
            yield site.finding(
                SPEC, f.path, b.line, b.column, b.kind,
                f"what a visitor types into a form is sent before they submit it (observed, made by {b.observed}): "
                f"{b.evidence}. Visitors expect a form to send nothing until they submit it; send its content only "
                "on submit, or name the script in the statement and load it only after consent.",
                evidence="observed")
