"""The site's pages as a graph: their keys, the links between them, which scripts each page
loads, and which of the site's files run at all (pages, and what they load or name)."""

from __future__ import annotations

import posixpath
import re
from functools import cached_property
from urllib.parse import unquote

from privacylint.domains import host_and_path
from privacylint.extract.urls import resolve
from privacylint.facts import JS_LITERAL, JS_LOAD, FileFacts, Request
from privacylint.policy import Policy

_C0_SPACE = "".join(map(chr, range(0x21)))
_FOLLOWABLE = ("<a href>", "<area href>")
ASSET_SUFFIXES = (".js", ".mjs", ".css")


def page_key(path: str) -> str:
    """One name for a page: /privacy, /privacy/, /privacy/index.html and /privacy.html -> privacy."""
    p = unquote(path).strip("/")
    head, _, last = p.rpartition("/")
    if last in ("index.html", "index.htm"):
        p = head
    elif last.endswith((".html", ".htm")):
        p = p.rsplit(".", 1)[0]
    return p.strip("/")


def _layout_key(page: FileFacts) -> frozenset:
    """What a page's code is made of: the scripts it loads, and what its inline scripts do (the
    hosts they load from, the vendor snippets, the storage keys they name), so a page that shares
    another's scripts but adds an inline tracker is a layout of its own (the browser loads it)."""
    key: set[tuple] = {("script", r.url) for r in page.requests if r.kind.startswith("<script")}
    key |= {("js", host_and_path(r.url)[0]) for r in page.requests if r.kind in (JS_LOAD, JS_LITERAL)}
    key |= {("snippet", m.vendor) for m in page.markers}
    key |= {("write", w.storage, w.name) for w in page.writes if w.name}
    return frozenset(key)


class PageGraph:
    """Pages, links and scripts of one site, keyed as rules.yaml names pages."""

    def __init__(self, root: str, files: list[FileFacts], policy: Policy, parties, aliases: dict | None = None):
        self.root = root
        # URL mode: a URL's site path -> the file it was fetched as, where the two differ (an
        # asset /x beside a page /x/ is stored under a neutral name, /app sent as JavaScript as app.js)
        self.aliases = aliases or {}
        self.files = files
        self.policy = policy
        self.parties = parties
        self.root_path = host_and_path(policy.site_url)[1]
        self._layouts: dict[str, int] = {}  # page -> its layout (the browser pass loads one page per layout)
        self._layout_ids: dict[frozenset, int] = {}

    def register(self, page: FileFacts) -> None:
        """Note a page's layout (_layout_key) as it comes in."""
        self._layouts[page.path] = self._layout_ids.setdefault(_layout_key(page), len(self._layout_ids))

    def layout(self, page: FileFacts) -> int:
        """The page's layout (_layout_key; quiet scripts included), as a number pages share."""
        return self._layouts.get(page.path, -1)

    @cached_property
    def pages(self) -> dict[str, FileFacts]:
        pages: dict[str, FileFacts] = {}
        for f in self.files:
            if f.kind == "page":
                pages.setdefault(page_key(f.path), f)
        return pages

    def public_path(self, url_path: str) -> str:
        """A path of rules.yaml (on site.url) as a visitor's browser requests it: with site.url's
        own path in front (`/privacy/` on https://alice.github.io/proj/ is `/proj/privacy/`)."""
        return self.root_path.rstrip("/") + "/" + url_path.lstrip("/")

    def page(self, url_path: str) -> FileFacts | None:
        """The built page for a path of rules.yaml (relative to site.url)."""
        return self.pages.get(page_key(url_path))

    def site_path(self, url: str) -> str | None:
        """The path under the build root of a first-party URL inside the site, else None."""
        if url.startswith("mailto:") or not self.parties.is_first_party(url):
            return None
        path = host_and_path(url)[1]
        if not path.startswith(self.root_path):
            return None
        path = unquote(path[len(self.root_path):])
        return self.aliases.get(path.split("?", 1)[0], path)

    @cached_property
    def offsite_statement(self) -> str | None:
        """statement.page when it is the URL of a statement on another site (without its final
        slash, as links to it are compared), else None."""
        page = self.policy.statement_page
        return page.rstrip("/") if page.startswith(("http://", "https://")) else None

    def is_statement_url(self, url: str, target: str) -> bool:
        """Whether a link's URL names the statement whose page key, or off-site URL, is `target`."""
        if target == self.offsite_statement:
            return url.split("#", 1)[0].rstrip("/") == target
        return self.page_key_of(url) == target

    @cached_property
    def statement_key(self) -> str:
        return page_key(self.policy.statement_page)

    @cached_property
    def may_name_statement(self):
        """A test, one regex call, of whether a relative link (fragment removed) can name the
        statement: its path ends in the statement's name (with .html, or as a folder with or
        without index.html), or in a dot segment (with or without index.html: some folder up the
        path), or it is a bare index.html (the page's own folder), or empty. It never refuses a
        link that resolves to the statement (a fuzz test checks that); links with
        percent-escapes are resolved in any case."""
        last = re.escape(self.statement_key.rsplit("/", 1)[-1])
        named = rf"(?:^|/){last}(?:\.html?|/+(?:index\.html?)?)?/*(?:\?|$)|" if last else ""
        return re.compile(rf"{named}^/*(?:\?|$)|^/?index\.html?/*(?:\?|$)"
                          rf"|(?:^|/)\.{{1,2}}/*(?:index\.html?)?/*(?:\?|$)").search

    def page_key_of(self, url: str) -> str | None:
        path = self.site_path(url)
        return None if path is None else page_key(path)

    def links_to(self, page: FileFacts, target: str) -> bool:
        """Whether `page` has a link a visitor can see and follow to the page whose key is
        `target`: an <a> or <area> (<link rel=privacy-policy> is for machines), outside hidden,
        aria-hidden and display:none containers (extraction marks the links there, and keeps no
        relative link from them)."""
        return (any(link.kind in _FOLLOWABLE and not link.hidden and self.is_statement_url(link.url, target)
                    for link in page.links)
                or any(self.local_key(page, href) == target for href in page.local_links))

    def local_key(self, page: FileFacts, href: str) -> str | None:
        """The page key a relative link of `page` names (its fragment already dropped): path
        arithmetic, no URL parse (the href has no scheme or authority, extraction made sure)."""
        if page.base is not None:
            url = resolve(href, page.base)
            return self.page_key_of(url) if url else None
        path = href.split("?", 1)[0].strip(_C0_SPACE)
        if not path:
            return page_key(page.path)
        if path.startswith("/"):  # root-relative: on site.url's host, maybe outside its path
            inside = path.startswith(self.root_path) or path + "/" == self.root_path
            return page_key(posixpath.normpath(path)[len(self.root_path) - 1:]) if inside else None
        return page_key(posixpath.normpath(posixpath.join("/" + page.path.rpartition("/")[0], path)))

    @cached_property
    def script_loads(self) -> dict[str, list[tuple[FileFacts, Request]]]:
        """First-party .js file -> the pages that load it, with the loading <script> element. Every
        page file counts: `a.html` and `a/index.html` share a page key but are two pages."""
        files = {f.path for f in self.files if f.kind == "script"}
        loads: dict[str, list[tuple[FileFacts, Request]]] = {}
        for page in (f for f in self.files if f.kind == "page"):
            for r in page.requests:
                if r.kind.startswith("<script"):
                    path = self.site_path(r.url)
                    if path in files:
                        loads.setdefault(path, []).append((page, r))
        return loads

    @cached_property
    def running(self) -> list[FileFacts]:
        """The files that run: every page, and each script or stylesheet that a running file
        loads, imports or names (a path its code passes, the start of one, or any script or
        stylesheet where the code computes the URL). A file no page runs yields no finding; the
        inventory lists what it holds (`not_loaded`)."""
        assets = {f.path: f for f in self.files if f.kind in ("script", "stylesheet")}
        seen = {f.path for f in self.files if f.path not in assets}
        queue = [f for f in self.files if f.kind == "page"]
        names = _Names(assets)
        while queue:
            f = queue.pop()
            for path in (*f.loads_files, *names.resolve(f.mentions)):
                if path in assets and path not in seen:
                    seen.add(path)
                    queue.append(assets[path])
        return [f for f in self.files if f.path in seen]

    @cached_property
    def not_loaded(self) -> list[FileFacts]:
        """The site's scripts and stylesheets that no page runs."""
        running = {f.path for f in self.running}
        return [f for f in self.files if f.path not in running]


class _Names:
    """The site's scripts and stylesheets a path named in code may be (extract.js mentions): a
    path ("js/app.js", "../app.js": by its end), the start of one ("/css/theme-*"), or any
    script ("*.js") or stylesheet ("*.css")."""

    def __init__(self, assets: dict[str, FileFacts]):
        self.paths = sorted(assets)
        self._memo: dict[str, tuple[str, ...]] = {}

    def resolve(self, mentions: tuple[str, ...]) -> list[str]:
        out: list[str] = []
        for mention in mentions:
            if mention not in self._memo:
                self._memo[mention] = self._resolve(mention)
            out += self._memo[mention]
        return out

    def _resolve(self, mention: str) -> tuple[str, ...]:
        if mention in ("*.js", "*.css"):
            suffixes = (".js", ".mjs") if mention == "*.js" else (".css",)
            return tuple(p for p in self.paths if p.endswith(suffixes))
        name = mention.split("?", 1)[0].split("#", 1)[0]
        while name.startswith(("./", "../", "/")):
            name = name.split("/", 1)[1]
        if name.endswith("*"):
            start = name[:-1]
            return tuple(p for p in self.paths if p.startswith(start) or f"/{start}" in p)
        return tuple(p for p in self.paths if p == name or p.endswith("/" + name))
