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


# How to hold a script back with each consent manager's markup (signatures.md §3).
GATE_MARKUP = {
    "cookiebot": '<script type="text/plain" data-cookieconsent="statistics" src="...">',
    "onetrust": '<script type="text/plain" class="optanon-category-C0002" src="...">',
    "klaro": '<script type="text/plain" data-type="text/javascript" data-name="SERVICE" data-src="...">',
    "cookieconsent": '<script type="text/plain" data-category="analytics" src="...">',
    "tarteaucitron": "(tarteaucitron.job = tarteaucitron.job || []).push('SERVICE') instead of the snippet",
    "complianz": '<script type="text/plain" data-category="statistics" data-cmplz-src="...">',
    "cookieyes": '<script type="text/plain" data-cookieyes="cookieyes-analytics" src="...">',
    "usercentrics": '<script type="text/plain" data-usercentrics="SERVICE NAME" src="...">',
    "iubenda": '<script type="text/plain" class="_iub_cs_activate" data-iub-purposes="4" data-suppressedsrc="...">',
    "termly": "Termly's resource blocker loaded first, with autoBlock=on",
}


def gate_hint(site, page) -> str:
    """How to gate something on `page`, in the markup of the consent manager the page (or else
    the site) already uses."""
    for scope in ([page] if page is not None else []) + [None]:
        for cmp in site.consent_managers_on(scope):
            if cmp in GATE_MARKUP:
                return f"hold it back with {cmp}'s markup as elsewhere on the site, e.g. {GATE_MARKUP[cmp]}" \
                    if scope is None else f"hold it back with {cmp}'s markup, e.g. {GATE_MARKUP[cmp]}"
    return ("gate it with your consent manager's markup, e.g. "
            '<script type="text/plain" data-cookieconsent="statistics" src="..."> for Cookiebot')
