"""Consent managers' conventions in JavaScript (signatures.md §3), read from the syntax tree:

- callbacks: code that runs only once the consent manager reports consent (an event listener,
  a callback property of its configuration, a branch that tests a category), as regions of the
  script with the gate they stand for (`cookiebot:statistics`, `klaro:googleAnalytics`);
- refusals: code that runs only when the visitor refuses or revokes consent (nothing there loads
  before consent);
- Google consent mode defaults (`gtag('consent', 'default', {...})`).

Which names mean what, per consent manager, is the catalogue's (`consent_code` of each manager).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from tree_sitter import Node

from privacylint.extract.js.syntax import FUNCTIONS, Script, arguments, callee_name, dotted, text
from privacylint.extract.js.values import Values, property_value
from privacylint.vendors import catalogue

REFUSAL = "refusal"
_REFUSAL_WORDS = ("Decline", "Reject", "Revoke", "Deny", "Withdraw", "OptOut")
_REFUSAL_KEY = re.compile(r"^on(?:Decline|Reject|Revoke|Deny|Withdraw|OptOut)\w*$")


class Region(NamedTuple):
    start: int
    end: int
    gate: str  # a consent manager (and category), or REFUSAL


_CALLS = frozenset({"addEventListener", "on", "OnConsentChanged", "gtag", "push"})


class ConsentCode:
    """Regions and consent mode defaults of one script."""

    def __init__(self, script: Script, values: Values):
        self.script = script
        self.values = values
        self.code = catalogue().consent_code
        self.regions: list[Region] = []
        self.defaults: list[tuple[int, tuple[str, ...]]] = []
        self._flags: list[tuple[int, int, str, str]] = []  # (start, end, consent parameter, gate) of flag callbacks

    def read(self) -> None:
        words = self.script.text
        if not any(w in words for w in self.code.words + _REFUSAL_WORDS) and "consent" not in words:
            return
        nodes = self.script.nodes
        for call in nodes("call_expression"):
            if callee_name(call) in _CALLS:
                self._call(call)
        for pair in nodes("pair"):
            key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if key is not None and value is not None and value.type in ("function_expression", "arrow_function"):
                self._property(key, value)
        for method in nodes("method_definition"):
            if method.child_by_field_name("name") is not None:
                self._property(method.child_by_field_name("name"), method)
        for declared in nodes("function_declaration"):
            cmp = self.code.functions.get(text(declared.child_by_field_name("name")))
            if cmp:
                self._region(declared.child_by_field_name("body"), cmp)
        for assign in nodes("assignment_expression"):
            left = assign.child_by_field_name("left")
            if left is not None and left.type == "member_expression":
                holder = left.child_by_field_name("object")
                if holder is not None and holder.type == "member_expression":
                    self._definition(assign, holder)
        branches = nodes("if_statement") + nodes("ternary_expression")
        branches += [b for b in nodes("binary_expression") if b.child_by_field_name("operator").type == "&&"]
        for branch in branches:
            condition = branch.child_by_field_name("condition" if branch.type != "binary_expression" else "left")
            then = branch.child_by_field_name("consequence" if branch.type != "binary_expression" else "right")
            if condition is not None and then is not None:
                self._branch(condition, then)
        self._gated_functions()
        self.regions.sort()
        self.defaults.sort()

    def _gated_functions(self) -> None:
        """A function the script calls only from gated code (`function enableTracking() {...}`
        called in a consent callback) runs only after consent too; its name must appear nowhere
        else (passed as a callback, it could run at any time)."""
        named = [(text(d.child_by_field_name("name")), d.child_by_field_name("body"))
                 for d in self.script.nodes("function_declaration") if d.child_by_field_name("name") is not None]
        if not named or not self.regions:
            return
        calls: dict[str, list[int]] = {}
        for call in self.script.nodes("call_expression"):
            fn = call.child_by_field_name("function")
            if fn is not None and fn.type == "identifier":
                calls.setdefault(text(fn), []).append(self.script.offset(call))
        for _ in range(3):  # a function called only from a function called only from gated code
            offsets = [o for name, _ in named for o in calls.get(name, ())]
            gates = innermost(self.regions, offsets)
            added = False
            for name, body in named:
                sites = calls.get(name, [])
                found = {gates.get(o) for o in sites}
                if not sites or len(found) != 1 or None in found or REFUSAL in found or body is None:
                    continue
                if len(re.findall(rf"(?<![\w$]){re.escape(name)}(?![\w$])", self.script.text)) != len(sites) + 1:
                    continue  # named elsewhere too: passed as a callback, assigned
                start, end = self.script.span(body)
                if any(r.start == start and r.end == end for r in self.regions):
                    continue
                self.regions.append(Region(start, end, found.pop()))
                added = True
            if not added:
                return

    def _region(self, node: Node | None, gate: str) -> None:
        if node is not None:
            start, end = self.script.span(node)
            self.regions.append(Region(start, end, gate))

    def _call(self, call: Node) -> None:
        name = callee_name(call)
        args = arguments(call)
        if name in ("gtag", "push"):
            self._consent_default(call, name, args)
            return
        if name == "OnConsentChanged" and args:
            cmp = self.code.calls.get(dotted(call.child_by_field_name("function")) or "")
            if cmp:
                self._region(args[-1], cmp)
            return
        if len(args) < 2:
            return
        event = self.values.string(args[0])
        if event is None or not event.complete:
            return
        gate = self.code.events.get(event.text) or (REFUSAL if event.text in self.code.refusal_events else None)
        if gate and args[-1].type in FUNCTIONS:
            self._region(args[-1], gate)

    def _property(self, key: Node, fn: Node) -> None:
        name = text(key).strip("'\"")
        if name in self.code.before_choice and self.code.before_choice[name][1] in self.script.text:
            return  # runs when the manager starts: before any choice, so no gate (and no refusal)
        if name in self.code.flag_callbacks:
            self._flag_callback(name, fn)
            return
        if _REFUSAL_KEY.match(name):
            self._region(fn, REFUSAL)
            return
        for cmp, needs in self.code.properties.get(name, ()):
            if needs in self.script.text:
                service = _sibling_name(fn) if cmp in self.code.per_service else None
                category = service or _category_of_service(fn)
                self._region(fn, f"{cmp}:{category}" if category else cmp)
                return

    def _flag_callback(self, name: str, fn: Node) -> None:
        """`callback: function (consent, service) {...}`: its consent parameter, tested, is a gate."""
        cmp, word, index = self.code.flag_callbacks[name]
        params = fn.child_by_field_name("parameters")
        names = [p for p in params.named_children if p.type == "identifier"] if params is not None else []
        if word in self.script.text and index < len(names):
            service = _sibling_name(fn)
            gate = f"{cmp}:{service}" if service and cmp in self.code.per_service else cmp
            self._flags.append((*self.script.span(fn), text(names[index]), gate))

    def _definition(self, assign: Node, services: Node) -> None:
        """`tarteaucitron.services.x = {...}`: a service runs only once the visitor accepts it,
        unless it says `needConsent: false` (tarteaucitron launches those before any choice)."""
        cmp = self.code.definitions.get(dotted(services) or "")
        service = self.values.object_of(assign.child_by_field_name("right"))
        if service is not None and _false(property_value(service, "needConsent")):
            return  # a service that needs no consent runs at once
        if cmp:
            self._region(assign.child_by_field_name("right"), cmp)

    def _branch(self, condition: Node, then: Node) -> None:
        gate = self._consent_test(condition)
        if gate:
            self._region(then, gate)

    def _consent_test(self, node: Node, depth: int = 0) -> str | None:
        """The gate a condition tests positively (`Cookiebot.consent.statistics`,
        `CookieConsent.acceptedCategory('analytics')`, `x && cc.allowedCategory('ads')`), or None.
        A negated test (`!…`) or one alternative of an `||` guards nothing."""
        if depth > 16:
            return None
        kind = node.type
        if kind == "parenthesized_expression" and node.named_child_count:
            return self._consent_test(node.named_child(0), depth + 1)
        if kind == "binary_expression":
            operator = node.child_by_field_name("operator").type
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if operator == "&&":
                return self._consent_test(left, depth + 1) or self._consent_test(right, depth + 1)
            if operator in ("==", "===") and text(right) in ("true", "'allow'", '"allow"'):
                return self._consent_test(left, depth + 1)
            if operator in (">", ">=", "!=", "!==") and text(right) in ("-1", "0") and left.type == "call_expression":
                return self._consent_test(left, depth + 1)  # groups.indexOf("C0002") > -1
            return None
        if kind == "identifier" and self._flags:
            offset, name = self.script.offset(node), text(node)
            return next((gate for start, end, param, gate in self._flags if start <= offset < end and param == name),
                        None)
        if kind == "member_expression":
            chain = dotted(node) or ""
            for prefix, cmp in self.code.flags.items():
                if chain.startswith(prefix + "."):
                    return f"{cmp}:{chain[len(prefix) + 1:]}"
            return None
        if kind == "call_expression":
            chain = dotted(node.child_by_field_name("function")) or ""
            args = arguments(node)
            value = self.values.string(args[0]) if args else None
            name = value.text.strip(", ") if value is not None and value.complete else None
            holder, _, method = chain.rpartition(".")
            if holder in self.code.groups and method in ("includes", "indexOf", "match", "search", "test"):
                return f"{self.code.groups[holder]}:{name}" if name else self.code.groups[holder]
            cmp = self.code.tests.get(chain) or self.code.tests.get(callee_name(node) or "")
            if cmp is None:
                return None
            return f"{cmp}:{name}" if name else cmp
        return None

    def _consent_default(self, call: Node, name: str, args: list[Node]) -> None:
        if name == "push":  # dataLayer.push(['consent', 'default', {...}])
            holder = dotted(call.child_by_field_name("function").child_by_field_name("object"))
            if not holder or not holder.endswith("dataLayer") or not args or args[0].type != "array":
                return
            args = [a for a in args[0].named_children if a.type != "comment"]
        if len(args) < 3:
            return
        first, second = self.values.string(args[0]), self.values.string(args[1])
        if first != ("consent", True) or second != ("default", True):
            return
        settings = self.values.object_of(args[2])
        denied = set()
        for pair in settings.named_children if settings is not None else ():
            if pair.type == "pair":
                value = self.values.string(pair.child_by_field_name("value"))
                if value == ("denied", True):
                    denied.add(text(pair.child_by_field_name("key")).strip("'\""))
        self.defaults.append((self.script.offset(call), tuple(sorted(denied))))


def _false(node: Node | None) -> bool:
    return node is not None and (node.type == "false" or text(node) == "!1")


def _category_of_service(fn: Node) -> str | None:
    """The category of a service whose callback `fn` is, in a configuration shaped
    `categories: {analytics: {services: {ga: {onAccept: fn}}}}` (CookieConsent v3)."""
    keys, node = [], fn
    for _ in range(12):
        node = node.parent
        if node is None:
            return None
        if node.type == "pair":
            key = node.child_by_field_name("key")
            keys.append(text(key).strip("'\"") if key is not None else "")
            if len(keys) >= 4 and keys[-2] == "services":
                return keys[-1]
    return None


def _sibling_name(fn: Node) -> str | None:
    """The `name` of the object a callback property belongs to (a Klaro service's)."""
    pair = fn.parent
    obj = pair.parent if pair is not None else None
    if obj is None or obj.type != "object":
        return None
    for child in obj.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            value = child.child_by_field_name("value")
            if key is not None and text(key).strip("'\"") == "name" and value is not None and value.type == "string":
                return text(value)[1:-1]
    return None


def innermost(regions: list[Region], offsets: list[int]) -> dict[int, str]:
    """Offset -> the gate of the innermost region holding it, for offsets in any region: one sweep
    over regions (which nest or are disjoint, being syntax) and sorted offsets."""
    out: dict[int, str] = {}
    if not regions:
        return out
    ordered = sorted(regions, key=lambda r: (r.start, -r.end))
    stack: list[Region] = []
    i = 0
    for offset in sorted(set(offsets)):
        while i < len(ordered) and ordered[i].start <= offset:
            while stack and stack[-1].end <= ordered[i].start:
                stack.pop()
            stack.append(ordered[i])
            i += 1
        while stack and stack[-1].end <= offset:
            stack.pop()
        if stack:
            out[offset] = _outer_refusal(stack)
    return out


def _outer_refusal(stack: list[Region]) -> str:
    """A refusal callback anywhere around wins (nothing in it loads before consent); else the
    innermost gate."""
    return REFUSAL if any(r.gate == REFUSAL for r in stack) else stack[-1].gate

