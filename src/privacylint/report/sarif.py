"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

Every check that ran is listed under tool.driver.rules (so a fixed alert can close), with its
README as help (what, why, examples, fix); each result carries the finding's line-independent
fingerprint, a URI relative to where privacylint ran, and - when the finding was mapped to its
source - the built file as a related location. Suppressed findings are included with a `suppressions` entry.
"""

from __future__ import annotations

import json
import os
from urllib.parse import quote

from privacylint import __version__
from privacylint.checks import REGISTRY
from privacylint.explain import readme
from privacylint.model import Finding, Location, Result
from privacylint.report.common import groups, more_pages, unmapped_note

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_FAMILIES = {"0": "input", "1": "third-parties", "2": "cookies", "3": "statement", "4": "links",
             "5": "site-config", "9": "suppressions"}


def _uri(path: str) -> str:
    if os.path.isabs(path):
        relative = os.path.relpath(path)
        path = path if relative.startswith("..") else relative
    return quote(path.replace(os.sep, "/"))


def _location(where: Location) -> dict:
    region = {"startLine": where.line or 1}
    if where.column:
        region["startColumn"] = where.column
    return {"physicalLocation": {"artifactLocation": {"uri": _uri(where.path)}, "region": region}}


def _rule(module) -> dict:
    spec = module.SPEC
    doc = " ".join((module.__doc__ or spec.summary).split())
    return {
        "id": spec.id, "name": spec.name,
        "shortDescription": {"text": spec.summary},
        "fullDescription": {"text": doc[:1024]},
        "help": {"text": readme(spec.id) or f"{doc}\n\nprivacylint --explain {spec.id}",
                 "markdown": readme(spec.id) or f"{doc}\n\n`privacylint --explain {spec.id}`"},
        "defaultConfiguration": {"level": spec.severity},
        "properties": {"tags": ["privacy", _FAMILIES.get(spec.id[2], "other")], "precision": "high"},
    }


def _result(f: Finding, members: list[Finding], index: dict[str, int], suppression: dict | None = None) -> dict:
    result = {
        "ruleId": f.check, "ruleIndex": index[f.check], "level": f.severity,
        "message": {"text": " ".join(filter(None, (f.message + more_pages(members), unmapped_note(f))))},
        "locations": [_location(f.primary)],
        "partialFingerprints": {"primaryLocationLineHash": f.fingerprint, "privacylint/v1": f.fingerprint},
    }
    if f.origin:
        result["relatedLocations"] = [{"id": i + 1, **_location(m.built), "message": {"text": "built file"}}
                                      for i, m in enumerate(members[:20])]
    if suppression:
        result["suppressions"] = [suppression]
    return result


def _by_suppression(suppressed: list) -> dict[tuple[str, str], list[Finding]]:
    """Suppressed findings by how they were suppressed (kind, reason), in report order."""
    out: dict[tuple[str, str], list[Finding]] = {}
    for s in suppressed:
        out.setdefault((s.kind, s.reason), []).append(s.finding)
    return out


def render(result: Result) -> str:
    modules = [m for m in REGISTRY if m.SPEC.id in result.checks or not result.checks]
    for f in result.findings + [s.finding for s in result.suppressed]:
        if all(m.SPEC.id != f.check for m in modules):
            modules.append(next(m for m in REGISTRY if m.SPEC.id == f.check))
    index = {m.SPEC.id: i for i, m in enumerate(modules)}
    results = [_result(f, members, index) for f, members in groups(result.findings, same_origin_only=True)]
    for (kind, reason), suppressed in _by_suppression(result.suppressed).items():
        for f, members in groups(suppressed, same_origin_only=True):  # one include on 6 pages: one result
            results.append(_result(f, members, index, {"kind": "inSource" if kind == "inline" else "external",
                                                       "status": "accepted", "justification": reason}))
    doc = {
        "$schema": SCHEMA, "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "privacylint", "semanticVersion": __version__, "version": __version__,
                                "rules": [_rule(m) for m in modules]}},
            "automationDetails": {"id": "privacylint/"},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
