"""Baseline files: the findings a site had when it adopted privacylint, so that only new ones
fail. Matched by fingerprint (check, file, subject), which ignores line numbers.

An entry that matches nothing any more is stale (the problem was fixed): PL901 reports it at its
line in the baseline file, like an unused suppression. `--write-baseline` writes what the run
found, those the baseline held back included, and nothing stale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import NamedTuple

from privacylint import __version__
from privacylint.model import Result


class BaselineError(Exception):
    pass


class Entry(NamedTuple):
    check: str
    path: str
    subject: str
    line: int  # of its fingerprint in the baseline file


@dataclass(frozen=True)
class Baseline:
    path: str | None = None
    entries: dict[str, Entry] = field(default_factory=dict)  # fingerprint -> entry

    def __contains__(self, fingerprint: str) -> bool:
        return fingerprint in self.entries


def current(result: Result) -> list[tuple[str, str, str, str]]:
    """(fingerprint, check, path, subject) of what the run found, those a baseline held back
    (still there) included; PL901's findings on stale baseline entries are about the old file."""
    found = result.findings + [s.finding for s in result.suppressed if s.kind == "baseline"]
    return sorted({(f.fingerprint, f.check, f.display_path, f.subject) for f in found
                   if not (f.check == "PL901" and f.subject.startswith(STALE))})


def render(result: Result) -> str:
    entries = current(result)
    from privacylint.compare import compact

    doc = {"version": 1, "tool": {"name": "privacylint", "version": __version__},
           "findings": [{"fingerprint": fp, "check": check, "path": path, "subject": subject}
                        for fp, check, path, subject in entries],
           "inventory": compact(result.inventory)}  # what --compare reads of a base branch
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


_SHAPE = ('a JSON object {"version": 1, "findings": [{"fingerprint": ...}, ...]}, as --write-baseline writes it')


STALE = "baseline entry "  # the subject of PL901's finding on a stale entry


def load(path: str) -> Baseline:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        doc = json.loads(text)
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
    return Baseline(path, {e["fingerprint"]: Entry(str(e.get("check", "")), str(e.get("path", "")),
                                                   str(e.get("subject", "")), _line_of(text, e["fingerprint"]))
                           for e in entries})


def _line_of(text: str, fingerprint: str) -> int:
    at = text.find(json.dumps(fingerprint))
    return text.count("\n", 0, at) + 1 if at >= 0 else 1
