"""What rules.yaml declares, as the rest of privacylint reads it: Policy and its entries."""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass, field

from privacylint.domains import host_matches, split_pattern, url_matches
from privacylint.printable import line_start
from privacylint.vendors import Vendor

# Click identifiers that tie a visit to an ad click or a mailing (signatures.md §5, after
# Brave's query filter); campaign tags such as utm_* are deliberately not in the default.
DEFAULT_FORBID_PARAMS = (
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "twclid", "yclid", "ymclid", "ysclid",
    "ttclid", "igshid", "igsh", "mc_eid", "_hsenc", "_hsmi", "__hssc", "__hstc", "__hsfp",
    "hsCtaTracking", "_gl", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "s_cid", "rb_clickid",
    "irclickid", "srsltid", "ss_email_id", "bsft_clkid", "bsft_uid", "et_rid", "wickedid", "_kx",
)
CONSENT_MODE_GATE = "google-consent-mode"
Position = tuple[int, int]


class PolicyError(Exception):
    def __init__(self, path: str, issues: list[tuple[int, int, str]]):
        self.path = path
        self.issues = sorted(issues)
        super().__init__("\n".join(line_start(f"{path}:{line}:{col}: {msg}") for line, col, msg in self.issues))


@dataclass(frozen=True, slots=True)
class Collector:
    name: str
    vendor: Vendor | None
    hosts: tuple[str, ...]
    purpose: str | None
    consent: str
    loads: tuple[str, ...]
    position: Position

    @property
    def patterns(self) -> tuple[str, ...]:
        return (self.vendor.hosts if self.vendor else ()) + self.hosts

    def covers(self, host: str, path: str) -> bool:
        return any(url_matches(host, path, p) for p in self.patterns)

    def covers_host(self, host: str) -> bool:
        """Some path of `host` is covered (a CSP names hosts, not paths)."""
        return any(host_matches(host, split_pattern(p)[0]) for p in self.patterns)


@dataclass(frozen=True, slots=True)
class CookieRule:
    name: str
    storage: str
    purpose: str | None
    consent: str
    position: Position

    def covers(self, name: str, storage: str) -> bool:
        return storage == self.storage and fnmatch.fnmatchcase(name, self.name)


@dataclass(frozen=True, slots=True)
class IgnoreRule:
    check: str
    paths: tuple[str, ...]
    subject: str | None
    reason: str
    expires: dt.date | None
    position: Position


@dataclass(slots=True)
class Policy:
    path: str
    site_url: str
    first_party: tuple[str, ...] = ()
    homepage: str = "/"
    statement_page: str = ""
    linked_from: str = "homepage"
    contact: str | None = None
    gates: tuple[str, ...] | None = None  # None: any gate counts
    # Google consent mode: "basic" (default): its defaults hold nothing back, the tag's request
    # happens before consent; "advanced": the site accepts that, a tag under denied defaults passes
    consent_mode: str = "basic"
    collectors: tuple[Collector, ...] = ()
    cookies: tuple[CookieRule, ...] = ()
    outbound: str = "allow"
    allow: tuple[str, ...] = ()
    forbid_params: tuple[str, ...] = DEFAULT_FORBID_PARAMS
    checks: dict[str, str] = field(default_factory=dict)
    ignore: tuple[IgnoreRule, ...] = ()
    positions: dict[str, Position] = field(default_factory=dict)  # "statement.page" -> (line, col)

    def collector_for(self, host: str, path: str) -> Collector | None:
        return next((c for c in self.collectors if c.covers(host, path)), None)

    def collector_of_vendor(self, vendor_id: str) -> Collector | None:
        return next((c for c in self.collectors if c.vendor and c.vendor.id == vendor_id), None)

    def cookie_rule_for(self, name: str, storage: str) -> CookieRule | None:
        return next((c for c in self.cookies if c.covers(name, storage)), None)

    def position(self, key: str) -> Position:
        return self.positions.get(key, (1, 1))
