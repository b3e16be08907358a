"""What checks see: one site's policy and the facts of every file, classified once.

The model is split by concern, each part built once and read by the checks that need it:
- parties.py: whom a URL reaches (first party, catalogue vendor, declared collector), and the
  contacts of the files that run (`site.parties`, `site.contacts`);
- pages.py: pages, the links between them, the scripts each loads, which files run at all
  (`site.graph`);
- consent.py: the consent managers in use, their configuration and categories (`site.consent`);
- fold.py: each file's facts trimmed, as they arrive, to what checks read (`site.folder`).
"""

from __future__ import annotations

from functools import cached_property

from privacylint.claims import Claim
from privacylint.facts import FileFacts, Sentence
from privacylint.model import Finding
from privacylint.policy import Policy
from privacylint.site.consent import ConsentModel, ManagerSetting
from privacylint.site.fold import Folder
from privacylint.site.pages import PageGraph, page_key
from privacylint.site.parties import Contact, Contacts, Parties, Who
from privacylint.siteconfig import SiteConfig
from privacylint.vendors import Catalogue

__all__ = ["Contact", "ManagerSetting", "Site", "Who", "page_key"]


class Site:
    def __init__(self, root: str, files: list[FileFacts], policy: Policy, catalogue: Catalogue,
                 severities: dict[str, str], config: SiteConfig | None = None, aliases: dict | None = None):
        self.root = root
        self.config = config or SiteConfig()
        self.files = files
        self.policy = policy
        self.catalogue = catalogue
        self._severities = severities
        self.parties = Parties(policy, catalogue)
        self.graph = PageGraph(root, files, policy, self.parties, aliases)
        self.folder = Folder(self.graph)
        self.observations: dict | None = None  # page -> what a browser saw there (browser.reconcile.PageSeen)

    def add(self, f: FileFacts, sites: set[str] | None = None) -> None:
        """Take in one file's facts as extraction delivers them (in path order): folded here, or
        already folded (from the cache) with the sites its links lead to."""
        self.folder.take(f, sites)
        self.files.append(f)

    def settle(self) -> None:
        """Once every file is in (see Folder.settle)."""
        self.folder.settle(self.files)

    @property
    def outbound_sites(self) -> set[str]:
        return self.folder.outbound_sites

    @cached_property
    def contacts(self) -> Contacts:
        """The contacts of the files that run; built once every file is in."""
        return Contacts(self.graph.running, self.parties, self.catalogue)

    @cached_property
    def consent(self) -> ConsentModel:
        """The consent managers of the files that run; built once every file is in."""
        return ConsentModel(self.graph.running, self.contacts, self.catalogue)

    @property
    def statement(self) -> FileFacts | None:
        """The statement page's facts; None when it is not in the build."""
        return self.graph.page(self.policy.statement_page)

    @property
    def statement_sentences(self) -> tuple[Sentence, ...] | None:
        """The statement's visible text as sentences (a fact: extract/text.py); None when the
        page is missing or was not read (PL001 says why: never evidence of what it says)."""
        page = self.statement
        return page.text if page is not None and page.checked else None

    @cached_property
    def statement_text(self) -> str | None:
        """The statement page's visible text, lower-cased and with white space folded."""
        sentences = self.statement_sentences
        return None if sentences is None else " ".join(s.text for s in sentences).lower()

    @cached_property
    def claims(self) -> list[Claim]:
        """What the statement's sentences claim (privacylint/claims.py): none when it was not read."""
        from privacylint.claims import reader

        sentences = self.statement_sentences
        return reader(self.catalogue).read(sentences) if sentences else []

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
