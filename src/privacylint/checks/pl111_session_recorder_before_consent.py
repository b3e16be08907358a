"""A session recorder loads without a gate.

A session recorder (Hotjar, Clarity, FullStory, Mouseflow, LogRocket... the catalogue's
`session-replay` vendors) records what each visitor does on the page: every click, scroll and
keystroke it does not mask. No statement can make that consent-free: once declared, it is
reported whatever rules.yaml says of its consent (`consent: not-required` too), and instead of
PL102 for it. An undeclared one is PL101's finding alone (declare it first).
"""

from privacylint.checks.base import CheckSpec, gate_hint, shorten
from privacylint.gates import AUTO, gate_of

SPEC = CheckSpec("PL111", "session-recorder-before-consent", "error",
                 "A session recorder loads before the visitor consents.")

SESSION_REPLAY = "session-replay"


def check(site):
    for c in site.contacts:
        if c.vendor is None or c.vendor.category != SESSION_REPLAY or c.collector is None:
            continue
        gate = gate_of(site, c.place)
        if gate.held:
            continue
        page = gate.page or c.file
        via = f" (loaded by {gate.page.path})" if gate.page else ""
        yield site.finding(
            SPEC, c.file.path, c.line, c.column, c.site,
            f"{c.vendor.name}, a session recorder, loads before consent{via}: {shorten(c.evidence, 70)}. It records "
            "what the visitor does on the page (clicks, scrolls, typing it does not mask), which always needs the "
            f"visitor's consent; {gate_hint(site, page if page.kind == 'page' else None)}.",
            severity="note" if gate.kind == AUTO else None, evidence=c.evidence_kind)
