"""Fingerprinting in a script's own code: reading what makes a browser recognisable without
storing anything (ePrivacy Art. 5(3) covers gaining access to information on the device as much
as storing it). Each reading is a pattern with no ordinary use:

- canvas: a canvas the code creates and never shows, text drawn on it, its pixels read back
  (toDataURL, getImageData, toBlob), all in one function;
- WebGL: the debug renderer info extension, which names the graphics card;
- audio: an OfflineAudioContext rendering an oscillator through a compressor;
- fonts: text measured (measureText, offsetWidth) against a list of many font families.

Vendor scripts cannot run offline: what they do is seen by `--browser` only (and reported as
observed). A chart that draws labels and exports a PNG shows its canvas, so it is not a match.
"""

from __future__ import annotations

from tree_sitter import Node

from privacylint.extract.js.syntax import Script, arguments, callee_name, text
from privacylint.extract.js.values import Values

_READS = frozenset({"toDataURL", "getImageData", "toBlob", "convertToBlob"})
_DRAWS = frozenset({"fillText", "strokeText"})
_SHOWS = frozenset({"appendChild", "append", "prepend", "insertBefore", "replaceWith", "after", "before"})
_FONTS = frozenset(name.lower() for name in (
    "Arial", "Arial Black", "Arial Narrow", "Calibri", "Cambria", "Candara", "Comic Sans MS", "Consolas",
    "Constantia", "Corbel", "Courier", "Courier New", "Franklin Gothic Medium", "Garamond", "Georgia", "Helvetica",
    "Impact", "Lucida Console", "Lucida Sans Unicode", "Microsoft Sans Serif", "Palatino", "Palatino Linotype",
    "Segoe UI", "Tahoma", "Times", "Times New Roman", "Trebuchet MS", "Verdana", "Wingdings", "Book Antiqua",
    "Bookman Old Style", "Century Gothic", "Monaco", "Geneva", "Optima", "Futura", "Gill Sans", "Didot",
    "Baskerville", "Menlo", "Andale Mono", "MS Gothic", "MS Mincho", "SimSun", "Marlett", "Symbol",
))
_FONT_LIST = 12  # known families in one array literal: a probe list, not a font stack


def fingerprinting(script: Script, values: Values) -> list[tuple[int, str, str]]:
    """(offset, kind, evidence) of each fingerprint reading in the script."""
    text_ = script.text
    found = []
    if any(read in text_ for read in _READS) and ("fillText" in text_ or "strokeText" in text_):
        found += _canvas(script, values)
    if "WEBGL_debug_renderer_info" in text_ or "UNMASKED_RENDERER_WEBGL" in text_:
        found += _webgl(script)
    if "OfflineAudioContext" in text_ and "createOscillator" in text_:
        found += _audio(script, values)
    if "measureText" in text_ or "offsetWidth" in text_:
        found += _fonts(script)
    return sorted(found)


def _calls_by_scope(script: Script, values: Values, names: frozenset[str]) -> dict[int, list[tuple[str, Node]]]:
    out: dict[int, list[tuple[str, Node]]] = {}
    for call in script.nodes("call_expression"):
        name = callee_name(call)
        if name in names:
            scope = values.scope_of(call)
            out.setdefault(scope.id if scope is not None else -1, []).append((name, call))
    return out


def _canvas(script: Script, values: Values) -> list[tuple[int, str, str]]:
    names = _READS | _DRAWS | _SHOWS | {"createElement", "getContext"}
    found = []
    for calls in _calls_by_scope(script, values, names).values():
        kinds = {name for name, _ in calls}
        creates = any(name == "createElement" and _string_arg(values, call) == "canvas" for name, call in calls)
        if not (creates and kinds & _DRAWS and kinds & _READS) or kinds & _SHOWS:
            continue
        read = next(call for name, call in calls if name in _READS)
        found.append((script.offset(read), "canvas-fingerprint",
                      f"text drawn ({', '.join(sorted(kinds & _DRAWS))}) on a canvas the page never shows, then "
                      f"its pixels read ({callee_name(read)})"))
    return found


def _webgl(script: Script) -> list[tuple[int, str, str]]:
    for node in script.nodes("string") + script.nodes("call_expression"):
        source = text(node)
        if "WEBGL_debug_renderer_info" in source or "UNMASKED_RENDERER_WEBGL" in source:
            return [(script.offset(node), "webgl-fingerprint",
                     "the WebGL debug renderer info read (it names the graphics card and driver)")]
    return []


def _audio(script: Script, values: Values) -> list[tuple[int, str, str]]:
    contexts = [n for n in script.nodes("new_expression")
                if n.child_by_field_name("constructor") is not None
                and text(n.child_by_field_name("constructor")).endswith("OfflineAudioContext")]
    scopes = {values.scope_of(n).id if values.scope_of(n) is not None else -1: n for n in contexts}
    by_scope = _calls_by_scope(script, values, frozenset({"createOscillator", "createDynamicsCompressor"}))
    found = []
    for scope, context in scopes.items():
        kinds = {name for name, _ in by_scope.get(scope, ())}
        if kinds == {"createOscillator", "createDynamicsCompressor"}:
            found.append((script.offset(context), "audio-fingerprint",
                          "an oscillator rendered offline through a compressor (an audio fingerprint)"))
    return found


def _fonts(script: Script) -> list[tuple[int, str, str]]:
    for array in _arrays(script):
        known = sum(1 for item in array.named_children
                    if item.type == "string" and text(item)[1:-1].strip().lower() in _FONTS)
        if known >= _FONT_LIST:
            return [(script.offset(array), "font-fingerprint",
                     f"text measured against a list of {known} font families (which fonts are installed)")]
    return []


def _arrays(script: Script):
    """Array literals, found from their strings' parents (no walk of its own)."""
    seen = set()
    for node in script.nodes("string"):
        parent = node.parent
        if parent is not None and parent.type == "array" and parent.id not in seen:
            seen.add(parent.id)
            yield parent


def _string_arg(values: Values, call: Node) -> str | None:
    args = arguments(call)
    value = values.string(args[0]) if args else None
    return value.text.strip().lower() if value is not None and value.complete else None
