"""Built files back to the source lines that produced them (--source).

Built files are usually not in the repository, so a finding on `_site/blog/x.html` is no use as
a pull-request annotation. The rule, in order, for the built line a finding points at (white
space folded):
1. a source line equal to it;
2. a template line that matches it with each `{{ ... }}` / `{% ... %}` standing for any text
   (Liquid, Hugo and Jinja templates: `_includes/analytics.html`, layouts, partials);
3. a source line holding the same URL (Markdown content: `[text](https://...)`), compared after
   HTML entities are decoded (Markdown's `?a=1&b=2` is built as `?a=1&amp;b=2`).
Among several candidates the first in path order wins. Files under the built site itself and
generator caches are not sources. A line that matches nothing keeps only its built location.
"""

from __future__ import annotations

import html
import os
import re

from privacylint.model import Location

SOURCE_SUFFIXES = (".html", ".htm", ".md", ".markdown", ".mdx", ".liquid", ".njk", ".hbs", ".tmpl", ".tpl",
                   ".gohtml", ".jinja", ".j2", ".js", ".mjs", ".css", ".scss", ".sass", ".rst", ".txt", ".xml")
# Not sources: version control, caches, and installed dependencies (Jekyll's `vendor/bundle`,
# which Jekyll itself excludes, holds thousands of theme files).
_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "vendor", ".jekyll-cache", ".sass-cache", ".cache",
                           "__pycache__", ".venv", "venv", ".bundle"})
_TAG = re.compile(r"({{.*?}}|{%.*?%})")
_URL = re.compile(r"""https?://[^\s"'<>()\[\]{}]+""")
_MIN_LINE = 8  # shorter lines ("</div>", "}") say nothing about where they come from
_MAX_FILE = 2 * 1024 * 1024


def _fold(text: str) -> str:
    return " ".join(text.split())


class SourceMap:
    def __init__(self, source_dir: str, exclude: list[str]):
        self.source_dir = source_dir
        self._excluded = [os.path.realpath(p) for p in exclude]
        self._exact: dict[str, Location] = {}
        self._templates: dict[str, list[tuple[re.Pattern, Location]]] = {}
        self._urls: dict[str, Location] = {}
        self._built: dict[str, list[str]] = {}
        for rel in self._files():
            self._index(rel)

    def _files(self) -> list[str]:
        found = []
        for folder, dirs, files in os.walk(self.source_dir):
            real = os.path.realpath(folder)
            dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS
                             and os.path.realpath(os.path.join(folder, d)) not in self._excluded)
            if real in self._excluded:
                continue
            for name in sorted(files):
                if name.lower().endswith(SOURCE_SUFFIXES):
                    found.append(os.path.relpath(os.path.join(folder, name), self.source_dir))
        return sorted(p.replace(os.sep, "/") for p in found)

    def _index(self, rel: str) -> None:
        path = os.path.join(self.source_dir, rel)
        try:
            if os.path.getsize(path) > _MAX_FILE:
                return
            with open(path, encoding="utf-8", errors="replace") as fh:
                lines = fh.read().split("\n")
        except OSError:
            return
        shown = os.path.normpath(os.path.join(self.source_dir, rel)).replace(os.sep, "/")
        for number, line in enumerate(lines, 1):
            folded = _fold(line)
            if len(folded) < _MIN_LINE:
                continue
            where = Location(shown, number, len(line) - len(line.lstrip()) + 1)
            if _TAG.search(folded):
                if len("".join(_TAG.split(folded)[0::2]).strip()) >= _MIN_LINE:  # `{% include x %}` matches anything
                    pattern, prefix = _template(folded)
                    self._templates.setdefault(prefix, []).append((pattern, where))
            else:
                self._exact.setdefault(folded, where)
            for url in _URL.findall(line):
                self._urls.setdefault(url, where)

    def locate(self, built_line: str) -> Location | None:
        folded = _fold(built_line)
        if len(folded) < _MIN_LINE:
            return None
        if folded in self._exact:
            return self._exact[folded]
        for prefix in (folded[:12], ""):
            for pattern, where in self._templates.get(prefix, ()):
                if pattern.fullmatch(folded):
                    return where
        for line in (built_line, html.unescape(built_line)) if "&" in built_line else (built_line,):
            for url in _URL.findall(line):
                if url in self._urls:
                    return self._urls[url]
        return None

    def origin_of(self, built_file: str, line: int) -> Location | None:
        """The source of line `line` of a built file (read once per run)."""
        if built_file not in self._built:
            try:
                with open(built_file, encoding="utf-8", errors="replace") as fh:
                    self._built[built_file] = fh.read().split("\n")
            except OSError:
                self._built[built_file] = []
        lines = self._built[built_file]
        return self.locate(lines[line - 1]) if 0 < line <= len(lines) else None


def _template(folded: str) -> tuple[re.Pattern, str]:
    """A template line as a pattern, and its first 12 literal characters (its index key; "" when
    the line starts with a tag)."""
    parts = _TAG.split(folded)
    regex = "".join(".*?" if i % 2 else re.escape(part).replace(r"\ ", r"\s*") for i, part in enumerate(parts))
    literal_start = parts[0] if len(parts[0]) >= 12 else ""
    return re.compile(regex, re.S), literal_start[:12]
