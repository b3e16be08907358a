"""Resolving the URLs written in a file the way the browser will: the WHATWG URL Standard, by
ada-url (the parser Node.js uses), not urllib.

Browsers and urllib disagree on exactly the URLs an evasion would use: `http:evil.com/x`,
`/\\evil.com/x`, `///evil.com/x`, `https://evil.com\\@kubevirt.io/`, percent-encoded hosts
(`www%2egoogle-analytics%2ecom`), dot segments (`/gtag/../gtm.js`), tabs and newlines inside the
URL. ada gives the browser's answer, normalized, and is faster than urljoin besides.
"""

from __future__ import annotations

from ada_url import join_url

WEB_SCHEMES = frozenset({"http", "https"})
LINK_SCHEMES = WEB_SCHEMES | {"mailto"}
_C0_SPACE = "".join(map(chr, range(0x21)))  # stripped from both ends by the parser


def resolve(raw: str, base: str, schemes: frozenset[str] = WEB_SCHEMES) -> str | None:
    """Absolute, normalized URL of `raw` against `base`; None for data:, javascript:, fragments of
    the same page, invalid URLs and schemes not in `schemes`."""
    stripped = raw.strip(_C0_SPACE)
    if not stripped or stripped[0] == "#":
        return None
    key = None
    if stripped[0] != "?" and same_origin_relative(raw) and base.count("/") > 2 and "?" not in base \
            and "#" not in base:
        # A path-relative or path-absolute URL depends only on the base's folder: the pages of a
        # folder load the same stylesheets and scripts, so each is parsed once per folder.
        key = (base[:base.rfind("/") + 1], raw)
        url = _SAME_FOLDER.get(key)
        if url is not None:
            return url if url[:url.find(":")] in schemes else None
    try:
        url = join_url(base, raw)
    except ValueError:
        return None
    if key is not None:
        if len(_SAME_FOLDER) >= _SAME_FOLDER_MAX:
            _SAME_FOLDER.clear()
        _SAME_FOLDER[key] = url
    return url if url[:url.find(":")] in schemes else None


_SAME_FOLDER: dict[tuple[str, str], str] = {}
_SAME_FOLDER_MAX = 65536


def same_origin_relative(raw: str) -> bool:
    """True when `raw`, resolved against any http(s) base, keeps that base's origin: without ':'
    there is no scheme, without '//' or '\\' no authority, and the parser removes tabs and
    newlines anywhere, so those are checked too. The many relative links of a documentation page
    need no parse."""
    return not (":" in raw or "//" in raw or "\\" in raw or "\t" in raw or "\n" in raw or "\r" in raw)
