"""First-party code writes a cookie declared `consent: required` without a gate.

The write must wait for consent: inside a consent callback, or in a script that a consent
manager's markup holds back. A vendor's own cookies follow its script, so PL102 covers them.
"""

from privacylint.checks.base import CheckSpec, gate_hint
from privacylint.gates import Place, gate_of

SPEC = CheckSpec("PL202", "cookie-before-consent", "error",
                 "First-party code writes a cookie declared consent: required without a gate.")


def check(site):
    for f in site.files:
        for w in f.writes:
            rule = w.name and site.policy.cookie_rule_for(w.name, w.storage)
            if not rule or rule.consent != "required":
                continue
            gate = gate_of(site, Place(f, w.line, w.column, w.gate))
            if gate.held:
                continue
            via = f" (loaded by {gate.page.path})" if gate.page else ""
            page = gate.page or (f if f.kind == "page" else None)
            yield site.finding(
                SPEC, f.path, w.line, w.column, w.name,
                f"{w.api} writes '{w.name}' before consent{via}, and rules.yaml says it needs consent; "
                f"{gate_hint(site, page)}, or write it inside your consent manager's callback.")
