"""What each start tag of a page loads, links or configures: the handlers the page walkers call
for each element they reach (html.py's tree walk, stream.py for pages over 8 MiB, tokens.py's
streaming tokenizer). A walker brings the traversal (where an element is, what encloses it);
this brings what the element means for the facts: requests, links, inline scripts and styles,
the referrer policy, CSP and refresh.
"""

from __future__ import annotations

import re

from lxml import etree

from privacylint.extract import consent
from privacylint.extract.css import css_facts
from privacylint.extract.fallback import LINE_ATTR
from privacylint.extract.js import js_facts
from privacylint.extract.urls import LINK_SCHEMES, resolve
from privacylint.facts import META_REFRESH, Link, Request

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
HANDLED = frozenset(_FETCHED) | {"a", "area", "link", "meta", "input", "base", "style"}
_HOLDABLE = frozenset({"iframe", "frame", "img", "embed", "video", "audio", "source", "track"})
# The HTML standard's "shared declarative refresh steps": a time, then `;` or `,` or only white
# space, then the URL, with or without `url=` and quotes ("0 url=https://…" redirects too).
_REFRESH_URL = re.compile(r"^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?['\"]?([^'\"\s][^'\"]*)", re.IGNORECASE)


class TagReader:
    """The handlers of the tags in HANDLED. The walker that inherits them sets `source`, `base`,
    `facts`, `noscript`, `scripts`, `referrer`, `hidden` and `fragments` (how to read markup a
    script writes: html.fragment_facts, given rather than imported, which imports this)."""

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
        found = self.fragments(srcdoc, self.base)
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
                         self.fragments)
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


_HANDLERS = {tag: getattr(TagReader, f"_on_{tag}") for tag in HANDLED if hasattr(TagReader, f"_on_{tag}")}


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
