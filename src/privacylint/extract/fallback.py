"""A tree for the pages libxml2 will not take whole: nesting deeper than 2048 (libxml2 stops
parsing there and drops the rest of the page) and pages over 65,000 lines (its line numbers are
16-bit). Built from the standard library's tokenizer; nesting beyond _MAX_DEPTH is flattened,
which keeps every element and its ancestry of <noscript>/<template> up to that depth."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from lxml import etree

LINE_ATTR = "data-privacylint-line"  # source line, when it does not fit lxml's 16-bit sourceline
_MAX_DEPTH = 1000
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr", "frame", "image"})


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = etree.Element("html")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        parent = self.stack[-1]
        el = etree.SubElement(parent, tag)
        for name, value in attrs:
            if _valid_name(name) and name not in el.attrib:
                el.set(name, _xml_safe(value) if value else "")
        el.set(LINE_ATTR, str(self.getpos()[0]))
        if tag not in _VOID and len(self.stack) < _MAX_DEPTH:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and len(self.stack) > 1 and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return


# What an lxml attribute value cannot hold: C0 controls but tab, line feed and carriage return,
# noncharacters and lone surrogates. A browser keeps them; a URL percent-encodes a control.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(value: str) -> str:
    """An attribute value lxml accepts, as close to the browser's as it can be: one character
    the tree cannot hold must not lose the page (and the trackers on it)."""
    if not _NOT_XML.search(value):
        return value
    return _NOT_XML.sub(lambda m: f"%{ord(m.group()):02X}" if m.group() < "\x20" else "\ufffd", value)


def _valid_name(name: str) -> bool:
    try:
        etree.QName(name)
        return ":" not in name
    except ValueError:
        return False


def parse_fallback(text: str) -> etree._Element:
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root
