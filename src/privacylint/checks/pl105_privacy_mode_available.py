"""An embed could use the vendor's privacy-enhanced mode, and does not.

YouTube serves embeds from www.youtube-nocookie.com, which stores nothing about the visitor
until they play the video; Vimeo's player takes dnt=1 and then sets no tracking cookies. The
visitor sees the same player.
"""

from urllib.parse import parse_qs, urlsplit

from privacylint.checks.base import CheckSpec, shorten

SPEC = CheckSpec("PL105", "privacy-mode-available", "warning",
                 "A YouTube or Vimeo embed does not use the privacy-enhanced mode that exists for it.")


def _missing_variant(vendor_id: str, url: str) -> str | None:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if vendor_id == "youtube" and parts.path.startswith("/embed/") and not host.endswith("youtube-nocookie.com"):
        return f"embed it from https://www.youtube-nocookie.com{parts.path} instead"
    if vendor_id == "vimeo" and host == "player.vimeo.com" and parse_qs(parts.query).get("dnt") != ["1"]:
        return "add dnt=1 to the player URL"
    return None


def check(site):
    for c in site.contacts:
        if not (c.url and c.vendor):
            continue
        fix = _missing_variant(c.vendor.id, c.url)
        if fix:
            yield site.finding(
                SPEC, c.file.path, c.line, c.column, c.site,
                f"{shorten(c.evidence, 80)}: {c.vendor.name} has a privacy-enhanced mode; {fix}.")
