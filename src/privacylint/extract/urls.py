"""Resolving the URLs written in a file the way the browser will."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

WEB_SCHEMES = frozenset({"http", "https"})
LINK_SCHEMES = WEB_SCHEMES | {"mailto"}
_STRIPPED = str.maketrans("", "", "\t\n\r")


def resolve(raw: str, base: str, schemes: frozenset[str] = WEB_SCHEMES) -> str | None:
    """Absolute URL of `raw` against `base`; None for data:, javascript:, fragments and junk.

    Protocol-relative URLs take the base's scheme, as in the browser.
    """
    raw = raw.strip().translate(_STRIPPED)
    if not raw or raw.startswith("#"):
        return None
    try:
        url = urljoin(base, raw)
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in schemes else None
