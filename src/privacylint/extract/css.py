"""CSS -> requests: url(), image-set(), src() and @import, in stylesheets, <style> elements and
style attributes.

Read as the browser reads it: tinycss2 tokenizes by CSS Syntax Level 3, so escapes
(`u\\72l(`, `https\\:\\/\\/`), comments and strings are what a browser makes of them, in linear
time. A cheap pre-filter keeps it off CSS that cannot name a URL (most style attributes).
"""

from __future__ import annotations

from functools import lru_cache

import tinycss2

from privacylint.extract.urls import resolve
from privacylint.facts import Request

_URL_FUNCTIONS = frozenset({"url", "src"})  # their first argument, a string, is a URL
_IMAGE_SETS = frozenset({"image-set", "-webkit-image-set"})  # every string argument is a URL
_HINTS = ("url(", "@import", "image-set(", "src(", "\\")


def might_load(css: str) -> bool:
    """False when the CSS certainly names no URL: no url(, @import, image-set(, src( and no escape."""
    low = css.lower()
    return any(hint in low for hint in _HINTS)


def css_urls(css: str) -> tuple[tuple[int, int, str, str], ...]:
    """(line, column, kind, raw URL), 1-based within `css`, of every URL the browser would fetch,
    in source order. A site's pages repeat the same <style> blocks: small ones are read once."""
    if not might_load(css):
        return ()
    return _css_urls_memo(css) if len(css) <= 64 * 1024 else _css_urls(css)


@lru_cache(maxsize=256)
def _css_urls_memo(css: str) -> tuple[tuple[int, int, str, str], ...]:
    return _css_urls(css)


def _css_urls(css: str) -> tuple[tuple[int, int, str, str], ...]:
    found = []
    stack = [iter(tinycss2.parse_component_value_list(css, skip_comments=True))]
    import_next = False
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        kind = node.type
        if kind in ("whitespace", "comment"):
            continue
        if import_next:
            import_next = False
            if kind == "string":
                found.append((node.source_line, node.source_column + 1, "css @import", node.value))
                continue
            if kind in ("url", "function"):
                found.extend(_with_kind(_urls_of(node), "css @import"))
                continue
        if kind == "at-keyword":
            import_next = node.lower_value == "import"
        elif kind in ("url", "function"):
            found.extend(_with_kind(_urls_of(node), "css url()"))
            if kind == "function" and node.lower_name not in _URL_FUNCTIONS | _IMAGE_SETS:
                stack.append(iter(node.arguments))
        elif kind in ("() block", "[] block", "{} block"):
            stack.append(iter(node.content))
    return tuple(sorted(found, key=lambda u: (u[0], abs(u[1]))))


def _urls_of(node) -> list[tuple[int, int, str]]:
    """(line, column, URL): the column of the URL's first character after the quote, or of the
    url( token (css_facts moves that one past the parenthesis)."""
    if node.type == "url":
        return [(node.source_line, -node.source_column, node.value)]
    name = node.lower_name
    strings = [a for a in node.arguments if a.type == "string"]
    if name in _URL_FUNCTIONS and strings:
        return [(strings[0].source_line, strings[0].source_column + 1, strings[0].value)]
    if name in _IMAGE_SETS:
        nested = [u for a in node.arguments if a.type in ("url", "function") for u in _urls_of(a)]
        return [(s.source_line, s.source_column + 1, s.value) for s in strings] + nested
    return []


def _with_kind(urls, kind: str) -> list[tuple[int, int, str, str]]:
    return [(line, column, kind, raw) for line, column, raw in urls if raw.strip()]


def css_facts(css: str, base: str, position, noscript: bool = False, kind_suffix: str = "") -> list[Request]:
    """Requests of a stylesheet; `position` maps an offset in `css` to (line, column)."""
    found = css_urls(css)
    if not found:
        return []
    starts = _line_starts(css)
    requests = []
    for line, column, kind, raw in found:
        url = resolve(raw, base)
        if url:
            offset = starts[min(line, len(starts)) - 1] + abs(column) - 1
            if column < 0:  # an unquoted url(: the URL starts after the parenthesis and spaces
                paren = css.find("(", offset)
                offset = len(css) - len(css[paren + 1:].lstrip()) if 0 <= paren < offset + 16 else offset
            requests.append(Request(url, kind + kind_suffix, *position(offset), noscript))
    return requests


def _line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    at = find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = find("\n", at + 1)
    return starts
