"""What a script makes the browser fetch (design.md, "What counts as a contact"), read from its
syntax tree:

- a URL flowing into a load: `fetch`, `sendBeacon`, `XMLHttpRequest.open`, `import()`,
  `importScripts`, workers, sockets and event sources, `.src =` and `setAttribute("src", …)`;
- an element the code creates (`document.createElement("script")`, `new Image()`), with the
  attributes it sets before inserting it: its URL, its `type` and consent manager attributes (a
  gate, read with the same rules as markup), its referrer policy;
- a call of the site's own function that wraps one of these (`function load(u) { fetch(u) }`);
- HTML the code writes (`document.write`, `innerHTML`, `insertAdjacentHTML`): its markup's loads;
- any other string literal that is an absolute URL, kept as a bare literal (it counts only when
  it names a catalogue host), unless it sits where it names a page: a link property, the url of a
  described service, navigation, a command queue's arguments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node

from privacylint.extract.js.syntax import Script, arguments, callee_name, dotted, text
from privacylint.extract.js.values import Param, Str, Values, function_name

URLISH = re.compile(r"^(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}", re.I)
CREATED = "(created by script)"  # the kind suffix of a load through an element the code creates

_URL_ARGUMENT = {"fetch": 0, "sendBeacon": 0, "importScripts": 0, "getScript": 0, "addScript": 0, "import": 0}
_CONSTRUCTED = frozenset({"WebSocket", "EventSource", "Worker", "SharedWorker", "WebTransport"})
_INSERTS = frozenset({"appendChild", "insertBefore", "append", "prepend", "after", "before", "replaceWith",
                      "insertAdjacentElement", "replaceChild"})
_HTML_WRITES = {"write": 0, "writeln": 0, "insertAdjacentHTML": 1}
_HTTP_METHOD = re.compile(r"^[A-Za-z]{3,10}$")
# A path of the site's own files, as code names it: "js/app.js", "./chunk.js", "/css/" (a folder).
_FILE_NAME = re.compile(r"^(?:\.{1,2}/|/)?(?:[\w@%~+-][\w@%.~+-]*/)*[\w@%~+-][\w@%.~+-]*\.(?:m?js|css)(?:[?#].*)?$")
_PATH_START = re.compile(r"^(?:\.{1,2}/|/)?(?:[\w@%~+-][\w@%.~+-]*/?)*$")
_JS_TYPES = frozenset({"", "module", "text/javascript", "application/javascript", "text/ecmascript",
                       "application/ecmascript", "application/x-javascript", "text/x-javascript",
                       "text/jscript", "text/babel"})
_ELEMENT_URL = {"script": "src", "img": "src", "iframe": "src", "frame": "src", "embed": "src", "video": "src",
                "audio": "src", "source": "src", "track": "src", "object": "data", "link": "href", "input": "src"}
_LOADS_WHEN_SET = frozenset({"img", "input"})  # an image loads as soon as it has a src, inserted or not
_LINK_RELS = ("stylesheet", "preload", "prefetch", "modulepreload", "preconnect", "dns-prefetch", "icon",
              "manifest", "prerender")
_PROPERTIES = {"src": "src", "type": "type", "referrerPolicy": "referrerpolicy", "rel": "rel", "href": "href",
               "data": "data", "className": "class", "async": "async", "defer": "defer", "srcdoc": "srcdoc"}

# Where a URL literal names a page, not a resource.
_LINK_KEYS = re.compile(r"(?i)^(?:readmore\w*|privacy\w*|\w*policy\w*|\w*link|href|homepage|website|home|about\w*)$")
_NAVIGATION = frozenset({"href", "location"})

_CALLS = frozenset({*_URL_ARGUMENT, "open", "setAttribute", "createElement", "createElementNS", *_INSERTS,
                    *_HTML_WRITES})
_NEWS = _CONSTRUCTED | {"Image", "Audio"}
_ASSIGNED = frozenset({*_PROPERTIES, "innerHTML", "outerHTML", "location"})


@dataclass(frozen=True, slots=True)
class JsRequest:
    offset: int
    url: str
    loaded: bool
    kind: str | None = None  # an element's "<script src> (created by script)"; None: a load or a bare literal
    gate: str | None = None  # the consent manager (and category) an element's attributes name
    referrer: str | None = None


@dataclass
class _Element:
    tag: str
    offset: int
    attrs: dict[str, tuple[int, Str | None]] = field(default_factory=dict)  # name -> (offset, value)
    inserted: int | None = None  # offset of the first insertion


class Loads:
    """The loads of one script; `read()` returns them with the HTML fragments it writes."""

    def __init__(self, script: Script, values: Values):
        self.script = script
        self.values = values
        self.requests: list[JsRequest] = []
        self.fragments: list[tuple[int, str]] = []  # (offset, markup) written into the page
        self.consumed: set[int] = set()  # literal nodes read as part of a load
        self.elements: dict[int, _Element] = {}
        self.wrappers: dict[str, set[int]] = {}  # function name -> parameters that flow into a load
        self.not_loads: set[int] = set()  # literal nodes in navigation
        # the site's own files the code may load, as written: a path, a path's start ending in "*",
        # or "*.js"/"*.css" where it loads a script or stylesheet whose URL it computes
        self.mentions: set[str] = set()

    def read(self) -> list[JsRequest]:
        for node, handle in sorted(self._sinks(), key=lambda found: found[0].start_byte):
            handle(node)
        self._element_loads()
        self._wrapped_loads()
        self._literals()
        self.requests.sort(key=lambda r: r.offset)
        return self.requests

    # -- sinks -------------------------------------------------------------------------------
    def _sinks(self) -> list[tuple[Node, object]]:
        """The calls, constructions and assignments that may load or build an element, with
        their handler, in any order."""
        found: list[tuple[Node, object]] = [(c, self._call) for c in self.script.nodes("call_expression")
                                            if callee_name(c) in _CALLS]
        found += [(n, self._new) for n in self.script.nodes("new_expression")
                  if n.child_by_field_name("constructor") is not None
                  and text(n.child_by_field_name("constructor")) in _NEWS]
        for assign in self.script.nodes("assignment_expression"):
            left = assign.child_by_field_name("left")
            if left is None:
                continue
            if left.type == "member_expression":
                prop, holder = left.child_by_field_name("property"), left.child_by_field_name("object")
                if prop is not None and text(prop) in _ASSIGNED:
                    found.append((assign, self._assign))
                elif holder is not None and holder.type == "member_expression" \
                        and text(holder.child_by_field_name("property") or holder) == "dataset":
                    found.append((assign, self._dataset))
            elif left.type == "identifier" and text(left) == "location":
                found.append((assign, lambda a: self._navigate(a.child_by_field_name("right"))))
        return found

    def _call(self, call: Node) -> None:
        name = callee_name(call)
        args = arguments(call)
        if name in _URL_ARGUMENT and len(args) > _URL_ARGUMENT[name]:
            self._load(args[_URL_ARGUMENT[name]], runs=None if name in ("fetch", "sendBeacon") else "*.js")
        elif name == "open" and len(args) >= 2 and call.child_by_field_name("function").type == "member_expression":
            method = self.values.string(args[0])
            if method is not None and method.complete and _HTTP_METHOD.match(method.text):
                self._load(args[1])
        elif name == "setAttribute" and len(args) >= 2:
            self._set_attribute(call, args)
        elif name in ("createElement", "createElementNS"):
            self._element_of(call)
        elif name in _INSERTS:
            for arg in args:
                element = self._element_of(arg)
                if element is not None and element.inserted is None:
                    element.inserted = self.script.offset(call)
        elif name in _HTML_WRITES and len(args) > _HTML_WRITES[name]:
            obj = dotted(call.child_by_field_name("function").child_by_field_name("object")) \
                if call.child_by_field_name("function").type == "member_expression" else None
            if name == "insertAdjacentHTML" or obj in ("document", "window.document"):
                self._fragment(args[_HTML_WRITES[name]])

    def _new(self, new: Node) -> None:
        ctor = text(new.child_by_field_name("constructor"))
        if ctor in _CONSTRUCTED:
            args = arguments(new)
            if args:
                self._load(args[0], runs="*.js" if ctor.endswith("Worker") else None)
        else:
            self._element_of(new)

    def _assign(self, assign: Node) -> None:
        left, right = assign.child_by_field_name("left"), assign.child_by_field_name("right")
        prop = text(left.child_by_field_name("property"))
        if prop in ("innerHTML", "outerHTML"):
            self._fragment(right)
            return
        if prop in ("href", "location"):
            element = self._element_of(left.child_by_field_name("object"))
            if element is None or element.tag != "link":
                self._navigate(right)
                return
        element = self._element_of(left.child_by_field_name("object"))
        if element is not None:
            self._attribute(element, _PROPERTIES.get(prop, prop), right)
        elif prop == "src":
            self._load(right)

    def _dataset(self, assign: Node) -> None:
        left = assign.child_by_field_name("left")
        holder = left.child_by_field_name("object").child_by_field_name("object")
        element = self._element_of(holder)
        if element is not None:
            name = re.sub(r"[A-Z]", lambda m: "-" + m.group().lower(), text(left.child_by_field_name("property")))
            self._attribute(element, f"data-{name}", assign.child_by_field_name("right"))

    def _set_attribute(self, call: Node, args: list[Node]) -> None:
        name = self.values.string(args[0])
        if name is None or not name.complete:
            return
        attr = name.text.strip().lower()
        fn = call.child_by_field_name("function")
        element = self._element_of(fn.child_by_field_name("object")) if fn.type == "member_expression" else None
        if element is not None:
            self._attribute(element, attr, args[1])
        elif attr == "src":
            self._load(args[1])

    def _navigate(self, value: Node | None) -> None:
        if value is not None:
            literal = self._leftmost_literal(value)
            if literal is not None:
                self.not_loads.add(literal.id)

    def _load(self, arg: Node, kind: str | None = None, runs: str | None = None) -> None:
        """A URL flowing into a load; `runs`: "*.js" where what it loads runs as a script."""
        value = self.values.string(arg)
        if value is not None and URLISH.match(value.text):
            literal = self._leftmost_literal(arg)
            if literal is not None:
                self.consumed.add(literal.id)
            self.requests.append(JsRequest(self.script.offset(arg), value.text, True, kind))
        else:
            self._maybe_wrapper(arg)
            self._mention(value, runs)

    def _mention(self, value: Str | None, unknown: str | None) -> None:
        """A load of the site's own file: its path, the start of it, or (computed) any such file."""
        if value is None or not value.text:
            if unknown:
                self.mentions.add(unknown)
        elif _PATH_START.match(value.text) and not value.text.startswith("//"):
            self.mentions.add(value.text if value.complete else value.text + "*")

    def _maybe_wrapper(self, arg: Node) -> None:
        param = self.values.leading_param(arg)
        if isinstance(param, Param):
            name = function_name(param.function)
            if name:
                self.wrappers.setdefault(name, set()).add(param.index)

    def _fragment(self, value: Node) -> None:
        markup = self.values.string(value)
        if markup is not None and "<" in markup.text:
            self.fragments.append((self.script.offset(value), markup.text))

    # -- elements the code creates ------------------------------------------------------------
    def _element_of(self, node: Node | None) -> _Element | None:
        """The element an expression is, when it is one the code creates here."""
        if node is None:
            return None
        while node.type == "parenthesized_expression" and node.named_child_count:
            node = node.named_child(0)
        if node.type == "identifier":
            found = self.values.resolve(node)
            if not isinstance(found, list) or len(found) != 1:
                return None
            node = found[0]
            while node.type == "parenthesized_expression" and node.named_child_count:
                node = node.named_child(0)
        if node.id in self.elements:
            return self.elements[node.id]
        tag = self._created_tag(node)
        if tag is None:
            return None
        element = self.elements[node.id] = _Element(tag, self.script.offset(node))
        return element

    def _created_tag(self, node: Node) -> str | None:
        if node.type == "new_expression":
            ctor = node.child_by_field_name("constructor")
            return {"Image": "img", "Audio": "audio"}.get(text(ctor)) if ctor is not None else None
        if node.type == "call_expression" and callee_name(node) in ("createElement", "createElementNS"):
            args = arguments(node)
            if args:
                tag = self.values.string(args[-1] if callee_name(node) == "createElementNS" else args[0])
                if tag is not None and tag.complete:
                    return tag.text.strip().lower().rpartition(":")[2]
        return None

    def _attribute(self, element: _Element, name: str, value: Node) -> None:
        offset = self.script.offset(value)
        found = self.values.string(value)
        if name == _ELEMENT_URL.get(element.tag) or name.startswith("data-") and "src" in name:
            literal = self._leftmost_literal(value)
            if literal is not None:
                self.consumed.add(literal.id)
            if found is None or not URLISH.match(found.text):
                self._maybe_wrapper(value)
        element.attrs[name] = (offset, found)

    def _element_loads(self) -> None:
        from privacylint.extract import consent

        for element in self.elements.values():
            url_attr = _ELEMENT_URL.get(element.tag)
            if url_attr is None:
                continue
            attrs = {name: (value.text if value is not None else "") for name, (_, value) in element.attrs.items()}
            gate, attr = None, url_attr
            if element.tag == "script":
                if attrs.get("type", "").strip().lower() not in _JS_TYPES:
                    gate = consent.script_gate(attrs)
                    if gate is None:
                        continue  # not JavaScript and held by no consent manager: never run
                    deferred = consent.deferred_url(attrs)
                    if deferred is None:
                        continue
                    attr = deferred[0]
            elif element.tag == "link" and not any(rel in attrs.get("rel", "").lower().split() for rel in _LINK_RELS):
                continue
            elif element.tag in ("iframe", "img", "frame", "embed", "video", "audio", "source"):
                held = consent.embed_gate(attrs)
                if held is not None:
                    gate, attr, _ = held
            if element.tag not in _LOADS_WHEN_SET and element.inserted is None and gate is None \
                    and element.tag not in ("script", "iframe", "link"):
                continue
            offset, value = element.attrs.get(attr, (element.offset, None))
            if value is None or not URLISH.match(value.text):
                if element.tag in ("script", "link"):
                    self._mention(value, "*.js" if element.tag == "script" else "*.css")
                continue
            referrer = attrs.get("referrerpolicy", "").strip().lower() or None
            self.requests.append(JsRequest(offset, value.text, True, f"<{element.tag} {attr}> {CREATED}", gate,
                                           referrer))

    # -- calls of the site's own functions that wrap a load -----------------------------------
    def _wrapped_loads(self) -> None:
        done: set[str] = set()
        for _ in range(3):  # a wrapper of a wrapper of a load
            names = sorted(set(self.wrappers) - done)
            if not names:
                return
            done.update(names)
            wanted = set(names)
            for call in self.script.nodes("call_expression"):
                fn = call.child_by_field_name("function")
                if fn is None or fn.type != "identifier" or text(fn) not in wanted:
                    continue
                args = arguments(call)
                for index in sorted(self.wrappers.get(callee_name(call) or "", ())):
                    if index < len(args):
                        self._load(args[index])

    # -- bare literals ---------------------------------------------------------------------
    def _literals(self) -> None:
        for node in self.script.nodes("string") + self.script.nodes("template_string"):
            if node.id in self.consumed or node.id in self.not_loads:
                continue
            raw = node.text
            if b"/" not in raw and b"\\" not in raw and b".js" not in raw and b".css" not in raw:
                continue
            value = self.values.string(node)
            if value is not None and value.complete and _FILE_NAME.match(value.text):
                self.mentions.add(value.text)
            if value is None or not URLISH.match(value.text) or self._names_a_page(node):
                continue
            self.requests.append(JsRequest(self.script.offset(node), value.text, False))

    def _names_a_page(self, node: Node) -> bool:
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

    def _leftmost_literal(self, node: Node) -> Node | None:
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
