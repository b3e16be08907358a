"""The charset a page's markup declares, found the way Chromium finds it.

Chromium tokenizes the start of the page for a `<meta>` that names a charset (its
HTMLMetaCharsetParser, the HTML Standard's "prescan" in tokenizer form):
- comments, `<!...>` and `<?...>` are skipped; so is the content of raw-text and RCDATA elements
  (script, style, title, textarea, xmp, iframe, noembed, noframes, plaintext): a `<meta>` in a
  script string is text. `<noscript>` content is markup (the prescan runs without scripting);
- in a `<meta>`: a `charset` attribute, or a `content` attribute's `charset=` with
  `http-equiv="content-type"` anywhere in the same tag; the last charset attribute wins; a label
  browsers do not know is skipped and the scan goes on;
- it stops after 1,024 bytes once it has seen anything that does not belong in `<head>` (any tag
  but html, head, script, noscript, style, link, meta, object, title, base); until then it reads on.
Each case is a test checked against Chromium (tests/test_charset.py). The scan is one pass.
"""

from __future__ import annotations

import re

_RAW = frozenset({b"script", b"style", b"title", b"textarea", b"xmp", b"iframe", b"noembed", b"noframes"})
_HEAD = frozenset({b"script", b"noscript", b"style", b"link", b"meta", b"object", b"title", b"base"})
_UNCONDITIONAL = 1024
_SPACE = b" \t\n\r\f"
_TAG = re.compile(rb"<(/?)([A-Za-z][^\s/>]*)")
_ATTRIBUTE = re.compile(rb"""([^\s/>=][^\s/>=]*)(?:[ \t\n\r\f]*=[ \t\n\r\f]*(?:"([^"]*)"?|'([^']*)'?|([^\s>]*)))?""")
_CONTENT_CHARSET = re.compile(rb"""charset[ \t\n\r\f]*=[ \t\n\r\f]*(?:"([^"]*)"|'([^']*)'|([^\s;"']+))""", re.IGNORECASE)
_RAW_END = {name: re.compile(rb"</" + name + rb"[\s/>]", re.IGNORECASE) for name in _RAW}


def meta_charsets(data: bytes):
    """The charset labels `<meta>` elements declare, in the order Chromium tries them (it takes
    the first one it knows)."""
    pos, in_head, end = 0, True, len(data)
    while pos < end:
        pos = data.find(b"<", pos)
        if pos < 0 or not in_head and pos >= _UNCONDITIONAL:
            return
        if data.startswith(b"<!--", pos):
            close = data.find(b"-->", pos + 2)
            pos = end if close < 0 else close + 3
            continue
        if data.startswith((b"<!", b"<?"), pos) or data.startswith(b"</", pos) and not _letter(data, pos + 2):
            close = data.find(b">", pos + 1)
            pos = end if close < 0 else close + 1
            continue
        tag = _TAG.match(data, pos)
        if tag is None:
            pos += 1
            continue
        closing, name = tag.group(1) == b"/", tag.group(2).lower()
        attributes, pos = _attributes(data, tag.end())
        if not closing and name == b"meta":
            label = _meta_charset(attributes)
            if label:
                yield label
        if name not in _HEAD and not (name in (b"html", b"head") and not closing):
            in_head = False
        if not closing and name in _RAW:
            close = _RAW_END[name].search(data, pos)
            pos = end if close is None else close.start()
        elif not closing and name == b"plaintext":
            return


def _letter(data: bytes, i: int) -> bool:
    return i < len(data) and (65 <= data[i] <= 90 or 97 <= data[i] <= 122)


def _attributes(data: bytes, pos: int) -> tuple[list[tuple[bytes, bytes]], int]:
    """The attributes of a tag from `pos`, and the position after its `>`."""
    out = []
    end = len(data)
    while pos < end:
        while pos < end and data[pos] in b" \t\n\r\f/":
            pos += 1
        if pos >= end:
            break
        if data[pos] == 62:  # ">"
            return out, pos + 1
        m = _ATTRIBUTE.match(data, pos)
        if m is None or m.end() == pos:
            pos += 1
            continue
        value = next((g for g in m.groups()[1:] if g is not None), b"")
        out.append((m.group(1).lower(), value))
        pos = m.end()
    return out, end


def _meta_charset(attributes: list[tuple[bytes, bytes]]) -> str | None:
    pragma, charset, mode = False, None, None
    for name, value in attributes:
        if name == b"http-equiv":
            pragma = pragma or value.strip(_SPACE).lower() == b"content-type"
        elif name == b"charset":
            charset, mode = value, "charset"
        elif name == b"content" and charset is None:
            found = _CONTENT_CHARSET.search(value)
            if found:
                charset, mode = next(g for g in found.groups() if g is not None), "pragma"
    if mode == "charset" or mode == "pragma" and pragma:
        label = charset.strip(_SPACE).decode("ascii", "replace")
        return label or None
    return None
