"""`--format json`: the versioned document of design.md ("JSON output, version 1")."""

from __future__ import annotations

import json

from privacylint import __version__
from privacylint.model import Finding, Result


def finding_dict(finding: Finding, roots: list[str]) -> dict:
    path = finding.path
    if finding.root is not None and len(roots) > 1:  # keep paths unique across several sites
        path = f"{finding.root.rstrip('/')}/{path}"
    out = {"check": finding.check, "name": finding.name, "severity": finding.severity, "path": path,
           "line": finding.line, "column": finding.column, "subject": finding.subject,
           "message": finding.message, "origin": finding.origin._asdict() if finding.origin else None,
           "fingerprint": finding.fingerprint, "group": finding.group, "evidence": finding.evidence}
    if finding.unmapped:  # with --source: why it keeps its built location
        out["unmapped"] = finding.unmapped
    return out


def render(result: Result) -> str:
    doc = {
        "version": 1,
        "tool": {"name": "privacylint", "version": __version__},
        "policy": result.policy,
        "findings": [finding_dict(f, result.roots) for f in result.findings],
        "suppressed": [{**finding_dict(s.finding, result.roots),
                        "suppression": {"kind": s.kind, "reason": s.reason, "source": s.source}}
                       for s in result.suppressed],
        "inventory": result.inventory,
        **({"change": result.change} if result.change is not None else {}),
        "stats": {"files": result.files, "pages": result.pages, "seconds": result.seconds,
                  **({"observed_pages": result.observed_pages} if result.observed_pages else {})},
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
