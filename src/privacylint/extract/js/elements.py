"""Elements a script creates (`document.createElement("script")`, `new Image()`) and the
attributes it sets on them, read as the markup they become: their URL, a consent manager's gate
(Klaro's `type="opt-in"` + `data-name` + `data-src`), their referrer policy."""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from privacylint.extract import consent
from privacylint.extract.js.results import CREATED, URLISH, JsRequest
from privacylint.extract.js.syntax import Script, arguments, callee_name, text
from privacylint.extract.js.values import Str, Values

_JS_TYPES = frozenset({"", "module", "text/javascript", "application/javascript", "text/ecmascript",
                       "application/ecmascript", "application/x-javascript", "text/x-javascript",
                       "text/jscript", "text/babel"})
URL_ATTRIBUTE = {"script": "src", "img": "src", "iframe": "src", "frame": "src", "embed": "src", "video": "src",
                 "audio": "src", "source": "src", "track": "src", "object": "data", "link": "href", "input": "src"}
_LOADS_WHEN_SET = frozenset({"img", "input"})  # an image loads as soon as it has a src, inserted or not
_LOADS_WHEN_INSERTED = frozenset({"script", "iframe", "link"})  # read as inserted even where the code is not seen
_HOLDABLE = frozenset({"iframe", "img", "frame", "embed", "video", "audio", "source"})
_LINK_RELS = ("stylesheet", "preload", "prefetch", "modulepreload", "preconnect", "dns-prefetch", "icon",
              "manifest", "prerender")


@dataclass
class Element:
    tag: str
    offset: int
    attrs: dict[str, tuple[int, Node]] = field(default_factory=dict)  # name -> (offset, the value's expression)
    inserted: int | None = None  # offset of the first insertion


class Elements:
    """The elements of one script, by the node that creates each. `flow` is the Loads reading
    the script: where an attribute's URL comes from a parameter or names the site's own file,
    it is told (wrapper functions, mentions)."""

    def __init__(self, script: Script, values: Values, flow):
        self.script = script
        self.values = values
        self.flow = flow
        self.created: dict[int, Element] = {}

    def of(self, node: Node | None) -> Element | None:
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
        if node.id in self.created:
            return self.created[node.id]
        tag = self._tag(node)
        if tag is None:
            return None
        element = self.created[node.id] = Element(tag, self.script.offset(node))
        return element

    def _tag(self, node: Node) -> str | None:
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

    def attribute(self, element: Element, name: str, value: Node) -> None:
        if name == URL_ATTRIBUTE.get(element.tag) or name.startswith("data-") and "src" in name:
            self.flow.consume(value)
            found = self.values.string(value)
            if found is None or not URLISH.match(found.text):
                self.flow.maybe_wrapper(value, element)
        element.attrs[name] = (self.script.offset(value), value)

    def requests(self) -> list[JsRequest]:
        """What the created elements load, with the gate and referrer policy their attributes give."""
        found = []
        for element in self.created.values():
            found += self.loads_of(element)
        return found

    def loads_of(self, element: Element, env: dict | None = None, at: int | None = None) -> list[JsRequest]:
        """What one element loads; `env` binds the parameters of a function that builds it, for
        one call of that function (the load is then at the call, `at`)."""
        url_attr = URL_ATTRIBUTE.get(element.tag)
        if url_attr is None:
            return []
        evaluated = {name: (offset, self.values.string(node, env=env)) for name, (offset, node) in element.attrs.items()}
        attrs = {name: (value.text if value is not None else "") for name, (_, value) in evaluated.items()}
        gate, attr = None, url_attr
        if element.tag == "script":
            if attrs.get("type", "").strip().lower() not in _JS_TYPES:
                gate = consent.script_gate(attrs)
                if gate is None:
                    return []  # not JavaScript and held by no consent manager: never run
                deferred = consent.deferred_url(attrs)
                if deferred is None:
                    return []
                attr = deferred[0]
        elif element.tag == "link" and not any(rel in attrs.get("rel", "").lower().split() for rel in _LINK_RELS):
            return []
        elif element.tag in _HOLDABLE:
            held = consent.embed_gate(attrs)
            if held is not None:
                gate, attr, _ = held
        if element.inserted is None and gate is None and element.tag not in _LOADS_WHEN_SET | _LOADS_WHEN_INSERTED:
            return []
        offset, value = evaluated.get(attr, (element.offset, None))
        if value is None or not URLISH.match(value.text):
            if element.tag in ("script", "link") and env is None:
                self.flow.mention(value, "*.js" if element.tag == "script" else "*.css")
            return []
        referrer = attrs.get("referrerpolicy", "").strip().lower() or None
        return [JsRequest(offset if at is None else at, value.text, True, f"<{element.tag} {attr}> {CREATED}",
                          gate, referrer)]
