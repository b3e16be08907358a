"""CSS -> requests: url() and @import, in stylesheets, <style> elements and style attributes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from privacylint.extract.urls import resolve
from privacylint.facts import Request

_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?(["']?)([^"')\s;]+)\1""", re.I)
_URL = re.compile(r"""url\(\s*(["']?)([^"')]*?)\1\s*\)""", re.I)


def blank_comments(css: str) -> str:
    """Comments become spaces (newlines kept), so offsets and line numbers stay true."""
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), css)


def css_urls(css: str) -> Iterator[tuple[int, str, str]]:
    """(offset, kind, raw URL) for every @import and url() outside comments, in source order."""
    if "url(" not in css.lower() and "@import" not in css.lower():
        return
    code = blank_comments(css)
    found = []
    imported = set()
    for m in _IMPORT.finditer(code):
        found.append((m.start(2), "css @import", m.group(2)))
        imported.add(m.start(2))
    for m in _URL.finditer(code):
        if m.start(2) not in imported and m.group(2).strip():
            found.append((m.start(2), "css url()", m.group(2)))
    yield from sorted(found)


def css_facts(css: str, base: str, position, noscript: bool = False, kind_suffix: str = "") -> list[Request]:
    """Requests of a stylesheet; `position` maps an offset in `css` to (line, column)."""
    requests = []
    for offset, kind, raw in css_urls(css):
        url = resolve(raw, base)
        if url:
            requests.append(Request(url, kind + kind_suffix, *position(offset), noscript))
    return requests
