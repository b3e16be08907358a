"""The one layer all output goes through: text from the site (paths, cookie names, URLs, policy
values, browser notes) made safe to print in a terminal or a CI log, whatever it holds.

Two functions, one rule:

- `printable(text)` for a string placed inside a line: every character that could change how a
  log reads is written as an escape, line breaks included.
- `safe_output(text)` for whole output, the last step before anything leaves the process
  (standard output, standard error, report files; every format, `init` and its `--diff`, every
  note): the same escapes line by line, and no line a CI runner reads as a command.

What is escaped: control characters (C0 but the line feed between lines, DEL, C1 with NEL: raw
ESC, OSC 8 hyperlinks, carriage returns that overwrite a line), the line and paragraph separators,
bidirectional controls (a reviewer reads what the bytes say, not a reordering), invisible marks a
runner may trim (U+FEFF, U+180E, U+200B, U+2060), Unicode noncharacters (U+FFFE, U+FFFF,
U+FDD0..U+FDEF and the last two of every plane: not XML, not interchangeable) and lone surrogates
(no encoder accepts them). The escape is JSON's, `\\u001b` (astral characters as a surrogate
pair), so that escaping JSON or SARIF output keeps it valid JSON holding the same data.

GitHub's runner reads a line as a workflow command when, after trimming leading whitespace (.NET
`TrimStart`: spaces, tabs, NBSP, U+1680, U+2000..U+200A, U+2028/9, U+202F, U+205F, U+3000...),
it starts with `::`; its older syntax `##[command]` is matched anywhere in a line. So the first
`:` of a line-leading `::` becomes `\\u003a`, and the first `#` of every `##[` becomes `\\u0023`.
The github format's own annotations (`::error file=...`) are the only lines allowed to start with
`::`, and only when the caller says the text is that format (`commands=True`).
"""

from __future__ import annotations

import re

_INVISIBLE = "\u180e\u200b\u2060\ufeff"  # formatting marks a runner or a viewer may trim or hide
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff"  # and U+xFFFE, U+xFFFF of the other planes: _escape
# One class of BMP characters (sre tests it with a table) and the astral range, filtered by _escape.
_IN_LINE = f"\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029{_BIDI}{_INVISIBLE}\ud800-\udfff{_NONCHARACTERS}"
_UNSAFE_IN_LINE = re.compile(f"[{_IN_LINE}]|[\U00010000-\U0010ffff]")  # whole output: line feeds stay
_UNSAFE = re.compile(f"[\n{_IN_LINE}]|[\U00010000-\U0010ffff]")  # inside a line: no line feed either
_OLD_COMMAND = re.compile(r"#(?=#\[)")  # `##[` anywhere in a line
# What the runner trims before it looks for `::` (every Unicode space but the line feed), and more.
_TRIMMED = ("\t\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
            "\u2009\u200a\u2028\u2029\u202f\u205f\u3000" + _INVISIBLE)  # str.isspace() but \n; a test compares
_OURS = re.compile(r"::(?:error|warning|notice) file=")  # the github format's annotations


class _Safe(str):
    """Text safe_output made: given to it again, it is not scanned again."""


class _SafeAnnotations(str):
    """The same, for the github format's text (lines of its own annotations start with `::`)."""


def escape_char(char: str) -> str:
    """`\\u001b`; a character beyond the BMP as a surrogate pair, as JSON writes it."""
    code = ord(char)
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 | code >> 10:04x}\\u{0xDC00 | code & 0x3FF:04x}"
    return f"\\u{code:04x}"


def _escape(m: re.Match) -> str:
    char = m.group()
    if char > "\uffff" and ord(char) & 0xFFFE != 0xFFFE:
        return char  # an astral character that is not a noncharacter (an emoji) stays
    return escape_char(char)


def printable(text: str) -> str:
    """`text` to place inside a line: nothing in it can break the line, move the cursor, colour
    or hyperlink the log, reorder what a reviewer reads, or form a runner command."""
    if _UNSAFE.search(text):
        text = _UNSAFE.sub(_escape, text)
    return _OLD_COMMAND.sub(r"\\u0023", text) if "##[" in text else text


def safe_output(text: str, commands: bool = False) -> str:
    """Whole output, just before it is written: printable line by line, and no line that starts
    (after what the runner trims) with `::` unless `commands` and it is an annotation of the
    github format. Idempotent, and faithful on JSON: every change is a JSON string escape."""
    if type(text) is _Safe or (commands and type(text) is _SafeAnnotations):
        return text
    if _UNSAFE_IN_LINE.search(text):
        text = _UNSAFE_IN_LINE.sub(_escape, text)
    if "##[" in text:
        text = _OLD_COMMAND.sub(r"\\u0023", text)
    if "::" in text:
        text = _defuse(text, commands)
    return (_SafeAnnotations if commands else _Safe)(text)


def _defuse(text: str, commands: bool) -> str:
    """`text` with the first `:` of every line-leading `::` escaped. Each line is looked at once,
    at its first `::`: a later one in the same line cannot lead it."""
    parts, done = [], 0
    at = text.find("::")
    while at != -1:
        start = text.rfind("\n", 0, at) + 1
        if not text[start:at].strip(_TRIMMED) and not (commands and _OURS.match(text, start)):
            parts += [text[done:at], "\\u003a"]
            done = at + 1
        end = text.find("\n", at)
        at = -1 if end == -1 else text.find("::", end)
    return "".join(parts) + text[done:] if parts else text


def line_start(text: str) -> str:
    """`text` made printable, and never read as a runner command at the start of a line."""
    return safe_output(printable(text))
