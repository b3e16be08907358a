"""An embed could use the vendor's privacy-enhanced mode, and does not.

YouTube serves embeds from www.youtube-nocookie.com, which stores nothing about the visitor
until they play the video; Vimeo's player takes dnt=1 and then sets no tracking cookies. The
visitor sees the same player.
"""

from urllib.parse import parse_qs, urlsplit

from privacylint.checks.base import CheckSpec, shorten

SPEC = CheckSpec("PL105", "privacy-mode-available", "warning",
                 "A YouTube or Vimeo embed does not use the privacy-enhanced mode that exists for it.")


# Which vendors have such a mode, and how it shows in an embed's URL, is catalogue data
# (vendors.yaml `privacy_variant` with `embeds`, `mode` and `fix`).
def _missing_variant(mode, url: str) -> str | None:
    parts = urlsplit(url)
    return mode.missing((parts.hostname or "").lower(), parts.path, parse_qs(parts.query))


def check(site):
    for c in site.contacts:
        if not (c.url and c.vendor and c.vendor.privacy_mode):
            continue
        fix = _missing_variant(c.vendor.privacy_mode, c.url)
        if fix:
            yield site.finding(
                SPEC, c.file.path, c.line, c.column, c.site,
                f"{shorten(c.evidence, 80)}: {c.vendor.name} has a privacy-enhanced mode; {fix}.")
