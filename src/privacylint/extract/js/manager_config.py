"""A consent manager's own configuration, read as the object literals it is: which categories
(services) exist, what each does before the visitor chooses, and where the choice is kept.

States, as the managers' code behaves (the conformance suite in tests/conformance loads each
manager's real library in Chromium and checks these readings):
- "on": loads without the visitor's consent: before any choice (Klaro `optOut` with consent by
  default; CookieConsent `enabled: true` in opt-out mode), or whatever the visitor chooses
  (Klaro `required`; CookieConsent `readOnly` (v3) / `readonly` (v2));
- "pre-ticked": pre-selected, but still waiting for the visitor's click: Klaro `default: true`,
  CookieConsent `enabled: true` in opt-in mode;
- "off": loads once the visitor accepts it.
Implied consent (a configuration that releases every script without a choice) is per manager:
tarteaucitron `highPrivacy: false`; iubenda `consentOnScroll` and the like.
"""

from __future__ import annotations

from typing import NamedTuple

from tree_sitter import Node

from privacylint.extract.js.syntax import Script, callee_name, text
from privacylint.extract.js.values import Values

ON, PRE_TICKED, OFF = "on", "pre-ticked", "off"

_TARTEAUCITRON_KEYS = frozenset({"highPrivacy", "cookieName", "serviceDefaultState", "googleConsentMode",
                                 "softConsentMode"})
_CONFIG_KEYS = frozenset({"services", "apps", "categories", "toggle", "consentOnScroll", "consentOnContinuedBrowsing",
                          "consentOnDocumentClick", "cookie_name", "storageName", "storageMethod",
                          *_TARTEAUCITRON_KEYS})


class Setting(NamedTuple):
    manager: str
    name: str  # a category or service; "@cookie" / "@local" for where the choice is kept
    state: str  # ON, PRE_TICKED, OFF; for "@cookie"/"@local": the key
    offset: int


class ManagerConfig:
    def __init__(self, script: Script, values: Values):
        self.script = script
        self.values = values
        self.settings: list[Setting] = []
        self.implied: set[str] = set()
        self.no_consent_mode: set[str] = set()  # managers configured not to load Google tags under consent mode

    def read(self) -> None:
        code = self.script.text
        lower = code.lower()
        if not any(w in lower for w in ("klaro", "orejime", "cookieconsent", "tarteaucitron", "_iub", "cc.run")):
            return
        for node in self.script.nodes("object"):
            props = self._props(node)
            if _CONFIG_KEYS.isdisjoint(props):
                continue
            if ("klaro" in lower or "orejime" in lower) and ("services" in props or "apps" in props
                                                              or "storageName" in props):
                # Orejime, a Klaro fork, reads the same configuration; its library default is true
                self._klaro(node, props, orejime="orejime" in lower and "klaro" not in lower)
            if "CookieConsent" in code and "categories" in props:
                self._cookieconsent_v3(node, props)
            if "toggle" in props and ("initCookieConsent" in code or "cookieconsent" in lower):
                self._cookieconsent_v2_toggle(props)
            if "cookie_name" in props and ("initCookieConsent" in code or "cc.run" in code):
                self._storage("cookieconsent", "@cookie", props["cookie_name"])
            if "tarteaucitron" in lower and _TARTEAUCITRON_KEYS & props.keys():
                self._tarteaucitron(props)
            if "_iub" in code and any(self._bool(props.get(k)) for k in (
                    "consentOnScroll", "consentOnContinuedBrowsing", "consentOnDocumentClick")):
                self.implied.add("iubenda")
        self._cookieconsent_v2_mode()

    # -- object literals -----------------------------------------------------------------------
    def _props(self, obj: Node) -> dict[str, Node]:
        props = {}
        for child in obj.named_children:
            if child.type == "pair":
                key = child.child_by_field_name("key")
                if key is not None and key.type in ("property_identifier", "string", "number"):
                    props.setdefault(text(key).strip("'\""), child.child_by_field_name("value"))
        return props

    def _bool(self, node: Node | None) -> bool | None:
        if node is None:
            return None
        if node.type in ("true", "false"):
            return node.type == "true"
        if node.type == "unary_expression" and text(node) in ("!0", "!1"):  # minified true and false
            return text(node) == "!0"
        return None

    def _string(self, node: Node | None) -> str | None:
        value = self.values.string(node) if node is not None else None
        return value.text if value is not None and value.complete else None

    def _add(self, manager: str, name: str | None, state: str, node: Node) -> None:
        if name:
            self.settings.append(Setting(manager, name, state, self.script.offset(node)))

    def _storage(self, manager: str, where: str, node: Node | None) -> None:
        name = self._string(node)
        if name:
            self.settings.append(Setting(manager, where, name, self.script.offset(node)))

    # -- Klaro ---------------------------------------------------------------------------------
    def _tarteaucitron(self, props: dict[str, Node]) -> None:
        """tarteaucitron 1.34 (`tarteaucitron.load`): `highPrivacy: false` loads every service on
        the next page view, `serviceDefaultState: true` at once; with `googleConsentMode` (on by
        default) and without `softConsentMode`, Google's services load at once under denied
        consent mode defaults (their `fallback`)."""
        if self._bool(props.get("highPrivacy")) is False or self._bool(props.get("serviceDefaultState")):
            self.implied.add("tarteaucitron")
        if self._bool(props.get("googleConsentMode")) is False or self._bool(props.get("softConsentMode")):
            self.no_consent_mode.add("tarteaucitron")
        self._storage("tarteaucitron", "@cookie", props.get("cookieName"))

    def _klaro(self, config: Node, props: dict[str, Node], orejime: bool = False) -> None:
        """Klaro (0.6 `apps`, 0.7 `services`), as its ConsentManager decides: a service's consent
        starts as `default || required`, else the configuration's `default`; it applies before the
        visitor confirms only when `optOut` (the service's, else the configuration's); `required`
        (the service's, else the configuration's) applies whatever the visitor chooses.
        Orejime, its fork (2.3): consent starts as the service's `default`, else the
        configuration's, else true; `required` only keeps a refusal from switching it off."""
        config_default, config_opt_out = self._bool(props.get("default")), self._bool(props.get("optOut"))
        config_required = self._bool(props.get("required"))
        services = props.get("services") or props.get("apps")
        for item in services.named_children if services is not None and services.type == "array" else ():
            obj = self.values.object_of(item)
            if obj is None:
                continue
            service = self._props(obj)
            own_default, own_required = self._bool(service.get("default")), self._bool(service.get("required"))
            if orejime:
                consent = _first_set(own_default, True if config_default is None else config_default)
                required = False
            else:
                consent = own_default or own_required  # JavaScript's ||: false || undefined is undefined
                if consent is None or consent is False and own_default is False and own_required is None:
                    consent = config_default
                required = _first_set(own_required, config_required)
            opt_out = _first_set(self._bool(service.get("optOut")), config_opt_out)
            state = ON if required or opt_out and consent else PRE_TICKED if consent else OFF
            self._add("klaro", self._string(service.get("name")), state, obj)
        method = (self._string(props.get("storageMethod")) or "cookie").lower()
        key = props.get("storageName") or props.get("cookieName")
        if key is not None or "storageMethod" in props:
            where = "@local" if method == "localstorage" else "@cookie"
            if key is None:
                self.settings.append(Setting("klaro", where, "klaro", self.script.offset(config)))
            else:
                self._storage("klaro", where, key)

    # -- CookieConsent (orestbida) -------------------------------------------------------------
    def _cookieconsent_v3(self, config: Node, props: dict[str, Node]) -> None:
        categories = self.values.object_of(props["categories"])
        if categories is None:
            return
        opt_out = self._string(props.get("mode")) == "opt-out"
        for name, value in self._props(categories).items():
            obj = self.values.object_of(value)
            settings = self._props(obj) if obj is not None else {}
            enabled = self._bool(settings.get("enabled"))
            if self._bool(settings.get("readOnly")) or enabled and opt_out:
                state = ON
            elif enabled:
                state = PRE_TICKED
            else:
                state = OFF
            self._add("cookieconsent", name, state, value)
        cookie = self.values.object_of(props.get("cookie"))
        if cookie is not None:
            self._storage("cookieconsent", "@cookie", self._props(cookie).get("name"))

    def _cookieconsent_v2_toggle(self, props: dict[str, Node]) -> None:
        toggle = self.values.object_of(props["toggle"])
        if toggle is None:
            return
        settings = self._props(toggle)
        enabled = self._bool(settings.get("enabled"))
        state = ON if self._bool(settings.get("readonly")) else PRE_TICKED if enabled else OFF
        self._add("cookieconsent", self._string(settings.get("value")), state, toggle)

    def _cookieconsent_v2_mode(self) -> None:
        """v2's `mode: 'opt-out'` (in the object given to cc.run) turns enabled toggles on."""
        if "opt-out" not in self.script.text or "initCookieConsent" not in self.script.text:
            return
        for call in self.script.nodes("call_expression"):
            args = call.child_by_field_name("arguments")
            config = args.named_child(0) if args is not None and args.named_child_count else None
            if callee_name(call) != "run" or config is None or config.type != "object":
                continue
            if self._string(self._props(config).get("mode")) == "opt-out":
                self.settings = [s._replace(state=ON) if s.manager == "cookieconsent" and s.state == PRE_TICKED
                                 else s for s in self.settings]


def _first_set(own: bool | None, inherited: bool | None) -> bool:
    return bool(own if own is not None else inherited)
