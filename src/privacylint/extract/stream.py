"""Huge pages, read as a stream of tags: no tree, so memory stays a small multiple of the page.

libxml2's tree of a dense 50 MB page takes ~30 times its size. A page over STREAM_FROM is
tokenized by the standard library's HTML parser instead and each element is handed, as it
starts, to the same handlers the tree walker uses (html._PageWalker): they read attributes
(`get`), the tag and the source line, which a token gives as well as an element. What the tree
gave by navigation comes from a stack of open elements: <template> (inert), <noscript> (live,
never gated), hidden containers (their links are marked: no visitor follows them) and the
elements carrying a suppression. Slower than lxml per MB, but linear, and
it also has exact line numbers past libxml2's 65,535.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from privacylint.extract import consent
from privacylint.extract.css import might_load
from privacylint.extract.urls import resolve
from privacylint.facts import Marker

DISPLAY_NONE = re.compile(r"(?:^|;)\s*display\s*:\s*none\b", re.IGNORECASE)  # an inline style that hides
STREAM_FROM = 8 * 1024 * 1024  # characters; smaller pages are parsed whole by lxml
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr", "frame", "image"})


class Token:
    """A start tag, with the interface the page walker's handlers read from an element."""

    __slots__ = ("tag", "attrib", "sourceline", "top")

    def __init__(self, tag: str, attrs: list, line: int, top: bool):
        self.tag = tag
        self.attrib = {}
        for name, value in attrs:
            self.attrib.setdefault(name, "" if value is None else value)
        self.sourceline = line
        self.top = top

    def get(self, name: str, default=None):
        return self.attrib.get(name, default)

    def getparent(self):
        return None if self.top else self


class StreamWalker(HTMLParser):
    def __init__(self, walker, handled: frozenset[str]):
        super().__init__(convert_charrefs=True)
        self.w = walker
        self.handled = handled
        self.stack: list[tuple[str, int | None, bool]] = []  # (tag, directive index or None, hides)
        self.hiding = 0  # open hidden, aria-hidden or display:none containers
        self.may_hide = walker.may_hide  # else no element can hide a link: no look
        self.inert = 0  # open <template> elements
        self.in_noscript = 0
        self.pending: tuple[str, int] | None = None  # a comment directive waiting for its element
        self.hrefs: dict[str, None] = {}
        self.base_seen = False
        self.placeholders = "tarteaucitron" in walker.source.text  # checked once, not per <div>

    def run(self, text: str) -> None:
        self.feed(text)
        self.close()
        self.w.facts.local_links = tuple(self.hrefs)

    def handle_comment(self, data: str) -> None:
        text = data.strip()
        if text.startswith("privacylint-ignore") and not self.inert:
            self.pending = (text[len("privacylint-ignore"):], self.getpos()[0])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack and self.stack[-1][0] == tag:
            self._pop(len(self.stack) - 1)

    def handle_starttag(self, tag, attrs):
        el = Token(tag, attrs, self.getpos()[0], not self.stack)
        directive = None
        if not self.inert and (el.get("data-privacylint-ignore") is not None or self.pending):
            comment, self.pending = self.pending, None
            directive = self.w._directive(el, tag, el.get("data-privacylint-ignore"), comment)
        hides = self.may_hide and hides_content(el)
        if (hides or self.hiding) and tag in ("a", "area"):
            self.w.hidden.add(el)
        if tag not in _VOID:
            self.stack.append((tag, directive, hides))
            self.inert += tag == "template"
            self.in_noscript += tag == "noscript"
            self.hiding += hides
        if self.inert:
            return
        self._visit(el, tag, directive)

    def _visit(self, el: Token, tag: str, directive: int | None) -> None:
        w = self.w
        w.noscript = self.in_noscript > 0
        if tag == "base" and not self.base_seen and el.get("href") is not None:
            self.base_seen = True  # as the tree walker does: the first <base href> rules
            w.base = resolve(el.get("href"), w.url) or w.url
            if w.base != w.url:
                w.facts.base = w.base
        # the open elements' suppressions, and the element's own (a void element is not on the stack)
        active = tuple(sorted({d for _, d, _ in self.stack if d is not None} | ({directive} - {None})))
        mark = w._mark()
        if not w.local_anchor(tag, el, self.hrefs) and tag in self.handled:
            w._element(tag, el)
        style = el.get("style")
        if style and might_load(style):
            w._style_attribute(style, el)
        if tag == "div" and self.placeholders:
            classes = (el.get("class") or "").split()
            for cls, vendor in consent.TARTEAUCITRON_PLACEHOLDERS.items():
                if cls in classes:
                    w.facts.markers.append(Marker(vendor, f'<div class="{cls}">', el.sourceline, None, w.noscript,
                                                  "tarteaucitron"))
        if active:
            w._cover(mark, active)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                self._pop(depth)
                return

    def _pop(self, depth: int) -> None:
        for tag, _, hides in self.stack[depth:]:
            self.inert -= tag == "template"
            self.in_noscript -= tag == "noscript"
            self.hiding -= hides
        del self.stack[depth:]


def hides_content(el) -> bool:
    """An element whose content no visitor sees: `hidden`, `aria-hidden="true"` or an inline
    `display:none` (an lxml element or a Token)."""
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return bool(style) and DISPLAY_NONE.search(style) is not None
