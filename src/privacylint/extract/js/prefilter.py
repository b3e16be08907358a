"""Which scripts are worth parsing: the cheap tests that run on every script first.

A script with no token extraction could act on (a sink, a storage or cookie API, a consent
manager's name, an escape, a catalogue host or snippet anchor) yields no fact; a script that is
one JSON literal (a search index) cannot load anything. Neither is parsed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from privacylint.domains import split_pattern
from privacylint.vendors import catalogue

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
              "\\x", "\\u", "\\0", "\\1", "\\2", "\\3", "%2", "write", "innerHTML", "outerHTML",
              "insertAdjacentHTML", "createElement", "Image", "Audio", "WebTransport", ".js", ".css",
              "toDataURL", "getImageData", "WEBGL_debug_renderer_info", "UNMASKED_RENDERER_WEBGL",
              "OfflineAudioContext", "measureText", "offsetWidth"}
    tokens.update(cat.consent_code.words)  # consent managers' callbacks and tests
    tokens.update(("orejime", "Orejime"))
    for vendor in cat.vendors.values():
        tokens.update(split_pattern(h)[0] for h in vendor.hosts)
        tokens.update(max(re.findall(r"[\w$.]+", m), key=len) for m in vendor.markers)
        tokens.update(p.strip("/") for p in vendor.paths)
    return re.compile("|".join(sorted(map(re.escape, filter(None, tokens)), key=len, reverse=True)))


def might_act(js: str) -> bool:
    return _relevant().search(js) is not None and not is_data(js)
