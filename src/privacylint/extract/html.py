"""HTML page -> facts: requests, links, and what its inline scripts and styles do.

One lxml parse per page. Comments and <template> content are inert and skipped; <noscript>
content is live (it loads when scripting is off) and marked as such.
"""

from __future__ import annotations

import re

from lxml import etree

from privacylint.decode import decode
from privacylint.extract import consent, stream, tokens
from privacylint.extract.css import css_facts, might_load
from privacylint.extract.fallback import LINE_ATTR, parse_fallback
from privacylint.extract.hiding import may_hide_links
from privacylint.extract.js import js_facts
from privacylint.extract.source import Source
from privacylint.extract.urls import LINK_SCHEMES, resolve, same_origin_relative
from privacylint.facts import META_REFRESH, Directive, FileFacts, Link, Marker, Request, split_gate

# Element -> attributes whose URL the browser fetches while rendering the page.
_FETCHED = {
    "script": ("src",), "iframe": ("src",), "frame": ("src",), "img": ("src", "srcset"),
    "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",), "track": ("src",),
    "embed": ("src",), "object": ("data",), "form": ("action",), "image": ("href", "xlink:href"),
    "body": ("background",), "table": ("background",), "td": ("background",), "th": ("background",),
}
_LOADING_RELS = ("stylesheet", "preload", "prefetch", "modulepreload", "preconnect", "dns-prefetch",
                 "icon", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon", "manifest",
                 "prerender")
_JS_TYPES = frozenset({"", "module", "text/javascript", "application/javascript", "text/ecmascript",
                       "application/ecmascript", "application/x-javascript", "text/x-javascript",
                       "text/jscript", "text/babel"})
_HANDLED = frozenset(_FETCHED) | {"a", "area", "link", "meta", "input", "base", "style"}
_HOLDABLE = frozenset({"iframe", "frame", "img", "embed", "video", "audio", "source", "track"})
# The HTML standard's "shared declarative refresh steps": a time, then `;` or `,` or only white
# space, then the URL, with or without `url=` and quotes ("0 url=https://…" redirects too).
_REFRESH_URL = re.compile(r"^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?['\"]?([^'\"\s][^'\"]*)", re.IGNORECASE)
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
        stream.StreamWalker(walker, _HANDLED).run(text)
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
_WALKED = tuple(sorted(_HANDLED - _BACKGROUND))


class _PageWalker:
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

    def _element(self, tag: str, el: etree._Element) -> None:
        line = self._line(el)
        where = (tag, line, self.source.count(tag, line))
        self.referrer = _referrer_of(el)
        if tag == "script":
            self._on_script(el, where)
            return
        held = consent.embed_gate(el) if tag in _HOLDABLE else None
        if held:
            gate, attr, raw = held
            self._request(raw, f"<{tag} {attr}>", where, gate)
        for attr in _FETCHED.get(tag, ()):
            value = el.get(attr)
            if value and not (held and attr == "src"):
                urls = _srcset(value) if attr == "srcset" else [value]
                for raw in urls:
                    self._request(raw, f"<{tag} {attr}>", where)
        handler = _HANDLERS.get(tag)
        if handler:
            handler(self, el, where)

    def _on_script(self, el, where) -> None:
        kind = (el.get("type") or "").strip().lower()
        if kind == "importmap":
            self._import_map(where)
            return
        is_js = kind in _JS_TYPES
        gate = None if is_js else consent.script_gate(el)
        self.scripts += 1
        if self.scripts == 1 and is_js:
            self.facts.autoblock = consent.autoblocker(el)
        if not is_js and gate is None:
            return  # not JavaScript and held by no consent manager: the browser never runs it
        src = ("src", el.get("src")) if is_js and el.get("src") else None if is_js else consent.deferred_url(el)
        if is_js and not src and _in_svg(el):  # an SVG script's URL is its href (or xlink:href)
            href = el.get("href") or el.get("xlink:href")
            src = ("href", href) if href else None
        if src:
            self._request(src[1], f"<script {src[0]}>", where, gate)
        elif el.get("src") is None:
            start = self._content_start(where)
            end = _end_of_raw_text(self.source.text, start, "script")
            self._js(self.source.text[start:end], start, gate)

    def _import_map(self, where) -> None:
        """An import map names the URLs modules are fetched from once imported: each one that is
        absolute counts as a load (the map exists to be used)."""
        import json

        start = self._content_start(where)
        body = self.source.text[start:_end_of_raw_text(self.source.text, start, "script")]
        try:
            data = json.loads(body)
        except ValueError:
            return
        maps = [data.get("imports")] + list((data.get("scopes") or {}).values()) if isinstance(data, dict) else []
        for mapping in maps:
            for url in (mapping.values() if isinstance(mapping, dict) else ()):
                if isinstance(url, str):
                    self._request(url, "<script type=importmap>", where)

    def _on_iframe(self, el, where) -> None:
        """A srcdoc is a document of its own, on the page's base URL: what it loads, the page loads."""
        srcdoc = el.get("srcdoc")
        if not srcdoc:
            return
        found = fragment_facts(srcdoc, self.base)
        if found is None:
            return
        line, column = self.source.start_tag(*where)
        noscript = self.noscript > 0
        f = self.facts
        f.requests += [r._replace(line=line, column=column, noscript=noscript or r.noscript,
                                  kind=f"{r.kind} (in <iframe srcdoc>)") for r in found.requests]
        f.writes += [w._replace(line=line, column=column) for w in found.writes]
        f.markers += [m._replace(line=line, column=column) for m in found.markers]
        f.behaviours += [b._replace(line=line, column=column) for b in found.behaviours]

    def _on_style(self, el, where) -> None:
        start = self._content_start(where)
        self._css(self.source.text[start:_end_of_raw_text(self.source.text, start, "style")], start)

    def _on_link(self, el, where) -> None:
        rels = (el.get("rel") or "").lower().split()
        href = el.get("href")
        if href and "privacy-policy" in rels:
            self._link(href, "<link rel=privacy-policy>", where)
        loading = next((rel for rel in _LOADING_RELS if rel in rels), None)
        if href and loading:
            self._request(href, f"<link rel={loading}>", where)
        if loading and el.get("imagesrcset"):
            for raw in _srcset(el.get("imagesrcset")):
                self._request(raw, "<link imagesrcset>", where)

    def _on_a(self, el, where) -> None:
        href = el.get("href")
        if href:
            self._link(href, f"<{where[0]} href>", where, bool(self.hidden) and el in self.hidden)
        for raw in (el.get("ping") or "").split():
            self._request(raw, f"<{where[0]} ping>", where)

    _on_area = _on_a

    def _on_input(self, el, where) -> None:
        if (el.get("type") or "").lower() == "image" and el.get("src"):
            self._request(el.get("src"), "<input src>", where)

    def _on_meta(self, el, where) -> None:
        if (el.get("name") or "").lower() == "referrer" and el.get("content") and self.facts.referrer is None:
            self.facts.referrer = (*self.source.start_tag(*where), el.get("content").strip().lower())
        if (el.get("http-equiv") or "").lower() == "content-security-policy" and el.get("content"):
            self.facts.csp.append((*self.source.start_tag(*where), el.get("content")))
        if (el.get("http-equiv") or "").lower() == "refresh":
            m = _REFRESH_URL.match(el.get("content") or "")
            if m:
                self._request(m.group(1), META_REFRESH, where)

    def _request(self, raw: str, kind: str, where: tuple, gate: str | None = None) -> None:
        url = resolve(raw, self.base)
        if url:
            line, column = self.source.start_tag(*where)
            self.facts.requests.append(Request(url, kind, line, column, self.noscript > 0, gate, self.referrer))

    def _link(self, raw: str, kind: str, where: tuple, hidden: bool = False) -> None:
        url = resolve(raw, self.base, LINK_SCHEMES)
        if url:
            line, column = self.source.start_tag(*where)
            self.facts.links.append(Link(url, kind, line, column, self.referrer, hidden))

    def _js(self, js: str, start: int, gate: str | None = None) -> None:
        found = js_facts(js, self.base, lambda off: self.source.position(start + off), self.noscript > 0, gate,
                         fragment_facts)
        self.facts.add_js(found)

    def _css(self, css: str, start: int) -> None:
        self.facts.requests.extend(css_facts(css, self.base, lambda off: self.source.position(start + off),
                                             self.noscript > 0))

    def _style_attribute(self, css: str, el: etree._Element) -> None:
        at_element = (self._line(el), None)
        self.facts.requests.extend(css_facts(css, self.base, lambda off: at_element, self.noscript > 0,
                                             " in a style attribute"))

    def _content_start(self, where: tuple) -> int:
        line, column = self.source.start_tag(*where)
        offset = self.source.offset(line, column or 1)
        close = self.source.text.find(">", offset)
        return len(self.source.text) if close < 0 else close + 1

    @staticmethod
    def _line(el: etree._Element) -> int:
        big = el.get(LINE_ATTR)
        return int(big) if big else el.sourceline or 1


_HANDLERS = {tag: getattr(_PageWalker, f"_on_{tag}") for tag in _HANDLED if hasattr(_PageWalker, f"_on_{tag}")}


def _in_svg(el) -> bool:
    """Whether an element sits inside <svg> (lxml's HTML parser keeps SVG as plain elements)."""
    if el.get("href") is None and el.get("xlink:href") is None or not hasattr(el, "iterancestors"):
        return False
    return any(a.tag == "svg" for a in el.iterancestors())


def _referrer_of(el: etree._Element) -> str | None:
    policy = el.get("referrerpolicy")
    if policy:
        return policy.strip().lower()
    return "no-referrer" if "noreferrer" in (el.get("rel") or "").lower().split() else None


def _end_of_raw_text(text: str, start: int, tag: str) -> int:
    m = re.compile(rf"</{tag}", re.I).search(text, start)
    return m.start() if m else len(text)


def _srcset(value: str) -> list[str]:
    """The URLs of a srcset: candidates of a URL (no whitespace) and descriptors, comma-separated."""
    urls: list[str] = []
    expect_url = True
    for token in value.split():
        while token:
            if expect_url:
                token = token.lstrip(",")
                if token:
                    urls.append(token.rstrip(","))
                    expect_url = token.endswith(",")
                token = ""
            else:
                _, comma, token = token.partition(",")
                expect_url = bool(comma)
    return urls
