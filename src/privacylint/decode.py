"""Bytes to text, the way a browser picks the encoding, reporting what had to be guessed.

Labels resolve as the WHATWG Encoding Standard says (webencodings): a label browsers do not know
(`cp037`, `utf-32`, `base64`) is ignored, as the browser ignores it, rather than decoding the page
into something no browser sees; a meta `utf-16` means UTF-8; `replacement` labels
(`iso-2022-kr`...) make the page one U+FFFD, so nothing of it loads.
"""

from __future__ import annotations

import codecs
import logging
import re

import webencodings

from privacylint.charset import meta_charsets
from privacylint.facts import Problem

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CSS_CHARSET = re.compile(rb'^@charset "([^"]{1,64})";')
# In a <meta> or @charset, a UTF-16 label means UTF-8 (the bytes are ASCII-compatible if the
# label could be read at all), and x-user-defined means windows-1252.
_AS_UTF8 = frozenset({"utf-16be", "utf-16le"})


def is_binary(data: bytes) -> int | None:
    """Line of the first NUL byte, or None. Files with a UTF-16 byte order mark are text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    nul = data.find(b"\0")
    return None if nul < 0 else data.count(b"\n", 0, nul) + 1


def decode(data: bytes, kind: str) -> tuple[str, Problem | None]:
    """Decode a page, script or stylesheet; a Problem says what was replaced or guessed."""
    return decode_utf8(data, kind)[:2]


def decode_utf8(data: bytes, kind: str, transport: str | None = None) -> tuple[str, Problem | None, bool]:
    """As decode, and whether `data` is exactly the text's UTF-8 (valid UTF-8, no byte order
    mark, read as UTF-8): the parser can then take the bytes as they are, with no second copy.
    `transport`: a charset label from the transport layer (Content-Type), which wins over the
    file's own declaration but not over a byte order mark."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return (*_strict_or_replace(data, codec, "as its byte order mark says"), False)
    declared = _codec(transport, as_meta=False) if transport else None
    declared = declared or _declared_charset(data, kind)
    if declared == "replacement":
        return "", Problem("decode", "warning", "declares a charset that browsers decode as a single "
                           "replacement character (WHATWG Encoding Standard), so nothing of it loads; "
                           "it was not checked further.", 1), False
    if declared:
        text, problem = _strict_or_replace(data, declared, "the charset it declares")
        return text, problem, problem is None and codecs.lookup(declared).name == "utf-8"
    try:
        return data.decode("utf-8"), None, True
    except UnicodeDecodeError as err:
        if kind != "page":
            return (*_replaced(data, "utf-8", err, "it declares no charset"), False)
        return (*_guess(data, err), False)


def _declared_charset(data: bytes, kind: str) -> str | None:
    """The Python codec of the first charset label browsers know, "replacement", or None."""
    if kind == "page":
        labels = meta_charsets(data)
    elif kind == "stylesheet":
        m = _CSS_CHARSET.match(data)
        labels = iter([m.group(1).decode("ascii", "replace")] if m else [])
    else:
        return None
    return next(filter(None, (_codec(label) for label in labels)), None)


def _codec(label: str, as_meta: bool = True) -> str | None:
    """The Python codec of a charset label as browsers read it, "replacement", or None for a
    label they do not know (skipped, not obeyed). In a `<meta>` or `@charset`, UTF-16 means
    UTF-8 (the label could be read, so the bytes are ASCII-compatible)."""
    encoding = webencodings.lookup(label.strip())
    if encoding is None:
        return None
    if encoding.name in _AS_UTF8 and as_meta:
        return "utf-8"
    if encoding.name == "x-user-defined":
        return "cp1252"
    return "replacement" if encoding.name == "replacement" else encoding.codec_info.name


def _strict_or_replace(data: bytes, codec: str, how: str) -> tuple[str, Problem | None]:
    try:
        return data.decode(codec), None
    except UnicodeDecodeError as err:
        return _replaced(data, codec, err, how)


def _replaced(data: bytes, codec: str, err: UnicodeDecodeError, why: str) -> tuple[str, Problem]:
    """`why` the file is read as `codec`: "the charset it declares", "it declares no charset"."""
    line = data.count(b"\n", 0, err.start) + 1
    fix = "declare its charset or save it as UTF-8" if why == "it declares no charset" else \
        "save it in the encoding it declares, or declare the one it is saved in"
    message = (f"some bytes are not valid {codec} ({why}) and were replaced, the first at byte {err.start}; "
               f"the rest of the file is still checked. To fix it, {fix}.")
    return data.decode(codec, errors="replace"), Problem("decode", "warning", message, line)


def _guess(data: bytes, err: UnicodeDecodeError) -> tuple[str, Problem]:
    from bs4 import UnicodeDammit  # imported here: only pages with no charset and no valid UTF-8 need it

    logging.getLogger("bs4.dammit").setLevel(logging.ERROR)  # we report replacements as PL001 ourselves
    dammit = UnicodeDammit(data, is_html=True)
    if dammit.unicode_markup is None:
        return _replaced(data, "utf-8", err, "it declares no charset")
    line = data.count(b"\n", 0, err.start) + 1
    message = (f"the page is not valid UTF-8 and declares no charset; it was decoded as "
               f"{dammit.original_encoding} by a guess, as browsers do. Declare the charset "
               "(<meta charset=...>) or save the page as UTF-8.")
    return dammit.unicode_markup, Problem("decode", "warning", message, line)
