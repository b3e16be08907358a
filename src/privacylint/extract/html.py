"""HTML page -> facts: requests, links, and what its inline scripts and styles do.

One lxml parse per page. Comments and <template> content are inert and skipped; <noscript>
content is live (it loads when scripting is off) and marked as such.
"""

from __future__ import annotations

import re

from lxml import etree

from privacylint.decode import decode
from privacylint.extract import consent, stream, tokens
from privacylint.extract.css import might_load
from privacylint.extract.fallback import parse_fallback
from privacylint.extract.hiding import may_hide_links
from privacylint.extract.source import Source
from privacylint.extract.tags import HANDLED, TagReader
from privacylint.extract.urls import resolve, same_origin_relative
from privacylint.facts import Directive, FileFacts, Marker, split_gate

_MAX_LXML_LINES = 65000  # libxml2 keeps line numbers in 16 bits
IGNORE_ATTR = "data-privacylint-ignore"


def parse_html(text: str, encoded: bytes | None = None) -> etree._Element | None:
    """The page's tree: lxml, or the fallback builder where libxml2 would lose something.
    `encoded` is the text as UTF-8, when the caller has it already."""
    if len(text) < _MAX_LXML_LINES or text.count("\n") < _MAX_LXML_LINES:  # short: no count needed
        # collect_ids=False: no table of id attributes (nothing looks pages up by id): -2% of the parse
        parser = etree.HTMLParser(encoding="utf-8", huge_tree=True, no_network=True, collect_ids=False)
        root = etree.fromstring(encoded if encoded is not None else text.encode("utf-8", "surrogatepass"), parser)
        if not any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
            return root
    return parse_fallback(text)


def parse_directive(text: str) -> tuple[tuple[str, ...], str]:
    """"PL101, PL105: reason" -> (("PL101", "PL105"), "reason"); the reason may be empty."""
    head, _, reason = text.partition(":")
    checks = tuple(dict.fromkeys(c.upper() for c in re.split(r"[\s,]+", head.strip()) if c))
    return checks, " ".join(reason.split())


def visible_text(data: bytes) -> str:
    """A page's visible body text, lower-cased, white space folded, as PL303 reads the statement's
    (extract/text.py): for `privacylint init`, which reads a few pages of a build itself."""
    from privacylint.extract.text import sentences

    return " ".join(s.text for s in sentences(decode(data, "page")[0])).lower()


_FRAGMENT_DEPTH = [0]  # HTML written by a script written by a script...: a few levels are read


def fragment_facts(markup: str, base: str) -> FileFacts | None:
    """The facts of an HTML fragment (written by a script), read as a page at `base`; None
    beyond a few levels of markup written by scripts inside written markup."""
    if _FRAGMENT_DEPTH[0] >= 4:
        return None
    _FRAGMENT_DEPTH[0] += 1
    try:
        facts = FileFacts("", "page")
        extract_page(markup, base, facts)
        return facts
    finally:
        _FRAGMENT_DEPTH[0] -= 1


def extract_page(text: str, url: str, facts: FileFacts, utf8: bytes | None = None) -> None:
    """`utf8`: the text's UTF-8 when the caller has it already (the file's own bytes)."""
    if len(text) > stream.STREAM_FROM:  # no tree: memory stays a small multiple of the page
        walker = _PageWalker(Source(text), url, facts)
        walker.may_hide = may_hide_links(text.encode("utf-8", "surrogatepass").lower())
        stream.StreamWalker(walker, HANDLED).run(text)
        if "complianz" in text:
            walker._complianz_categories()
        return
    encoded = utf8 if utf8 is not None else text.encode("utf-8", "surrogatepass")
    # Lower-cased bytes for the raw-text pre-checks: bytes.lower is ASCII-only and several
    # times faster than str.lower on pages with non-ASCII text; tags and attributes are ASCII.
    low = encoded.lower()
    hide = may_hide_links(low)
    if not hide and tokens.refusal(low) is None and _tokenized(text, url, facts, encoded, low):
        return  # (a page whose hidden containers may hold a link goes to the tree, which marks them)
    root = parse_html(text, encoded)
    if root is not None:
        del encoded  # a large page's tree is big enough: no third copy of the page beside it
        _PageWalker(Source(text), url, facts).walk(root, low, hide)


def _tokenized(text: str, url: str, facts: FileFacts, encoded: bytes, low: bytes) -> bool:
    """Extract a page from the streaming tokenizer (extract.tokens); False if it refused the page."""
    walker = _PageWalker(tokens.TokenSource(text), url, facts)
    try:
        tokens.extract(walker, encoded, low, _style_hint(low), _background_hint(low))
    except tokens.Refused:
        return False
    return True


# Raw-text pre-checks: whether a page has any of these at all (they only ever say "look", never "skip"
# something that is there: an entity-encoded style value holds "&", a STYLE attribute is matched too).
# They run on the lower-cased text, with a literal first so the regex engine can skip ahead.
_STYLE_VALUE = re.compile(rb"""style\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*))""")
_STYLE_HINT = re.compile(rb"url|image-set|src|\\|&|@import")
_HAS_BACKGROUND = re.compile(rb"background\s*=")
_STYLED = etree.XPath("//*[@style]")
# Containers no visitor sees or can follow a link in (a link there does not link the statement).
# Looked for only in pages whose raw text could have one holding a link (extract/hiding.py); the
# links inside are marked. <template> needs no look: the walk never records its links.
_HIDDEN_ANCHORS = etree.XPath("//*[@hidden or @aria-hidden='true']/descendant-or-self::*[self::a or self::area]")
_DISPLAY_NONE_TEXT = re.compile(rb"display\s*:\s*none")


def _style_hint(low: bytes) -> bool:
    """Whether a style attribute of the page could load something."""
    return b"style" in low and any(_STYLE_HINT.search(m.group(m.lastindex or 0) or b"")
                                   for m in _STYLE_VALUE.finditer(low))


def _background_hint(low: bytes) -> bool:
    return b"background" in low and _HAS_BACKGROUND.search(low) is not None


def _hidden_anchors(root: etree._Element, low: bytes) -> set:
    """The <a> and <area> elements no visitor can see or follow: inside a `hidden`,
    `aria-hidden="true"` or inline `display:none` container."""
    hidden = set(_HIDDEN_ANCHORS(root)) if b"hidden" in low else set()
    if b"none" in low and _DISPLAY_NONE_TEXT.search(low):
        for container in _STYLED(root):
            if stream.DISPLAY_NONE.search(container.get("style") or ""):
                hidden.update(container.iter("a", "area"))
    return hidden


_WITH_BACKGROUND = etree.XPath("//body[@background]|//table[@background]|//td[@background]|//th[@background]")
_BACKGROUND = frozenset({"body", "table", "td", "th"})  # obsolete, but it still loads: found by attribute
_WALKED = tuple(sorted(HANDLED - _BACKGROUND))


class _PageWalker(TagReader):
    """One pass over the elements lxml filters in C (those that fetch, navigate or configure);
    style and background attributes only where the raw text shows one that could load. Relative
    links that stay on the site are kept as written: no URL parse, no position (only the
    statement check needs them). Nothing visits every element of the page in Python."""

    def __init__(self, source: Source, url: str, facts: FileFacts):
        self.source = source
        self.url = url
        self.base = url
        self.facts = facts
        self.noscript = False
        self.scripts = 0
        self.referrer: str | None = None  # of the element being read
        self.inert: set = set()
        self.live_noscript: set = set()
        self.directive_of: dict = {}  # element -> index of its directive in facts.directives
        self.may_hide = False  # whether a hidden container could hold a link (extract/hiding.py)
        self.hidden: set = set()  # the <a> and <area> elements inside hidden containers
        self.fragments = fragment_facts  # markup a script writes, read as a page's (tags.TagReader)

    def walk(self, root: etree._Element, low: bytes, may_hide: bool) -> None:
        """`may_hide`: whether a hidden container could hold a link (extract/hiding.py)."""
        text = self.source.text
        self.base = self._base_url(root)
        if self.base != self.url:
            self.facts.base = self.base
        if b"<template" in low:
            for template in root.iter("template"):
                self.inert.update(template.iterdescendants())
        if may_hide:
            self.hidden = _hidden_anchors(root, low)
        if b"<noscript" in low:
            for noscript in root.iter("noscript"):
                if noscript not in self.inert:
                    self.live_noscript.update(noscript.iterdescendants())
        if "privacylint-ignore" in text:
            self._directives(root)
        hrefs: dict[str, None] = {}
        inert = self.inert
        for el in root.iter(*_WALKED):
            if inert and el in inert:
                continue
            tag = el.tag
            if not self.local_anchor(tag, el, hrefs):
                self._visit(el, tag, self._element)
        self.facts.local_links = tuple(hrefs)
        if _background_hint(low):
            for el in _WITH_BACKGROUND(root):
                if el not in self.inert:
                    self._visit(el, el.tag, self._element)
        if _style_hint(low):
            for el in _STYLED(root):
                style = el.get("style")
                if el not in self.inert and might_load(style):
                    self._visit(el, el.tag, lambda tag, e: self._style_attribute(style, e))
        self.noscript = False
        if "tarteaucitron" in text:
            self._tarteaucitron_placeholders(root)
        if "complianz" in text:
            self._complianz_categories()

    def local_anchor(self, tag: str, el, hrefs: dict) -> bool:
        """A relative link that stays on the site is kept as written in `hrefs` (its fragment
        dropped: it names no other page), with no URL parse and no position. True when the anchor
        needs nothing more: that, or it has neither href nor ping."""
        if tag not in ("a", "area") or self.base != self.url or el.get("ping") is not None:
            return False
        href = el.get("href")
        if href is None:
            return True
        if same_origin_relative(href):
            if not self.hidden or el not in self.hidden:  # a hidden one links nothing a visitor sees
                hrefs[href.partition("#")[0]] = None
            return True
        return False

    def _visit(self, el, tag: str, handle) -> None:
        """Handle one element, with its <noscript> state and the suppressions that cover it."""
        self.noscript = el in self.live_noscript or tag == "noscript"
        if not self.directive_of:
            handle(tag, el)
            return
        active = tuple(self.directive_of[a] for a in (el, *el.iterancestors()) if a in self.directive_of)
        mark = self._mark()
        handle(tag, el)
        if active:
            self._cover(mark, tuple(sorted(active)))

    def _directives(self, root: etree._Element) -> None:
        """Register every suppression, in document order: attributes, and comments before an element."""
        commented = self._comment_directives(root)
        for el in root.iter():
            if not isinstance(el.tag, str) or el in self.inert:
                continue
            attribute = el.get(IGNORE_ATTR)
            if attribute is not None or el in commented:
                self.directive_of[el] = self._directive(el, el.tag, attribute, commented.get(el))

    def _comment_directives(self, root: etree._Element) -> dict:
        """<!-- privacylint-ignore ... --> comments -> the element each one precedes (None: the file)."""
        found = {}
        comments = [*root.itersiblings(etree.Comment, preceding=True), *root.iter(etree.Comment)]
        for comment in comments:
            text = (comment.text or "").strip()
            if not text.startswith("privacylint-ignore"):
                continue
            target = comment.getnext()
            while target is not None and not isinstance(target.tag, str):
                target = target.getnext()
            if comment.getparent() is None:
                target = root
            if target is not None:
                found[target] = (text[len("privacylint-ignore"):], comment.sourceline or 1)
        return found

    def _directive(self, el, tag: str, attribute: str | None, comment: tuple | None) -> int:
        if attribute is not None:
            line = self._line(el)
            line, column = self.source.start_tag(tag, line, 0)
            text = attribute
        else:
            text, line = comment
            column = None
        checks, reason = parse_directive(text)
        whole_file = tag in ("html", "body") or (comment is not None and el.getparent() is None)
        self.facts.directives.append(Directive(line, column, checks, reason, whole_file))
        return len(self.facts.directives) - 1

    def _mark(self) -> tuple[int, int, int, int]:
        f = self.facts
        return len(f.requests), len(f.links), len(f.writes), len(f.markers)

    def _cover(self, mark: tuple[int, int, int, int], directives: tuple[int, ...]) -> None:
        """Facts added since `mark` lie inside elements carrying these directives."""
        f = self.facts
        for facts, start in zip((f.requests, f.links, f.writes, f.markers), mark, strict=True):
            for fact in facts[start:]:
                key = (fact.line, fact.column)
                f.covered[key] = tuple(sorted(set(f.covered.get(key, ())) | set(directives)))

    def _tarteaucitron_placeholders(self, root: etree._Element) -> None:
        for cls, vendor in consent.TARTEAUCITRON_PLACEHOLDERS.items():
            for el in root.xpath(f'//div[contains(concat(" ", normalize-space(@class), " "), " {cls} ")]'):
                line = self._line(el)
                self.facts.markers.append(Marker(vendor, f'<div class="{cls}">', line, None, self.noscript > 0,
                                                 "tarteaucitron"))

    def _complianz_categories(self) -> None:
        """Complianz writes the data-category attribute that orestbida's cookieconsent reads."""
        f = self.facts

        def mine(gate):
            return "complianz" + gate[len("cookieconsent"):] if gate and split_gate(gate)[0] == "cookieconsent" else gate

        f.requests[:] = [r._replace(gate=mine(r.gate)) for r in f.requests]
        f.writes[:] = [w._replace(gate=mine(w.gate)) for w in f.writes]
        f.markers[:] = [m._replace(gate=mine(m.gate)) for m in f.markers]

    def _base_url(self, root: etree._Element) -> str:
        for base in root.iter("base"):
            href = base.get("href")
            if href is not None:
                return resolve(href, self.base) or self.base
        return self.base
