"""Pages read from a streaming HTML tokenizer: no tree, only the start tags the facts need.

lxml builds and walks a tree of every element of a page; the checks read a few kinds of start
tag (those that fetch, navigate or configure), their attributes and the text of inline scripts
and styles. lol_html (Cloudflare's streaming rewriter, in Rust; python-lolhtml binds it)
tokenizes as the HTML Living Standard does and calls back only on the tags its CSS selectors
name, so the page's other elements cost no Python at all. Each tag is handed to the same
handlers the tree walker uses (html._PageWalker), in the same order, so the facts are the same.

What the tree gave:
- a tag's position: lol_html exposes none, but it flushes its output before calling a handler, so
  the number of bytes written to the sink so far is the offset of the tag's `<` (the exact start,
  where libxml2 gives only the line on which the tag ends, and Source.start_tag searches back);
- <noscript>: the tokenizer reads its content as raw text (as a browser running scripts does);
  the checks read it as markup (what loads with scripting off, as libxml2 parses it), so the
  content is tokenized again, at its own offset;
- <base href>: the first one rules the whole page, also the tags before it: looked up first;
- <template> content (inert) and privacylint-ignore suppressions (which cover an element's
  descendants) need the open elements: those pages, rare, go to the tree (`refusal` says which).

lxml stays the path when python-lolhtml is not installed (a platform without its wheel) and for
the pages the tokenizer refuses (it raises on markup it cannot tokenize without a tree builder).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import fields
from html.entities import html5

from privacylint.extract import consent
from privacylint.extract.css import might_load
from privacylint.extract.source import Source
from privacylint.extract.urls import resolve, same_origin_relative
from privacylint.facts import FileFacts, Marker

try:
    import lolhtml
except ImportError:  # no wheel for this platform: every page is parsed by lxml
    lolhtml = None

SVG = "http://www.w3.org/2000/svg"
# The tags html._PageWalker reads, as one list of plain names: lol_html compiles its selectors for
# each page, and attribute conditions (a[ping], input[type=image i]) cost 5-100 us a page there,
# more than the callbacks they save.
_ELEMENTS = ("a, area, link, script, iframe, frame, img, source, video, audio, track, embed, object, form, "
             "meta, style, base, image, input, noscript")
_BACKGROUNDS = "body[background], table[background], td[background], th[background]"
_CHARREF = re.compile(r"&(?:#[xX]([0-9a-fA-F]+);?|#([0-9]+);?|([A-Za-z][A-Za-z0-9]*;?))")
_START_TAG = re.compile(r"""<[^\s/>]*(?:[\s/]*(?:[^\s/>][^\s/>=]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?))*[\s/]*>?""")


def available() -> bool:
    return lolhtml is not None


def refusal(low: bytes) -> str | None:
    """Why a page (its lower-cased bytes) goes to the tree rather than the tokenizer, or None."""
    if lolhtml is None:
        return "python-lolhtml is not installed"
    if b"privacylint-ignore" in low:
        return "suppressions cover an element's descendants: the tree knows them"
    if b"<template" in low:
        return "<template> content is inert: the tree knows what lies inside one"
    return None


class Refused(Exception):
    """The tokenizer would not take the page (markup it cannot tokenize without a tree builder)."""


def extract(walker, encoded: bytes, low: bytes, style_hint: bool, background_hint: bool) -> None:
    """Walk a page with `walker` (an html._PageWalker whose Source is a TokenSource) into a
    scratch FileFacts, copied into the walker's facts once the whole page is read; Refused (and
    the facts untouched) if the tokenizer stops on it."""
    facts = walker.facts
    walker.facts = FileFacts(facts.path, facts.kind, facts.size)
    try:
        _TokenWalk(walker, encoded, low, style_hint, background_hint).run()
        scratch = walker.facts
    finally:
        walker.facts = facts
    for f in fields(FileFacts):
        if f.name not in ("path", "kind", "size", "problems"):
            setattr(facts, f.name, getattr(scratch, f.name))
    facts.problems.extend(scratch.problems)


class TokenSource(Source):
    """A Source that knows where each start tag handed to the walker begins (the tokenizer's
    exact offset), so no line table and no search for `<tag` are needed; a position it was not
    told is found as Source finds it."""

    def __init__(self, text: str):
        super().__init__(text)
        self.exact: dict[tuple[str, int, int], tuple[int, int]] = {}
        self.at: dict[tuple[int, int], int] = {}
        self._told: Counter = Counter()  # as Source.count, for the tags told (counted in the same order)
        self._char = 0  # a cursor over the text: offsets come in order, lines are counted once
        self._line = 1
        self._line_start = 0

    def locate(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset at or after the last one asked."""
        text = self.text
        if offset < self._char:
            self._char, self._line, self._line_start = 0, 1, 0
        newlines = text.count("\n", self._char, offset)
        if newlines:
            self._line += newlines
            self._line_start = text.rfind("\n", self._char, offset) + 1
        self._char = offset
        return self._line, offset - self._line_start + 1

    def tell(self, tag: str, offset: int) -> None:
        """Record where the next `tag` the walker counts begins (`offset`, its `<`)."""
        line, column = self.locate(offset)
        index = self._told[tag, line]
        self._told[tag, line] = index + 1
        self.exact[tag, line, index] = (line, column)
        self.at[line, column] = offset

    def start_tag(self, tag: str, line: int, index: int) -> tuple[int, int | None]:
        return self.exact.get((tag, line, index)) or super().start_tag(tag, line, index)

    def offset(self, line: int, column: int) -> int:
        found = self.at.get((line, column))
        return super().offset(line, column) if found is None else found

    def end_line(self, offset: int) -> int:
        """The line on which the start tag at `offset` ends (where libxml2 reports an element)."""
        m = _START_TAG.match(self.text, offset)
        end = m.end() if m else offset
        return self.locate(offset)[0] + self.text.count("\n", offset, end)


class Tag(dict):
    """A start tag, with what the page walker's handlers read from an lxml element: its
    attributes are the dict itself (`get` is dict.get, in C)."""

    __slots__ = ("sourceline", "svg", "tag")

    def __init__(self, tag: str, attributes: list, line: int, svg: bool):
        super().__init__(reversed(attributes))  # the first of a repeated attribute counts
        for name, value in self.items():
            if "&" in value:
                self[name] = unescape_attribute(value)
        self.tag = tag
        self.sourceline = line
        self.svg = svg

    @property
    def attrib(self) -> dict:
        return self

    def getparent(self):
        return None

    def iterancestors(self):
        """Only whether the tag sits in SVG is asked (html._in_svg): the tokenizer knows its namespace."""
        return (_SVG_ROOT,) if self.svg else ()


class _Svg:
    tag = "svg"


_SVG_ROOT = _Svg()


class _TokenWalk:
    def __init__(self, walker, encoded: bytes, low: bytes, style_hint: bool, background_hint: bool):
        self.w = walker
        self.source: TokenSource = walker.source
        self.encoded = encoded
        self.low = low
        self.ascii = len(encoded) == len(self.source.text)
        self.styles = style_hint
        self.backgrounds = background_hint
        self.hrefs: dict[str, None] = {}
        self.later_background: list = []
        self.later_style: list = []
        self.placeholders: dict[str, list] = {}
        self.error: BaseException | None = None
        self._bytes = self._chars = 0

    def run(self) -> None:
        w = self.w
        if b"<base" in self.low:
            self._base()
        self.placeholders = {cls: [] for cls in consent.TARTEAUCITRON_PLACEHOLDERS} \
            if "tarteaucitron" in self.source.text else {}
        self._tokenize(self.encoded, 0, False)
        w.facts.local_links = tuple(self.hrefs)
        for el, offset, noscript in self.later_background:
            self.source.tell(el.tag, offset)
            w.noscript = noscript
            w._element(el.tag, el)
        for el, noscript, style in self.later_style:
            w.noscript = noscript
            w._style_attribute(style, el)
        w.noscript = False
        for cls, found in self.placeholders.items():
            vendor = consent.TARTEAUCITRON_PLACEHOLDERS[cls]
            for line in found:
                w.facts.markers.append(Marker(vendor, f'<div class="{cls}">', line, None, False, "tarteaucitron"))
        if "complianz" in self.source.text:
            w._complianz_categories()

    def _base(self) -> None:
        """The first <base href> of the page, before any tag is read (the tree walker does the same)."""
        found: list[str] = []
        rewriter = lolhtml.HTMLRewriter(_discard)
        rewriter.on("base[href]", _Collect(found))
        self._write(rewriter, self.encoded)
        if found:
            href = unescape_attribute(found[0]) if "&" in found[0] else found[0]
            self.w.base = resolve(href, self.w.url) or self.w.url
            if self.w.base != self.w.url:
                self.w.facts.base = self.w.base

    def _tokenize(self, encoded: bytes, start: int, noscript: bool) -> None:
        """Tokenize `encoded` (the page, or a <noscript>'s content at byte `start` of it)."""
        sink = bytearray()
        scope = _Scope(self, sink, start, noscript)
        rewriter = lolhtml.HTMLRewriter(sink.extend)
        if self.backgrounds:  # before the <noscript> a handler of _ELEMENTS reads: the line cursor moves on
            rewriter.on(_BACKGROUNDS, _Handler(scope.background))
        if self.styles:
            rewriter.on("[style]", _Handler(scope.style))
        for cls in self.placeholders:
            rewriter.on(f'div[class~="{cls}"]', _Handler(scope.placeholder(cls)))
        rewriter.on(_ELEMENTS, _Handler(scope.element))
        self._write(rewriter, encoded)

    def _write(self, rewriter, encoded: bytes) -> None:
        try:
            rewriter.write(encoded)
            rewriter.end()
        except RuntimeError as err:
            if self.error is not None:  # a handler's own exception, not the tokenizer's
                raise self.error from None
            raise Refused(str(err)) from None
        if self.error is not None:
            raise self.error

    def char_offset(self, byte_offset: int) -> int:
        """The character offset of a byte offset of the page's UTF-8 (counted on from the last one)."""
        if self.ascii:
            return byte_offset
        if byte_offset < self._bytes:
            self._bytes, self._chars = 0, 0
        self._chars += len(self.encoded[self._bytes:byte_offset].decode("utf-8", "surrogatepass"))
        self._bytes = byte_offset
        return self._chars


class _Scope:
    """The handlers of one tokenizer run: the page's, or one <noscript>'s content."""

    def __init__(self, walk: _TokenWalk, sink: bytearray, start: int, noscript: bool):
        self.walk = walk
        self.w = walk.w
        self.source = walk.source
        self.sink = sink
        self.start = start
        self.noscript = noscript

    def _offset(self) -> int:
        """The character offset of the tag being handled: the bytes the tokenizer has written so far."""
        return self.walk.char_offset(self.start + len(self.sink))

    def _fail(self, err: BaseException) -> None:
        self.walk.error = err  # the binding would keep only its message

    def element(self, e) -> None:
        """One of _ELEMENTS. A relative link that stays on the site (3 tags in 4 on a documentation
        page) is only noted, as _PageWalker.local_anchor does, without building a Tag."""
        tag = e.tag_name
        if tag == "a":
            href = e.get_attribute("href")
            if href is None:
                if not e.has_attribute("ping"):
                    return
            elif "&" not in href and self.w.base == self.w.url and same_origin_relative(href) \
                    and not e.has_attribute("ping"):
                self.walk.hrefs[href.partition("#")[0]] = None
                return
        elif tag == "noscript":
            self.on_noscript()
            return
        try:
            offset = self._offset()
            el = Tag(tag, e.attributes, self.source.locate(offset)[0], e.namespace_uri == SVG)
            w = self.w
            if not w.local_anchor(tag, el, self.walk.hrefs):
                self.source.tell(tag, offset)
                w.noscript = self.noscript
                w._element(tag, el)
        except BaseException as err:
            self._fail(err)
            raise

    def background(self, e) -> None:
        offset = self._offset()
        el = Tag(e.tag_name, e.attributes, self.source.locate(offset)[0], e.namespace_uri == SVG)
        self.walk.later_background.append((el, offset, self.noscript))

    def style(self, e) -> None:
        try:
            style = e.get_attribute("style")
            if "&" in style:
                style = unescape_attribute(style)
            if style and might_load(style):
                el = Tag(e.tag_name, (), self.source.end_line(self._offset()), False)
                self.walk.later_style.append((el, self.noscript or el.tag == "noscript", style))
        except BaseException as err:
            self._fail(err)
            raise

    def placeholder(self, cls: str):
        def found(e) -> None:
            self.walk.placeholders[cls].append(self.source.end_line(self._offset()))
        return found

    def on_noscript(self) -> None:
        """Tokenize the content of a <noscript> (raw text to the tokenizer) as markup, where it is."""
        try:
            self._noscript()
        except BaseException as err:
            self._fail(err)
            raise

    def _noscript(self) -> None:
        walk = self.walk
        begin = self.start + len(self.sink)
        encoded = walk.encoded
        m = _START_TAG_BYTES.match(encoded, begin)
        content = m.end() if m else len(encoded)
        close = _NOSCRIPT_END.search(encoded, content)
        end = close.start() if close else len(encoded)
        walk._tokenize(encoded[content:end], content, True)


_START_TAG_BYTES = re.compile(_START_TAG.pattern.encode())
_NOSCRIPT_END = re.compile(rb"</noscript", re.IGNORECASE)


class _Handler:
    """An element handler for python-lolhtml (it looks up `element`); an exception is kept, since
    the binding would turn it into a RuntimeError with only its message."""

    __slots__ = ("element",)

    def __init__(self, handle):
        self.element = handle


class _Collect:
    __slots__ = ("element", "found")

    def __init__(self, found: list):
        self.found = found
        self.element = self._first

    def _first(self, e) -> None:
        if not self.found:
            self.found.append(e.get_attribute("href"))


def _discard(chunk) -> None:
    return None


def unescape_attribute(value: str) -> str:
    """Character references in an attribute value, as the HTML standard decodes them there: a
    named reference without its `;` stays as written before `=` or a letter or digit
    (`?a=1&copy=2` is a URL, not a copyright sign)."""
    return _CHARREF.sub(_decode_reference, value)


def _decode_reference(m: re.Match) -> str:
    name = m.group(3)
    if name is None:
        return html.unescape(m.group(0))
    if name.endswith(";") and name in html5:
        return html5[name]
    bare = name.rstrip(";")
    for cut in range(len(bare), 1, -1):  # the longest legacy name (written without `;`)
        if bare[:cut] in html5:
            following = name[cut:cut + 1] or m.string[m.end():m.end() + 1]
            if following == "=" or following.isalnum():
                return m.group(0)
            return html5[bare[:cut]] + name[cut:]
    return m.group(0)
