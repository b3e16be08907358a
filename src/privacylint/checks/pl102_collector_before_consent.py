"""A collector declared `consent: required` loads on a page without a gate.

The gate can be a consent manager's markup (a script typed text/plain with its attribute, a
frame whose src waits in a data attribute), a consent callback, tarteaucitron's job list, or,
for Google tags, a consent mode `default` with the storage denied *before* the tag in document
order. `<noscript>` content is never gated, and `data-src` alone is lazy loading, not a gate.
Behind an auto-blocking consent manager loaded first on the page, nothing can be verified
statically: that is reported as a note. A contact in a first-party .js file is reported there,
when any page loads the file without a gate.

With `--browser`, what the browser saw on the pages that decide a contact settles it: seen
only after "accept all" went through the consent manager, the gate holds and nothing is
reported; never seen on pages it loaded to the end, the finding says so (browser.reconcile).
"""

from privacylint.browser.reconcile import HELD, UNSEEN, contact_verdict
from privacylint.checks.base import CheckSpec, gate_hint, shorten
from privacylint.checks.pl111_session_recorder_before_consent import SESSION_REPLAY
from privacylint.gates import AUTO, gate_of

SPEC = CheckSpec("PL102", "collector-before-consent", "error",
                 "A collector declared consent: required loads on a page without a gate.")


def check(site):
    for c in site.contacts:
        collector = c.collector
        if collector is None or collector.consent != "required" or c.vendor and c.vendor.category == SESSION_REPLAY:
            continue  # a session recorder is PL111's
        gate = gate_of(site, c.place)
        if gate.held:
            continue
        seen = contact_verdict(site, c)
        if seen is not None and seen.state == HELD:
            continue  # the browser saw the gate hold on the pages that decide it (browser.apply notes it)
        page = gate.page or c.file
        via = f" (loaded by {gate.page.path})" if gate.page else ""
        noscript = (" inside <noscript>: it loads for visitors without JavaScript, where no consent manager runs, "
                    "so nothing can hold it back") if c.noscript else ""
        if gate.kind == AUTO:
            yield site.finding(
                SPEC, c.file.path, c.line, c.column, c.site,
                f"{collector.name} ({shorten(c.evidence, 60)}){via} relies on {gate.by}'s auto-blocking, "
                "which cannot be verified statically; mark it up for blocking to make the gate checkable.",
                severity="note")
            continue
        why = f" Its markup names a consent manager, but {gate.why}." if gate.why else ""
        if gate.consent_mode:
            why += (" Google consent mode defaults deny its storage, so it sets no cookie until consent, but the "
                    "request itself (the visitor's address and page) is made; if the site accepts that, declare "
                    "consent: {google_consent_mode: advanced} in rules.yaml.")
        if c.observed:
            why += _static_verdict(site, c)
        elif seen is not None and seen.state == UNSEEN:
            why += f" The browser did not see this contact on {seen.pages_text()}."
        yield site.finding(
            SPEC, c.file.path, c.line, c.column, c.site,
            f"{collector.name} loads before consent{via}: {shorten(c.evidence, 70)}{noscript}.{why} rules.yaml "
            f"says it needs consent; {gate_hint(site, page if page.kind == 'page' else None)}.",
            evidence=c.evidence_kind)


def _static_verdict(site, observed) -> str:
    """Where the markup says otherwise than the browser saw: both verdicts."""
    for c in site.contacts.in_file(observed.file):
        if not c.observed and c.site == observed.site:
            gate = gate_of(site, c.place)
            if gate.held:
                held = f"{gate.kind}:{gate.category}" if gate.category else gate.kind
                return (f" Read statically, its markup at line {c.line} is held back ({held}), but a browser loading "
                        "the page contacted it before any choice: something else loads it.")
    return ""
