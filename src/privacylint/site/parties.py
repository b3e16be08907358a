"""Who a URL reaches, and every contact: the parties the site makes visitors' browsers talk to.

Parties classifies each URL once (host, registrable site, first or third party, catalogue vendor,
declared collector); Contacts is the list of contacts the checks read, in file and document order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from privacylint.domains import Parties as FirstParty
from privacylint.domains import host_and_path, site_of, split_pattern
from privacylint.facts import JS_LITERAL, FileFacts, evidence_of
from privacylint.gates import Place
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


class Parties:
    """Whom a URL reaches: one classification per URL for the whole run (pages repeat them)."""

    def __init__(self, policy: Policy, catalogue: Catalogue):
        self.policy = policy
        self.catalogue = catalogue
        self.first_party = FirstParty(policy.site_url, list(policy.first_party))
        self._classified: dict[str, Who | None] = {}

    def who(self, url: str) -> Who | None:
        """Whom a URL reaches, None without a host."""
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
        return Who(host, site_of(host), self.first_party.is_first_party(host), vendor, collector)

    def who_vendor(self, vendor: Vendor) -> Who:
        """Whom a vendor's snippet reaches: its first host; self-hosted software, the site itself."""
        host, path = split_pattern(vendor.hosts[0]) if vendor.hosts else (self.first_party.home_host, "/")
        return self._who(host, path or "/", vendor)

    def is_first_party(self, url: str) -> bool:
        who = self.who(url)
        return who is None or who.first_party


class Contacts:
    """Every contact of the files that run (design.md, 'What counts as a contact'), in file and
    document order: iterate it; per file, per vendor, and the vendor's evidence on request."""

    def __init__(self, files: list[FileFacts], parties: Parties, catalogue: Catalogue):
        self._files = files
        self._parties = parties
        self._catalogue = catalogue

    def __iter__(self):
        return iter(self.all)

    def __len__(self) -> int:
        return len(self.all)

    @cached_property
    def all(self) -> list[Contact]:
        """Every request that counts, and a vendor's snippet where the file shows no URL of that
        vendor (the snippet assembles it). Requests for the site's own files are no contact
        unless a vendor or collector is behind them (self-hosted analytics)."""
        out = []
        for f in self._files:
            vendors_with_urls = set()
            for r in f.requests:
                who = self._parties.who(r.url)
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
                    vendor = self._catalogue.vendors[m.vendor]
                    out.append(Contact(f, m.line, m.column, m.evidence, None, m.noscript, m.gate,
                                       self._parties.who_vendor(vendor)))
        out.sort(key=lambda c: (c.file.path, c.line, c.column or 0))
        return out

    def in_file(self, f: FileFacts) -> list[Contact]:
        return self._by_file.get(f.path, [])

    @cached_property
    def _by_file(self) -> dict[str, list[Contact]]:
        by_file: dict[str, list[Contact]] = {}
        for c in self.all:
            by_file.setdefault(c.file.path, []).append(c)
        return by_file

    @cached_property
    def used_vendors(self) -> dict[str, list[Contact]]:
        """Catalogue vendors the site uses -> every place it does, the first first."""
        used: dict[str, list[Contact]] = {}
        for c in self.all:
            if c.vendor:
                used.setdefault(c.vendor.id, []).append(c)
        return used

    def vendor_evidence(self, vendor_id: str) -> list[str]:
        """Everything the site shows of a vendor: its URLs and every snippet marker (a catalogue
        cookie's `when:` and `unless:` are read against these)."""
        return self._evidence.get(vendor_id, [])

    @cached_property
    def _evidence(self) -> dict[str, list[str]]:
        found: dict[str, set[str]] = {}
        for vendor_id, contacts in self.used_vendors.items():
            found.setdefault(vendor_id, set()).update(c.evidence for c in contacts)
        for f in self._files:
            for m in f.markers:
                found.setdefault(m.vendor, set()).add(m.evidence)
        return {vendor_id: sorted(evidence) for vendor_id, evidence in found.items()}
