"""URL -> host -> site (registrable domain) -> first or third party. Offline, always.

The Public Suffix List is the snapshot bundled with tldextract, private suffixes included, so
alice.github.io and bob.github.io are different sites (design.md, "Site and party").
"""

from __future__ import annotations

from functools import lru_cache

from ada_url import URL


@lru_cache(maxsize=1)
def _psl():
    """tldextract's bundled list, offline; imported on first use (it imports requests: 0.1 s)."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


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
def site_of(host: str) -> str:
    """Registrable domain of a host; a host that is itself a public suffix or an IP is its own site."""
    return _psl()(host).top_domain_under_public_suffix or host


def is_public_suffix(name: str) -> bool:
    ext = _psl()(name)
    return not ext.domain and bool(ext.suffix)


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
    return host_matches(host, p_host) and path.startswith(p_path)


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
