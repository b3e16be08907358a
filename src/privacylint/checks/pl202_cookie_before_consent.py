"""First-party code writes a cookie declared `consent: required` without a gate.

The write must wait for consent: inside a consent callback, or in a script that a consent
manager's markup holds back. A vendor's own cookies follow its script: when a vendor loads
without a holding gate, each cookie its catalogue entry writes that rules.yaml declares
`consent: required` is reported at the element that loads it, unless PL102 already reports that
very contact (a collector declared consent: required), or PL111 (a session recorder): one
problem, one finding.

With `--browser`, a contact or write the browser saw only after "accept all" went through the
consent manager is not reported (the gate holds); one it never saw on the pages it loaded to the
end is, and says so (browser.reconcile).
"""

from privacylint.browser.reconcile import HELD, UNSEEN, contact_verdict, write_verdict
from privacylint.checks.base import CheckSpec, gate_hint
from privacylint.checks.pl111_session_recorder_before_consent import SESSION_REPLAY
from privacylint.facts import evidence_of
from privacylint.gates import Place, gate_of

SPEC = CheckSpec("PL202", "cookie-before-consent", "error",
                 "A cookie declared consent: required is written without a gate, by the site or a vendor.")


def check(site):
    yield from _vendor_cookies(site)
    yield from _first_party_writes(site)


def _vendor_cookies(site):
    for c in site.contacts:
        vendor, collector = c.vendor, c.collector
        if vendor is None or not site.consent.vendor_cookies(vendor):
            continue
        if collector is None and not c.first_party:
            continue  # an undeclared third party is PL101's finding
        if collector is not None and collector.consent == "required" or vendor.category == SESSION_REPLAY:
            continue  # PL102 (PL111 for a session recorder) reports this contact when it loads ungated
        gate = gate_of(site, c.place)
        if gate.held:
            continue
        seen = contact_verdict(site, c)
        if seen is not None and seen.state == HELD:
            continue  # the browser saw the vendor's contact held until "accept all"
        unseen = f" The browser did not see this contact on {seen.pages_text()}." if seen and seen.state == UNSEEN \
            else ""
        evidence = site.contacts.vendor_evidence(vendor.id)
        for cookie in site.consent.vendor_cookies(vendor):
            rule = site.policy.cookie_rule_for(cookie.name, cookie.storage)
            if rule is None or rule.consent != "required" or not cookie.written_by(evidence):
                continue
            yield site.finding(
                SPEC, c.file.path, c.line, c.column, cookie.name,
                f"{vendor.name} loads here without a gate ({c.evidence[:70]}) and writes '{cookie.name}', which "
                f"rules.yaml says needs consent; {gate_hint(site, c.file if c.file.kind == 'page' else None)}, "
                f"or use its privacy-enhanced variant if it has one.{unseen}")


def _first_party_writes(site):
    for f in site.graph.running:
        for w in f.writes:
            rule = w.name and site.policy.cookie_rule_for(w.name, w.storage)
            if not rule or rule.consent != "required":
                continue
            observed = evidence_of(w.api) != "static"
            gate = gate_of(site, Place(f, w.line, w.column, w.gate, observed=observed))
            if gate.held:
                continue
            seen = None if observed else write_verdict(site, f, w)
            if seen is not None and seen.state == HELD:
                continue  # the browser saw it written only after "accept all"
            unseen = f" The browser did not see this write on {seen.pages_text()}." if seen and seen.state == UNSEEN \
                else ""
            via = f" (loaded by {gate.page.path})" if gate.page else ""
            page = gate.page or (f if f.kind == "page" else None)
            yield site.finding(
                SPEC, f.path, w.line, w.column, w.name,
                f"{w.api} writes '{w.name}' before consent{via}, and rules.yaml says it needs consent; "
                f"{gate_hint(site, page)}, or write it inside your consent manager's callback.{unseen}",
                evidence=evidence_of(w.api))
