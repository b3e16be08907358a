"""A script reads a fingerprint of the visitor's browser without a gate.

Canvas, WebGL, audio and font fingerprints recognise a browser again without storing anything.
Reading them is gaining access to information on the visitor's device, which needs consent just
as a cookie does (ePrivacy Art. 5(3); EDPB Guidelines 2/2023 on its technical scope). Found in the
site's own code (extract/js/behaviour.py) or observed in a browser (`--browser`).
"""

from privacylint.checks.base import CheckSpec, gate_hint
from privacylint.gates import AUTO, Place, gate_of

SPEC = CheckSpec("PL109", "fingerprinting-before-consent", "error",
                 "A script reads a fingerprint of the visitor's browser before consent.")

_WHAT = {"canvas-fingerprint": "a canvas fingerprint", "webgl-fingerprint": "a WebGL fingerprint",
         "audio-fingerprint": "an audio fingerprint", "font-fingerprint": "a font fingerprint"}


def check(site):
    for f in site.graph.running:
        for b in f.behaviours:
            if b.kind not in _WHAT:
                continue
            gate = gate_of(site, Place(f, b.line, b.column, b.gate, observed=b.observed is not None))
            if gate.held:
                continue
            by = f" (observed, made by {b.observed})" if b.observed else ""
            severity = "note" if gate.kind == AUTO else None
            yield site.finding(
                SPEC, f.path, b.line, b.column, b.kind,
                f"the code reads {_WHAT[b.kind]} of the visitor's browser before consent{by}: {b.evidence}. "
                "Reading information from the visitor's device needs consent as a cookie does; "
                f"{gate_hint(site, f if f.kind == 'page' else None)}, or remove it.",
                severity=severity, evidence="observed" if b.observed else "static")
