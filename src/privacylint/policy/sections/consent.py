"""consent: which gates count (consent managers, Google consent mode), and whether the site
accepts Google's advanced consent mode (tags requested before consent, cookies withheld)."""

from __future__ import annotations

from privacylint.policy.model import CONSENT_MODE_GATE
from privacylint.policy.reader import did_you_mean
from privacylint.vendors import catalogue

KEY = "consent"


def read(r, root, policy) -> None:
    node = r.mapping(root["consent"], r.value_pos(root, "consent"), "consent", ("gates", "google_consent_mode"))
    if node is None:
        return
    mode = r.choice(node, "google_consent_mode", "consent", ("basic", "advanced"), "basic") \
        if "google_consent_mode" in node else None
    if node.get("gates", "any") == "any":
        policy.consent_mode = mode or "basic"
        return
    known = sorted(v.id for v in catalogue().vendors.values() if v.category == "consent-manager")
    known.append(CONSENT_MODE_GATE)
    gates = []
    for value, pos in r.strings(node, "gates", "consent"):
        if value in known:
            gates.append(value)
        else:
            r.error(pos, f"unknown gate '{value}'{did_you_mean(value, known)}; "
                         f"gates are 'any' or a list of: {', '.join(known)}")
    policy.gates = tuple(gates)
    # listing google-consent-mode among the gates is accepting its defaults as one
    policy.consent_mode = mode or ("advanced" if CONSENT_MODE_GATE in gates else "basic")
