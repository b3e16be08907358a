"""What checks see: one site's policy and the facts of every file, classified once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple
from functools import cached_property
from urllib.parse import unquote, urlsplit

from privacylint.domains import Parties, host_of, site_of
from privacylint.facts import JS_LITERAL, FileFacts, Request
from privacylint.model import Finding
from privacylint.policy import Collector, Policy
from privacylint.vendors import Catalogue, Vendor


class Who(NamedTuple):
    """Whom a URL reaches."""

    host: str
    site: str
    first_party: bool
    vendor: Vendor | None
    collector: Collector | None


@dataclass(frozen=True, slots=True)
class Contact:
    """A request with who it reaches: the host, its site, the vendor and the declared collector."""

    file: FileFacts
    request: Request
    host: str
    site: str
    first_party: bool
    vendor: Vendor | None
    collector: Collector | None


def page_key(path: str) -> str:
    """One name for a page: /privacy, /privacy/, /privacy/index.html and /privacy.html -> privacy."""
    p = unquote(path).strip("/")
    head, _, last = p.rpartition("/")
    if last in ("index.html", "index.htm"):
        p = head
    elif last.endswith((".html", ".htm")):
        p = p.rsplit(".", 1)[0]
    return p.strip("/")


class Site:
    def __init__(self, root: str, files: list[FileFacts], policy: Policy, catalogue: Catalogue,
                 severities: dict[str, str]):
        self.root = root
        self.files = files
        self.policy = policy
        self.catalogue = catalogue
        self.parties = Parties(policy.site_url, list(policy.first_party))
        self.root_path = urlsplit(policy.site_url).path or "/"
        self._severities = severities
        self._classified: dict[str, Who | None] = {}

    # -- pages and URLs ---------------------------------------------------------------------
    @cached_property
    def pages(self) -> dict[str, FileFacts]:
        pages: dict[str, FileFacts] = {}
        for f in self.files:
            if f.kind == "page":
                pages.setdefault(page_key(f.path), f)
        return pages

    def page(self, url_path: str) -> FileFacts | None:
        """The built page for a path of rules.yaml (relative to site.url)."""
        return self.pages.get(page_key(url_path))

    def is_first_party(self, url: str) -> bool:
        who = self.who(url)
        return who is None or who.first_party

    def page_key_of(self, url: str) -> str | None:
        """Page key of a first-party URL inside the site, else None."""
        if url.startswith("mailto:") or not self.is_first_party(url):
            return None
        path = urlsplit(url).path or "/"
        if not path.startswith(self.root_path):
            return None
        return page_key(path[len(self.root_path):])

    # -- requests -------------------------------------------------------------------------
    @cached_property
    def contacts(self) -> list[Contact]:
        """Every request that counts, in file and document order (design.md, 'What counts')."""
        out = []
        for f in self.files:
            for r in f.requests:
                who = self.who(r.url)
                if who is None or (r.kind == JS_LITERAL and who.vendor is None):
                    continue  # no host; or a bare URL string in JS that names no catalogue vendor
                out.append(Contact(f, r, *who))
        return out

    def who(self, url: str) -> Who | None:
        """Whom a URL reaches, None without a host; pages repeat URLs, so it is cached."""
        if url not in self._classified:
            host = host_of(url)
            if host is None:
                self._classified[url] = None
            else:
                path = urlsplit(url).path or "/"
                self._classified[url] = Who(host, site_of(host), self.parties.is_first_party(host),
                                         self.catalogue.vendor_of(host, path), self.policy.collector_for(host, path))
        return self._classified[url]

    # -- findings --------------------------------------------------------------------------
    def finding(self, spec, path: str, line: int | None, column: int | None, subject: str, message: str,
                severity: str | None = None) -> Finding:
        return Finding(spec.id, spec.name, self._severities.get(spec.id) or severity or spec.severity,
                       path, line, column, subject, message, root=self.root)

    def policy_finding(self, spec, position: tuple[int, int], subject: str, message: str) -> Finding:
        return Finding(spec.id, spec.name, self._severities.get(spec.id) or spec.severity,
                       self.policy.path, position[0], position[1], subject, message, root=None)
