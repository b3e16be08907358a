"""A page's visible text as sentences, each with the built line it starts on.

The checks that read what the statement says (PL303, the claims of PL31x) read this fact,
extracted inside the size cap and symlink rules every file is read under; they never open the
page again. Extraction never knows which page is the statement, and reading every page's text
would cost a documentation site a fifth more time: so it is read for the pages that could be a
statement by their path or <title> (could_be_statement: a privacy, data protection, cookie or
legal page in the languages the claim reader knows). The engine asks for the statement's text
on its own when the statement's path and title say neither (extract.statement_sentences).

What counts as visible: the text of the body, as a browser renders it. Not the head or title,
not scripts, styles, <template>, <noscript> (a visitor with scripts on never sees it), frames'
fallback or SVG, nor anything in a `hidden` or inline `display:none` container. Block elements
and <br> end a run of text (a sentence never crosses a paragraph, list item, cell or heading);
inline elements do not (`Goo<b>gle</b>` reads "Google"). Within a run, a sentence ends at . ! ?
or … followed by a capital (after an abbreviation or an initial it does not).

Linear in the page: one pass of the standard library's tokenizer (as extract/stream.py), a
stack of open elements bounded at _MAX_DEPTH.
"""

from __future__ import annotations

import bisect
import re
from html.parser import HTMLParser

from privacylint.extract.stream import DISPLAY_NONE
from privacylint.facts import Sentence

# What a statement's path or title says in the languages the claim reader reads (lower-case).
_STATEMENT_WORDS = re.compile(
    r"privac|datenschutz|confidentialit|riservatezza|gdpr|dsgvo|rgpd|cookie|legal|impressum|imprint"
    r"|protection[-_ ]des[-_ ]donn|proteccion[-_ ]de[-_ ]datos|protección de datos|protezione[-_ ]dei[-_ ]dati"
    r"|protec[cç]?[aã]o[-_ ]de[-_ ]dados|gegevensbescherming|data[-_ ]?protection|personal[-_ ]data")
_TITLE = re.compile(r"<title[^>]*>([^<]{0,500})", re.IGNORECASE)
_TITLE_WITHIN = 65536  # characters: a <title> later than this is not looked for

_INLINE = frozenset({"a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em",
                     "font", "i", "img", "ins", "kbd", "label", "mark", "nobr", "q", "rp", "rt", "ruby", "s",
                     "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr"})
_SKIPPED = frozenset({"head", "title", "script", "style", "template", "noscript", "iframe", "svg", "math",
                      "object"})
_HEAD_CONTENT = frozenset({"meta", "link", "title", "style", "script", "base", "noscript", "template"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr", "frame", "image", "keygen"})
_SELF_CLOSING = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option"})  # a second one closes the first
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_MAX_DEPTH = 1000  # open elements tracked; deeper ones are read as part of their ancestor

# A sentence ends at terminal punctuation (and closing quotes or brackets) followed by white space
# and a capital letter, a digit or an opening quote; not after an abbreviation (below), an initial
# or a word of one- or two-letter parts ("e.g.", "z.B.", "U.S.").
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+(?=[\"'“‘«(¿¡\[]*[^\W\d_a-zß-ÿ])")
_ABBREVIATIONS = frozenset((
    "abs", "al", "approx", "art", "bzw", "ca", "cf", "co", "corp", "dept", "dr", "etc", "evtl", "ff", "gem", "ggf",
    "inc", "incl", "inkl", "jr", "lit", "ltd", "mr", "mrs", "ms", "nr", "no", "p", "pp", "prof", "ref", "resp",
    "sog", "sr", "st", "str", "tel", "usw", "vgl", "vs", "zb", "zzgl", "ziff"))


class _TextWalker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # (tag, whether it hides what it holds, heading level and whether in <head>, inside it)
        self.stack: list[tuple[str, bool, int, bool]] = []
        self.hiding = 0  # open elements that hide their content
        self.heading = 0  # the open heading's level
        self.in_head = False
        self.open: dict[str, int] = {}  # tag -> how many are open: an end tag of none costs nothing
        self.chunks: list[tuple[int, int, str]] = []  # (offset in the run, line, text) of the current run
        self.size = 0
        self.run_heading = 0
        self.out: list[Sentence] = []

    # -- the tokenizer's events ---------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        if self.in_head and tag not in _HEAD_CONTENT:
            self._close("head")  # body content closes the head, as in a browser
        if tag in _SELF_CLOSING and self.stack and self.stack[-1][0] == tag:
            self._pop(len(self.stack) - 1)
        if tag not in _INLINE:
            self.flush()
        if tag in _VOID:
            return
        hides = tag in _SKIPPED or _hidden(attrs)
        if len(self.stack) < _MAX_DEPTH:
            self.heading = self.heading or _HEADINGS.get(tag, 0)
            self.in_head = self.in_head or tag == "head"
            self.stack.append((tag, hides, self.heading, self.in_head))
            self.hiding += hides
            self.open[tag] = self.open.get(tag, 0) + 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack and self.stack[-1][0] == tag:
            self._pop(len(self.stack) - 1)

    def handle_endtag(self, tag):
        if tag not in _INLINE:
            self.flush()
        self._close(tag)

    def handle_data(self, data):
        if self.hiding:
            return
        if not self.chunks:
            if not data.strip():
                return
            self.run_heading = self.heading
        self.chunks.append((self.size, self.getpos()[0], data))
        self.size += len(data)

    # -- the stack of open elements -----------------------------------------------------------
    def _close(self, tag: str) -> None:
        """Close the innermost open `tag` and what it holds (each element is popped once: linear)."""
        if not self.open.get(tag):
            return
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                self._pop(depth)
                return

    def _pop(self, depth: int) -> None:
        for tag, hides, _, _ in self.stack[depth:]:
            self.hiding -= hides
            self.open[tag] -= 1
        del self.stack[depth:]
        self.heading, self.in_head = self.stack[-1][2:] if self.stack else (0, False)

    # -- runs of text -> sentences ------------------------------------------------------------
    def flush(self) -> None:
        """End the current run of text (a block ended): its sentences, each at its first line."""
        if not self.chunks:
            return
        raw = "".join(text for _, _, text in self.chunks)
        starts = [offset for offset, _, _ in self.chunks]
        chunks, heading = self.chunks, self.run_heading
        self.chunks, self.size = [], 0

        def line_at(offset: int) -> int:
            i = bisect.bisect_right(starts, offset) - 1
            start, line, _ = chunks[i]
            return line + raw.count("\n", start, offset)

        for start, end in _sentence_spans(raw):
            text = " ".join(raw[start:end].split())
            if text:
                lead = len(raw[start:end]) - len(raw[start:end].lstrip())
                self.out.append(Sentence(text, line_at(start + lead), heading))


def _hidden(attrs: list) -> bool:
    for name, value in attrs:
        if name == "hidden" or name == "style" and value and DISPLAY_NONE.search(value):
            return True
    return False


def _sentence_spans(raw: str):
    """(start, end) of each sentence of a run of text."""
    start = 0
    for m in _END.finditer(raw):
        if raw[m.start()] == "." and _abbreviation(raw, m.start()):
            continue
        yield start, m.end()
        start = m.end()
    yield start, len(raw)


def _abbreviation(raw: str, dot: int) -> bool:
    """Whether the period at `dot` ends an abbreviation or an initial rather than a sentence."""
    begin = dot
    while begin > 0 and not raw[begin - 1].isspace() and dot - begin < 20:
        begin -= 1
    word = raw[begin:dot].lstrip("([\"'“‘«").lower()
    if not word or len(word) == 1:
        return bool(word)
    parts = word.split(".")
    return word.replace(".", "") in _ABBREVIATIONS or (len(parts) > 1 and all(len(p) <= 2 for p in parts))


def sentences(text: str) -> list[Sentence]:
    """The visible text of a page (decoded), as sentences in document order."""
    walker = _TextWalker()
    walker.feed(text)
    walker.close()
    walker.flush()
    return walker.out


def could_be_statement(path: str, text: str) -> bool:
    """Whether a page's path or <title> says it could be a privacy statement (see above)."""
    if _STATEMENT_WORDS.search(path.lower()):
        return True
    title = _TITLE.search(text, 0, _TITLE_WITHIN)
    return title is not None and _STATEMENT_WORDS.search(title.group(1).lower()) is not None
