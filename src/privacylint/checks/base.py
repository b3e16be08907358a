"""What every check declares about itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class CheckSpec:
    id: str  # PL101
    name: str  # undisclosed-collector
    severity: str  # default: error | warning | note
    summary: str  # one sentence: what fires it

    @property
    def catalogue_dir(self) -> str:
        return f"checks/{self.id}-{self.name}"


class Where(NamedTuple):
    """A place in a config file, for Site.config_finding."""

    path: str
    in_site: bool
    line: int | None
    column: int | None


def shorten(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def gate_markup(site, cmp: str) -> str | None:
    """How to hold a script back with a consent manager's markup (catalogue `gate_markup.example`)."""
    vendor = site.catalogue.vendors.get(cmp)
    if vendor is None or vendor.gate_markup is None:
        return None
    return vendor.gate_markup.example or None


def gate_hint(site, page) -> str:
    """How to gate something on `page`, in the markup of a consent manager rules.yaml allows
    (consent.gates) that the page (or else the site) already uses, else of the first it allows,
    else of the one the site uses."""
    allowed = [g for g in site.policy.gates or () if gate_markup(site, g)]
    for scope in ([page] if page is not None else []) + [None]:
        for cmp in site.consent.managers_on(scope):
            example = gate_markup(site, cmp)
            if example and (not allowed or cmp in allowed):
                return f"hold it back with {cmp}'s markup as elsewhere on the site, e.g. {example}" \
                    if scope is None else f"hold it back with {cmp}'s markup, e.g. {example}"
    if allowed:
        cmp = allowed[0]
        return f"hold it back with {cmp}'s markup (consent.gates allows it), e.g. {gate_markup(site, cmp)}"
    return ("gate it with your consent manager's markup, e.g. "
            '<script type="text/plain" data-cookieconsent="statistics" src="..."> for Cookiebot')
