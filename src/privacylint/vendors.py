"""The bundled vendor catalogue (data/vendors.yaml): who a host belongs to, what it stores.

Data, not code: this module only loads it and answers questions about it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import NamedTuple

from privacylint.domains import path_matches, site_of, split_pattern


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
class PrivacyMode:
    """A privacy-enhanced way to embed a vendor that PL105 can see in the embed's URL
    (`privacy_variant` with `embeds`, `mode` and `fix`)."""

    fix: str  # what to do; {path} stands for the embed URL's path
    embed_path: str = ""  # an embed URL's path starts with this ...
    embed_host: str = ""  # ... and/or its host is this
    mode_host: str = ""  # the mode: the URL's host is this or a subdomain of it ...
    mode_query: tuple[tuple[str, str], ...] = ()  # ... or its query has these parameters, each once, with these values

    def missing(self, host: str, path: str, query: dict[str, list[str]]) -> str | None:
        """The fix when the URL is an embed without the mode, else None."""
        if (self.embed_path and not path.startswith(self.embed_path)) or (self.embed_host and host != self.embed_host):
            return None
        if self.mode_host and (host == self.mode_host or host.endswith("." + self.mode_host)):
            return None
        if self.mode_query and all(query.get(k) == [v] for k, v in self.mode_query):
            return None
        return self.fix.replace("{path}", path)


@dataclass(frozen=True, slots=True)
class Autoblocker:
    """A consent manager's loader that blocks other scripts by itself when it is the page's first,
    synchronous script: its URL matches `url` (a regex), and `attribute` has `value` if given."""

    url: re.Pattern
    attribute: str | None = None
    value: str | None = None


@dataclass(frozen=True, slots=True)
class GateMarkup:
    """How a consent manager's markup holds a script or an embed back (extract/consent.py)."""

    script_attributes: tuple[str, ...] = ()  # on a <script> of a non-JavaScript type
    embed_attributes: tuple[str, ...] = ()  # on a frame, image or media element without a live src
    class_prefixes: tuple[str, ...] = ()  # a class holding one of these marks either
    category_attributes: tuple[str, ...] = ()  # where the markup names the consent category
    category_in_class: bool = False  # the category is the rest of the class_prefixes class (OneTrust)
    deferred_url_attributes: tuple[str, ...] = ()  # where a held-back element keeps its real URL
    blank_urls: tuple[str, ...] = ()  # a src that loads nothing: a placeholder page of the manager's
    autoblockers: tuple[Autoblocker, ...] = ()
    placeholders: tuple[tuple[str, str], ...] = ()  # (class of a <div> it replaces after consent, vendor id)
    example: str = ""  # how to hold a script back with it, for messages


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
    gate_markup: GateMarkup | None = None  # consent managers
    privacy_mode: PrivacyMode | None = None  # privacy_variant as PL105 checks it
    config_keys: tuple[tuple[tuple[str, ...], tuple[str, ...] | None], ...] = ()  # (key path, values or None)
    consent_class: str | None = None  # its own class when stricter than its category's
    # consent_categories lists only the names a source confirms; another name is not refused (it
    # cannot be checked) rather than called "not a category"
    categories_open: bool = False
    # requests whose query says which account and event a pixel reports: (path, id param, event param)
    pixel_events: tuple[tuple[str, str, str], ...] = ()

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
    # callback property -> (manager, word the script must hold, index of its consent parameter):
    # `callback: function (consent, service) { if (consent) ... }` (Klaro)
    flag_callbacks: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    # callback properties that run when the manager starts, before any choice (Klaro's onInit and
    # onDecline): neither a gate nor a refusal -> (manager, word the script must hold)
    before_choice: dict[str, tuple[str, str]] = field(default_factory=dict)
    # a service the manager launches before any choice (tarteaucitron's needConsent: false) -> manager
    without_consent: dict[str, str] = field(default_factory=dict)

    @cached_property
    def words(self) -> tuple[str, ...]:
        """Text a script must hold for any of this to apply (the cheap test before the tree)."""
        names = [*self.events, *self.refusal_events, *self.properties, *self.functions, *self.calls,
                 *self.definitions, *self.flags, *self.tests, *self.groups, *self.flag_callbacks]
        return tuple(sorted({n.rpartition(".")[2] for n in names}))


def _consent_code(vendors) -> ConsentCode:
    table = ConsentCode({}, set(), {}, set(), {}, {}, {}, {}, {}, {})
    for v in vendors:
        code = v.consent_code or {}
        for field_name in ("events", "functions", "calls", "definitions", "flags", "tests", "groups", "without_consent"):
            getattr(table, field_name).update(dict.fromkeys(code.get(field_name) or (), v.id))
        table.refusal_events.update(code.get("refusal_events") or ())
        for name, word in (code.get("properties") or {}).items():
            table.properties.setdefault(name, []).append((v.id, word))
        if code.get("per_service"):
            table.per_service.add(v.id)
        for name, spec in (code.get("flag_callbacks") or {}).items():
            table.flag_callbacks[name] = (v.id, spec["word"], int(spec["consent_argument"]))
        for name, word in (code.get("before_choice") or {}).items():
            table.before_choice[name] = (v.id, word)
    return table


class Catalogue:
    def __init__(self, vendors: list[Vendor], categories: tuple[str, ...] = (), consent_classes: dict | None = None,
                 shared_gate_attributes: tuple[str, ...] = (), vendored_files: tuple[VendoredFile, ...] = ()):
        self.vendors = {v.id: v for v in vendors}
        self.categories = categories
        self.consent_classes = consent_classes or {}  # vendor category -> the consent class it needs
        self.shared_gate_attributes = shared_gate_attributes  # markup attributes several managers write
        self.vendored_files = vendored_files
        self._by_host: dict[str, list[tuple[str, Vendor]]] = {}
        self._by_path: list[tuple[str, Vendor]] = []
        for vendor in vendors:
            for pattern in vendor.hosts:
                host, path = split_pattern(pattern)
                self._by_host.setdefault(host, []).append((path, vendor))
            self._by_path.extend((p, vendor) for p in vendor.paths)

    def vendor_of(self, host: str, path: str) -> Vendor | None:
        """The vendor whose host pattern matches most specifically (longest host, then path);
        failing that, one whose self-hosted path ending (`/matomo.js`) the path has. A `*` in a
        pattern's path stands for one path segment (`connect.facebook.net/*/fbevents.js`)."""
        labels = host.split(".")
        for i in range(len(labels) - 1):
            candidates = self._by_host.get(".".join(labels[i:]))
            if candidates:
                best = max(((len(p), v) for p, v in candidates if path_matches(path, p)),
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

    def third_party_of(self, host: str) -> ThirdParty | None:
        """The second tier's name for a host no vendor covers (third-party-web): for messages only."""
        return third_party_table().of(host)

    def consent_class_of(self, vendor: Vendor) -> str | None:
        """The consent class a vendor needs: its own (`consent_class`), else its category's."""
        return vendor.consent_class or self.consent_classes.get(vendor.category)

    @cached_property
    def gate_markups(self) -> list[tuple[str, GateMarkup]]:
        """(consent manager id, its markup conventions), in catalogue order."""
        return [(v.id, v.gate_markup) for v in self.vendors.values() if v.gate_markup is not None]

    @cached_property
    def config_switches(self) -> tuple[tuple[tuple[str, ...], str | dict[str, str]], ...]:
        """Site-config keys that turn a vendor on: (key path, vendor id, or provider value -> vendor id)."""
        return tuple((keys, v.id if values is None else dict.fromkeys(values, v.id))
                     for v in self.vendors.values() for keys, values in v.config_keys)


@dataclass(frozen=True, slots=True)
class VendoredFile:
    """A self-hosted copy of a consent manager or a common library (extract/__init__.py): a file
    whose path matches `file` and that carries `signature` (a manager: anywhere in its code; a
    library: its licence banner, at the file's start or end)."""

    file: re.Pattern
    signature: str
    consent_manager: bool


def _gate_markup(raw: dict | None) -> GateMarkup | None:
    if raw is None:
        return None

    def tup(key: str) -> tuple:
        return tuple(raw.get(key) or ())

    return GateMarkup(
        script_attributes=tup("script_attributes"), embed_attributes=tup("embed_attributes"),
        class_prefixes=tup("class_prefixes"), category_attributes=tup("category_attributes"),
        category_in_class=bool(raw.get("category_in_class")), deferred_url_attributes=tup("deferred_url_attributes"),
        blank_urls=tup("blank_urls"),
        autoblockers=tuple(Autoblocker(re.compile(a["url"], re.IGNORECASE), a.get("attribute"), a.get("value"))
                           for a in raw.get("autoblockers") or ()),
        placeholders=tuple((raw.get("placeholders") or {}).items()), example=raw.get("example", ""))


def _privacy_mode(raw) -> PrivacyMode | None:
    """A privacy_variant that says how PL105 can see it (a mapping), or None (advice only)."""
    if not isinstance(raw, dict) or "fix" not in raw:
        return None
    embeds, mode = raw.get("embeds") or {}, raw.get("mode") or {}
    return PrivacyMode(fix=raw["fix"], embed_path=embeds.get("path", ""), embed_host=embeds.get("host", ""),
                       mode_host=mode.get("host", ""),
                       mode_query=tuple((k, str(v)) for k, v in (mode.get("query") or {}).items()))


def _config_keys(raw: list) -> tuple:
    """`google_analytics` (set: on) or {key: analytics.provider, values: [google]} (set to one of them)."""
    return tuple((tuple(k.split(".")), None) if isinstance(k, str) else
                 (tuple(k["key"].split(".")), tuple(str(v).lower() for v in k["values"])) for k in raw or ())


def _vendor(raw: dict) -> Vendor:
    cookies = tuple(CookiePattern(c) if isinstance(c, str)
                    else CookiePattern(c["name"], c.get("storage", "cookie"), tuple(c.get("when") or ()),
                                       tuple(c.get("unless") or ()))
                    for c in raw.get("cookies") or ())
    return Vendor(
        id=raw["id"], name=raw["name"], aliases=tuple(raw.get("aliases") or ()), owner=raw["owner"],
        category=raw["category"], hosts=tuple(raw.get("hosts") or ()), paths=tuple(raw.get("paths") or ()),
        markers=tuple(raw.get("markers") or ()), cookies=cookies, consent=raw.get("consent", "required"),
        tag_manager=bool(raw.get("tag_manager")), privacy_variant=_advice(raw.get("privacy_variant")),
        tarteaucitron=tuple(raw.get("tarteaucitron") or ()), sources=tuple(raw["sources"]),
        consent_categories=raw.get("consent_categories"), gate_markup=_gate_markup(raw.get("gate_markup")),
        privacy_mode=_privacy_mode(raw.get("privacy_variant")), config_keys=_config_keys(raw.get("config_keys")),
        consent_class=raw.get("consent_class"), consent_code=raw.get("consent_code"),
        categories_open=bool(raw.get("categories_open")),
        pixel_events=tuple((p["path"], p["id"], p["event"]) for p in raw.get("pixel_events") or ()))


def _advice(raw) -> str | None:
    return raw.get("advice") if isinstance(raw, dict) else raw


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    data = _load()
    vendored = tuple(VendoredFile(re.compile(f["file"]), f["signature"], bool(f.get("consent_manager")))
                     for f in data.get("vendored_files") or ())
    return Catalogue([_vendor(v) for v in data["vendors"]], tuple(data.get("categories") or ()),
                     data.get("consent_classes"), tuple(data.get("shared_gate_attributes") or ()), vendored)


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


# --- the second tier: names for what the curated catalogue does not know ---------------------------

class ThirdParty(NamedTuple):
    """A third party named by the bundled third-party-web table (MIT): a name and a suggested
    category, never a verdict (it covers nothing, needs no consent class, writes no cookie)."""

    name: str
    category: str  # third-party-web's category: ad, analytics, social, video, cdn, ...
    source: str = "third-party-web"


@dataclass(frozen=True)
class ThirdPartyTable:
    version: str | None
    license: str | None
    notice: str | None  # third-party-web's licence notice, shipped with its data
    entities: tuple[tuple[str, str], ...]
    exact: dict[str, int]
    suffixes: dict[str, int]

    def domains(self) -> list[list[str]]:
        """Per entity, its domains as third-party-web writes them (`*.` for a domain and its subdomains)."""
        out: list[list[str]] = [[] for _ in self.entities]
        for domain, index in self.exact.items():
            out[index].append(domain)
        for domain, index in self.suffixes.items():
            out[index].append("*." + domain)
        return [sorted(d) for d in out]

    def of(self, host: str) -> ThirdParty | None:
        """The entity whose domain is `host`, or whose `*.` domain `host` is or ends with (longest)."""
        host = host.lower().rstrip(".")
        index = self.exact.get(host)
        if index is None:
            labels = host.split(".")
            index = next((self.suffixes[d] for d in (".".join(labels[i:]) for i in range(len(labels) - 1))
                          if d in self.suffixes), None)
        return None if index is None else ThirdParty(*self.entities[index])


@lru_cache(maxsize=1)
def third_party_table() -> ThirdPartyTable:
    """data/third_party_web.json, generated by tools/build_third_party_table.py."""
    try:
        data = resources.files("privacylint").joinpath("data/third_party_web.json").read_bytes()
    except OSError:
        data = b""
    return parse_third_party_table(data)


def parse_third_party_table(data: bytes) -> ThirdPartyTable:
    """The table, or an empty one when it is unreadable or was edited by hand (the digest it
    records is not its data's)."""
    try:
        raw = json.loads(data)
        entities, exact, suffixes = raw["entities"], raw["exact"], raw["suffixes"]
        canonical = json.dumps([entities, exact, suffixes], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        if hashlib.sha256(canonical.encode("utf-8")).hexdigest() == raw["table_sha256"]:
            return ThirdPartyTable(raw["version"], raw["license"], raw["notice"], tuple(map(tuple, entities)), exact,
                                   suffixes)
    except (ValueError, KeyError, TypeError):
        pass
    return ThirdPartyTable(None, None, None, (), {}, {})


def third_party_of(host: str) -> ThirdParty | None:
    """A name and suggested category for a host the curated catalogue does not know."""
    return third_party_table().of(host)
