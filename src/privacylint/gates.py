"""Whether a contact is held back until the visitor consents, and by what (signatures.md §3).

Extraction records what the markup and callbacks say (`gate` on a fact), Google consent mode
defaults and auto-blocking loaders per page. This decides, for one contact, with the policy's
`consent.gates`: held back by a consent manager, by Google consent mode, auto-blocked (which
cannot be verified statically), or not at all. Google consent mode defaults withhold a Google
tag's storage, not its request: they count as a gate only where rules.yaml accepts advanced
consent mode (`consent.google_consent_mode: advanced`). A consent manager's markup holds only when the
category it names is one the visitor must opt into (ConsentModel.category_refusal): an always-on category,
or one the manager does not define, holds nothing. `<noscript>` content is never held back; a
consent manager configured to release scripts without a choice (implied consent) holds nothing.
A contact in a first-party .js file has the state of the <script> elements that load it.
"""

from __future__ import annotations

from typing import NamedTuple

from privacylint.facts import FileFacts, split_gate
from privacylint.policy import CONSENT_MODE_GATE

AUTO = "auto-blocked"
# Which consent mode storage must be denied by default for a Google vendor of this category.
_CONSENT_MODE_STORAGE = {"analytics": "analytics_storage", "advertising": "ad_storage"}
_CONSENT_MODE_CATEGORIES = ("analytics", "advertising", "tag-manager")


class Gate(NamedTuple):
    kind: str | None  # a consent manager id, "google-consent-mode", AUTO, or None: loads at once
    by: str | None = None  # the consent manager, for AUTO
    page: FileFacts | None = None  # for a contact in a .js file: the page that decides
    category: str | None = None  # the category (or service) the markup names, when it holds
    why: str | None = None  # when markup names a gate that does not hold: why not
    consent_mode: bool = False  # Google consent mode defaults withhold its storage, not its request

    @property
    def held(self) -> bool:
        return self.kind is not None and self.kind != AUTO


UNGATED = Gate(None)


class Place(NamedTuple):
    """What deciding a gate needs to know of a contact or a storage write."""

    file: FileFacts
    line: int
    column: int | None
    marked: str | None  # the consent manager its markup or callback names
    noscript: bool = False
    vendor: object = None  # a catalogue Vendor, for Google consent mode
    observed: bool = False  # a browser made it before any consent: whatever the markup says, it loaded


def gate_of(site, place: Place) -> Gate:
    """The gate of a contact or write; in a .js file, the weakest over the pages that load it."""
    if place.observed:
        return UNGATED
    if place.file.kind == "page":
        return _on_page(site, place.file, place, place.line, place.column, place.marked)
    cmp, category = split_gate(place.marked)
    if cmp and _allowed(site, cmp) and site.consent.category_refusal(cmp, category) is None:
        return Gate(cmp, category=category)  # inside a consent callback of the script itself
    states = [_on_page(site, page, place, r.line, r.column, r.gate)._replace(page=page)
              for page, r in site.graph.script_loads.get(place.file.path, [])]
    if not states:
        return UNGATED  # loaded by no page we can see: assume the worst
    return min(states, key=_strength)


def _strength(gate: Gate) -> int:
    return 0 if gate.kind is None else 1 if gate.kind == AUTO else 2


def _on_page(site, page: FileFacts, place: Place, line: int, column: int | None, marked: str | None) -> Gate:
    if place.noscript:
        return UNGATED
    cmp, category = split_gate(marked)
    why = None
    if cmp and _allowed(site, cmp) and cmp not in page.implied:
        why = site.consent.category_refusal(cmp, category)
        if why is None:
            return Gate(cmp, category=category)
    consent_mode = _consent_mode_before(site, page, place.vendor, (line, column or 0))
    if consent_mode and site.policy.consent_mode == "advanced":
        return Gate(CONSENT_MODE_GATE)
    if page.autoblock and _allowed(site, page.autoblock) and page.autoblock not in page.implied:
        return Gate(AUTO, page.autoblock)
    return Gate(None, why=why, consent_mode=consent_mode) if why or consent_mode else UNGATED


def _allowed(site, gate: str) -> bool:
    gates = site.policy.gates
    return gates is None or gate in gates


def _consent_mode_before(site, page: FileFacts, vendor, position: tuple[int, int]) -> bool:
    if vendor is None or vendor.owner != "Google" or vendor.category not in _CONSENT_MODE_CATEGORIES:
        return False
    needed = _CONSENT_MODE_STORAGE.get(vendor.category)
    return any((d.line, d.column or 0) < position and (needed in d.denied if needed else d.denied)
               for d in page.consent_defaults)
