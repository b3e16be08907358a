"""What a script makes the browser fetch (design.md, "What counts as a contact"), read from its
syntax tree:

- a URL flowing into a load: `fetch`, `sendBeacon`, `XMLHttpRequest.open`, `import()`,
  `importScripts`, workers, sockets and event sources, `.src =` and `setAttribute("src", …)`;
- an element the code creates (`document.createElement("script")`, `new Image()`), with the
  attributes it sets before inserting it: its URL, its `type` and consent manager attributes (a
  gate, read with the same rules as markup), its referrer policy;
- a call of the site's own function that wraps one of these (`function load(u) { fetch(u) }`);
- HTML the code writes (`document.write`, `innerHTML`, `insertAdjacentHTML`): its markup's loads;
- any other URL literal, kept as a bare literal (literals.py).
Elements the code creates are read in elements.py.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from privacylint.extract.js.elements import Elements
from privacylint.extract.js.literals import bare_literals, leftmost_literal
from privacylint.extract.js.results import URLISH, JsRequest
from privacylint.extract.js.syntax import Script, arguments, callee_name, dotted, text
from privacylint.extract.js.values import Param, Str, Values, function_name

_URL_ARGUMENT = {"fetch": 0, "sendBeacon": 0, "importScripts": 0, "getScript": 0, "addScript": 0, "import": 0}
_CONSTRUCTED = frozenset({"WebSocket", "EventSource", "Worker", "SharedWorker", "WebTransport"})
_INSERTS = frozenset({"appendChild", "insertBefore", "append", "prepend", "after", "before", "replaceWith",
                      "insertAdjacentElement", "replaceChild"})
_HTML_WRITES = {"write": 0, "writeln": 0, "insertAdjacentHTML": 1}
_HTTP_METHOD = re.compile(r"^[A-Za-z]{3,10}$")
# The start of a path of the site's own files, as code builds it: "/css/", "js/chunk-".
_PATH_START = re.compile(r"^(?:\.{1,2}/|/)?(?:[\w@%~+-][\w@%.~+-]*/?)*$")
_PROPERTIES = {"src": "src", "type": "type", "referrerPolicy": "referrerpolicy", "rel": "rel", "href": "href",
               "data": "data", "className": "class", "async": "async", "defer": "defer", "srcdoc": "srcdoc"}

_CALLS = frozenset({*_URL_ARGUMENT, "open", "setAttribute", "createElement", "createElementNS", *_INSERTS,
                    *_HTML_WRITES})
_NEWS = _CONSTRUCTED | {"Image", "Audio"}
_ASSIGNED = frozenset({*_PROPERTIES, "innerHTML", "outerHTML", "location"})


class Loads:
    """The loads of one script; `read()` returns them with the HTML fragments it writes."""

    def __init__(self, script: Script, values: Values):
        self.script = script
        self.values = values
        self.requests: list[JsRequest] = []
        self.fragments: list[tuple[int, str]] = []  # (offset, markup) written into the page
        self.consumed: set[int] = set()  # literal nodes read as part of a load
        self.elements = Elements(script, values, self)
        self.wrappers: dict[str, set[int]] = {}  # function name -> parameters that flow into a load
        # function name -> (the function, an element it builds from its parameters)
        self.element_wrappers: dict[str, list[tuple[Node, object]]] = {}
        self.not_loads: set[int] = set()  # literal nodes in navigation
        # the site's own files the code may load, as written: a path, a path's start ending in "*",
        # or "*.js"/"*.css" where it loads a script or stylesheet whose URL it computes
        self.mentions: set[str] = set()

    def read(self) -> list[JsRequest]:
        for node, handle in sorted(self._sinks(), key=lambda found: found[0].start_byte):
            handle(node)
        self.requests += self.elements.requests()
        self._wrapped_loads()
        self.requests += bare_literals(self.script, self.values, self.consumed | self.not_loads, self.mentions)
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
            self.elements.of(call)
        elif name in _INSERTS:
            for arg in args:
                element = self.elements.of(arg)
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
            self.elements.of(new)

    def _assign(self, assign: Node) -> None:
        left, right = assign.child_by_field_name("left"), assign.child_by_field_name("right")
        prop = text(left.child_by_field_name("property"))
        if prop in ("innerHTML", "outerHTML"):
            self._fragment(right)
            return
        if prop in ("href", "location"):
            element = self.elements.of(left.child_by_field_name("object"))
            if element is None or element.tag != "link":
                self._navigate(right)
                return
        element = self.elements.of(left.child_by_field_name("object"))
        if element is not None:
            self.elements.attribute(element, _PROPERTIES.get(prop, prop), right)
        elif prop == "src":
            self._load(right)

    def _dataset(self, assign: Node) -> None:
        left = assign.child_by_field_name("left")
        holder = left.child_by_field_name("object").child_by_field_name("object")
        element = self.elements.of(holder)
        if element is not None:
            name = re.sub(r"[A-Z]", lambda m: "-" + m.group().lower(), text(left.child_by_field_name("property")))
            self.elements.attribute(element, f"data-{name}", assign.child_by_field_name("right"))

    def _set_attribute(self, call: Node, args: list[Node]) -> None:
        name = self.values.string(args[0])
        if name is None or not name.complete:
            return
        attr = name.text.strip().lower()
        fn = call.child_by_field_name("function")
        element = self.elements.of(fn.child_by_field_name("object")) if fn.type == "member_expression" else None
        if element is not None:
            self.elements.attribute(element, attr, args[1])
        elif attr == "src":
            self._load(args[1])

    def _navigate(self, value: Node | None) -> None:
        if value is not None:
            literal = leftmost_literal(value)
            if literal is not None:
                self.not_loads.add(literal.id)

    def _load(self, arg: Node, kind: str | None = None, runs: str | None = None) -> None:
        """A URL flowing into a load; `runs`: "*.js" where what it loads runs as a script."""
        value = self.values.string(arg)
        if value is not None and URLISH.match(value.text):
            self.consume(arg)
            self.requests.append(JsRequest(self.script.offset(arg), value.text, True, kind))
        else:
            self.maybe_wrapper(arg)
            self.mention(value, runs)

    def mention(self, value: Str | None, unknown: str | None) -> None:
        """A load of the site's own file: its path, the start of it, or (computed) any such file."""
        if value is None or not value.text:
            if unknown:
                self.mentions.add(unknown)
        elif _PATH_START.match(value.text) and not value.text.startswith("//"):
            self.mentions.add(value.text if value.complete else value.text + "*")

    def consume(self, arg: Node) -> None:
        """The literal a load's URL starts with is read as part of the load, not as a bare literal."""
        literal = leftmost_literal(arg)
        if literal is not None:
            self.consumed.add(literal.id)

    def maybe_wrapper(self, arg: Node, element=None) -> None:
        """A load whose URL is a parameter of a named function makes the function a wrapper of
        loads; an element it builds is read again at each call, with the call's arguments."""
        param = self.values.leading_param(arg)
        if isinstance(param, Param):
            name = function_name(param.function)
            if name and element is not None:
                self.element_wrappers.setdefault(name, []).append((param.function, element))
            elif name:
                self.wrappers.setdefault(name, set()).add(param.index)

    def _fragment(self, value: Node) -> None:
        markup = self.values.string(value)
        if markup is not None and "<" in markup.text:
            self.fragments.append((self.script.offset(value), markup.text))

    # -- calls of the site's own functions that wrap a load -----------------------------------
    def _element_wrapper_loads(self) -> None:
        """`function heldBack(name, src) { s = createElement('script'); s.setAttribute('data-name',
        name); s.setAttribute('data-src', src); ... }`, called as heldBack('ga', 'https://…'): each
        call loads what the element becomes with its arguments, gate included."""
        if not self.element_wrappers:
            return
        for call in self.script.nodes("call_expression"):
            fn = call.child_by_field_name("function")
            if fn is None or fn.type != "identifier" or text(fn) not in self.element_wrappers:
                continue
            args = arguments(call)
            for function, element in self.element_wrappers[text(fn)]:
                for request in self.elements.loads_of(element, {function.id: args}, self.script.offset(call)):
                    self.requests.append(request)
                    for arg in args:
                        self.consume(arg)

    def _wrapped_loads(self) -> None:
        self._element_wrapper_loads()
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
