"""Consent managers' conventions, as static facts (signatures.md §3).

- Markup gates: an element is held back when the browser will not run or fetch it as written
  (a non-JavaScript `type`, or no live `src`) *and* a consent manager's attribute or class marks
  it. `data-src` alone is lazy loading, not a gate.
- Auto-blocking loaders, which block what they recognise (not verifiable statically).
Consent managers' JavaScript (callbacks, configuration, Google consent mode) is read in extract/js.
"""

from __future__ import annotations

import re

# Attribute on a script with a non-JavaScript type -> consent manager (first match wins).
_SCRIPT_ATTRS = (
    ("data-cookieconsent", "cookiebot"),
    ("data-cmplz-src", "complianz"),
    ("data-cookieyes", "cookieyes"),
    ("data-usercentrics", "usercentrics"),
    ("data-cookiecategory", "cookieconsent"),  # orestbida v2
    ("data-category", "cookieconsent"),  # orestbida v3; Complianz writes it too (see page_gates)
    ("data-name", "klaro"),
    ("data-categories", "termly"),  # Termly's manual blocking; attribute not confirmed by a source
)
_CLASS_PREFIXES = (("optanon-category-", "onetrust"), ("_iub_cs_activate", "iubenda"))
# Where a held-back element keeps its real URL, per consent manager (after the generic ones).
_DEFERRED_ATTRS = ("data-cookieblock-src", "data-src-cmplz", "data-cmplz-src", "suppressedsrc",
                   "data-suppressedsrc", "data-src", "src")
# Attributes that mark a held-back frame, image or link (with its real URL in a deferred attribute).
_EMBED_ATTRS = (
    ("data-cookieblock-src", "cookiebot"), ("data-src-cmplz", "complianz"), ("suppressedsrc", "iubenda"),
    ("data-suppressedsrc", "iubenda"), ("data-usercentrics", "usercentrics"), ("data-cookieconsent", "cookiebot"),
    ("data-cookieyes", "cookieyes"), ("data-name", "klaro"), ("data-category", "cookieconsent"),
)
_BLANK_SRC = re.compile(r"^\s*(?:about:blank|data:.*|.*iubenda\.com/cookie_solution/empty\.html)?\s*$", re.I | re.S)
# tarteaucitron placeholders, replaced by the real embed after consent: class -> vendor id.
TARTEAUCITRON_PLACEHOLDERS = {"youtube_player": "youtube", "vimeo_player": "vimeo"}


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
_CATEGORY_ATTRS = {
    "cookiebot": ("data-cookieconsent",), "complianz": ("data-category",), "cookieyes": ("data-cookieyes",),
    "usercentrics": ("data-usercentrics",), "cookieconsent": ("data-category", "data-cookiecategory"),
    "klaro": ("data-name",), "termly": ("data-categories",), "iubenda": ("data-iub-purposes",),
}
_ONETRUST_CATEGORY = re.compile(r"optanon-category-([\w-]+)")


def with_category(el, cmp: str | None) -> str | None:
    """The gate as `manager:category` when the markup names one (`cookiebot:statistics`,
    `onetrust:C0002,C0004`), else the manager alone; see facts.split_gate."""
    if cmp is None:
        return None
    if cmp == "onetrust":
        value = ",".join(_ONETRUST_CATEGORY.findall(el.get("class") or ""))
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
_AUTOBLOCKERS = (
    (re.compile(r"consent\.cookiebot\.(?:com|eu)/uc\.js", re.I), "cookiebot", "data-blockingmode", "auto"),
    (re.compile(r"/OtAutoBlock\.js", re.I), "onetrust", None, None),
    (re.compile(r"app\.termly\.io/resource-blocker/.*autoBlock=on", re.I), "termly", None, None),
    (re.compile(r"web\.cmp\.usercentrics\.eu/modules/autoblocker\.js|uc-block\.bundle\.js", re.I),
     "usercentrics", None, None),
    (re.compile(r"cmp\.osano\.com/", re.I), "osano", None, None),
    (re.compile(r"cs\.iubenda\.com/autoblocking/", re.I), "iubenda", None, None),
)


def autoblocker(el) -> str | None:
    """The consent manager this first script makes auto-blocking, if it does."""
    src = el.get("src") or ""
    if el.get("async") is not None or el.get("defer") is not None:
        return None
    for pattern, cmp, attr, value in _AUTOBLOCKERS:
        if pattern.search(src) and (attr is None or (el.get(attr) or "").lower() == value):
            return cmp
    return None
