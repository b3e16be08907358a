"""A script's syntax tree (tree-sitter's JavaScript grammar), and its literals read as the language
defines them.

tree-sitter parses in C, in time linear in the input, and recovers from errors: a broken or
hostile script still gives a tree whose well-formed parts are read. Its offsets are UTF-8 bytes;
facts are positioned in characters of the text, so `Script.offset` converts.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

import tree_sitter_javascript
from tree_sitter import Language, Node, Parser

# Nodes whose body is a scope of its own (var, let and const are read as function-scoped).
FUNCTIONS = frozenset({"function_declaration", "function_expression", "arrow_function", "method_definition",
                       "generator_function_declaration", "generator_function", "class_static_block"})
SCOPES = FUNCTIONS | {"program"}


@lru_cache(maxsize=1)
def language() -> Language:
    return Language(tree_sitter_javascript.language())


@lru_cache(maxsize=1)
def _parser() -> Parser:
    return Parser(language())


# The node kinds any reader looks at, gathered in one walk. (tree-sitter's queries would match in
# C, but their cost grows with the square of the nesting depth: 200,000 nested parentheses take
# minutes; a cursor walk takes milliseconds, whatever the shape.)
COLLECTED = ("call_expression", "new_expression", "assignment_expression", "string", "template_string",
             "variable_declarator", "pair", "method_definition", "function_declaration", "if_statement",
             "ternary_expression", "binary_expression", "object")


class Script:
    """A parsed script: its text, its tree, and character offsets for the tree's byte offsets."""

    def __init__(self, text: str):
        self.text = text
        data = text.encode("utf-8", "surrogatepass")
        self.root = _parser().parse(data).root_node
        self._by_kind: dict[str, list[Node]] | None = None
        self._chars: list[int] = []  # character offset of each non-ASCII character ...
        self._bytes: list[int] = []  # ... its byte offset ...
        self._extra: list[int] = []  # ... and the bytes beyond one of it and those before it
        if len(data) != len(text):
            extra = 0
            for m in _NON_ASCII.finditer(text):
                self._chars.append(m.start())
                self._bytes.append(m.start() + extra)
                extra += len(m.group().encode("utf-8", "surrogatepass")) - 1
                self._extra.append(extra)

    def nodes(self, kind: str) -> list[Node]:
        """Every node of a kind in COLLECTED, in document order."""
        if self._by_kind is None:
            self._by_kind = self._walk()
        return self._by_kind.get(kind, [])

    def _walk(self) -> dict[str, list[Node]]:
        lang = language()
        kinds = {lang.id_for_node_kind(kind, True): kind for kind in COLLECTED}
        found: dict[str, list[Node]] = {kind: [] for kind in COLLECTED}
        cursor = self.root.walk()
        while True:
            node = cursor.node
            kind = kinds.get(node.kind_id)
            if kind is not None:
                found[kind].append(node)
            if cursor.goto_first_child():
                continue
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent():
                    return found

    def char(self, byte: int) -> int:
        """The character offset of a byte offset."""
        if not self._bytes:
            return byte
        i = bisect_left(self._bytes, byte)
        return byte - (self._extra[i - 1] if i else 0)

    def byte(self, char: int) -> int:
        """The byte offset of a character offset."""
        if not self._chars:
            return char
        i = bisect_left(self._chars, char)
        return char + (self._extra[i - 1] if i else 0)

    def offset(self, node: Node) -> int:
        return self.char(node.start_byte)

    def span(self, node: Node) -> tuple[int, int]:
        return self.char(node.start_byte), self.char(node.end_byte)

    def source(self, node: Node) -> str:
        start, end = self.span(node)
        return self.text[start:end]


_NON_ASCII = re.compile(r"[^\x00-\x7f]")

# -- literals ----------------------------------------------------------------------------------
_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]{1,8}\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-3][0-7]{0,2}|[4-7][0-7]?"
                     r"|\r\n|[\s\S])")
_SINGLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "\n": "", "\r\n": "", "\r": "",
           "\u2028": "", "\u2029": ""}


def _escape(m: re.Match) -> str:
    esc = m.group(1)
    if esc[0] == "u" and len(esc) > 1:
        code = int(esc[2:-1] if esc[1] == "{" else esc[1:], 16)
        return chr(code) if code <= 0x10FFFF else "\ufffd"
    if esc[0] == "x" and len(esc) > 1:
        return chr(int(esc[1:], 16))
    if esc[0] in "01234567":  # legacy octal (sloppy mode): \0 is NUL, \147 is "g"
        return chr(int(esc, 8))
    return _SINGLE.get(esc, esc)


def unescape(raw: str) -> str:
    """The value of the characters of a string literal between its quotes (or of a template's
    static part): every escape of ECMAScript, surrogate pairs joined."""
    if "\\" not in raw:
        return raw
    value = _ESCAPE.sub(_escape, raw)
    if any("\ud800" <= c <= "\udfff" for c in value):  # \ud83d\ude00 is one character
        value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace") \
            if _paired(value) else value
    return value


def _paired(value: str) -> bool:
    """Whether every surrogate in `value` is part of a pair (then they can be joined)."""
    i = 0
    while i < len(value):
        c = value[i]
        if "\ud800" <= c <= "\udbff" and i + 1 < len(value) and "\udc00" <= value[i + 1] <= "\udfff":
            i += 2
            continue
        if "\ud800" <= c <= "\udfff":
            return False
        i += 1
    return True


def string_value(script: Script, node: Node) -> str:
    """The value of a `string` node."""
    raw = script.source(node)
    return unescape(raw[1:-1] if len(raw) >= 2 and raw[-1] == raw[0] else raw[1:])


def callee_name(node: Node) -> str | None:
    """The name a call's function is known by: `f` for f(), `setItem` for a.b.setItem()."""
    fn = node.child_by_field_name("function") if node.type == "call_expression" else \
        node.child_by_field_name("constructor")
    if fn is None:
        return None
    if fn.type == "identifier":
        return fn.text.decode("utf-8", "surrogatepass")
    if fn.type == "member_expression":
        prop = fn.child_by_field_name("property")
        return prop.text.decode("utf-8", "surrogatepass") if prop is not None else None
    if fn.type == "import":
        return "import"
    return None


def dotted(node: Node | None, limit: int = 6) -> str | None:
    """`window.localStorage.setItem` as written (identifiers and properties only), else None."""
    parts = []
    while node is not None and len(parts) < limit:
        if node.type in ("identifier", "this"):
            parts.append(node.text.decode("utf-8", "surrogatepass"))
            return ".".join(reversed(parts))
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            if prop is None:
                return None
            parts.append(prop.text.decode("utf-8", "surrogatepass"))
            node = node.child_by_field_name("object")
        elif node.type == "parenthesized_expression":
            node = node.named_child(0)
        else:
            return None
    return None


def arguments(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    if args is None or args.type != "arguments":
        return []
    return [a for a in args.named_children if a.type != "comment"]


def text(node: Node) -> str:
    return node.text.decode("utf-8", "surrogatepass")
