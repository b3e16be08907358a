"""Bare URL literals: any string a script holds that is an absolute URL (it counts as a contact
only when it names a catalogue host, since vendors assemble their URLs at run time), unless it
sits where it names a page: a link property, the url of a described service, navigation, a
command queue's arguments. Also the site's own file names a script holds (it may load them)."""

from __future__ import annotations

import re

from tree_sitter import Node

from privacylint.extract.js.results import URLISH, JsRequest
from privacylint.extract.js.syntax import Script, arguments, callee_name, dotted, text
from privacylint.extract.js.values import Values

_LINK_KEYS = re.compile(r"(?i)^(?:readmore\w*|privacy\w*|\w*policy\w*|\w*link|href|homepage|website|home|about\w*)$")
# A path of the site's own files, as code names it: "js/app.js", "./chunk.js".
FILE_NAME = re.compile(r"^(?:\.{1,2}/|/)?(?:[\w@%~+-][\w@%.~+-]*/)*[\w@%~+-][\w@%.~+-]*\.(?:m?js|css)(?:[?#].*)?$")


def bare_literals(script: Script, values: Values, skip: set[int], mentions: set[str]) -> list[JsRequest]:
    """The URL literals of a script not in `skip` (node ids read as part of a load or navigation);
    file names of the site's own are added to `mentions`."""
    found = []
    for node in script.nodes("string") + script.nodes("template_string"):
        if node.id in skip:
            continue
        raw = node.text
        if b"/" not in raw and b"\\" not in raw and b".js" not in raw and b".css" not in raw:
            continue
        value = values.string(node)
        if value is not None and value.complete and FILE_NAME.match(value.text):
            mentions.add(value.text)
        if value is None or not URLISH.match(value.text) or names_a_page(node):
            continue
        found.append(JsRequest(script.offset(node), value.text, False))
    return found


def names_a_page(node: Node) -> bool:
    """Whether a literal sits where it names a page: a link property, a described service's
    url, navigation, an argument of a command queue's push([...])."""
    child, parent = node, node.parent
    for _ in range(64):  # bounded: a literal deeper in a concatenation is read as a plain literal
        if parent is None or parent.type not in ("binary_expression", "parenthesized_expression",
                                                 "template_substitution", "template_string"):
            break
        child, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type == "pair" and _same(parent.child_by_field_name("value"), child):
        key = _key(parent)
        if key is not None and (_LINK_KEYS.match(key) or key.lower() in ("uri", "url") and _has_key(parent.parent,
                                                                                                   "name")):
            return True
    if parent.type == "array":
        holder = parent.parent
        if holder is not None and holder.type == "arguments" and callee_name(holder.parent) == "push":
            return True
    if parent.type == "arguments" and parent.parent is not None:
        call = parent.parent
        name = callee_name(call)
        obj = dotted(call.child_by_field_name("function").child_by_field_name("object")) \
            if call.child_by_field_name("function") is not None \
            and call.child_by_field_name("function").type == "member_expression" else None
        if name in ("assign", "replace") and obj and obj.endswith("location"):
            return True
        if name == "open" and obj in ("window", None) and len(arguments(call)) < 2:
            return True
    return False


def leftmost_literal(node: Node) -> Node | None:
    """The string or template an expression starts with, if it starts with one."""
    for _ in range(64):
        if node.type in ("string", "template_string"):
            return node
        if node.type == "binary_expression":
            node = node.child_by_field_name("left")
        elif node.type == "parenthesized_expression" and node.named_child_count:
            node = node.named_child(0)
        else:
            return None
        if node is None:
            return None
    return None


def _same(a: Node | None, b: Node) -> bool:
    return a is not None and a.id == b.id


def _key(pair: Node) -> str | None:
    key = pair.child_by_field_name("key")
    if key is None:
        return None
    raw = text(key)
    return raw[1:-1] if key.type == "string" and len(raw) >= 2 else raw


def _has_key(obj: Node | None, name: str) -> bool:
    if obj is None or obj.type != "object":
        return False
    return any(c.type == "pair" and _key(c) == name or c.type == "shorthand_property_identifier" and text(c) == name
               for c in obj.named_children)
