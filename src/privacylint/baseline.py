"""Baseline files: the findings a site had when it adopted privacylint, so that only new ones
fail. Matched by fingerprint (check, file, subject), which ignores line numbers."""

from __future__ import annotations

import json

from privacylint import __version__
from privacylint.model import Result


class BaselineError(Exception):
    pass


def render(result: Result) -> str:
    entries = sorted({(f.fingerprint, f.check, f.display_path, f.subject) for f in result.findings})
    doc = {"version": 1, "tool": {"name": "privacylint", "version": __version__},
           "findings": [{"fingerprint": fp, "check": check, "path": path, "subject": subject}
                        for fp, check, path, subject in entries]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def load(path: str) -> frozenset[str]:
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
        if doc.get("version") != 1:
            raise BaselineError(f"{path}: not a privacylint baseline, version 1")
        return frozenset(entry["fingerprint"] for entry in doc["findings"])
    except OSError as err:
        raise BaselineError(f"{path}: cannot read the baseline ({err.strerror or err})") from None
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise BaselineError(f"{path}: not a privacylint baseline ({err})") from None
