"""rules.yaml (version 1) -> Policy. Strict: every problem is collected and reported at once,
each as `rules.yaml:LINE:COL: message`, with a did-you-mean where a name is close to a known one."""

from __future__ import annotations

import datetime as dt
import difflib
import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path

import reprlib
import warnings

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent
from ruamel.yaml.reader import ReaderError

from privacylint.domains import host_matches, is_public_suffix, parse_url, split_pattern, url_matches
from privacylint.model import SEVERITIES
from privacylint.printable import line_start
from privacylint.vendors import Vendor, catalogue

# Click identifiers that tie a visit to an ad click or a mailing (signatures.md §5, after
# Brave's query filter); campaign tags such as utm_* are deliberately not in the default.
DEFAULT_FORBID_PARAMS = (
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "twclid", "yclid", "ymclid", "ysclid",
    "ttclid", "igshid", "igsh", "mc_eid", "_hsenc", "_hsmi", "__hssc", "__hstc", "__hsfp",
    "hsCtaTracking", "_gl", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "s_cid", "rb_clickid",
    "irclickid", "srsltid", "ss_email_id", "bsft_clkid", "bsft_uid", "et_rid", "wickedid", "_kx",
)
CONSENT_MODE_GATE = "google-consent-mode"
Position = tuple[int, int]


class PolicyError(Exception):
    def __init__(self, path: str, issues: list[tuple[int, int, str]]):
        self.path = path
        self.issues = sorted(issues)
        super().__init__("\n".join(line_start(f"{path}:{line}:{col}: {msg}") for line, col, msg in self.issues))


@dataclass(frozen=True, slots=True)
class Collector:
    name: str
    vendor: Vendor | None
    hosts: tuple[str, ...]
    purpose: str | None
    consent: str
    loads: tuple[str, ...]
    position: Position

    @property
    def patterns(self) -> tuple[str, ...]:
        return (self.vendor.hosts if self.vendor else ()) + self.hosts

    def covers(self, host: str, path: str) -> bool:
        return any(url_matches(host, path, p) for p in self.patterns)

    def covers_host(self, host: str) -> bool:
        """Some path of `host` is covered (a CSP names hosts, not paths)."""
        return any(host_matches(host, split_pattern(p)[0]) for p in self.patterns)


@dataclass(frozen=True, slots=True)
class CookieRule:
    name: str
    storage: str
    purpose: str | None
    consent: str
    position: Position

    def covers(self, name: str, storage: str) -> bool:
        return storage == self.storage and fnmatch.fnmatchcase(name, self.name)


@dataclass(frozen=True, slots=True)
class IgnoreRule:
    check: str
    paths: tuple[str, ...]
    subject: str | None
    reason: str
    expires: dt.date | None
    position: Position


@dataclass(slots=True)
class Policy:
    path: str
    site_url: str
    first_party: tuple[str, ...] = ()
    homepage: str = "/"
    statement_page: str = ""
    linked_from: str = "homepage"
    contact: str | None = None
    gates: tuple[str, ...] | None = None  # None: any gate counts
    # Google consent mode: "basic" (default): its defaults hold nothing back, the tag's request
    # happens before consent; "advanced": the site accepts that, a tag under denied defaults passes
    consent_mode: str = "basic"
    collectors: tuple[Collector, ...] = ()
    cookies: tuple[CookieRule, ...] = ()
    outbound: str = "allow"
    allow: tuple[str, ...] = ()
    forbid_params: tuple[str, ...] = DEFAULT_FORBID_PARAMS
    checks: dict[str, str] = field(default_factory=dict)
    ignore: tuple[IgnoreRule, ...] = ()
    positions: dict[str, Position] = field(default_factory=dict)  # "statement.page" -> (line, col)

    def collector_for(self, host: str, path: str) -> Collector | None:
        return next((c for c in self.collectors if c.covers(host, path)), None)

    def collector_of_vendor(self, vendor_id: str) -> Collector | None:
        return next((c for c in self.collectors if c.vendor and c.vendor.id == vendor_id), None)

    def cookie_rule_for(self, name: str, storage: str) -> CookieRule | None:
        return next((c for c in self.cookies if c.covers(name, storage)), None)

    def position(self, key: str) -> Position:
        return self.positions.get(key, (1, 1))


MAX_POLICY_SIZE = 1024 * 1024  # a statement's rules are a few KB; this bounds time and memory
_MAX_DEPTH = 32  # rules.yaml nests four levels deep
_MAX_ALIASES = 50  # anchors are allowed; an alias bomb is not
_MAX_SCALAR = 4096
_STANDARD_TAGS = "tag:yaml.org,2002:"


def load_policy(path: str | Path, check_ids: frozenset[str]) -> Policy:
    """Read and validate rules.yaml; raise PolicyError with every problem found.

    Hostile input stays bounded: the file's size, nesting, aliases and scalar lengths are checked
    on the parser's event stream (iterative, linear) before anything is built from it, and every
    problem, from the YAML reader to a date that does not exist, is a positioned error."""
    shown = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_POLICY_SIZE + 1)
        text = raw.decode("utf-8")
    except OSError as err:
        raise PolicyError(shown, [(1, 1, f"cannot read the policy: {err.strerror or err}")]) from None
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise PolicyError(shown, [(line, 1, f"the policy is not UTF-8 text ({err.reason})")]) from None
    if len(raw) > MAX_POLICY_SIZE:
        raise PolicyError(shown, [(1, 1, f"the policy is over {MAX_POLICY_SIZE:,} bytes; rules.yaml declares a "
                                         "site's collectors and cookies, which takes a few KB")])
    try:
        _prescan(text, shown)
        with warnings.catch_warnings():  # ruamel warns (on stderr) of a reused anchor: valid YAML, no problem of ours
            warnings.simplefilter("ignore")
            data = _yaml().load(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise PolicyError(shown, [(line, col, f"invalid YAML: {err.problem or err.context}")]) from None
    except ReaderError as err:
        line, col = _line_col(text, err.position)
        raise PolicyError(shown, [(line, col, f"invalid YAML: the control character "
                                              f"U+{ord(err.character) if isinstance(err.character, str) else err.character:04X} "
                                              "is not allowed in YAML text")]) from None
    except YAMLError as err:
        raise PolicyError(shown, [(1, 1, f"invalid YAML: {' '.join(str(err).split())[:200]}")]) from None
    reader = _Reader(shown, check_ids)
    policy = reader.policy(data)
    if reader.issues:
        raise PolicyError(shown, reader.issues)
    return policy


class _Constructor(RoundTripConstructor):
    """Dates stay text, so that `expires: 2020-13-45` is a positioned error of ours, not a crash."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    return yaml


def _prescan(text: str, shown: str) -> None:
    """Refuse, with positions, what would make building the tree unbounded or unsafe."""
    issues, depth, aliases = [], 0, 0
    for event in YAML(typ="rt").parse(text):
        where = (event.start_mark.line + 1, event.start_mark.column + 1) if event.start_mark else (1, 1)
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > _MAX_DEPTH:
                raise PolicyError(shown, [(*where, f"nesting deeper than {_MAX_DEPTH} levels; rules.yaml is "
                                                   "four levels deep")])
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
        elif isinstance(event, AliasEvent):
            aliases += 1
            if aliases > _MAX_ALIASES:
                raise PolicyError(shown, [(*where, f"more than {_MAX_ALIASES} aliases (*name); write the "
                                                   "values out")])
        tag = getattr(event, "tag", None)
        if tag and not _standard_tag(str(tag)):
            shown_tag = str(tag).replace(_STANDARD_TAGS, "!!")
            shown_tag = shown_tag if len(shown_tag) <= 60 else shown_tag[:59] + "…"
            issues.append((*where, f"the tag {shown_tag} is not allowed: rules.yaml is plain data"))
        if isinstance(event, ScalarEvent) and len(event.value) > _MAX_SCALAR:
            issues.append((*where, f"a value of {len(event.value):,} characters; the longest rules.yaml needs "
                                   f"is far below {_MAX_SCALAR:,}"))
    if issues:
        raise PolicyError(shown, issues)


def _standard_tag(tag: str) -> bool:
    return tag in _PLAIN_TAGS or tag in ("!", "?")


_PLAIN_TAGS = frozenset(f"{_STANDARD_TAGS}{kind}" for kind in ("str", "int", "bool", "float", "null", "seq", "map",
                                                                "timestamp"))


def _line_col(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def shown_value(value) -> str:
    """A value from rules.yaml in a message: short, whatever its size or shape."""
    return reprlib.repr(value) if not isinstance(value, str) else reprlib.repr(value)[1:-1]


def _date(value) -> dt.date | None | bool:
    """A YYYY-MM-DD date, None when absent, False when it is not a real date."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else False
    except ValueError:
        return False


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _Reader:
    """Walks the YAML tree once, collecting (line, column, message) for everything wrong."""

    def __init__(self, path: str, check_ids: frozenset[str]):
        self.path = path
        self.check_ids = check_ids
        self.issues: list[tuple[int, int, str]] = []
        self.positions: dict[str, Position] = {}

    # -- positions and primitives -------------------------------------------------------
    def error(self, pos: Position, message: str) -> None:
        self.issues.append((pos[0], pos[1], message))

    @staticmethod
    def key_pos(node: CommentedMap, key) -> Position:
        line, col = node.lc.key(key)
        return line + 1, col + 1

    @staticmethod
    def value_pos(node: CommentedMap, key) -> Position:
        line, col = node.lc.value(key)
        return line + 1, col + 1

    @staticmethod
    def item_pos(node: CommentedSeq, index: int) -> Position:
        line, col = node.lc.item(index)
        return line + 1, col + 1

    def mapping(self, node, pos: Position, where: str, allowed: tuple[str, ...],
                required: tuple[str, ...] = ()) -> CommentedMap | None:
        if not isinstance(node, CommentedMap):
            self.error(pos, f"{where} must be a mapping")
            return None
        for key in node:
            if key not in allowed:
                self.error(self.key_pos(node, key),
                           f"unknown key '{shown_value(key)}' in {where}{_did_you_mean(key, allowed)}")
        for key in required:
            if key not in node:
                self.error(pos, f"{where} needs '{key}'")
        return node

    def string(self, node: CommentedMap, key: str, where: str) -> str | None:
        value = node.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(self.value_pos(node, key), f"{where}.{key} must be a non-empty string")
            return None
        return value.strip()

    def choice(self, node: CommentedMap, key: str, where: str, choices: tuple[str, ...], default: str) -> str:
        value = node.get(key, default)
        if value not in choices:
            self.error(self.value_pos(node, key),
                       f"{where}.{key} must be one of {', '.join(choices)}, not '{shown_value(value)}'"
                       f"{_did_you_mean(value, choices) if isinstance(value, str) else ''}")
            return default
        return value

    def strings(self, node: CommentedMap, key: str, where: str) -> list[tuple[str, Position]]:
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, CommentedSeq):
            self.error(self.value_pos(node, key), f"{where}.{key} must be a list of strings")
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                out.append((item.strip(), self.item_pos(value, i)))
            else:
                self.error(self.item_pos(value, i), f"{where}.{key} must hold non-empty strings")
        return out

    def entries(self, root: CommentedMap, key: str) -> list[tuple[CommentedMap, Position, str]]:
        value = root.get(key)
        if value is None:
            return []
        if not isinstance(value, CommentedSeq):
            self.error(self.value_pos(root, key), f"{key} must be a list")
            return []
        out = []
        for i, item in enumerate(value):
            pos = self.item_pos(value, i)
            if isinstance(item, CommentedMap):
                out.append((item, pos, f"{key}[{i}]"))
            else:
                self.error(pos, f"{key}[{i}] must be a mapping")
        return out

    def host_patterns(self, node: CommentedMap, key: str, where: str) -> tuple[str, ...]:
        out = []
        for value, pos in self.strings(node, key, where):
            host, _ = split_pattern(value.lower())
            bare = host[2:] if host.startswith("*.") else host
            if "://" in value or not re.fullmatch(r"[a-z0-9.-]+", bare or "-") or "." not in bare:
                self.error(pos, f"'{value}' is not a host or site (write it like cdn.example.com, "
                                "*.example.com or example.com/path/)")
            elif is_public_suffix(bare):
                self.error(pos, f"'{value}' is a public suffix, which would cover unrelated sites; "
                                "name the host or site under it")
            else:
                out.append(value.lower())
        return tuple(out)

    def url_path(self, node: CommentedMap, key: str, where: str, default: str | None) -> str | None:
        value = self.string(node, key, where) if key in node else default
        if value is not None and not value.startswith("/"):
            self.error(self.value_pos(node, key), f"{where}.{key} must be a URL path starting with '/'")
        if key in node:
            self.positions[f"{where}.{key}"] = self.value_pos(node, key)
        return value

    # -- sections ------------------------------------------------------------------------
    def policy(self, data) -> Policy:
        top = ("version", "site", "statement", "consent", "collectors", "cookies", "links", "checks", "ignore")
        root = self.mapping(data, (1, 1), "rules.yaml", top, ("version", "site", "statement"))
        if root is None:
            return Policy(self.path, "")
        if "version" in root and not (type(root["version"]) is int and root["version"] == 1):
            self.error(self.value_pos(root, "version"), "version must be the integer 1 (this privacylint reads "
                                                        f"rules.yaml version 1), not {shown_value(root['version'])}")
        policy = Policy(self.path, "")
        self.site(root, policy)
        self.statement(root, policy)
        self.consent(root, policy)
        self.collectors(root, policy)
        self.cookies(root, policy)
        self.links(root, policy)
        self.checks(root, policy)
        self.ignore(root, policy)
        policy.positions = self.positions
        return policy

    def site(self, root: CommentedMap, policy: Policy) -> None:
        if "site" not in root:
            return
        node = self.mapping(root["site"], self.value_pos(root, "site"), "site", ("url", "first_party", "homepage"),
                            ("url",))
        if node is None:
            return
        url = self.string(node, "url", "site")
        if url is not None:
            parsed = parse_url(url)
            if parsed is None or parsed.protocol not in ("http:", "https:") or not parsed.hostname:
                self.error(self.value_pos(node, "url"), f"site.url must be an http(s) URL with a host, not '{url}'")
            policy.site_url = url if url.endswith("/") else url + "/"
        policy.first_party = self.host_patterns(node, "first_party", "site")
        policy.homepage = self.url_path(node, "homepage", "site", "/") or "/"

    def statement(self, root: CommentedMap, policy: Policy) -> None:
        if "statement" not in root:
            return
        node = self.mapping(root["statement"], self.value_pos(root, "statement"), "statement",
                            ("page", "linked_from", "contact"), ("page",))
        if node is None:
            return
        policy.statement_page = self.url_path(node, "page", "statement", None) or ""
        policy.linked_from = self.choice(node, "linked_from", "statement", ("homepage", "every-page"), "homepage")
        contact = self.string(node, "contact", "statement")
        if contact is not None:
            self.positions["statement.contact"] = self.value_pos(node, "contact")
            if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", contact):
                self.error(self.value_pos(node, "contact"),
                           f"statement.contact must be an e-mail address, not '{contact}'")
            policy.contact = contact

    def consent(self, root: CommentedMap, policy: Policy) -> None:
        if "consent" not in root:
            return
        node = self.mapping(root["consent"], self.value_pos(root, "consent"), "consent",
                            ("gates", "google_consent_mode"))
        if node is None:
            return
        mode = self.choice(node, "google_consent_mode", "consent", ("basic", "advanced"), "basic") \
            if "google_consent_mode" in node else None
        if node.get("gates", "any") == "any":
            policy.consent_mode = mode or "basic"
            return
        known = sorted(v.id for v in catalogue().vendors.values() if v.category == "consent-manager")
        known.append(CONSENT_MODE_GATE)
        gates = []
        for value, pos in self.strings(node, "gates", "consent"):
            if value in known:
                gates.append(value)
            else:
                self.error(pos, f"unknown gate '{value}'{_did_you_mean(value, known)}; "
                                f"gates are 'any' or a list of: {', '.join(known)}")
        policy.gates = tuple(gates)
        # listing google-consent-mode among the gates is accepting its defaults as one
        policy.consent_mode = mode or ("advanced" if CONSENT_MODE_GATE in gates else "basic")

    def collectors(self, root: CommentedMap, policy: Policy) -> None:
        vendors = catalogue().vendors
        out: list[Collector] = []
        names: set[str] = set()
        loads: list[tuple[str, Position]] = []
        for node, pos, where in self.entries(root, "collectors"):
            if self.mapping(node, pos, where, ("name", "vendor", "hosts", "purpose", "consent", "loads"),
                            ("name",)) is None:
                continue
            name = self.string(node, "name", where)
            vendor_id = self.string(node, "vendor", where)
            vendor = vendors.get(vendor_id) if vendor_id else None
            if vendor_id and vendor is None:
                self.error(self.value_pos(node, "vendor"),
                           f"unknown vendor '{vendor_id}'{_did_you_mean(vendor_id, vendors)} "
                           "(privacylint --list-vendors shows the catalogue)")
            hosts = self.host_patterns(node, "hosts", where)
            if "vendor" not in node and "hosts" not in node:
                self.error(pos, f"{where} needs 'vendor' or 'hosts' to say which requests it covers")
            if name and name.lower() in names:
                self.error(self.value_pos(node, "name"), f"collector '{name}' is declared twice")
            names.add(name.lower() if name else "")
            consent = self.choice(node, "consent", where, ("required", "not-required"), "required")
            item_loads = self.strings(node, "loads", where)
            loads.extend(item_loads)
            if name:
                out.append(Collector(name, vendor, hosts, self.string(node, "purpose", where), consent,
                                     tuple(v for v, _ in item_loads), pos))
        known = {c.name for c in out} | set(vendors)
        for value, pos in loads:
            if value not in known:
                self.error(pos, f"loads: '{value}' is neither a declared collector nor a catalogue vendor"
                                f"{_did_you_mean(value, known)}")
        policy.collectors = tuple(out)

    def cookies(self, root: CommentedMap, policy: Policy) -> None:
        out: list[CookieRule] = []
        names: set[tuple] = set()
        for node, pos, where in self.entries(root, "cookies"):
            if self.mapping(node, pos, where, ("name", "storage", "purpose", "consent"), ("name",)) is None:
                continue
            name = self.string(node, "name", where)
            storage = self.choice(node, "storage", where, ("cookie", "local", "session"), "cookie")
            if name and (name, storage) in names:
                self.error(self.value_pos(node, "name"), f"{storage} '{name}' is declared twice")
            names.add((name, storage))
            consent = self.choice(node, "consent", where, ("required", "not-required"), "required")
            if name:
                out.append(CookieRule(name, storage, self.string(node, "purpose", where), consent, pos))
        policy.cookies = tuple(out)

    def links(self, root: CommentedMap, policy: Policy) -> None:
        if "links" not in root:
            return
        node = self.mapping(root["links"], self.value_pos(root, "links"), "links",
                            ("outbound", "allow", "forbid_params"))
        if node is None:
            return
        policy.outbound = self.choice(node, "outbound", "links", ("allow", "allowlist"), "allow")
        policy.allow = self.host_patterns(node, "allow", "links")
        if "forbid_params" in node:
            policy.forbid_params = tuple(v for v, _ in self.strings(node, "forbid_params", "links"))

    def checks(self, root: CommentedMap, policy: Policy) -> None:
        if "checks" not in root:
            return
        node = self.mapping(root["checks"], self.value_pos(root, "checks"), "checks", tuple(root["checks"] or ()))
        levels = ("off", *SEVERITIES)
        for key in node or ():
            if key not in self.check_ids:
                self.error(self.key_pos(node, key), f"unknown check '{key}'{_did_you_mean(key, self.check_ids)}")
            elif node[key] not in levels:
                self.error(self.value_pos(node, key), f"checks.{key} must be one of {', '.join(levels)}")
            else:
                policy.checks[key] = node[key]

    def ignore(self, root: CommentedMap, policy: Policy) -> None:
        out = []
        for node, pos, where in self.entries(root, "ignore"):
            if self.mapping(node, pos, where, ("check", "paths", "subject", "reason", "expires"),
                            ("check", "reason")) is None:
                continue
            check = self.string(node, "check", where)
            if check and check not in self.check_ids:
                self.error(self.value_pos(node, "check"),
                           f"unknown check '{check}'{_did_you_mean(check, self.check_ids)}")
            expires = _date(node.get("expires"))
            if expires is False:
                self.error(self.value_pos(node, "expires"),
                           f"{where}.expires must be a date that exists, like 2027-06-30, not "
                           f"'{shown_value(node.get('expires'))}'")
                expires = None
            reason = self.string(node, "reason", where)
            paths = tuple(v for v, _ in self.strings(node, "paths", where)) or ("**",)
            if check and reason:
                out.append(IgnoreRule(check, paths, self.string(node, "subject", where), reason, expires, pos))
        policy.ignore = tuple(out)
