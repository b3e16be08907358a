"""Folding: each file's facts, as extraction delivers them, trimmed to what checks read.

A documentation site's pages link out a lot and load the same scripts: what no check reads
would only hold memory. What folding keeps depends on the file and the policy only (fold_key),
so the fact cache keeps folded facts too.
"""

from __future__ import annotations

import sys
from functools import cached_property

from privacylint.facts import META_REFRESH, FileFacts, Request
from privacylint.site.pages import ASSET_SUFFIXES, PageGraph, page_key

# Fact lists nothing adds to once a file is folded (a browser pass adds requests and writes).
_SETTLED = ("links", "markers", "consent_defaults", "consent_config", "csp", "directives", "problems")


def _quiet(f: FileFacts) -> bool:
    """A script file that was read and holds no fact: loading it hands a page nothing."""
    return not (f.requests or f.links or f.writes or f.markers or f.behaviours or f.consent_defaults
                or f.consent_config or f.implied or f.autoblock or f.directives or f.covered or f.problems or f.csp
                or f.referrer)


class Folder:
    def __init__(self, graph: PageGraph):
        self.graph = graph
        self.policy = graph.policy
        self.parties = graph.parties
        self.outbound_sites: set[str] = set()  # sites that links lead to (the inventory)
        self._names: dict[str, bool] = {}
        self._names_folder: str | None = None
        self._quiet_scripts: set[str] = set()  # the site's scripts with no fact at all
        self._own_scripts: dict[str, str | None] = {}  # script URL -> its path if only the site is behind it

    def take(self, f: FileFacts, sites: set[str] | None) -> None:
        """One file as extraction delivers it (in path order), folded here, or already folded
        (from the cache) with the sites its links lead to."""
        if sites is None:
            sites = self.fold(f)
        self.outbound_sites |= sites
        if f.kind == "script" and _quiet(f):
            self._quiet_scripts.add(f.path)
        elif f.kind == "page":
            self.graph.register(f)
            self._drop_quiet_loads(f)

    def settle(self, files: list[FileFacts]) -> None:
        """Once every file is in: drop the loads of quiet scripts that pages made before the
        script itself came in (take() drops the others as they arrive)."""
        for f in files:
            if f.kind == "page":
                self._drop_quiet_loads(f)

    def _drop_quiet_loads(self, page: FileFacts) -> None:
        """A page's <script src> of the site's own script that holds no fact is kept only to hand
        the script's facts to the page (script_loads): with none to hand, it is memory a docs
        site pays on every page (jQuery, Sphinx's own scripts). Kept when anything else makes it
        count: a consent gate, a vendor or a declared collector behind the URL."""
        if not self._quiet_scripts or not page.requests:
            return
        kept = [r for r in page.requests if not self._quiet_load(r)]
        if len(kept) != len(page.requests):
            page.requests = kept

    def _quiet_load(self, r: Request) -> bool:
        if not r.kind.startswith("<script") or r.gate is not None:
            return False
        if r.url not in self._own_scripts:  # pages repeat their scripts' URLs: each is classified once
            who = self.parties.who(r.url)
            plain = who is not None and who.first_party and who.vendor is None and who.collector is None
            self._own_scripts[r.url] = self.graph.site_path(r.url) if plain else None
        return self._own_scripts[r.url] in self._quiet_scripts

    def fold(self, f: FileFacts) -> set[str]:
        """Trim one file's facts, in place, to what checks need; the sites its links lead to. A
        page's relative links are needed only to find the link to the statement: the others are
        dropped here, so memory does not grow with the links of every page. The result depends on
        the file and the policy only (fold_key), so the cache keeps it."""
        sites: set[str] = set()
        for name in _SETTLED:  # most files have none of these: one shared empty value, not a list each
            if not getattr(f, name):
                setattr(f, name, ())
        if f.local_links:
            f.local_links = self._statement_links(f) if self._links_matter(f) else ()
        if f.links:
            f.links = self._needed_links(f, sites)
        if f.text is not None and page_key(f.path) != self.graph.statement_key:
            f.text = None  # only the statement's text is read (extraction keeps it for pages that could be)
        if f.requests:
            f.loads_files = self._own_files(f.requests)
            # one copy of each URL and kind for the whole site: pages repeat their scripts' URLs
            f.requests = [r._replace(url=sys.intern(r.url), kind=sys.intern(r.kind))
                          for r in f.requests if self._needed_request(r)]
        return sites

    def _own_files(self, requests: list[Request]) -> tuple[str, ...]:
        """The site's own scripts and stylesheets among the URLs a file requests or names."""
        found = set()
        for r in requests:
            path = self.graph.site_path(r.url)
            if path and path.split("?", 1)[0].endswith(ASSET_SUFFIXES):
                found.add(sys.intern(path.split("?", 1)[0]))
        return tuple(sorted(found))

    @cached_property
    def fold_key(self) -> str:
        """What fold() depends on besides the file: the policy, and the code that folds."""
        import hashlib

        from privacylint.cache import code_version, module_source

        code = b"".join(module_source("privacylint.site", m) for m in ("fold", "pages", "parties"))
        return hashlib.sha256(repr(self.policy).encode() + code + code_version().encode()).hexdigest()[:32]

    def _needed_request(self, r: Request) -> bool:
        """Third-party requests are all kept; of the site's own, those that load a script (its facts
        belong to the pages that load it), are held by a consent manager, or reach a vendor or a
        declared collector (self-hosted analytics). Images and stylesheets of the site itself
        matter to no check (a stylesheet's own requests are reported at the stylesheet)."""
        who = self.parties.who(r.url)
        if who is None:
            return False
        return (not who.first_party or r.kind.startswith("<script") or r.gate is not None or r.kind == META_REFRESH
                or who.vendor is not None or who.collector is not None)

    def _links_matter(self, page: FileFacts) -> bool:
        """Whether PL302 looks at this page's links: every page, or only the homepage."""
        return self.policy.linked_from == "every-page" or page_key(page.path) == self._homepage_key

    @cached_property
    def _homepage_key(self) -> str:
        return page_key(self.policy.homepage)

    def _statement_links(self, page: FileFacts) -> tuple[str, ...]:
        """The relative links of `page` that lead to the statement; each href is decided once per
        folder (the pages of a folder share their navigation links)."""
        folder = page.path.rpartition("/")[0]
        if folder != self._names_folder:
            self._names, self._names_folder = {}, folder
        names, keep = self._names, []
        for href in page.local_links:
            if not href or href[0] == "?":  # this very page
                hit = page_key(page.path) == self.graph.statement_key
            elif (hit := names.get(href)) is None:
                hit = names[href] = self._names_statement(page, href)
            if hit:
                keep.append(href)
        return tuple(keep)

    def _names_statement(self, page: FileFacts, href: str) -> bool:
        return bool((self.graph.may_name_statement(href) or "%" in href)
                    and self.graph.local_key(page, href) == self.graph.statement_key)

    def _needed_links(self, f: FileFacts, sites: set[str]) -> list:
        """The links a check may report or needs, once their site is in the inventory: mailto
        (PL304), a query (PL401), a referrer policy (PL402), every outbound link in allowlist mode
        (PL403), a first-party link to the statement (PL302). Documentation pages link out a lot;
        the rest would only hold memory."""
        keep, unsafe_page = [], f.referrer is not None
        for link in f.links:
            if link.url.startswith("mailto:"):
                keep.append(link)
                continue
            who = self.parties.who(link.url)
            outbound = who is not None and not who.first_party
            if outbound:
                sites.add(who.site)
                if ("?" in link.url or link.referrer or unsafe_page or self.policy.outbound == "allowlist"
                        or link.url.split("#", 1)[0].rstrip("/") == self.graph.offsite_statement):
                    keep.append(link)
            elif self.graph.page_key_of(link.url) == self.graph.statement_key:
                keep.append(link)
        return keep

