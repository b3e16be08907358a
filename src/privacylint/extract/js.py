"""JavaScript -> requests, storage writes, vendor snippets and consent facts, without running it.

A small scanner splits the code into comments, string literals and the rest; patterns then run
on the code with comments blanked. What counts (design.md, "What counts as a request"):
- a URL that flows into a load: `x.src =`, `setAttribute("src", …)`, fetch, sendBeacon,
  XMLHttpRequest `open`, `import()`, workers and sockets; the URL may be a literal, a literal
  prefix of a concatenation (`"https://static.hotjar.com/c/hotjar-" + id`) or a variable
  assigned such a literal (`var u = "//stats.example.org/"; g.src = u + "matomo.js"`);
- any other literal absolute URL is kept as a js-literal; the engine counts it only when it
  names a catalogue host, because vendors assemble their URLs at run time.
Vendor snippets are found by the catalogue's markers; consent callbacks, consent mode defaults
and implied-consent settings by extract.consent.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from privacylint.extract import consent
from privacylint.extract.urls import resolve
from privacylint.facts import JS_LITERAL, JS_LOAD, ConsentDefault, Marker, Request, StorageWrite
from privacylint.domains import split_pattern
from privacylint.vendors import catalogue

_SCAN = re.compile(r"""//|/\*|["'`/]""")
_BLOCK_END = re.compile(r"\*/")
# Possessive, and a string may end unterminated (at a line end, even after a lone backslash), so a
# match never fails and never backtracks: one pass over the file, whatever it holds.
_STRING = {q: re.compile(rf"{q}(?:[^{q}\\\n]|\\.)*+(?:{q}|\\?$)", re.S | re.M) for q in "\"'"}
_TEMPLATE = re.compile(r"`(?:[^`\\]|\\.)*+(?:`|\\?\Z)", re.S)
# Bounded: an unclosed `/` after `(` must not scan to the end of the line each time.
_REGEX = re.compile(r"/(?:[^/\\\[\n]|\\.|\[(?:[^\]\\\n]|\\.){0,200}\]){1,1000}/[a-z]{0,8}")
# A `/` after these starts a regular expression literal, not a division.
_REGEX_BEFORE = re.compile(r"(?:^|[(,=:\[!&|?{};+\-*%<>~^]"
                           r"|\b(?:return|typeof|case|do|else|in|of|new|void|delete|throw|yield|await))\s*$")
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)", re.S)

_URLISH = re.compile(r"^(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}", re.I)
_IDENT = r"[A-Za-z_$][\w$]*"
_SINK = (r"(?:\.src\s*=(?!=)"
         r"|\.setAttribute\s*\(\s*[\"']src[\"']\s*,"
         r"|\b(?:fetch|sendBeacon|importScripts|getScript|import|addScript)\s*\("
         r"|\bnew\s+(?:EventSource|WebSocket|Worker|SharedWorker)\s*\("
         r"|\.open\s*\(\s*[\"'][A-Za-z]+[\"']\s*,)\s*")
_SINK_BEFORE = re.compile(_SINK + r"$")
_SINK_IDENT = re.compile(_SINK + rf"({_IDENT})\b(?!\s*[.(\[])")
_ASSIGN_BEFORE = re.compile(rf"(?:^|[^.\w$])({_IDENT})\s*=\s*$")

_WRITES = (
    (re.compile(r"\bdocument\s*\.\s*cookie\s*=(?!=)\s*"), "cookie", "document.cookie"),
    (re.compile(r"\bdocument\s*\[\s*[\"']cookie[\"']\s*\]\s*=(?!=)\s*"), "cookie", "document.cookie"),
    (re.compile(r"\bCookies\s*\.\s*set\s*\(\s*"), "cookie", "Cookies.set"),
    (re.compile(r"(?:\$|\bjQuery)\s*\.\s*cookie\s*\(\s*(?=[\"'][^\"']{0,200}[\"']\s*,)"), "cookie", "$.cookie"),
    (re.compile(r"\b(local|session)Storage\s*\.\s*setItem\s*\(\s*"), None, "Storage.setItem"),
    (re.compile(r"\b(local|session)Storage\s*\[\s*(?=[\"'][^\"']{0,200}[\"']\s*\]\s*=(?!=))"), None, "Storage[]"),
)
_STORAGE_MEMBER = re.compile(rf"\b(local|session)Storage\s*\.\s*({_IDENT})\s*=(?!=)")
_STORAGE_METHODS = frozenset({"setItem", "getItem", "removeItem", "clear", "key", "length"})


@dataclass(frozen=True, slots=True)
class JsRequest:
    offset: int
    url: str
    loaded: bool


@dataclass(frozen=True, slots=True)
class JsWrite:
    offset: int
    storage: str
    name: str | None
    api: str


@dataclass
class _Scanned:
    code: str  # comments blanked, strings kept
    strings: dict[int, str]  # offset of the opening quote -> value (template: up to the first ${)
    ends: dict[int, int]  # offset of the opening quote -> offset after the closing one

    @cached_property
    def structure(self) -> str:
        """The code with string contents blanked too: what brace matching may read."""
        parts, pos = [], 0
        for start, end in self.ends.items():
            parts.append(self.code[pos:start + 1])
            parts.append(" " * max(0, end - start - 2))
            pos = max(start + 1, end - 1)
        parts.append(self.code[pos:])
        return "".join(parts)


def scan(js: str) -> _Scanned:
    parts: list[str] = []
    strings: dict[int, str] = {}
    ends: dict[int, int] = {}
    pos = 0
    while True:
        m = _SCAN.search(js, pos)
        if not m:
            break
        start, token = m.start(), m.group()
        if token in ("//", "/*"):
            end = js.find("\n", start) if token == "//" else _end_of_block(js, start)
            end = len(js) if end < 0 else end
            parts.append(js[pos:start])
            parts.append(re.sub(r"[^\n]", " ", js[start:end]))
            pos = end
            continue
        if token == "/":
            rx = _REGEX.match(js, start) if _REGEX_BEFORE.search(js, max(0, start - 12), start) else None
            end = rx.end() if rx else start + 1
        else:
            lit = (_TEMPLATE if token == "`" else _STRING[token]).match(js, start)
            end = lit.end() if lit else start + 1
            strings[start] = _unescape(js[start + 1:end - 1] if end - start > 1 else "", token)
            ends[start] = end
        parts.append(js[pos:end])
        pos = end
    parts.append(js[pos:])
    return _Scanned("".join(parts), strings, ends)


def _end_of_block(js: str, start: int) -> int:
    m = _BLOCK_END.search(js, start + 2)
    return m.end() if m else len(js)


def _unescape(body: str, quote: str) -> str:
    if quote == "`":
        body = body.split("${", 1)[0]
    if "\\" not in body:
        return body

    def one(m: re.Match) -> str:
        esc = m.group(1)
        if esc[0] in "xu" and len(esc) > 1:
            return chr(int(esc[1:], 16))
        return {"n": "\n", "t": "\t", "r": "\r"}.get(esc, esc)

    return _ESCAPE.sub(one, body)


@dataclass
class JsResult:
    requests: list[JsRequest]
    writes: list[JsWrite]
    markers: list[tuple[int, str, str, str | None]]  # offset, vendor id, evidence, gate
    consent_defaults: list[tuple[int, tuple[str, ...]]]
    implied: tuple[str, ...]
    regions: list[tuple[int, int, str]] = field(default_factory=list)  # consent callbacks, sorted, disjoint
    config: list[tuple[str, str, bool]] = field(default_factory=list)  # consent manager categories defined here

    def gate_at(self, offset: int) -> str | None:
        i = bisect_right(self.regions, (offset, float("inf"))) - 1
        if i >= 0 and self.regions[i][0] <= offset < self.regions[i][1]:
            return self.regions[i][2]
        return None


# A data file (Sphinx's searchindex.js: `Search.setIndex({...})`, `var DATA = {...};`): one JSON
# literal, passed to a call or assigned. JSON cannot load anything; the code that reads it is elsewhere.
_DATA_HEAD = re.compile(r"\s*(?:(?:var|let|const)\s+[\w$]+\s*=\s*|[\w$][\w$.]*\s*=\s*|[\w$][\w$.]*\()\s*(?=[\[{])")
_DATA_FROM = 64 * 1024  # smaller scripts cost little to scan


# What a JSON literal is made of outside its strings: nothing that could be code. Possessive,
# linear, and it builds no objects (json.loads of a 15 MB index would take ~150 MB).
_JSON_BODY = re.compile(r"""(?:"(?:[^"\\\n]|\\.)*+"|[\s{}\[\]:,0-9eE.+\-]++|true|false|null)*+""")


def is_data(js: str, min_size: int = _DATA_FROM) -> bool:
    """True when the script is one JSON literal, called or assigned: the part after the head is
    JSON tokens only (strings, numbers, punctuation, true/false/null) and then `)` or `;`."""
    if len(js) < min_size:
        return False
    head = _DATA_HEAD.match(js)
    if not head:
        return False
    call = js[head.start():head.end()].rstrip().endswith("(")
    body = _JSON_BODY.match(js, head.end())
    tail = js[body.end():].strip()
    return tail in (");", ")") if call else tail in (";", "")


@lru_cache(maxsize=1)
def _relevant() -> re.Pattern:
    """One pattern for every token that extraction could act on: sinks, storage and cookie APIs,
    consent managers' names, escapes (a host may be written \\x2e), and the catalogue's hosts
    and snippet anchors. A script with none of them yields no fact and is not scanned further."""
    cat = catalogue()
    tokens = {"src", "fetch", "sendBeacon", "importScripts", "getScript", "import", "EventSource", "WebSocket",
              "Worker", "open", "ookie", "Storage", "onsent", "Cookiebot", "Optanon", "OneTrust", "Onetrust",
              "onAccept", "cmplz", "cookieyes", "ucEvent", "UC_UI", "klaro", "_iub", "tarteaucitron", "gtag",
              "\\x", "\\u", "%2"}
    for vendor in cat.vendors.values():
        tokens.update(split_pattern(h)[0] for h in vendor.hosts)
        tokens.update(max(re.findall(r"[\w$.]+", m), key=len) for m in vendor.markers)
        tokens.update(p.strip("/") for p in vendor.paths)
    return re.compile("|".join(sorted(map(re.escape, filter(None, tokens)), key=len, reverse=True)))


def might_act(js: str) -> bool:
    return _relevant().search(js) is not None and not is_data(js)


_MEMO_UP_TO = 64 * 1024  # scripts up to this size are analysed once per worker, whatever page holds them


# Positions where a URL literal is a link or a command argument, not a load (design: "what
# counts as a request"): a property naming a link (readmore, privacy, policy, ...Link, href,
# homepage, website), `uri`/`url` in an object that also has a `name` (a service description),
# an assignment to href or location (navigation), an argument of a command queue's push([...]).
_LINK_KEY = re.compile(r"""['"]?([\w$]{1,40})['"]?\s*:\s*$""")
_LINK_KEYS = re.compile(r"(?i)^(?:readmore\w*|privacy\w*|\w*policy\w*|\w*link|href|homepage|website|home|about\w*)$")
_NAMED_OBJECT = re.compile(r"""['"]?\bname['"]?\s*:""")
_NAVIGATION = re.compile(r"""(?:\.href|\blocation)\s*=\s*$""")
_COMMAND_QUEUE = re.compile(r"""\.push\s*\(\s*\[[^\]\)]{0,200}$""")


def not_a_load(before: str) -> bool:
    """Whether a URL literal preceded by `before` sits where it names a page, not a resource."""
    key = _LINK_KEY.search(before)
    if key:
        name = key.group(1)
        if _LINK_KEYS.match(name) or name.lower() in ("uri", "url") and _NAMED_OBJECT.search(before[-300:]):
            return True
    return bool(_NAVIGATION.search(before) or _COMMAND_QUEUE.search(before))


def extract_js(js: str) -> JsResult:
    """What a script does, by offset. Sites repeat the same inline scripts on every page (theme,
    search options, translations, the analytics snippet): those are analysed once. The result is
    shared: callers must not change it."""
    if len(js) <= _MEMO_UP_TO:
        return _extract_js_memo(js)
    if len(js) <= _LARGE_MEMO_UP_TO:
        return _extract_js_large_memo(js)
    return _extract_js(js)


_LARGE_MEMO_UP_TO = 1024 * 1024  # a few large inline scripts (a translations table on every page)


@lru_cache(maxsize=256)
def _extract_js_memo(js: str) -> JsResult:
    return _extract_js(js)


@lru_cache(maxsize=8)
def _extract_js_large_memo(js: str) -> JsResult:
    return _extract_js(js)


# A JSON-style object literal (quoted keys) after `=`, `(`, `,` or `:`: a candidate data table.
_JSON_START = re.compile(r"""(?<=[=(,:])\s*(?=\{\s*")""")
_URL_STRING = re.compile(r""""(?:https?:)?//[^"\\\s]{1,2000}\"""")
_JSON_BLANK_FROM = 4096


def blank_json(js: str) -> str:
    """`js` with its large JSON literals (page data, translation tables) blanked, newlines and URL
    strings kept: JSON cannot run code, and its text would cost every pattern a pass. Offsets
    and lines stay true; a URL in the data is still a literal a later check may count."""
    if '{"' not in js and '{ "' not in js:
        return js
    parts, at = [], 0
    for m in _JSON_START.finditer(js):
        start = m.end()
        if start < at:
            continue
        end = _JSON_BODY.match(js, start).end()
        if end - start < _JSON_BLANK_FROM or js[end - 1] not in "}]":
            continue
        parts.append(js[at:start])
        parts.append(_blanked(js[start:end]))
        at = end
    if not parts:
        return js
    parts.append(js[at:])
    return "".join(parts)


def _blanked(data: str) -> str:
    out, at = [], 0
    for m in _URL_STRING.finditer(data):
        out.append(_spaces(data[at:m.start()]))
        out.append(m.group())
        at = m.end()
    out.append(_spaces(data[at:]))
    return "".join(out)


def _spaces(text: str) -> str:
    """`text` as spaces, its newlines kept (split and join run in C)."""
    return "\n".join(" " * len(line) for line in text.split("\n"))


def _extract_js(js: str) -> JsResult:
    if not might_act(js):
        return JsResult([], [], [], [], ())
    js = blank_json(js) if len(js) > _JSON_BLANK_FROM else js
    s = scan(js)
    braces = consent.Braces(s.structure)
    refusals = consent.Regions(consent.refusal_regions(s.code, braces))
    requests: list[JsRequest] = []
    url_vars: dict[str, str] = {}
    for offset, value in s.strings.items():
        if not _URLISH.match(value):
            continue
        before = s.code[max(0, offset - 160):offset]
        loaded = bool(_SINK_BEFORE.search(before))
        if not loaded and (not_a_load(s.code[max(0, offset - 400):offset]) or refusals.inside(offset)):
            continue  # a link, a command argument, or code that runs on refusal: nothing is loaded
        requests.append(JsRequest(offset, value, loaded))
        assigned = _ASSIGN_BEFORE.search(before)
        if assigned:
            url_vars[assigned.group(1)] = value
    for m in _SINK_IDENT.finditer(s.code):
        if m.group(1) in url_vars:
            requests.append(JsRequest(m.start(1), url_vars[m.group(1)], True))
    requests.sort(key=lambda r: r.offset)
    markers = [m for m in _markers(s) if not refusals.inside(m[0])]  # a snippet run on refusal loads nothing
    return JsResult(requests, _writes(s), markers, consent.consent_defaults(s.code, braces),
                    consent.implied_consent(s.code), consent.callback_regions(s.code, braces),
                    consent.manager_config(s.code, braces))


def _markers(s: _Scanned) -> list[tuple[int, str, str, str | None]]:
    cat = catalogue()
    found = [(offset, vendor, text, None) for offset, vendor, text in cat.markers_in(s.code)]
    services = cat.tarteaucitron_services
    for offset, key in consent.tarteaucitron_jobs(s.code):
        if key in services:  # tarteaucitron injects the service itself, after consent
            found.append((offset, services[key], f"tarteaucitron.job.push('{key}')", "tarteaucitron"))
    return sorted(found)


def _writes(s: _Scanned) -> list[JsWrite]:
    if "ookie" not in s.code and "Storage" not in s.code:
        return []
    names: dict[str, str] | None = None  # variables holding string literals, found only if a write needs one
    writes = []
    for pattern, storage, api in _WRITES:
        for m in pattern.finditer(s.code):
            kind = storage or m.group(1)
            if m.end() not in s.strings and names is None:
                names = _string_vars(s)
            name = _name_at(s, m.end(), names or {})
            if kind == "cookie" and api == "document.cookie" and name is not None:
                name = name.split("=", 1)[0].strip() if "=" in name or m.end() in s.strings else name
            api_name = api.replace("Storage", f"{kind}Storage") if storage is None else api
            writes.append(JsWrite(m.start(), kind, name or None, api_name))
    for m in _STORAGE_MEMBER.finditer(s.code):
        if m.group(2) not in _STORAGE_METHODS:
            writes.append(JsWrite(m.start(), m.group(1), m.group(2), f"{m.group(1)}Storage.{m.group(2)}"))
    writes.sort(key=lambda w: w.offset)
    return writes


def _name_at(s: _Scanned, offset: int, names: dict[str, str]) -> str | None:
    """The key written: a literal at `offset`, or a variable holding one."""
    if offset in s.strings:
        return s.strings[offset]
    m = re.compile(_IDENT).match(s.code, offset)
    return names.get(m.group()) if m else None


def _string_vars(s: _Scanned) -> dict[str, str]:
    names = {}
    for offset, value in s.strings.items():
        m = _ASSIGN_BEFORE.search(s.code, max(0, offset - 80), offset)
        if m:
            names[m.group(1)] = value
    return names


@dataclass
class JsFacts:
    requests: list[Request]
    writes: list[StorageWrite]
    markers: list[Marker]
    consent_defaults: list[ConsentDefault]
    implied: tuple[str, ...]
    config: list[tuple[str, str, bool]]


def js_facts(js: str, base: str, position, noscript: bool = False, gate: str | None = None) -> JsFacts:
    """Facts of a script; `position` maps an offset in `js` to (line, column). `gate` is the consent
    manager holding back the whole script (its markup), if any."""
    r = extract_js(js)
    requests = []
    for req in r.requests:
        url = resolve(req.url, base)
        if url:
            requests.append(Request(url, JS_LOAD if req.loaded else JS_LITERAL, *position(req.offset), noscript,
                                    gate or r.gate_at(req.offset)))
    writes = [StorageWrite(w.storage, w.name, w.api, *position(w.offset), gate or r.gate_at(w.offset))
              for w in r.writes]
    markers = [Marker(vendor, text, *position(offset), noscript, gate or own or r.gate_at(offset))
               for offset, vendor, text, own in r.markers]
    defaults = [ConsentDefault(*position(offset), denied) for offset, denied in r.consent_defaults]
    return JsFacts(requests, writes, markers, defaults, r.implied, list(r.config))
