"""The site writes a cookie or Web Storage key that rules.yaml does not declare.

ePrivacy Art. 5(3) covers any storage on the visitor's device, cookies and localStorage alike,
so each key the site writes belongs in the statement. Two sources: writes in first-party code
(reported where written), and the cookies that a vendor declared as a collector, or self-hosted
software the site runs (Matomo, Plausible, Umami... recognised by path and snippet), is known
to write (reported once, at the first place the site uses it, with the catalogue's name pattern
as subject), unless the snippet turns them off (Matomo's disableCookies). An undeclared third
party is PL101's finding; its cookies follow once it is declared.
Writes whose key is computed at run time cannot be named statically; the inventory lists them.
"""

from privacylint.checks.base import CheckSpec
from privacylint.facts import evidence_of
from privacylint.siteconfig import cookie_names

SPEC = CheckSpec("PL201", "undeclared-cookie", "error",
                 "The site writes a cookie or storage key that rules.yaml does not declare.")

_WORDS = {"cookie": "cookie", "local": "localStorage key", "session": "sessionStorage key"}


def _declare(name: str, storage: str) -> str:
    extra = "" if storage == "cookie" else f", storage: {storage}"
    return f"Declare it under cookies: (name: {name}{extra}, with its purpose and consent)"


def check(site):
    yield from _direct_writes(site)
    yield from _header_cookies(site)
    yield from _vendor_cookies(site)


def _header_cookies(site):
    for header in site.config.headers:
        if header.name != "set-cookie":
            continue
        for name in cookie_names(header.value):
            if not site.policy.cookie_rule_for(name, "cookie"):
                yield site.config_finding(
                    SPEC, header, name,
                    f"the server's Set-Cookie header sets '{name}', which rules.yaml does not declare. "
                    f"{_declare(name, 'cookie')} or stop setting it.")


def _direct_writes(site):
    for f in site.graph.running:
        for w in f.writes:
            if w.name is None or site.policy.cookie_rule_for(w.name, w.storage):
                continue
            yield site.finding(
                SPEC, f.path, w.line, w.column, w.name,
                f"{w.api} writes the {_WORDS[w.storage]} '{w.name}', which rules.yaml does not declare. "
                f"{_declare(w.name, w.storage)} or stop writing it.",
                evidence=evidence_of(w.api))


def _vendor_cookies(site):
    for contacts in site.contacts.used_vendors.values():
        first, vendor = contacts[0], contacts[0].vendor
        if not any(c.collector or c.first_party for c in contacts):
            continue  # an undeclared third party is PL101's finding; self-hosted software writes the site's own
        evidence = site.contacts.vendor_evidence(vendor.id)
        for cookie in site.consent.vendor_cookies(vendor):
            if not cookie.written_by(evidence) or site.policy.cookie_rule_for(cookie.name, cookie.storage):
                continue
            yield site.finding(
                SPEC, first.file.path, first.line, first.column, cookie.name,
                f"{vendor.name}, used here, writes the {_WORDS[cookie.storage]} '{cookie.name}', which "
                f"rules.yaml does not declare. {_declare(cookie.name, cookie.storage)}.")
