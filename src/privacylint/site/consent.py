"""The consent managers a site uses: where (page by page), what their configuration makes of each
category or service, where they keep the visitor's choice, and whether a category the markup
names holds anything back."""

from __future__ import annotations

import difflib
from functools import cached_property
from typing import NamedTuple

from privacylint.facts import FileFacts, split_gate
from privacylint.vendors import CONSENT_CLASSES, Catalogue, Vendor


class ManagerSetting(NamedTuple):
    """What a consent manager's configuration makes of one category or service, and where."""

    state: str  # on (loads before any choice) | pre-ticked (pre-selected, waits for the click) | off
    path: str
    line: int
    column: int | None


_STATES = ("off", "pre-ticked", "on")  # by how much loads before the visitor's choice
_ON_FLAGS = {"klaro": "required: true, or optOut: true with consent by default",
             "cookieconsent": "readOnly, or enabled in opt-out mode"}


def _nearest(name: str, choices) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""


class ConsentModel:
    """Consent managers and their categories, read from the files that run."""

    def __init__(self, files: list[FileFacts], contacts, catalogue: Catalogue):
        self._files = files
        self._contacts = contacts
        self.catalogue = catalogue

    def managers_on(self, page: FileFacts | None) -> list[str]:
        """Consent managers a page loads or uses the markup of (None: the whole site), most used first."""
        if page is None:
            return self._site_consent_managers
        return self._count_consent_managers([page])

    @cached_property
    def _site_consent_managers(self) -> list[str]:
        return self._count_consent_managers(self._files)

    def _count_consent_managers(self, files: list[FileFacts]) -> list[str]:
        counts: dict[str, int] = {}
        for f in files:
            found = [c.vendor.id for c in self._contacts.in_file(f) if c.vendor and c.vendor.category == "consent-manager"]
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
        for f in self._files:
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
        for f in self._files:
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
        if name not in vocabulary and vendor.categories_open:
            return None  # not a name a source confirms, nor one known to hold nothing back: cannot check
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
