"""URL -> host -> site (registrable domain) -> first or third party. Offline, always.

The Public Suffix List is the snapshot bundled with tldextract, private suffixes included, so
alice.github.io and bob.github.io are different sites (design.md, "Site and party"). The list is
read from that file and matched here, by the list's own algorithm (publicsuffix.org/list: the
longest matching rule, `*.` wildcards, `!` exceptions; a name no rule covers has no public
suffix, as tldextract decides): importing tldextract itself imports requests, filelock and idna,
0.2 s of every run's start-up. A test compares the two on every rule of the list.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from importlib.util import find_spec

from ada_url import URL


@lru_cache(maxsize=1)
def _rules() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(exact rules, wildcard rules without `*.`, exception rules without `!`), ASCII and
    punycode forms both (hosts arrive as the browser's punycode)."""
    spec = find_spec("tldextract")
    path = os.path.join(os.path.dirname(spec.origin), ".tld_set_snapshot")
    exact, wild, exceptions = set(), set(), set()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rule = line.split()[0].lower() if line.split() else ""
            if not rule or rule.startswith("//"):
                continue
            for form in _forms(rule):
                if form.startswith("!"):
                    exceptions.add(form[1:])
                elif form.startswith("*."):
                    wild.add(form[2:])
                else:
                    exact.add(form)
    return frozenset(exact), frozenset(wild), frozenset(exceptions)


def _forms(rule: str):
    yield rule
    if not rule.isascii():
        prefix = "!" if rule.startswith("!") else "*." if rule.startswith("*.") else ""
        try:
            yield prefix + ".".join(label if label.isascii() else label.encode("idna").decode("ascii")
                                    for label in rule[len(prefix):].split("."))
        except UnicodeError:
            pass


def _suffix_labels(labels: list[str]) -> int:
    """How many of the last labels are the public suffix; 0 when no rule covers the name."""
    exact, wild, exceptions = _rules()
    count = len(labels)
    for start in range(count):
        name = ".".join(labels[start:]).lower()
        if name in exceptions:
            return count - start - 1
        if name in exact or (start + 1 < count and ".".join(labels[start + 1:]).lower() in wild):
            return count - start
    return 0


def parse_url(url: str):
    """The WHATWG parse of an absolute URL (ada_url.URL), or None when a browser would reject it."""
    try:
        return URL(url)
    except (ValueError, TypeError):
        return None


def host_of(url: str) -> str | None:
    """Lower-case ASCII host of an absolute URL (punycode for IDN), without port or brackets; None
    if it has none or is not a valid URL."""
    return host_and_path(url)[0]


def host_and_path(url: str) -> tuple[str | None, str]:
    """(host, path) of an absolute URL as the browser parses it; (None, "/") when it has no host."""
    parsed = parse_url(url)
    if parsed is None or not parsed.hostname:
        return None, "/"
    host = parsed.hostname.strip("[]").rstrip(".")
    return host or None, parsed.pathname or "/"


@lru_cache(maxsize=65536)
@lru_cache(maxsize=4096)
def site_of(host: str) -> str:
    """Registrable domain of a host; a host that is itself a public suffix, or that no rule
    covers (an IP, localhost, an unknown TLD), is its own site."""
    labels = host.rstrip(".").split(".")
    suffix = _suffix_labels(labels)
    if not suffix or suffix >= len(labels) or not labels[-suffix - 1]:
        return host
    return ".".join(labels[-suffix - 1:])


def is_public_suffix(name: str) -> bool:
    labels = name.rstrip(".").split(".")
    return _suffix_labels(labels) == len(labels)


def host_matches(host: str, pattern: str) -> bool:
    """`example.com` covers that host and its subdomains; `*.example.com` only its subdomains."""
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return host == pattern or host.endswith("." + pattern)


def split_pattern(pattern: str) -> tuple[str, str]:
    """A host pattern may carry a path prefix: `www.googletagmanager.com/gtag/` -> (host, "/gtag/")."""
    host, slash, path = pattern.partition("/")
    return host.lower(), slash + path


def url_matches(host: str, path: str, pattern: str) -> bool:
    p_host, p_path = split_pattern(pattern)
    return host_matches(host, p_host) and path_matches(path, p_path)


def path_matches(path: str, prefix: str) -> bool:
    """`path` starts with a pattern's path `prefix`, where `*` stands for one path segment
    (`/*/fbevents.js` for any locale)."""
    return _segment_glob(prefix).match(path) is not None if "*" in prefix else path.startswith(prefix)


@lru_cache(maxsize=256)
def _segment_glob(prefix: str) -> re.Pattern:
    return re.compile("".join("[^/]*" if part == "*" else re.escape(part) for part in re.split(r"(\*)", prefix)))


class Parties:
    """Decides first or third party for a site's policy: site.url's site plus site.first_party."""

    def __init__(self, site_url: str, first_party: list[str]):
        self.home_host = host_of(site_url) or ""
        self.home_site = site_of(self.home_host) if self.home_host else ""
        self.first_party = [p.lower() for p in first_party]
        self._known: dict[str, bool] = {}

    def is_first_party(self, host: str | None) -> bool:
        if not host:
            return True
        if host not in self._known:
            site = site_of(host)
            self._known[host] = site == self.home_site or any(
                host_matches(host, p) or site == p for p in self.first_party)
        return self._known[host]
