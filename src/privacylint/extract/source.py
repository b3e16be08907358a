"""Positions in a file's text: offsets to line/column, and where an element's start tag begins."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from functools import lru_cache
from itertools import accumulate


class Source:
    def __init__(self, text: str):
        self.text = text
        self._starts: list[int] | None = None
        self._direct = 0  # positions computed without the line table
        self._seen: Counter = Counter()
        self._hits: dict[tuple[str, int], list[int]] = {}  # a minified page has thousands of tags per line

    @property
    def starts(self) -> list[int]:
        """Offsets where lines start (map and accumulate run in C: no Python loop over the lines).
        Only the offsets are kept: a list of every line's text would double a large page."""
        if self._starts is None:
            self._starts = [0, *accumulate(map(_PLUS_ONE, map(len, self.text.split("\n")[:-1])))]
        return self._starts

    def line_text(self, line: int) -> str:
        starts = self.starts
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        return self.text[starts[line - 1]:end]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset. The first few are counted directly; a
        file with many facts gets its line table (most pages have two or three facts)."""
        if self._starts is None and self._direct < 8:
            self._direct += 1
            line_start = self.text.rfind("\n", 0, offset) + 1
            return self.text.count("\n", 0, line_start) + 1, offset - line_start + 1
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def offset(self, line: int, column: int) -> int:
        return self.starts[min(line, len(self.starts)) - 1] + column - 1

    def count(self, tag: str, line: int) -> int:
        """Record one more `tag` element reported at `line`; return its index on that line."""
        self._seen[tag, line] += 1
        return self._seen[tag, line] - 1

    def start_tag(self, tag: str, line: int, index: int) -> tuple[int, int | None]:
        """Where the start tag of the index-th `tag` element reported at `line` begins.

        libxml2 reports the line on which a start tag ends; a tag spread over several lines
        begins on an earlier one, so look back for the nearest `<tag`.
        """
        if 0 < line <= len(self.starts):
            hits = self._tags_on(tag, line)
            if hits:
                return line, hits[min(index, len(hits) - 1)] + 1
            for back in range(line - 1, max(0, line - 40), -1):
                hits = self._tags_on(tag, back)
                if hits:
                    return back, hits[-1] + 1
        return line, None

    def _tags_on(self, tag: str, line: int) -> list[int]:
        key = (tag, line)
        if key not in self._hits:
            self._hits[key] = [m.start() for m in _tag_pattern(tag).finditer(self.line_text(line))]
        return self._hits[key]


_PLUS_ONE = (1).__add__


@lru_cache(maxsize=None)
def _tag_pattern(tag: str) -> re.Pattern:
    return re.compile(rf"<{re.escape(tag)}(?=[\s/>]|$)", re.I)
