"""Whether a page's raw text could hide a link from visitors: the pre-check that decides whether
the walk marks links inside hidden containers (html._hidden_anchors, stream._hides).

A container hides what it holds when it has a `hidden` attribute, `aria-hidden="true"` or an
inline `display:none` style. Looking for such containers in the tree visits every element, which
costs a tenth of a documentation page's extraction; most pages that say "hidden" say it in
`<input type="hidden">`, a CSS rule or an empty icon (`<span aria-hidden="true"></span>`). So each
occurrence in the lower-cased text is read as the start tag it sits in, and it counts only when
it hides an element whose content, up to its first end tag, could hold an <a> or <area> (an end
tag that cannot be found, nesting of the same element or a long content: it counts). It only
ever says "look" too often, never "skip" a container that is there, short of a start tag that
begins inside an earlier tag's quoted attribute value (`title="<b x" hidden`), which HTML
generators escape. Linear: the content read after all occurrences together is bounded by a
multiple of the page.
"""

from __future__ import annotations

import re

_TAG_NAME = re.compile(rb"<([a-z][^\s/>]*)")
_ATTRIBUTE = re.compile(rb"""[\s/]*([^\s"'>/=][^\s"'>/=]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]*))?""")
_DISPLAY_NONE = re.compile(rb"(?:^|;)\s*display\s*:\s*none\b")
_DISPLAY_NONE_TEXT = re.compile(rb"display\s*:\s*none")
_ANCHOR = re.compile(rb"<a(?:rea)?[\s/>]")
_VOID = frozenset({b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"param",
                   b"source", b"track", b"wbr"})
_CONTENT_BUDGET = 4  # times the page: content read to prove hidden containers hold no link


def may_hide_links(low: bytes) -> bool:
    """Whether a page (its lower-cased bytes) could hold a link inside a hidden container."""
    starts = []
    if b"hidden" in low:
        at = low.find(b"hidden")
        while at != -1:
            starts.append(at)
            at = low.find(b"hidden", at + 6)
    if b"none" in low:
        starts += [m.start() for m in _DISPLAY_NONE_TEXT.finditer(low)]
    budget = _CONTENT_BUDGET * len(low) + 65536
    for at in sorted(starts):
        read = _holds_link(low, at)
        if read is None:
            return True
        budget -= read
        if budget < 0:
            return True
    return False


def _holds_link(low: bytes, at: int) -> int | None:
    """None when the occurrence at `at` hides an element that could hold a link; else how many
    bytes were read to know it does not."""
    lt = low.rfind(b"<", 0, at)
    name = _TAG_NAME.match(low, lt) if lt != -1 else None
    if name is None:
        return 0  # text before any tag
    pos, hides = name.end(), False
    while pos < len(low) and low[pos:pos + 1] != b">":
        attribute = _ATTRIBUTE.match(low, pos)
        if attribute is None or attribute.end() == pos:
            return None  # a start tag this scan cannot read: look
        hides = hides or _hides(attribute.group(1), attribute.group(2))
        pos = attribute.end()
        if pos > at and not hides:
            return pos - lt  # the occurrence is in another attribute's value
    tag = name.group(1)
    if pos < at or not hides or tag in _VOID:
        return pos - lt  # the tag ended before the occurrence (it is text or CSS), or hides nothing
    close = low.find(b"</" + tag, pos)
    if close == -1:
        return None
    content = low[pos:close]
    if _ANCHOR.search(content) or re.search(b"<" + re.escape(tag) + rb"[\s/>]", content):
        return None
    return close - lt


def _hides(name: bytes, value: bytes | None) -> bool:
    value = (value or b"").strip(b"\"'")
    return (name == b"hidden" or name == b"aria-hidden" and value.strip() == b"true"
            or name == b"style" and _DISPLAY_NONE.search(value) is not None)
