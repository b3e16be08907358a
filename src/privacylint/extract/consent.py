"""Consent managers' conventions, as static facts (signatures.md §3).

- Markup gates: an element is held back when the browser will not run or fetch it as written
  (a non-JavaScript `type`, or no live `src`) *and* a consent manager's attribute or class marks
  it. `data-src` alone is lazy loading, not a gate.
- Callback gates: code inside a recognised consent callback runs only after consent.
- Google consent mode defaults, auto-blocking loaders, and configurations that release scripts
  without a choice (implied consent), which make a consent manager no gate at all.

Which attribute, class or loader belongs to which manager is catalogue data (vendors.yaml
`gate_markup`); the tables below are built from it once.
"""

from __future__ import annotations

import re

from privacylint.vendors import catalogue


def _ordered(kind: str) -> tuple[tuple[str, str], ...]:
    """(attribute, manager) of one kind, first match wins: every manager's own attributes in
    catalogue order, then the attributes several managers write (`shared_gate_attributes`)."""
    cat = catalogue()
    own = [(a, cmp) for cmp, m in cat.gate_markups for a in getattr(m, kind) if a not in cat.shared_gate_attributes]
    shared = [next((a, cmp) for cmp, m in cat.gate_markups if a in getattr(m, kind))
              for a in cat.shared_gate_attributes if any(a in getattr(m, kind) for _, m in cat.gate_markups)]
    return tuple(own + shared)


# Attribute on a script with a non-JavaScript type -> consent manager (first match wins).
_SCRIPT_ATTRS = _ordered("script_attributes")
# Attributes that mark a held-back frame, image or link (with its real URL in a deferred attribute).
_EMBED_ATTRS = _ordered("embed_attributes")
_CLASS_PREFIXES = tuple((p, cmp) for cmp, m in catalogue().gate_markups for p in m.class_prefixes)
# Where a held-back element keeps its real URL: each manager's own attribute, then lazy loading's and src.
_DEFERRED_ATTRS = tuple(dict.fromkeys(
    [a for _, m in catalogue().gate_markups for a in m.deferred_url_attributes] + ["data-src", "src"]))
_BLANK_SRC = re.compile(r"^\s*(?:about:blank|data:.*" + "".join(
    "|.*" + re.escape(u) for _, m in catalogue().gate_markups for u in m.blank_urls) + r")?\s*$",
    re.IGNORECASE | re.DOTALL)
# tarteaucitron placeholders, replaced by the real embed after consent: class -> vendor id.
TARTEAUCITRON_PLACEHOLDERS = {cls: vendor for _, m in catalogue().gate_markups for cls, vendor in m.placeholders}


def _cmp_of(el, attrs) -> str | None:
    for attr, cmp in attrs:
        if el.get(attr) is not None:
            return cmp
    classes = el.get("class") or ""
    for prefix, cmp in _CLASS_PREFIXES:
        if prefix in classes:
            return cmp
    return None


# Where each consent manager's markup names what the visitor must consent to (signatures.md §3).
_CATEGORY_ATTRS = {cmp: m.category_attributes for cmp, m in catalogue().gate_markups if m.category_attributes}
# Managers whose category is the rest of their class (`optanon-category-C0002`).
_CATEGORY_CLASSES = {cmp: re.compile("|".join(re.escape(p) + r"([\w-]+)" for p in m.class_prefixes))
                     for cmp, m in catalogue().gate_markups if m.category_in_class and m.class_prefixes}


def with_category(el, cmp: str | None) -> str | None:
    """The gate as `manager:category` when the markup names one (`cookiebot:statistics`,
    `onetrust:C0002,C0004`), else the manager alone; see facts.split_gate."""
    if cmp is None:
        return None
    if cmp in _CATEGORY_CLASSES:
        value = ",".join(next(g for g in m.groups() if g is not None)
                         for m in _CATEGORY_CLASSES[cmp].finditer(el.get("class") or ""))
    else:
        value = next((el.get(a) for a in _CATEGORY_ATTRS.get(cmp, ()) if el.get(a) is not None), "")
    value = " ".join(value.split())
    return f"{cmp}:{value}" if value else cmp


def script_gate(el) -> str | None:
    """The consent manager (and category) holding back a script whose type is not JavaScript, or
    None (inert)."""
    return with_category(el, _cmp_of(el, _SCRIPT_ATTRS))


def deferred_url(el) -> tuple[str, str] | None:
    """(attribute, URL) that a held-back element will load once released."""
    for attr in _DEFERRED_ATTRS:
        value = el.get(attr)
        if value and not _BLANK_SRC.match(value):
            return attr, value
    return None


def embed_gate(el) -> tuple[str | None, str, str] | None:
    """For a frame, image or media element without a live src: (consent manager, or None for plain
    lazy loading; the attribute holding the real URL; the URL). None when it loads as written."""
    src = el.get("src")
    if src is not None and not _BLANK_SRC.match(src):
        return None
    deferred = deferred_url(el)
    if deferred is None:
        return None
    return (with_category(el, _cmp_of(el, _EMBED_ATTRS)), *deferred)


# --- auto-blocking loaders: effective only as the first script of the page, synchronous
_AUTOBLOCKERS = tuple((a, cmp) for cmp, m in catalogue().gate_markups for a in m.autoblockers)


def autoblocker(el) -> str | None:
    """The consent manager this first script makes auto-blocking, if it does."""
    src = el.get("src") or ""
    if el.get("async") is not None or el.get("defer") is not None:
        return None
    for loader, cmp in _AUTOBLOCKERS:
        if loader.url.search(src) and (
                loader.attribute is None or (el.get(loader.attribute) or "").lower() == loader.value):
            return cmp
    return None


# --- JavaScript: consent callbacks, consent-mode defaults, implied consent, tarteaucitron jobs
# (opener, consent manager, text the script must also hold): code in the {...} after the opener
# runs only once the consent manager reports consent.
_CALLBACKS = tuple((re.compile(p), cmp, needs) for p, cmp, needs in (
    (r"['\"]Cookiebot(?:OnAccept|OnConsentReady)['\"]", "cookiebot", "CookiebotOn"),
    (r"\bif\s*\(\s*(?:window\.)?Cookiebot\.consent\.(?:statistics|marketing|preferences)\b", "cookiebot",
     "Cookiebot.consent"),
    (r"\bfunction\s+OptanonWrapper\s*\(\s*\)", "onetrust", "OptanonWrapper"),
    (r"\bif\s*\([^)]{0,200}?\bOnetrustActiveGroups\b", "onetrust", "OnetrustActiveGroups"),
    (r"\bOneTrust\.OnConsentChanged\s*\(", "onetrust", "OnConsentChanged"),
    (r"\bon(?:Consent|FirstConsent|Accept)\s*:\s*", "cookieconsent", "ookieConsent"),
    (r"\bif\s*\([^)]{0,200}?\b(?:CookieConsent\.acceptedCategory|cc\.allowedCategory)\s*\(", "cookieconsent", "edCategory"),
    (r"\bonAccept\s*:\s*", "klaro", "klaroConfig"),
    (r"\bonConsentGiven\s*:\s*", "iubenda", "_iub"),
    (r"['\"]cmplz_(?:enable_category|fire_categories|status_change)['\"]", "complianz", "cmplz_"),
    (r"['\"]cookieyes_consent_update['\"]", "cookieyes", "cookieyes_consent_update"),
    (r"['\"]ucEvent['\"]", "usercentrics", "ucEvent"),
    (r"['\"]UC_UI_CMP_EVENT['\"]", "usercentrics", "UC_UI_CMP_EVENT"),
    # a service defined for tarteaucitron runs only once the visitor accepts it (and a page pushes it)
    (r"\btarteaucitron\.services\.[\w$]+\s*=\s*", "tarteaucitron", "tarteaucitron.services"),
))
_CONSENT_DEFAULT = re.compile(
    r"""(?:\bgtag\s*\(|\bdataLayer\.push\s*\(\s*\[)\s*['"]consent['"]\s*,\s*['"]default['"]\s*,\s*\{""")
_DENIED = re.compile(r"""['"]?(\w{1,64})['"]?\s{0,20}:\s{0,20}['"]denied['"]""")
# (the consent manager's configuration is here, the setting that releases scripts, manager)
_IMPLIED = tuple((re.compile(present), re.compile(setting), cmp) for present, setting, cmp in (
    (r"\b(?:CookieConsent\.run|initCookieConsent)\b", r"""\bmode\s*:\s*['"]opt-out['"]""", "cookieconsent"),
    (r"\bklaroConfig\b", r"""['"]?\bdefault['"]?\s*:\s*true\b""", "klaro"),
    (r"\btarteaucitron\.init\s*\(", r"""['"]?\bhighPrivacy['"]?\s*:\s*false\b""", "tarteaucitron"),
    (r"\b_iub\.csConfiguration\b", r"""['"]?\bconsentOn(?:Scroll|ContinuedBrowsing|DocumentClick)['"]?\s*:\s*true\b""",
     "iubenda"),
))
_TARTEAUCITRON_JOB = re.compile(r"""\btarteaucitron\.job\b[^;]{0,60}?\.push\s*\(\s*['"]([\w-]+)['"]""")


class Braces:
    """Matching braces of code whose strings and comments are blanked, found in one pass, so that
    finding the block after each of thousands of callbacks costs a dictionary look-up."""

    def __init__(self, structure: str):
        self.structure = structure
        self.close: dict[int, int] = {}
        stack: list[int] = []
        for m in _BRACE.finditer(structure):
            if m.group() == "{":
                stack.append(m.start())
            elif stack:
                self.close[stack.pop()] = m.start() + 1
        for open_at in stack:  # unclosed: the block runs to the end
            self.close[open_at] = len(structure)

    def body(self, start: int) -> tuple[int, int] | None:
        """The {...} block opening at or after `start` (within 200 characters)."""
        open_at = self.structure.find("{", start, start + 200)
        return None if open_at < 0 else (open_at, self.close[open_at])


_BRACE = re.compile(r"[{}]")


# Callbacks that run when the visitor refuses or revokes consent: a vendor snippet or URL in them
# is a revocation call (`_hsq.push(["revokeCookieConsent"])`), not a load before consent.
_REFUSALS = tuple(re.compile(p) for p in (
    r"\bon(?:Decline|Reject|Revoke|Deny|Withdraw|OptOut)\w*\s*:\s*",
    r"['\"]CookiebotOnDecline['\"]",
    r"['\"]cmplz_revoke['\"]",
))


class Regions:
    """Disjoint, sorted (start, end, ...) blocks; inside() by bisection."""

    def __init__(self, regions: list[tuple]):
        self.regions = regions
        self.starts = [r[0] for r in regions]

    def inside(self, offset: int) -> bool:
        from bisect import bisect_right

        i = bisect_right(self.starts, offset) - 1
        return i >= 0 and offset < self.regions[i][1]


def refusal_regions(code: str, braces: Braces) -> list[tuple[int, int, str]]:
    """(start, end, "refusal") of code that runs only when consent is refused or revoked."""
    if not any(word in code for word in ("Decline", "Reject", "Revoke", "Deny", "Withdraw", "OptOut", "revoke")):
        return []
    regions = []
    for pattern in _REFUSALS:
        for m in pattern.finditer(code):
            body = braces.body(m.end())
            if body:
                regions.append((*body, "refusal"))
    return _outermost(regions)


def _outermost(regions: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The outermost blocks only (nested ones add nothing), sorted and disjoint."""
    out: list[tuple[int, int, str]] = []
    for start, end, cmp in sorted(regions, key=lambda r: (r[0], -r[1])):
        if out and start < out[-1][1]:
            continue  # inside the previous block: blocks nest or are disjoint
        out.append((start, end, cmp))
    return out


def callback_regions(code: str, braces: Braces) -> list[tuple[int, int, str]]:
    """(start, end, consent manager) of code that runs only inside a consent callback: the
    outermost blocks only (nested ones add nothing), sorted and disjoint."""
    regions = []
    for pattern, cmp, needs in _CALLBACKS:
        if needs not in code:
            continue
        for m in pattern.finditer(code):
            body = braces.body(m.end())
            if body:
                regions.append((*body, cmp))
    return _outermost(regions)


def consent_defaults(code: str, braces: Braces) -> list[tuple[int, tuple[str, ...]]]:
    """(offset, denied storages) of each Google consent mode `default` call. Only the object's
    own level is read (up to a nested brace), so nested or repeated calls stay linear."""
    out = []
    if "consent" not in code:
        return out
    for m in _CONSENT_DEFAULT.finditer(code):
        body = braces.body(m.end() - 1)
        if body:
            nested = braces.structure.find("{", body[0] + 1, body[1])
            text = code[body[0]:nested if nested >= 0 else body[1]]
        else:
            text = ""
        out.append((m.start(), tuple(sorted({d.group(1) for d in _DENIED.finditer(text)}))))
    return out


def implied_consent(code: str) -> tuple[str, ...]:
    """Consent managers configured here to release scripts before the visitor chooses."""
    return tuple(cmp for present, setting, cmp in _IMPLIED
                 if any(word in code for word in _IMPLIED_WORDS[cmp]) and present.search(code) and setting.search(code))


_IMPLIED_WORDS = {"cookieconsent": ("CookieConsent", "initCookieConsent"), "klaro": ("klaroConfig",),
                  "tarteaucitron": ("tarteaucitron.init",), "iubenda": ("_iub",)}


def tarteaucitron_jobs(code: str) -> list[tuple[int, str]]:
    """(offset, service key) of each `tarteaucitron.job.push('<key>')`."""
    return [(m.start(), m.group(1)) for m in _TARTEAUCITRON_JOB.finditer(code)]


# --- the consent manager's own configuration: which categories (services) exist, and which are
# always on. orestbida cookieconsent v3: `categories: {necessary: {enabled: true, readOnly: true}}`
# (readOnly: the visitor cannot refuse it; enabled: on before any choice); v2: `toggle: {value:
# 'analytics', enabled, readonly}` blocks. Klaro: `services: [{name, required, default}]`.
_CC_CATEGORIES = re.compile(r"""\bcategories\s*:\s*\{""")
_CC_V2_TOGGLE = re.compile(r"""\btoggle\s*:\s*\{""")
_KLARO_SERVICES = re.compile(r"""\b(?:services|apps)\s*:\s*\[""")
_KEY = re.compile(r"""(?:^|[{,])\s*['"]?([\w$-]{1,64})['"]?\s*:\s*\{""")
_TRUE = {name: re.compile(rf"""['"]?\b{name}['"]?\s*:\s*true\b""") for name in ("enabled", "readOnly", "readonly",
                                                                              "required", "default")}
_VALUE = re.compile(r"""['"]?\b(?:value|name)['"]?\s*:\s*['"]([^'"]{1,100})['"]""")


def manager_config(code: str, braces: Braces) -> list[tuple[str, str, bool]]:
    """(manager, category or service, always on) of every category a configuration in this
    script defines; and (manager, "@cookie" or "@local", the key) for where it stores the choice."""
    out: list[tuple[str, str, bool]] = []
    if "CookieConsent" in code or "initCookieConsent" in code or "cookieconsent" in code:
        out += _cc_v3(code, braces) + _cc_v2(code, braces)
        name = _CC_COOKIE_NAME.search(code)
        if name:
            out.append(("cookieconsent", "@cookie", name.group(1)))
    if "klaro" in code.lower():
        out += _klaro(code, braces)
        method, name = _KLARO_STORAGE.search(code), _COOKIE_NAME.search(code)
        if method or name:
            storage = "@local" if method and method.group(1).lower() == "localstorage" else "@cookie"
            out.append(("klaro", storage, name.group(1) if name else "klaro"))
    if "tarteaucitron.init" in code:
        name = _COOKIE_NAME.search(code)
        if name:
            out.append(("tarteaucitron", "@cookie", name.group(1)))
    return out


# Where a consent manager keeps the visitor's choice, when its configuration says (Klaro:
# storageMethod 'cookie' | 'localStorage', cookieName; cookieconsent v3: cookie: {name};
# tarteaucitron: cookieName). The catalogue's default applies when it does not.
_KLARO_STORAGE = re.compile(r"""['"]?\bstorageMethod['"]?\s*:\s*['"](cookie|localStorage)['"]""", re.I)
_COOKIE_NAME = re.compile(r"""['"]?\bcookieName['"]?\s*:\s*['"]([^'"]{1,100})['"]""")
_CC_COOKIE_NAME = re.compile(r"""\bcookie\s*:\s*\{[^{}]{0,300}?\bname\s*:\s*['"]([^'"]{1,100})['"]""")


def _own_level(code: str, braces: Braces, start: int, end: int) -> str:
    """The text of a block without its nested blocks (their keys are not this block's)."""
    parts, at = [], start
    while True:
        nested = braces.structure.find("{", at, end)
        if nested < 0:
            break
        parts.append(code[at:nested])
        at = braces.close.get(nested, end)
    parts.append(code[at:end])
    return "".join(parts)


def _always_on(text: str, *names: str) -> bool:
    return any(_TRUE[n].search(text) for n in names)


def _cc_v3(code: str, braces: Braces) -> list[tuple[str, str, bool]]:
    out = []
    for m in _CC_CATEGORIES.finditer(code):
        block = braces.body(m.end() - 1)
        if not block:
            continue
        start, end = block
        at = start  # the key pattern starts at the "{" or at the "," before each key
        while at < end:
            key = _KEY.match(code, at)
            if not key:
                nxt = code.find(",", at + 1, end)
                if nxt < 0:
                    break
                at = nxt
                continue
            open_at = key.end() - 1
            close = braces.close.get(open_at, end)
            body = _own_level(code, braces, open_at + 1, close - 1)
            out.append(("cookieconsent", key.group(1), _always_on(body, "enabled", "readOnly", "readonly")))
            at = close
    return out


def _cc_v2(code: str, braces: Braces) -> list[tuple[str, str, bool]]:
    out = []
    for m in _CC_V2_TOGGLE.finditer(code):
        block = braces.body(m.end() - 1)
        if block:
            body = _own_level(code, braces, block[0] + 1, block[1] - 1)
            value = _VALUE.search(body)
            if value:
                out.append(("cookieconsent", value.group(1), _always_on(body, "enabled", "readonly", "readOnly")))
    return out


def _klaro(code: str, braces: Braces) -> list[tuple[str, str, bool]]:
    out = []
    for m in _KLARO_SERVICES.finditer(code):
        at, end = m.end(), len(code)
        depth_end = braces.structure.find("]", at)  # services' objects follow, each a {...}
        while True:
            open_at = braces.structure.find("{", at, depth_end if depth_end > 0 else end)
            if open_at < 0:
                break
            close = braces.close.get(open_at, end)
            body = _own_level(code, braces, open_at + 1, close - 1)
            name = _VALUE.search(body)
            if name:
                out.append(("klaro", name.group(1), _always_on(body, "required", "default")))
            at = close
            depth_end = braces.structure.find("]", at)
    return out
