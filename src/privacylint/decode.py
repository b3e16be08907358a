"""Bytes to text, the way a browser would pick the encoding, reporting what had to be guessed."""

from __future__ import annotations

import codecs
import logging
import re

from privacylint.facts import Problem

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_CSS_CHARSET = re.compile(rb'^@charset\s+"([A-Za-z0-9._:-]+)"\s*;')
# The HTML standard decodes these labels as windows-1252 (and a meta utf-16 as utf-8).
_LABEL_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252",
                  "us-ascii": "cp1252", "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8"}


def is_binary(data: bytes) -> int | None:
    """Line of the first NUL byte, or None. Files with a UTF-16 byte order mark are text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    nul = data.find(b"\0")
    return None if nul < 0 else data.count(b"\n", 0, nul) + 1


def decode(data: bytes, kind: str) -> tuple[str, Problem | None]:
    """Decode a page, script or stylesheet; a Problem says what was replaced or guessed."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strict_or_replace(data, codec, "its byte order mark")
    declared = _declared_charset(data, kind)
    if declared:
        return _strict_or_replace(data, declared, "its declared charset")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        if kind != "page":
            return _replaced(data, "utf-8", err, "UTF-8 (no charset is declared)")
        return _guess(data, err)


def _declared_charset(data: bytes, kind: str) -> str | None:
    pattern = _META_CHARSET if kind == "page" else _CSS_CHARSET if kind == "stylesheet" else None
    match = pattern.search(data[:2048]) if pattern else None
    if not match:
        return None
    label = match.group(1).decode("ascii").lower()
    label = _LABEL_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _strict_or_replace(data: bytes, codec: str, how: str) -> tuple[str, Problem | None]:
    try:
        return data.decode(codec), None
    except UnicodeDecodeError as err:
        return _replaced(data, codec, err, f"{codec}, {how}")


def _replaced(data: bytes, codec: str, err: UnicodeDecodeError, how: str) -> tuple[str, Problem]:
    line = data.count(b"\n", 0, err.start) + 1
    message = (f"bytes that are not valid {how} were replaced (first at byte {err.start}); "
               "the rest of the file is still checked. Save the file in the encoding it declares.")
    return data.decode(codec, errors="replace"), Problem("decode", "warning", message, line)


def _guess(data: bytes, err: UnicodeDecodeError) -> tuple[str, Problem]:
    from bs4 import UnicodeDammit  # imported here: only pages with no charset and no valid UTF-8 need it

    logging.getLogger("bs4.dammit").setLevel(logging.ERROR)  # we report replacements as PL001 ourselves
    dammit = UnicodeDammit(data, is_html=True)
    if dammit.unicode_markup is None:
        return _replaced(data, "utf-8", err, "UTF-8 (no charset is declared)")
    line = data.count(b"\n", 0, err.start) + 1
    message = (f"the page is not valid UTF-8 and declares no charset; it was decoded as "
               f"{dammit.original_encoding} by a guess, as browsers do. Declare the charset "
               "(<meta charset=...>) or save the page as UTF-8.")
    return dammit.unicode_markup, Problem("decode", "warning", message, line)
