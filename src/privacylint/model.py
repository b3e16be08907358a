"""Findings and the result of a run: what checks produce and renderers consume."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import NamedTuple

SEVERITIES = ("error", "warning", "note")
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
SEVERITY_RANK = {"note": 1, "warning": 2, "error": 3}


class Location(NamedTuple):
    path: str  # as a person or CI tool opens it: relative to where privacylint runs
    line: int | None
    column: int | None


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
    origin: Location | None = None  # the source file and line that produced it (--source)
    unmapped: str = ""  # with --source, why no source line is certain: it keeps its built location
    evidence: str = "static"  # static (read from the build) | observed (seen in a browser, --browser)

    @property
    def fingerprint(self) -> str:
        """Identity that survives line shifts: one finding per check, file and subject."""
        key = "\0".join((self.check, self.path, self.subject))
        return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]  # a lone surrogate hashes too

    @property
    def group(self) -> str:
        """Identity of the root cause: findings of one check and subject made by one source line
        (with --source), else by the same element or snippet (the same message) on many pages,
        share it. Reports for people print a group once, with its pages."""
        cause = f"{self.origin.path}:{self.origin.line}:{self.origin.column}" if self.origin else self.message
        key = "\0".join((self.check, self.root or "", self.subject, cause))
        return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]

    @property
    def display_path(self) -> str:
        """Where a person, or a CI tool run from the repository, opens the file."""
        return self.path if self.root is None else f"{self.root.rstrip('/')}/{self.path}"

    @property
    def built(self) -> Location:
        return Location(self.display_path, self.line, self.column)

    @property
    def primary(self) -> Location:
        """Where to report it: the source that produced it when known, else the built file."""
        return self.origin or self.built

    def sort_key(self) -> tuple:
        return (self.root or "", self.path, self.line or 0, self.column or 0, self.check, self.subject)


@dataclass(frozen=True, slots=True)
class Suppressed:
    finding: Finding
    reason: str
    source: str  # where the suppression is written, e.g. "rules.yaml:40:5"
    kind: str = "ignore"  # inline | ignore | baseline


@dataclass(slots=True)
class Result:
    roots: list[str]
    checks: tuple[str, ...] = ()  # the checks that ran
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)
    inventory: dict = field(default_factory=dict)
    policy: str | None = None  # the rules file read, as given or found
    files: int = 0
    pages: int = 0
    seconds: float = 0.0
    observed_pages: int = 0  # pages loaded in a browser (--browser)
    observed: list[dict] = field(default_factory=list)  # what each of them did (JSON inventory.observed)
    notes: list[str] = field(default_factory=list)  # what the run could not do, for standard error
    change: dict | None = None  # what the run adds and removes against a base (--compare; compare.py)
