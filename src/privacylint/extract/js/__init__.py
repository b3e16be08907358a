"""JavaScript -> requests, storage writes, vendor snippets and consent facts, read from the syntax
tree without running the code.

A cheap pre-filter (prefilter.py) skips scripts that could do nothing a check reads, and data
scripts. The others are parsed once with tree-sitter (syntax.py); static values (values.py)
follow string concatenation, template literals and constants within a scope; then each concern
reads the tree: loads and the elements code creates (loads.py), storage writes (storage.py),
consent callbacks and Google consent mode defaults (consent_code.py), the consent manager's own
configuration (manager_config.py). Vendor snippets are found by the catalogue's markers, in code
only (not inside a string or a comment).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from privacylint.extract.js.behaviour import fingerprinting
from privacylint.extract.js.consent_code import REFUSAL, ConsentCode, innermost
from privacylint.extract.js.loads import Loads
from privacylint.extract.js.manager_config import ManagerConfig, Setting
from privacylint.extract.js.prefilter import is_data, might_act
from privacylint.extract.js.results import CREATED, JsRequest
from privacylint.extract.js.storage import JsWrite, Writes
from privacylint.extract.js.syntax import Script
from privacylint.extract.js.values import Values
from privacylint.extract.urls import resolve
from privacylint.facts import JS_LITERAL, JS_LOAD, Behaviour, ConsentDefault, Marker, Request, StorageWrite
from privacylint.vendors import catalogue

__all__ = ["CREATED", "JsFacts", "JsRequest", "JsResult", "JsWrite", "extract_js", "is_data", "js_facts", "might_act"]


@dataclass
class JsResult:
    requests: list[JsRequest]
    writes: list[JsWrite]
    markers: list[tuple[int, str, str, str | None]]  # offset, vendor id, evidence, gate
    consent_defaults: list[tuple[int, tuple[str, ...]]]
    implied: tuple[str, ...]
    config: list[Setting] = field(default_factory=list)  # the consent manager configuration defined here
    fragments: list[tuple[int, str]] = field(default_factory=list)  # HTML the script writes into the page
    gates: dict[int, str] = field(default_factory=dict)  # offset of a fact -> the callback holding it
    mentions: tuple[str, ...] = ()  # the site's own files the script may load (loads.Loads.mentions)
    behaviours: list[tuple[int, str, str]] = field(default_factory=list)  # offset, kind, evidence

    def gate_at(self, offset: int) -> str | None:
        return self.gates.get(offset)


_EMPTY = JsResult([], [], [], [], ())
_MEMO_UP_TO = 64 * 1024  # scripts up to this size are analysed once per worker, whatever page holds them
_LARGE_MEMO_UP_TO = 1024 * 1024  # a few large inline scripts (a translations table on every page)


def extract_js(js: str) -> JsResult:
    """What a script does, by offset. Sites repeat the same inline scripts on every page (theme,
    search options, translations, the analytics snippet): those are analysed once. The result is
    shared: callers must not change it."""
    if len(js) <= _MEMO_UP_TO:
        return _extract_js_memo(js)
    if len(js) <= _LARGE_MEMO_UP_TO:
        return _extract_js_large_memo(js)
    return _extract_js(js)


@lru_cache(maxsize=256)
def _extract_js_memo(js: str) -> JsResult:
    return _extract_js(js)


@lru_cache(maxsize=8)
def _extract_js_large_memo(js: str) -> JsResult:
    return _extract_js(js)


def _extract_js(js: str) -> JsResult:
    if not might_act(js):
        return _EMPTY
    script = Script(js)
    values = Values(script)
    loads = Loads(script, values)
    requests = loads.read()
    writes = Writes(script, values).read()
    consent = ConsentCode(script, values)
    consent.read()
    config = ManagerConfig(script, values)
    config.read()
    markers, mode_defaults = _markers(script, values, config.no_consent_mode)
    behaviours = fingerprinting(script, values)
    gates = innermost(consent.regions, [r.offset for r in requests] + [w.offset for w in writes]
                      + [m[0] for m in markers] + [f[0] for f in loads.fragments] + [b[0] for b in behaviours])
    # code that runs only when the visitor refuses: a URL or snippet there loads nothing before consent
    requests = [r for r in requests if gates.get(r.offset) != REFUSAL]
    markers = [m for m in markers if gates.get(m[0]) != REFUSAL]
    return JsResult(requests, writes, markers, sorted(consent.defaults + mode_defaults), tuple(sorted(config.implied)),
                    config.settings,
                    [f for f in loads.fragments if gates.get(f[0]) != REFUSAL],
                    {k: v for k, v in gates.items() if v != REFUSAL}, tuple(sorted(loads.mentions)),
                    [b for b in behaviours if gates.get(b[0]) != REFUSAL])


_MARKERS = 500  # a script repeating a snippet a million times: the first ones stand for the rest
_IN_TEXT = frozenset({"string", "template_string", "comment", "regex", "string_fragment", "regex_pattern"})


def _markers(script: Script, values: Values, no_consent_mode: set[str]):
    """Vendor snippets in the code (a marker that starts inside a string, other than at its
    quote, or in a comment is text, not code), and the consent mode defaults tarteaucitron sets
    before the Google tags it loads at once: (markers, defaults)."""
    cat = catalogue()
    found, defaults = [], []
    for offset, vendor, evidence in cat.markers_in(script.text)[:_MARKERS]:
        if _in_code(script, offset):
            found.append((offset, vendor, evidence, None))
    services = cat.tarteaucitron_services
    early = set(cat.vendors["tarteaucitron"].consent_code.get("consent_mode_services") or ()) \
        if "tarteaucitron" in cat.vendors and "tarteaucitron" not in no_consent_mode else set()
    for offset, key in _tarteaucitron_jobs(script, values):
        if key not in services:
            continue
        if key in early:  # loaded at once under denied consent mode defaults, which tarteaucitron sets
            defaults.append((offset, ("ad_storage", "analytics_storage")))
            found.append((offset + 1, services[key], f"tarteaucitron.job.push('{key}')", None))
        else:  # tarteaucitron injects the service itself: after consent, unless it needs none
            gate = None if key in cat.consent_code.without_consent else "tarteaucitron"
            found.append((offset, services[key], f"tarteaucitron.job.push('{key}')", gate))
    return sorted(found), defaults


def _in_code(script: Script, offset: int) -> bool:
    byte = script.byte(offset)
    node = script.root.descendant_for_byte_range(byte, byte)
    for _ in range(8):  # a literal or comment holds its text a level or two down
        if node is None or node.type == "program":
            break
        if node.type in _IN_TEXT:
            return node.type in ("string", "template_string") and node.start_byte == byte
        if node.type == "template_substitution":
            return True
        node = node.parent
    return True


def _tarteaucitron_jobs(script: Script, values: Values) -> list[tuple[int, str]]:
    """(offset, service key) of each `tarteaucitron.job.push('<key>')` (also `(tarteaucitron.job
    = tarteaucitron.job || []).push(...)`)."""
    if "tarteaucitron" not in script.text:
        return []
    from privacylint.extract.js.syntax import arguments, callee_name, text

    out = []
    for call in script.nodes("call_expression"):
        if callee_name(call) != "push" or call.child_by_field_name("function").type != "member_expression":
            continue
        holder = call.child_by_field_name("function").child_by_field_name("object")
        if "tarteaucitron.job" not in text(holder):
            continue
        for arg in arguments(call):
            key = values.string(arg)
            if key is not None and key.complete:
                out.append((script.offset(call), key.text))
    return out


@dataclass
class JsFacts:
    requests: list[Request]
    writes: list[StorageWrite]
    markers: list[Marker]
    consent_defaults: list[ConsentDefault]
    implied: tuple[str, ...]
    config: list[tuple]
    mentions: tuple[str, ...] = ()
    behaviours: list[Behaviour] = field(default_factory=list)


def js_facts(js: str, base: str, position, noscript: bool = False, gate: str | None = None,
             markup=None) -> JsFacts:
    """Facts of a script; `position` maps an offset in `js` to (line, column). `gate` is the consent
    manager holding back the whole script (its markup), if any. `markup(html, base)` reads the
    HTML the script writes (extract.html.fragment_facts; passed in, so that reading JavaScript
    needs nothing of reading HTML)."""
    r = extract_js(js)
    requests = []
    for req in r.requests:
        url = resolve(req.url, base)
        if url:
            kind = req.kind or (JS_LOAD if req.loaded else JS_LITERAL)
            requests.append(Request(url, kind, *position(req.offset), noscript,
                                    gate or req.gate or r.gate_at(req.offset), req.referrer))
    writes = [StorageWrite(w.storage, w.name, w.api, *position(w.offset), gate or r.gate_at(w.offset))
              for w in r.writes]
    markers = [Marker(vendor, text, *position(offset), noscript, gate or own or r.gate_at(offset))
               for offset, vendor, text, own in r.markers]
    defaults = [ConsentDefault(*position(offset), denied) for offset, denied in r.consent_defaults]
    config = [(s.manager, s.name, s.state, *position(s.offset)) for s in r.config]
    behaviours = [Behaviour(kind, evidence, *position(offset), gate or r.gate_at(offset))
                  for offset, kind, evidence in r.behaviours]
    found = JsFacts(requests, writes, markers, defaults, r.implied, config, r.mentions, behaviours)
    for offset, written in r.fragments if markup is not None else ():
        _add_fragment(found, markup(written, base), position(offset), noscript, gate or r.gate_at(offset))
    return found


def _add_fragment(found: JsFacts, facts, where: tuple, noscript: bool, gate: str | None) -> None:
    """What HTML written by the script loads (`facts`, a FileFacts or None), at the place the
    script writes it."""
    if facts is None:
        return
    line, column = where
    found.requests += [r._replace(line=line, column=column, noscript=noscript or r.noscript, gate=r.gate or gate,
                                  kind=f"{r.kind} (written by script)") for r in facts.requests]
    found.writes += [w._replace(line=line, column=column, gate=w.gate or gate) for w in facts.writes]
    found.markers += [m._replace(line=line, column=column, gate=m.gate or gate) for m in facts.markers]
