"""What checks see: one site's policy and the facts of every file, classified once."""

from __future__ import annotations

import difflib
import os
import posixpath
import re
import sys
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple
from urllib.parse import quote, unquote

from privacylint.domains import Parties, host_and_path, site_of, split_pattern
from privacylint.extract.urls import resolve, same_origin_relative
from privacylint.facts import JS_LITERAL, META_REFRESH, FileFacts, Request, evidence_of, split_gate
from privacylint.gates import Place
from privacylint.model import Finding
from privacylint.policy import Collector, Policy
from privacylint.siteconfig import SiteConfig
from privacylint.vendors import CONSENT_CLASSES, Catalogue, Vendor


_C0_SPACE = "".join(map(chr, range(0x21)))
# Fact lists nothing adds to once a file is folded (a browser pass adds requests and writes).
_SETTLED = ("links", "markers", "consent_defaults", "consent_config", "csp", "directives", "problems")
_FOLLOWABLE = ("<a href>", "<area href>")


class ManagerSetting(NamedTuple):
    """What a consent manager's configuration makes of one category or service, and where."""

    state: str  # on (loads before any choice) | pre-ticked (pre-selected, waits for the click) | off
    path: str
    line: int
    column: int | None


_ASSET_SUFFIXES = (".js", ".mjs", ".css")


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


_STATES = ("off", "pre-ticked", "on")  # by how much loads before the visitor's choice
_ON_FLAGS = {"klaro": "required: true, or optOut: true with consent by default",
             "cookieconsent": "readOnly, or enabled in opt-out mode"}


class Who(NamedTuple):
    """Whom a URL reaches."""

    host: str
    site: str
    first_party: bool
    vendor: Vendor | None
    collector: Collector | None


@dataclass(frozen=True, slots=True)
class Contact:
    """One place where the site makes a party receive visitor data: a request, or a vendor's
    inline snippet (which assembles its URL at run time)."""

    file: FileFacts
    line: int
    column: int | None
    evidence: str  # "<script src> https://...", or the snippet text
    url: str | None  # None for a snippet
    noscript: bool
    gate: str | None  # the consent manager whose markup or callback holds it back, from the facts
    who: Who
    referrer: str | None = None  # the element's referrer policy, if it sets one
    observed: bool = False  # a browser made it before any consent (--browser, --har)

    @property
    def evidence_kind(self) -> str:
        return evidence_of(self.evidence) if self.observed else "static"

    @property
    def site(self) -> str:
        return self.who.site

    @property
    def vendor(self) -> Vendor | None:
        return self.who.vendor

    @property
    def collector(self) -> Collector | None:
        return self.who.collector

    @property
    def first_party(self) -> bool:
        return self.who.first_party

    @property
    def place(self) -> Place:
        return Place(self.file, self.line, self.column, self.gate, self.noscript, self.who.vendor, self.observed)


def _quiet(f: FileFacts) -> bool:
    """A script file that was read and holds no fact: loading it hands a page nothing."""
    return not (f.requests or f.links or f.writes or f.markers or f.consent_defaults or f.consent_config
                or f.implied or f.autoblock or f.directives or f.covered or f.problems or f.csp or f.referrer)


def page_key(path: str) -> str:
    """One name for a page: /privacy, /privacy/, /privacy/index.html and /privacy.html -> privacy."""
    p = unquote(path).strip("/")
    head, _, last = p.rpartition("/")
    if last in ("index.html", "index.htm"):
        p = head
    elif last.endswith((".html", ".htm")):
        p = p.rsplit(".", 1)[0]
    return p.strip("/")


def _nearest(name: str, choices) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""


class Site:
    def __init__(self, root: str, files: list[FileFacts], policy: Policy, catalogue: Catalogue,
                 severities: dict[str, str], config: SiteConfig | None = None):
        self.root = root
        self.config = config or SiteConfig()
        self.files = files
        self.policy = policy
        self.catalogue = catalogue
        self.parties = Parties(policy.site_url, list(policy.first_party))
        self.root_path = host_and_path(policy.site_url)[1]
        self._severities = severities
        self._classified: dict[str, Who | None] = {}
        self.outbound_sites: set[str] = set()  # sites that links lead to (the inventory)
        self._names: dict[str, bool] = {}
        self._names_folder: str | None = None
        self._quiet_scripts: set[str] = set()  # the site's scripts with no fact at all
        self._own_scripts: dict[str, str | None] = {}  # script URL -> its path if only the site is behind it
        self._layouts: dict[str, int] = {}  # page -> its set of scripts (observe picks one page per set)
        self._layout_ids: dict[frozenset, int] = {}

    def add(self, f: FileFacts, sites: set[str] | None = None) -> None:
        """Take in one file's facts as extraction delivers them (in path order), folded here, or
        already folded (from the cache) with the sites its links lead to."""
        if sites is None:
            sites = self.fold(f)
        self.outbound_sites |= sites
        if f.kind == "script" and _quiet(f):
            self._quiet_scripts.add(f.path)
        elif f.kind == "page":
            self._layouts[f.path] = self._layout_ids.setdefault(
                frozenset(r.url for r in f.requests if r.kind.startswith("<script")), len(self._layout_ids))
            self._drop_quiet_loads(f)
        self.files.append(f)

    def settle(self) -> None:
        """Once every file is in: drop the loads of quiet scripts that pages made before the
        script itself came in (add drops the others as they arrive)."""
        for f in self.files:
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
            who = self.who(r.url)
            plain = who is not None and who.first_party and who.vendor is None and who.collector is None
            self._own_scripts[r.url] = self.site_path(r.url) if plain else None
        return self._own_scripts[r.url] in self._quiet_scripts

    def layout(self, page: FileFacts) -> int:
        """Which set of scripts the page loads (quiet ones included), as a number pages share."""
        return self._layouts.get(page.path, -1)

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
            path = self.site_path(r.url)
            if path and path.split("?", 1)[0].endswith(_ASSET_SUFFIXES):
                found.add(sys.intern(path.split("?", 1)[0]))
        return tuple(sorted(found))

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

    @cached_property
    def fold_key(self) -> str:
        """What fold() depends on besides the file: the policy, and the code that folds."""
        import hashlib

        from privacylint.cache import code_version

        with open(__file__, "rb") as fh:
            code = fh.read()
        return hashlib.sha256(repr(self.policy).encode() + code + code_version().encode()).hexdigest()[:32]

    def _needed_request(self, r: Request) -> bool:
        """Third-party requests are all kept; of the site's own, those that load a script (its facts
        belong to the pages that load it), are held by a consent manager, or reach a vendor or a
        declared collector (self-hosted analytics). Images and stylesheets of the site itself
        matter to no check (a stylesheet's own requests are reported at the stylesheet)."""
        who = self.who(r.url)
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
                hit = page_key(page.path) == self._statement_key
            elif (hit := names.get(href)) is None:
                hit = names[href] = self._names_statement(page, href)
            if hit:
                keep.append(href)
        return tuple(keep)

    def _names_statement(self, page: FileFacts, href: str) -> bool:
        return bool((self._may_name_statement(href) or "%" in href)
                    and self.local_key(page, href) == self._statement_key)

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
            who = self.who(link.url)
            outbound = who is not None and not who.first_party
            if outbound:
                sites.add(who.site)
                if ("?" in link.url or link.referrer or unsafe_page or self.policy.outbound == "allowlist"
                        or link.url.split("#", 1)[0].rstrip("/") == self.offsite_statement):
                    keep.append(link)
            elif self.page_key_of(link.url) == self._statement_key:
                keep.append(link)
        return keep

    # -- pages and URLs ---------------------------------------------------------------------
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

    def is_first_party(self, url: str) -> bool:
        who = self.who(url)
        return who is None or who.first_party

    def site_path(self, url: str) -> str | None:
        """The path under the build root of a first-party URL inside the site, else None."""
        if url.startswith("mailto:") or not self.is_first_party(url):
            return None
        path = host_and_path(url)[1]
        return unquote(path[len(self.root_path):]) if path.startswith(self.root_path) else None

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
    def _statement_key(self) -> str:
        return page_key(self.policy.statement_page)

    @cached_property
    def _may_name_statement(self):
        """A test, one regex call, of whether a relative link (fragment removed) can name the
        statement: its path ends in the statement's name (with .html, or as a folder with or
        without index.html), or in a dot segment (with or without index.html: some folder up the
        path), or it is a bare index.html (the page's own folder), or empty. It never refuses a
        link that resolves to the statement (a fuzz test checks that); links with
        percent-escapes are resolved in any case."""
        last = re.escape(self._statement_key.rsplit("/", 1)[-1])
        named = rf"(?:^|/){last}(?:\.html?|/+(?:index\.html?)?)?/*(?:\?|$)|" if last else ""
        return re.compile(rf"{named}^/*(?:\?|$)|^/?index\.html?/*(?:\?|$)"
                          rf"|(?:^|/)\.{{1,2}}/*(?:index\.html?)?/*(?:\?|$)").search

    def page_key_of(self, url: str) -> str | None:
        path = self.site_path(url)
        return None if path is None else page_key(path)

    def links_to(self, page: FileFacts, target: str) -> bool:
        """Whether `page` has a link a visitor can see and follow to the page whose key is
        `target`: an <a> or <area> (<link rel=privacy-policy> is for machines), outside hidden,
        aria-hidden and display:none containers (a page that could have one is read again)."""
        found = (any(link.kind in _FOLLOWABLE and self.is_statement_url(link.url, target) for link in page.links)
                 or any(self.local_key(page, href) == target for href in page.local_links))
        return found and (not page.may_hide or self._visibly_links_to(page, target))

    def _visibly_links_to(self, page: FileFacts, target: str) -> bool:
        """The page read again, for the links a visitor can see (extraction does not tell hidden
        containers apart: looking for them in every page costs more than the rest of the walk)."""
        from privacylint.decode import decode
        from privacylint.extract.html import visible_hrefs

        try:
            with open(os.path.join(self.root, page.path), "rb") as fh:
                text = decode(fh.read(), "page")[0]
        except OSError:
            return True  # it was read a moment ago: no evidence of a hidden link
        base = page.base or self.policy.site_url + quote(page.path)
        for href in visible_hrefs(text):
            href = href.strip()
            if same_origin_relative(href) and page.base is None:
                if self.local_key(page, href.partition("#")[0]) == target:
                    return True
            elif (url := resolve(href, base)) and self.is_statement_url(url, target):
                return True
        return False

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

    # -- who is contacted ------------------------------------------------------------------
    def who(self, url: str) -> Who | None:
        """Whom a URL reaches, None without a host; pages repeat URLs, so it is cached."""
        if url not in self._classified:
            host, path = host_and_path(url)
            if host is None:
                self._classified[url] = None
            else:
                vendor = self.catalogue.vendor_of(host, path)
                self._classified[url] = self._who(host, path, vendor)
        return self._classified[url]

    def _who(self, host: str, path: str, vendor: Vendor | None) -> Who:
        collector = self.policy.collector_for(host, path) or (vendor and self.policy.collector_of_vendor(vendor.id))
        return Who(host, site_of(host), self.parties.is_first_party(host), vendor, collector)

    def who_vendor(self, vendor: Vendor) -> Who:
        """Whom a vendor's snippet reaches: its first host; self-hosted software, the site itself."""
        host, path = split_pattern(vendor.hosts[0]) if vendor.hosts else (self.parties.home_host, "/")
        return self._who(host, path or "/", vendor)

    @cached_property
    def contacts(self) -> list[Contact]:
        """Every request that counts (design.md, 'What counts'), in file and document order; and
        a vendor's snippet where the file shows no URL of that vendor (the snippet assembles it).
        Requests for the site's own files are no contact unless a vendor or collector is behind
        them (self-hosted analytics)."""
        out = []
        for f in self.running:
            vendors_with_urls = set()
            for r in f.requests:
                who = self.who(r.url)
                if who is None or who.vendor is None and (r.kind == JS_LITERAL or who.first_party
                                                          and who.collector is None):
                    continue  # no host; a bare URL string in JS that names no vendor; the site's own files
                out.append(Contact(f, r.line, r.column, f"{r.kind} {r.url}", r.url, r.noscript, r.gate, who,
                                   r.referrer, evidence_of(r.kind) != "static"))
                if who.vendor:
                    vendors_with_urls.add(who.vendor.id)
            for m in f.markers:
                if m.vendor not in vendors_with_urls:
                    vendors_with_urls.add(m.vendor)  # its first snippet stands for the rest
                    vendor = self.catalogue.vendors[m.vendor]
                    out.append(Contact(f, m.line, m.column, m.evidence, None, m.noscript, m.gate,
                                       self.who_vendor(vendor)))
        out.sort(key=lambda c: (c.file.path, c.line, c.column or 0))
        return out

    @cached_property
    def used_vendors(self) -> dict[str, list[Contact]]:
        """Catalogue vendors the site uses -> every place it does, the first first."""
        used: dict[str, list[Contact]] = {}
        for c in self.contacts:
            if c.vendor:
                used.setdefault(c.vendor.id, []).append(c)
        return used

    def vendor_evidence(self, vendor_id: str) -> list[str]:
        """Everything the site shows of a vendor: its URLs and every snippet marker (a catalogue
        cookie's `when:` and `unless:` are read against these)."""
        return self._evidence.get(vendor_id, [])

    @cached_property
    def _evidence(self) -> dict[str, list[str]]:
        """Vendor -> its evidence, gathered in one pass (checks ask per contact)."""
        found: dict[str, set[str]] = {}
        for vendor_id, contacts in self.used_vendors.items():
            found.setdefault(vendor_id, set()).update(c.evidence for c in contacts)
        for f in self.running:
            for m in f.markers:
                found.setdefault(m.vendor, set()).add(m.evidence)
        return {vendor_id: sorted(evidence) for vendor_id, evidence in found.items()}

    def consent_managers_on(self, page: FileFacts | None) -> list[str]:
        """Consent managers a page loads or uses the markup of (None: the whole site), most used first."""
        if page is None:
            return self._site_consent_managers
        return self._count_consent_managers([page])

    @cached_property
    def _site_consent_managers(self) -> list[str]:
        return self._count_consent_managers(self.running)

    def _count_consent_managers(self, files: list[FileFacts]) -> list[str]:
        counts: dict[str, int] = {}
        for f in files:
            found = [c.vendor.id for c in self.contacts_in(f) if c.vendor and c.vendor.category == "consent-manager"]
            found += [split_gate(r.gate)[0] for r in f.requests if r.gate]
            found += [split_gate(w.gate)[0] for w in f.writes if w.gate]
            found += [f.autoblock] if f.autoblock else []
            for cmp in found:
                counts[cmp] = counts.get(cmp, 0) + 1
        return sorted(counts, key=lambda cmp: (-counts[cmp], cmp))

    # -- consent categories -------------------------------------------------------------------
    @cached_property
    def manager_config(self) -> dict[str, dict[str, ManagerSetting]]:
        """Categories (services) the site's consent manager configuration defines -> what each
        does before the visitor chooses (extract.js.manager_config: on, pre-ticked, off), at the
        first place that says so; where files disagree, the one that loads most wins."""
        config: dict[str, dict[str, ManagerSetting]] = {}
        for f in self.running:
            for cmp, name, state, line, column in f.consent_config:
                if name.startswith("@"):
                    continue  # where it stores the choice: manager_storage
                known = config.setdefault(cmp, {})
                setting = ManagerSetting(state, f.path, line, column)
                if name not in known or _STATES.index(state) > _STATES.index(known[name].state):
                    known[name] = setting
        return config

    @cached_property
    def manager_storage(self) -> dict[str, list]:
        """Consent manager -> where its configuration says it keeps the visitor's choice."""
        from privacylint.vendors import CookiePattern

        found: dict[str, list] = {}
        for f in self.running:
            for cmp, where, key, _line, _column in f.consent_config:
                if where in ("@cookie", "@local"):
                    pattern = CookiePattern(str(key), "cookie" if where == "@cookie" else "local")
                    if pattern not in found.setdefault(cmp, []):
                        found[cmp].append(pattern)
        return found

    def vendor_cookies(self, vendor: Vendor) -> tuple:
        """What a vendor writes: for a consent manager whose storage the site configures, that;
        else the catalogue's entry."""
        return tuple(self.manager_storage.get(vendor.id) or vendor.cookies)

    def category_refusal(self, cmp: str, category: str | None) -> str | None:
        """Why markup naming `category` of consent manager `cmp` holds nothing back, or None when
        it holds: one of the names must be a category the visitor opts into (several names, as
        Cookiebot and OneTrust allow, all have to be consented to)."""
        vendor = self.catalogue.vendors.get(cmp) if self.catalogue else None
        vocabulary = vendor.consent_categories if vendor else None
        if category is None or vocabulary in (None, "services"):
            return None  # a callback, or services defined in the manager's dashboard: not checkable
        names = [n.strip() for n in category.split(",") if n.strip()]
        reasons = [self._refusal(vendor, vocabulary, name) for name in names]
        return None if any(r is None for r in reasons) else "; ".join(reasons)

    def _refusal(self, vendor, vocabulary, name: str) -> str | None:
        if vocabulary == "config":
            defined = self.manager_config.get(vendor.id)
            if not defined:  # the configuration is not in the build: only the convention is known
                return (f"{vendor.name}'s '{name}' category is by convention the always-on one, so it holds "
                        "nothing back") if name == "necessary" else None
            if name not in defined:
                return (f"'{name}' is not a category the site's {vendor.name} configuration defines "
                        f"({', '.join(sorted(defined))}){_nearest(name, defined)}, so it holds nothing back")
            setting = defined[name]
            if setting.state == "on":
                flags = _ON_FLAGS.get(vendor.id, "always on")
                return (f"the site's {vendor.name} configuration ({setting.path}:{setting.line}) turns '{name}' on "
                        f"without the visitor's consent ({flags}), so it holds nothing back")
            return None
        if name not in vocabulary:
            names = sorted(vocabulary, key=lambda n: (CONSENT_CLASSES.index(vocabulary[n]), n))  # weakest first
            return (f"'{name}' is not a {vendor.name} category ({', '.join(names)}){_nearest(name, vocabulary)}, "
                    "so it holds nothing back")
        if vocabulary[name] == "necessary":
            return (f"{vendor.name}'s '{name}' category is always on (the visitor cannot refuse it), so it holds "
                    "nothing back")
        return None

    def category_class(self, cmp: str, category: str | None) -> str | None:
        """The consent class (vendors.CONSENT_CLASSES) of the strongest name in `category`."""
        vendor = self.catalogue.vendors.get(cmp) if self.catalogue else None
        vocabulary = vendor.consent_categories if vendor else None
        if not category or not isinstance(vocabulary, dict):
            return None
        classes = [vocabulary[n.strip()] for n in category.split(",") if n.strip() in vocabulary]
        return max(classes, key=CONSENT_CLASSES.index) if classes else None

    def contacts_in(self, f: FileFacts) -> list[Contact]:
        return self._contacts_by_file.get(f.path, [])

    @cached_property
    def _contacts_by_file(self) -> dict[str, list[Contact]]:
        by_file: dict[str, list[Contact]] = {}
        for c in self.contacts:
            by_file.setdefault(c.file.path, []).append(c)
        return by_file

    @cached_property
    def statement_text(self) -> str | None:
        """The statement page's visible text, lower-cased and with white space folded."""
        page = self.page(self.policy.statement_page)
        if page is None:
            return None
        from privacylint.extract.html import visible_text

        try:
            with open(os.path.join(self.root, page.path), "rb") as fh:
                return visible_text(fh.read())
        except OSError:
            return None

    # -- findings --------------------------------------------------------------------------
    def finding(self, spec, path: str, line: int | None, column: int | None, subject: str, message: str,
                severity: str | None = None, evidence: str = "static") -> Finding:
        """A finding on a file of the site (line 0, an observed fact's, is no line)."""
        return Finding(spec.id, spec.name, self._severities.get(spec.id) or severity or spec.severity,
                       path, line or None, column, subject, message, root=self.root, evidence=evidence)

    def config_finding(self, spec, where, subject: str, message: str, severity: str | None = None) -> Finding:
        """A finding in a config or header file: `where` has path, in_site, line and column."""
        return Finding(spec.id, spec.name, self._severities.get(spec.id) or severity or spec.severity,
                       where.path, where.line, where.column, subject, message,
                       root=self.root if where.in_site else None)

    def config_vendors(self) -> dict[str, list]:
        """Vendors the site config turns on -> the settings that do."""
        out: dict[str, list] = {}
        for setting in self.config.settings:
            out.setdefault(setting.vendor, []).append(setting)
        return out

    def policy_finding(self, spec, position: tuple[int, int], subject: str, message: str,
                       severity: str | None = None) -> Finding:
        return Finding(spec.id, spec.name, self._severities.get(spec.id) or severity or spec.severity,
                       self.policy.path, position[0], position[1], subject, message, root=None)
