"""Cookie and Web Storage writes a script makes, with the name it writes when the code shows it.

A name is what the code can be seen to pass: a literal, a constant, or the start of a
concatenation (`"_pk_id." + site` is written as the pattern `_pk_id.*`). A key the code computes
(`localStorage.setItem(s, n)` in a bundle) is an unnamed write: recorded, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from privacylint.extract.js.syntax import Script, arguments, dotted, text
from privacylint.extract.js.values import Str, Values

_METHODS = frozenset({"setItem", "getItem", "removeItem", "clear", "key", "length"})
_DOCUMENT = frozenset({"document", "window.document", "self.document"})


@dataclass(frozen=True, slots=True)
class JsWrite:
    offset: int
    storage: str  # cookie | local | session
    name: str | None
    api: str


def _storage(holder: Node | None) -> str | None:
    """`local` or `session` when `holder` is localStorage or sessionStorage (window.… too)."""
    name = dotted(holder)
    if name is None:
        return None
    last = name.rpartition(".")[2]
    return {"localStorage": "local", "sessionStorage": "session"}.get(last)


def _named(value: Str | None) -> str | None:
    if value is None or not value.text.strip():
        return None
    return value.text if value.complete else value.text + "*"


def _cookie_name(value: Str | None) -> str | None:
    """The name a `document.cookie = …` assignment writes: what comes before its first `=`."""
    if value is None:
        return None
    name, equals, _ = value.text.partition("=")
    name = name.strip()
    if equals:
        return name or None
    return None if value.complete or not name else name + "*"


class Writes:
    def __init__(self, script: Script, values: Values):
        self.script = script
        self.values = values

    def read(self) -> list[JsWrite]:
        if "ookie" not in self.script.text and "Storage" not in self.script.text:
            return []
        found: dict[int, JsWrite] = {}
        writes = [self._assigned(a) for a in self.script.nodes("assignment_expression")]
        writes += [self._call(c) for c in self.script.nodes("call_expression")]
        for write in writes:
            if write is not None:
                found.setdefault(write.offset, write)
        return [found[k] for k in sorted(found)]

    def _assigned(self, assign: Node) -> JsWrite | None:
        left = assign.child_by_field_name("left")
        if left is None:
            return None
        if left.type == "subscript_expression":
            return self._indexed(assign)
        if left.type != "member_expression" or left.child_by_field_name("property") is None:
            return None
        key, holder = text(left.child_by_field_name("property")), left.child_by_field_name("object")
        if key == "cookie" and dotted(holder) in _DOCUMENT:
            return self._at(assign, "cookie", _cookie_name(self.values.string(assign.child_by_field_name("right"))),
                            "document.cookie")
        storage = _storage(holder)
        if storage and key not in _METHODS:
            return self._at(assign, storage, key, f"{storage}Storage.{key}")
        return None

    def _indexed(self, assign: Node) -> JsWrite | None:
        left = assign.child_by_field_name("left")
        holder, index = left.child_by_field_name("object"), left.child_by_field_name("index")
        storage = _storage(holder)
        if storage:
            return self._at(assign, storage, _named(self.values.string(index)), f"{storage}Storage[]")
        key = self.values.string(index)
        if dotted(holder) in _DOCUMENT and key is not None and key.complete and key.text == "cookie":
            return self._at(assign, "cookie", _cookie_name(self.values.string(assign.child_by_field_name("right"))),
                            "document.cookie")
        return None

    def _call(self, call: Node) -> JsWrite | None:
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "member_expression" or fn.child_by_field_name("property") is None:
            return None
        method = text(fn.child_by_field_name("property"))
        args = arguments(call) if method in ("setItem", "set", "cookie") else None
        if not args:
            return None
        holder = fn.child_by_field_name("object")
        if method == "setItem":
            storage = _storage(holder)
            if storage:
                return self._at(call, storage, _named(self.values.string(args[0])), f"{storage}Storage.setItem")
            return None
        name = dotted(holder)
        if method == "set" and name == "Cookies":
            return self._at(call, "cookie", _named(self.values.string(args[0])), "Cookies.set")
        if method == "cookie" and name in ("$", "jQuery") and len(args) >= 2:  # one argument reads it
            return self._at(call, "cookie", _named(self.values.string(args[0])), "$.cookie")
        return None

    def _at(self, node: Node, storage: str, name: str | None, api: str) -> JsWrite:
        return JsWrite(self.script.offset(node), storage, name, api)
