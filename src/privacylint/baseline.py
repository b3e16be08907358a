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


_SHAPE = ('a JSON object {"version": 1, "findings": [{"fingerprint": ...}, ...]}, as --write-baseline writes it')


def load(path: str) -> frozenset[str]:
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except OSError as err:
        raise BaselineError(f"{path}: cannot read the baseline ({err.strerror or err})") from None
    except RecursionError:
        raise BaselineError(f"{path}: not a privacylint baseline (it nests too deeply); expected {_SHAPE}") from None
    except ValueError as err:
        raise BaselineError(f"{path}: not a privacylint baseline (not JSON: {err}); expected {_SHAPE}") from None
    entries = doc.get("findings") if isinstance(doc, dict) and doc.get("version") == 1 else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str)
                                                for e in entries):
        raise BaselineError(f"{path}: not a privacylint baseline; expected {_SHAPE}")
    return frozenset(entry["fingerprint"] for entry in entries)
