"""The bundled vendor catalogue (data/vendors.yaml): who a host belongs to, what it stores.

Data, not code: this module only loads it and answers questions about it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

from privacylint.domains import site_of, split_pattern


@dataclass(frozen=True, slots=True)
class CookiePattern:
    name: str  # exact or glob
    storage: str = "cookie"
    when: tuple[str, ...] = ()  # written only by the variant whose evidence holds one of these
    unless: tuple[str, ...] = ()  # not written when the evidence holds one of these (a setting that turns it off)

    def written_by(self, evidence: list[str]) -> bool:
        evidence = [e.replace('"', "'") for e in evidence]
        if any(u.replace('"', "'") in e for e in evidence for u in self.unless):
            return False
        if not self.when:
            return True
        wanted = [w.replace('"', "'") for w in self.when]
        return any(w in e for e in evidence for w in wanted)


@dataclass(frozen=True, slots=True)
class Vendor:
    id: str
    name: str
    aliases: tuple[str, ...]
    owner: str
    category: str
    hosts: tuple[str, ...]
    paths: tuple[str, ...]
    markers: tuple[str, ...]
    cookies: tuple[CookiePattern, ...]
    consent: str
    tag_manager: bool
    privacy_variant: str | None
    tarteaucitron: tuple[str, ...]
    sources: tuple[str, ...]
    consent_categories: dict | str | None = None  # consent managers: name -> class, "config" or "services"
    consent_code: dict | None = None  # consent managers: the names their JavaScript API uses (ConsentCode)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def site(self) -> str | None:
        """The registrable domain it is known by (its first host), None for self-hosted software."""
        return site_of(split_pattern(self.hosts[0])[0]) if self.hosts else None


def marker_pattern(marker: str) -> str:
    """A catalogue marker as a regex: ' matches either quote; spaces may follow ( and surround ,."""
    out = []
    for ch in marker:
        if ch == "'":
            out.append("[\"'`]")
        elif ch == "(":
            out.append(r"\(\s*")
        elif ch == ",":
            out.append(r"\s*,\s*")
        else:
            out.append(re.escape(ch))
    start = r"(?<![\w$])" if re.match(r"[\w$]", marker) else ""
    return start + "".join(out)


CONSENT_CLASSES = ("necessary", "preferences", "statistics", "marketing")  # weakest first


@dataclass
class ConsentCode:
    """Consent managers' JavaScript conventions, gathered from the catalogue's `consent_code`
    entries: which events, callback properties, functions and tests mean "after consent"."""

    events: dict[str, str]  # event name -> manager (addEventListener("CookiebotOnAccept", f))
    refusal_events: set[str]  # events fired when the visitor refuses or revokes
    properties: dict[str, list[tuple[str, str]]]  # callback property -> (manager, word the script must hold)
    per_service: set[str]  # managers whose callback properties belong to one service (its `name`)
    functions: dict[str, str]  # a function the manager calls after consent (OptanonWrapper)
    calls: dict[str, str]  # a registration call taking the callback (OneTrust.OnConsentChanged)
    definitions: dict[str, str]  # an object whose members run only once accepted (tarteaucitron.services)
    flags: dict[str, str]  # an object whose members are consent flags (Cookiebot.consent)
    tests: dict[str, str]  # a function testing a category (CookieConsent.acceptedCategory)
    groups: dict[str, str]  # a string of consented groups (OnetrustActiveGroups)

    @cached_property
    def words(self) -> tuple[str, ...]:
        """Text a script must hold for any of this to apply (the cheap test before the tree)."""
        names = [*self.events, *self.refusal_events, *self.properties, *self.functions, *self.calls,
                 *self.definitions, *self.flags, *self.tests, *self.groups]
        return tuple(sorted({n.rpartition(".")[2] for n in names}))


def _consent_code(vendors) -> ConsentCode:
    table = ConsentCode({}, set(), {}, set(), {}, {}, {}, {}, {}, {})
    for v in vendors:
        code = v.consent_code or {}
        for field_name in ("events", "functions", "calls", "definitions", "flags", "tests", "groups"):
            getattr(table, field_name).update(dict.fromkeys(code.get(field_name) or (), v.id))
        table.refusal_events.update(code.get("refusal_events") or ())
        for name, word in (code.get("properties") or {}).items():
            table.properties.setdefault(name, []).append((v.id, word))
        if code.get("per_service"):
            table.per_service.add(v.id)
    return table


class Catalogue:
    def __init__(self, vendors: list[Vendor], categories: tuple[str, ...] = (), consent_classes: dict | None = None):
        self.vendors = {v.id: v for v in vendors}
        self.categories = categories
        self.consent_classes = consent_classes or {}  # vendor category -> the consent class it needs
        self._by_host: dict[str, list[tuple[str, Vendor]]] = {}
        self._by_path: list[tuple[str, Vendor]] = []
        for vendor in vendors:
            for pattern in vendor.hosts:
                host, path = split_pattern(pattern)
                self._by_host.setdefault(host, []).append((path, vendor))
            self._by_path.extend((p, vendor) for p in vendor.paths)

    def vendor_of(self, host: str, path: str) -> Vendor | None:
        """The vendor whose host pattern matches most specifically (longest host, then path);
        failing that, one whose self-hosted path ending (`/matomo.js`) the path has."""
        labels = host.split(".")
        for i in range(len(labels) - 1):
            candidates = self._by_host.get(".".join(labels[i:]))
            if candidates:
                best = max(((len(p), v) for p, v in candidates if path.startswith(p)),
                           key=lambda pv: pv[0], default=None)
                if best:
                    return best[1]
        return next((v for p, v in self._by_path if p in path and (path.endswith(p) or p.endswith("/"))), None)

    @cached_property
    def _markers(self) -> tuple[re.Pattern | None, dict[str, list[tuple[str, re.Pattern]]]]:
        """A fast literal pre-filter (each marker's longest plain run), and per anchor the full
        patterns it stands for. One alternation of all full patterns runs at 3 s/MB; this at 40 ms/MB."""
        by_anchor: dict[str, list[tuple[str, re.Pattern]]] = {}
        for vendor in self.vendors.values():
            for marker in vendor.markers:
                anchor = max(re.findall(r"[\w$.]+", marker), key=len)
                by_anchor.setdefault(anchor, []).append((vendor.id, re.compile(marker_pattern(marker))))
        anchors = sorted(by_anchor, key=len, reverse=True)
        return (re.compile("|".join(map(re.escape, anchors))) if anchors else None), by_anchor

    def markers_in(self, code: str) -> list[tuple[int, str, str]]:
        """(offset, vendor id, matched text) of every vendor marker in `code`, in order. The full
        patterns run only from the previous anchor the literal pre-filter found to a little past
        this one (a pattern that starts with a look-behind would otherwise try every position of
        a large script); the windows tile the code, so any amount of white space inside a
        snippet is still covered, in linear time."""
        prefilter, by_anchor = self._markers
        if prefilter is None:
            return []
        found = {}
        previous = 0
        for hit in prefilter.finditer(code):
            end = min(len(code), hit.end() + 256)
            for vendor_id, pattern in by_anchor[hit.group()]:
                for m in pattern.finditer(code, previous, end):
                    found.setdefault(m.start(), (m.start(), vendor_id, m.group()))
            previous = hit.start()
        return sorted(found.values())

    @cached_property
    def tarteaucitron_services(self) -> dict[str, str]:
        return {key: v.id for v in self.vendors.values() for key in v.tarteaucitron}

    @cached_property
    def consent_code(self) -> ConsentCode:
        return _consent_code(self.vendors.values())

    def of_category(self, category: str) -> list[Vendor]:
        return [v for v in self.vendors.values() if v.category == category]


def _vendor(raw: dict) -> Vendor:
    cookies = tuple(CookiePattern(c) if isinstance(c, str)
                    else CookiePattern(c["name"], c.get("storage", "cookie"), tuple(c.get("when") or ()),
                                       tuple(c.get("unless") or ()))
                    for c in raw.get("cookies") or ())
    return Vendor(
        id=raw["id"], name=raw["name"], aliases=tuple(raw.get("aliases") or ()), owner=raw["owner"],
        category=raw["category"], hosts=tuple(raw.get("hosts") or ()), paths=tuple(raw.get("paths") or ()),
        markers=tuple(raw.get("markers") or ()), cookies=cookies, consent=raw.get("consent", "required"),
        tag_manager=bool(raw.get("tag_manager")), privacy_variant=raw.get("privacy_variant"),
        tarteaucitron=tuple(raw.get("tarteaucitron") or ()), sources=tuple(raw["sources"]),
        consent_categories=raw.get("consent_categories"), consent_code=raw.get("consent_code"))


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    data = _load()
    return Catalogue([_vendor(v) for v in data["vendors"]], tuple(data.get("categories") or ()),
                     data.get("consent_classes"))


def _load() -> dict:
    """The catalogue's data. vendors.yaml is the source people edit; vendors.json is the same
    data compiled (json parses in C, ruamel's YAML in Python: 0.3 s of every run's start-up) and
    is used only while the hash it records is the YAML's own."""
    folder = resources.files("privacylint").joinpath("data")
    source = folder.joinpath("vendors.yaml").read_bytes()
    try:
        compiled = json.loads(folder.joinpath("vendors.json").read_bytes())
        if compiled.get("source_sha256") == hashlib.sha256(source).hexdigest():
            return compiled["data"]
    except (OSError, ValueError, AttributeError):
        pass
    return _parse_yaml(source)


def _parse_yaml(source: bytes) -> dict:
    from ruamel.yaml import YAML  # only when vendors.json is stale: it costs 0.3 s

    return YAML(typ="safe", pure=True).load(source.decode("utf-8"))


def compiled_catalogue() -> str:
    """vendors.json for the current vendors.yaml (`python -m privacylint.vendors > .../vendors.json`)."""
    source = resources.files("privacylint").joinpath("data/vendors.yaml").read_bytes()
    doc = {"comment": "Generated from vendors.yaml by `python -m privacylint.vendors`; edit the YAML.",
           "source_sha256": hashlib.sha256(source).hexdigest(), "data": _parse_yaml(source)}
    return json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(compiled_catalogue(), end="")
