"""Resolving the URLs written in a file the way the browser will."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

WEB_SCHEMES = frozenset({"http", "https"})
LINK_SCHEMES = WEB_SCHEMES | {"mailto"}
_STRIPPED = str.maketrans("", "", "\t\n\r")


def resolve(raw: str, base: str, schemes: frozenset[str] = WEB_SCHEMES) -> str | None:
    """Absolute URL of `raw` against `base`; None for data:, javascript:, fragments and junk.

    Protocol-relative URLs take the base's scheme, as in the browser. The common shapes
    (absolute http(s), root-relative) skip urljoin, which dominates extraction time otherwise.
    """
    raw = raw.strip()
    if "\t" in raw or "\n" in raw or "\r" in raw:
        raw = raw.translate(_STRIPPED)
    if not raw or raw[0] == "#":
        return None
    head = raw[:8].lower()
    if head.startswith(("https://", "http://")):
        return raw
    if raw[0] == "/" and raw[1:2] not in ("/", "\\"):
        cut = base.find("/", base.find("//") + 2)
        return (base if cut < 0 else base[:cut]) + raw
    if head.startswith("mailto:"):
        return raw if "mailto" in schemes else None
    try:
        url = urljoin(base, raw)
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in schemes else None
