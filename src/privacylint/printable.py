"""Text from the site (paths, cookie names, URLs, policy values) made safe to print in a terminal
or a CI log, whatever it holds.

Control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides are
written as escapes (`\\x1b`, `\\u202e`), so a file name cannot start a line of its own, move the
cursor, colour the log, hyperlink (OSC 8) or reorder what a reviewer reads. A line that would
start with a CI runner's command prefix (`::error`, `##[`) gets `./` in front, so no site string
becomes a GitHub workflow command.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_COMMAND_PREFIXES = ("::", "##[")


def _escape(m: re.Match) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every character that could change how a log reads replaced by an escape."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def line_start(text: str) -> str:
    """`text` made printable, and never read as a runner command at the start of a line."""
    text = printable(text)
    return "./" + text if text.lstrip().startswith(_COMMAND_PREFIXES) else text
