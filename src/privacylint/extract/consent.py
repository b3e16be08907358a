"""Consent managers' conventions, as static facts (signatures.md §3).

- Markup gates: an element is held back when the browser will not run or fetch it as written
  (a non-JavaScript `type`, or no live `src`) *and* a consent manager's attribute or class marks
  it. `data-src` alone is lazy loading, not a gate.
- Auto-blocking loaders, which block what they recognise (not verifiable statically).
Consent managers' JavaScript (callbacks, configuration, Google consent mode) is read in extract/js.

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
