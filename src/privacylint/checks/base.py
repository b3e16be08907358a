"""What every check declares about itself."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CheckSpec:
    id: str  # PL101
    name: str  # undisclosed-collector
    severity: str  # default: error | warning | note
    summary: str  # one sentence: what fires it

    @property
    def catalogue_dir(self) -> str:
        return f"checks/{self.id}-{self.name}"


def shorten(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
