"""Findings and the result of a run: what checks produce and renderers consume."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "note")
SEVERITY_RANK = {"note": 1, "warning": 2, "error": 3}


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    name: str
    severity: str
    path: str
    line: int | None
    column: int | None
    subject: str
    message: str
    root: str | None = None  # the site root as given, None for findings about the policy file
    origin: str | None = None  # source-file location, once source mapping exists

    @property
    def fingerprint(self) -> str:
        """Identity that survives line shifts: one finding per check, file and subject."""
        key = "\0".join((self.check, self.path, self.subject))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    @property
    def display_path(self) -> str:
        """Where a person, or a CI tool run from the repository, opens the file."""
        return self.path if self.root is None else f"{self.root.rstrip('/')}/{self.path}"

    def sort_key(self) -> tuple:
        return (self.root or "", self.path, self.line or 0, self.column or 0, self.check, self.subject)


@dataclass(frozen=True, slots=True)
class Suppressed:
    finding: Finding
    reason: str
    source: str  # where the suppression is written, e.g. "rules.yaml:40:5"


@dataclass(slots=True)
class Result:
    roots: list[str]
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)
    inventory: dict = field(default_factory=dict)
    files: int = 0
    pages: int = 0
    seconds: float = 0.0
