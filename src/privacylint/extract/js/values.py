"""What a JavaScript expression is known to be without running it: a string, or the static start
of one (`"https://host/" + id`, `` `https://host/${id}` ``), found through concatenation and
simple constant propagation within a scope (`var u = "https://x/"; s.src = u + id`).

Names are resolved as JavaScript scopes them, read at function level: the nearest enclosing
function (or the program) that assigns the name, or has it as a parameter. A parameter of a
function called where it is written (`(function (d, s) {...})(document, "script")`) is its
argument. A name given several different values is unknown. Evaluation is bounded in depth, so
deeply nested or self-referring code costs nothing more.
"""

from __future__ import annotations

from typing import NamedTuple

from tree_sitter import Node

from privacylint.extract.js.syntax import FUNCTIONS, SCOPES, Script, arguments, string_value, text, unescape

_DEPTH = 24


class Str(NamedTuple):
    """A string known in full (`complete`), or only its start."""

    text: str
    complete: bool


class Param(NamedTuple):
    function: Node
    index: int


class Values:
    """Static values of a script's expressions; one per script, built lazily."""

    def __init__(self, script: Script):
        self.script = script
        self._assigned: dict[str, list[tuple[Node, Node]]] | None = None
        self._scoped: dict[str, dict[int, list[Node]]] = {}
        self._scope_of: dict[int, Node | None] = {}

    # -- scopes ----------------------------------------------------------------------------
    def scope_of(self, node: Node) -> Node | None:
        """The nearest enclosing function (or the program) of `node`, itself excluded. Every node
        passed on the way up learns it too, so deep nesting is walked once, not once per name."""
        cache = self._scope_of
        if node.id in cache:
            return cache[node.id]
        visited = [node.id]
        parent = node.parent
        result = None
        while parent is not None:
            if parent.type in SCOPES:
                result = parent
                break
            if parent.id in cache:
                result = cache[parent.id]
                break
            visited.append(parent.id)
            parent = parent.parent
        for key in visited:
            cache[key] = result
        return result

    def _by_scope(self, name: str) -> dict[int, list[Node]]:
        if self._assigned is None:
            self._assigned = {}
            pairs = [(d.child_by_field_name("name"), d.child_by_field_name("value"))
                     for d in self.script.nodes("variable_declarator")]
            pairs += [(a.child_by_field_name("left"), a.child_by_field_name("right"))
                      for a in self.script.nodes("assignment_expression")]
            for target, value in pairs:
                if target is not None and value is not None and target.type == "identifier":
                    self._assigned.setdefault(text(target), []).append((target, value))
        if name not in self._scoped:
            grouped: dict[int, list[Node]] = {}
            for target, value in self._assigned.get(name, ()):
                scope = self.scope_of(target)
                grouped.setdefault(scope.id if scope is not None else -1, []).append(value)
            self._scoped[name] = grouped
        return self._scoped[name]

    def resolve(self, ident: Node, env: dict | None = None) -> list[Node] | Param | None:
        """The expressions a name may hold where `ident` reads it, a parameter, or None (unknown:
        a global nobody assigns here, a property...). `env` binds the parameters of functions
        being read for one call (function node id -> the call's argument nodes)."""
        name = text(ident)
        grouped = self._by_scope(name)
        scope = self.scope_of(ident)
        while scope is not None:
            values = grouped.get(scope.id)
            if values:
                return values
            if scope.type in FUNCTIONS:
                index = _param_index(scope, name)
                if index is not None:
                    if env and scope.id in env:
                        args = env[scope.id]
                        return [args[index]] if index < len(args) else None
                    return self._argument(scope, index) or Param(scope, index)
            scope = self.scope_of(scope)
        return None

    def _argument(self, function: Node, index: int) -> list[Node] | None:
        """The argument a function gets where it is called as it is written (an IIFE)."""
        call = function.parent
        while call is not None and call.type == "parenthesized_expression":
            call = call.parent
        if call is None or call.type != "call_expression":
            return None
        fn = call.child_by_field_name("function")
        while fn is not None and fn.type == "parenthesized_expression":
            fn = fn.named_child(0)
        if fn is None or fn.id != function.id:
            return None
        args = arguments(call)
        return [args[index]] if index < len(args) else None

    # -- values ----------------------------------------------------------------------------
    def string(self, node: Node | None, depth: int = 0, env: dict | None = None) -> Str | None:
        """The string `node` evaluates to, in full or its start; None when nothing is known."""
        if node is None or depth > _DEPTH:
            return None
        kind = node.type
        if kind == "string":
            return Str(string_value(self.script, node), True)
        if kind == "template_string":
            return self._template(node, depth, env)
        if kind == "binary_expression":
            return self._concat(node, depth, env)
        if kind in ("parenthesized_expression", "sequence_expression"):
            last = node.named_children[-1] if node.named_child_count else None
            return self.string(last, depth + 1, env)
        if kind == "assignment_expression":
            return self.string(node.child_by_field_name("right"), depth + 1, env)
        if kind == "identifier":
            return self._identifier(node, depth, env)
        if kind in ("member_expression", "subscript_expression"):
            return self.string(self.member(node, depth, env), depth + 1, env)
        return None

    def member(self, node: Node, depth: int = 0, env: dict | None = None) -> Node | None:
        """The expression `cfg.url` (or `cfg["url"]`) reads, when `cfg` is an object literal here."""
        obj = self.object_of(node.child_by_field_name("object"), depth + 1, env)
        if obj is None:
            return None
        if node.type == "member_expression":
            key = node.child_by_field_name("property")
            name = text(key) if key is not None else None
        else:
            index = self.string(node.child_by_field_name("index"), depth + 1, env)
            name = index.text if index is not None and index.complete else None
        return property_value(obj, name) if name is not None else None

    def _identifier(self, node: Node, depth: int, env: dict | None) -> Str | None:
        values = self.resolve(node, env)
        if not isinstance(values, list):
            return None
        found = {self.string(v, depth + 1, env) for v in values}
        return found.pop() if len(found) == 1 else None

    def _template(self, node: Node, depth: int, env: dict | None) -> Str:
        parts = []
        for child in node.children:
            if child.type in ("string_fragment", "escape_sequence"):
                parts.append(unescape(self.script.source(child)))
            elif child.type == "template_substitution":
                inner = self.string(child.named_child(0) if child.named_child_count else None, depth + 1, env)
                if inner is None:
                    return Str("".join(parts), False)
                parts.append(inner.text)
                if not inner.complete:
                    return Str("".join(parts), False)
        return Str("".join(parts), True)

    def _concat(self, node: Node, depth: int, env: dict | None) -> Str | None:
        operator = node.child_by_field_name("operator")
        if operator is None or operator.type != "+":
            return None
        left = self.string(node.child_by_field_name("left"), depth + 1, env)
        if left is None or not left.complete:
            return left
        right = self.string(node.child_by_field_name("right"), depth + 1, env)
        if right is None:
            return Str(left.text, False)
        return Str(left.text + right.text, right.complete)

    def leading_param(self, node: Node | None, depth: int = 0) -> Param | None:
        """The parameter an expression starts with (`url`, `url + "?x"`, `` `${url}` ``), if any:
        how a function that wraps a load (`function load(url) { fetch(url) }`) is recognised."""
        if node is None or depth > _DEPTH:
            return None
        kind = node.type
        if kind == "identifier":
            found = self.resolve(node)
            if isinstance(found, Param):
                return found
            if isinstance(found, list) and len(found) == 1:
                return self.leading_param(found[0], depth + 1)
            return None
        if kind == "binary_expression":
            return self.leading_param(node.child_by_field_name("left"), depth + 1)
        if kind == "parenthesized_expression" and node.named_child_count:
            return self.leading_param(node.named_child(0), depth + 1)
        if kind == "template_string":
            first = next((c for c in node.children if c.type != "`"), None)
            if first is not None and first.type == "template_substitution" and first.named_child_count:
                return self.leading_param(first.named_child(0), depth + 1)
        return None

    def object_of(self, node: Node | None, depth: int = 0, env: dict | None = None) -> Node | None:
        """The object literal an expression is (directly, or through a name)."""
        if node is None or depth > _DEPTH:
            return None
        if node.type == "object":
            return node
        if node.type == "parenthesized_expression" and node.named_child_count:
            return self.object_of(node.named_child(0), depth + 1, env)
        if node.type == "identifier":
            found = self.resolve(node, env)
            if isinstance(found, list) and len(found) == 1:
                return self.object_of(found[0], depth + 1, env)
        return None


def property_value(obj: Node, name: str) -> Node | None:
    """The value of an object literal's property `name` (its last definition), if it has one."""
    found = None
    for child in obj.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            if key is not None and text(key).strip("'\"") == name:
                found = child.child_by_field_name("value")
    return found


def _param_index(function: Node, name: str) -> int | None:
    params = function.child_by_field_name("parameters")
    if params is None:
        single = function.child_by_field_name("parameter")  # x => ...
        return 0 if single is not None and text(single) == name else None
    for i, param in enumerate(p for p in params.named_children if p.type != "comment"):
        target = param.child_by_field_name("left") if param.type == "assignment_pattern" else param
        if target is not None and target.type == "identifier" and text(target) == name:
            return i
    return None


def function_name(function: Node) -> str | None:
    """The name a function is called by: `function f`, `var f = function`, `f = () => ...`."""
    name = function.child_by_field_name("name")
    if name is not None and function.type != "method_definition":
        return text(name)
    parent = function.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    if parent is None:
        return None
    if parent.type == "variable_declarator":
        target = parent.child_by_field_name("name")
    elif parent.type == "assignment_expression":
        target = parent.child_by_field_name("left")
    else:
        return None
    return text(target) if target is not None and target.type == "identifier" else None
