"""Built files back to the source lines that produced them (--source).

Built files are usually not in the repository, so a finding on `_site/blog/x.html` is no use as
a pull-request annotation. A finding is traced by its own evidence: the element, URL or code
at its column on the built line, not by whatever else shares the line (a minified page is one
line holding every element of the page). In order, for that built line (white space folded):
1. a source line equal to it (a source file copied as is: the column is kept);
2. a template line that matches it with each `{{ ... }}` / `{% ... %}` standing for any text
   (Liquid, Hugo and Jinja templates: `_includes/analytics.html`, layouts, partials), when the
   finding's evidence (its URL's host, or its code) is in the template's own text, so a layout's
   `<main>{{ .Content }}</main>` never claims what the content holds;
3. the one source line holding the finding's URL (Markdown content `[text](https://...)`, a
   config list of scripts), compared without scheme and after HTML entities are decoded
   (Markdown's `?a=1&b=2` is built as `?a=1&amp;b=2`); a URL a template completes
   (`https://x/js?id={{ site.id }}`) matches by its literal start. For a snippet with no URL,
   the one source line holding its code (quotes and spacing aside).
Several source lines with the evidence are narrowed to those of the built page's own name
(`posts/hello/index.html` <- `hello.md`, `2024-05-01-hello.md`); still several, or none, and
the finding keeps its built location, with the reason (`unmapped`): a wrong annotation on a pull
request is worse than none. Files under the built site itself and generator caches are not
sources.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import replace
from typing import NamedTuple

from privacylint.model import Finding, Location

SOURCE_SUFFIXES = (".html", ".htm", ".md", ".markdown", ".mdx", ".liquid", ".njk", ".hbs", ".tmpl", ".tpl",
                   ".gohtml", ".jinja", ".j2", ".js", ".mjs", ".jsx", ".ts", ".tsx", ".css", ".scss", ".sass",
                   ".rst", ".txt", ".xml", ".toml", ".yml", ".yaml", ".json")
# Not sources: version control, caches, and installed dependencies (Jekyll's `vendor/bundle`,
# which Jekyll itself excludes, holds thousands of theme files).
_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "vendor", ".jekyll-cache", ".sass-cache", ".cache",
                           "__pycache__", ".venv", "venv", ".bundle", ".docusaurus", "resources"})
_TAG = re.compile(r"({{.*?}}|{%.*?%})")
# An absolute or protocol-relative URL with a dotted host; what follows a `{` is a template's.
_URL = re.compile(r"""(?:https?:)?//([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})(?::\d+)?[^\s"'<>()\[\]{}`\\]*""")
_MIN_LINE = 8  # shorter lines ("</div>", "}") say nothing about where they come from
_MAX_FILE = 2 * 1024 * 1024
_MAX_SEGMENT = 600  # what follows a column that can still be the finding's own element or code
_MAX_PLACES = 8  # source lines kept per URL: more is ambiguous anyway
_QUIET_LINE = 500  # a built line without a column is read whole only when it is this short


def _fold(text: str) -> str:
    return " ".join(text.split())


def _squeeze(text: str) -> str:
    """Code compared as a minifier leaves it: no white space, one kind of quote."""
    return "".join(text.split()).replace("'", '"').replace("`", '"')


def url_key(url: str) -> str:
    """A URL compared without its scheme, entities decoded, sentence punctuation dropped."""
    url = html.unescape(url)
    return url[url.index("//"):].rstrip(".,;:!?")


class Evidence(NamedTuple):
    """What a finding is about on its built line: a URL (as url_key), or code (squeezed)."""

    url: str | None
    host: str | None
    code: str | None

    @property
    def shown(self) -> str:
        return f"its URL {self.url.lstrip('/')}" if self.url else "its code"


class Trace(NamedTuple):
    origin: Location | None
    why: str  # when origin is None: why no source line is certain


def evidence(built_line: str, column: int | None, hint: str = "") -> Evidence | None:
    """The finding's own evidence on its built line: at its column (the element, CSS or JS that
    makes the request), or, without a column, the line's only URL. `hint` (the finding's
    message) picks among several URLs of one element (`src` and `srcset`)."""
    if column:
        start = min(max(column - 1, 0), len(built_line))
        limit = start + _MAX_SEGMENT  # bounded: a minified bundle is one line of megabytes
        if built_line.startswith("<", start):
            end = built_line.find(">", start, limit)
            segment = built_line[start:end + 1 if end >= 0 else limit]
        else:
            end = built_line.find("<", start + 1, limit)
            segment = built_line[start:end if end >= 0 else limit]
    elif len(built_line) <= _QUIET_LINE:
        segment = built_line
    else:
        return None
    urls = [(url_key(m.group()), m.group(1).lower()) for m in _URL.finditer(html.unescape(segment))]
    if not column and len({u for u, _ in urls}) > 1:
        return None  # several URLs and nothing to tell which
    if urls:
        url, host = next(((u, h) for u, h in urls if h in hint.lower()), urls[0])
        return Evidence(url, host, None)
    code = _squeeze(segment)
    quote = code.find('"', code.find('"') + 1)  # `gtag("config"`, `localStorage.setItem("key"`
    code = code[:quote + 1] if 0 < quote < 48 else code[:32]
    return Evidence(None, None, code) if len(code) >= 6 and column else None


class SourceMap:
    def __init__(self, source_dir: str, exclude: list[str]):
        self.source_dir = source_dir
        self._excluded = [os.path.realpath(p) for p in exclude]
        self._exact: dict[str, Location] = {}
        self._templates: dict[str, list[tuple[re.Pattern, Location, str]]] = {}
        self._urls: dict[str, list[Location]] = {}
        self._completed: dict[str, list[tuple[str, Location]]] = {}  # host -> (literal start of a templated URL, where)
        self._code: list[tuple[str, Location]] = []  # squeezed source lines, for snippets
        self._code_hits: dict[str, list[Location]] = {}
        self._built: dict[str, list[str]] = {}
        self._lines: dict[str, list[str]] = {}
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

    def _read(self, path: str) -> list[str]:
        if path not in self._lines:
            try:
                if os.path.getsize(path) > _MAX_FILE:
                    raise OSError
                with open(path, encoding="utf-8", errors="replace") as fh:
                    self._lines[path] = fh.read().split("\n")
            except OSError:
                self._lines[path] = []
        return self._lines[path]

    def _index(self, rel: str) -> None:
        shown = os.path.normpath(os.path.join(self.source_dir, rel)).replace(os.sep, "/")
        lines = self._read(shown)
        self._lines.pop(shown, None)  # read again only for the few lines findings land on
        for number, line in enumerate(lines, 1):
            folded = _fold(line)
            if len(folded) < _MIN_LINE:
                continue
            where = Location(shown, number, len(line) - len(line.lstrip()) + 1)
            if _TAG.search(folded):
                literal = "".join(_TAG.split(folded)[0::2])
                if len(literal.strip()) >= _MIN_LINE:  # `{% include x %}` matches anything
                    pattern, prefix = _template(folded)
                    self._templates.setdefault(prefix, []).append((pattern, where, _squeeze(literal).lower()))
            else:
                self._exact.setdefault(folded, where)
            self._code.append((_squeeze(line), where))
            for m in _URL.finditer(line):
                at = Location(shown, number, m.start() + 1)
                if line.startswith("{", m.end()):  # completed by a template: its literal start
                    self._completed.setdefault(m.group(1).lower(), []).append((url_key(m.group()), at))
                else:
                    places = self._urls.setdefault(url_key(m.group()), [])
                    if len(places) < _MAX_PLACES and all(p.path != shown or p.line != number for p in places):
                        places.append(at)

    def locate(self, built_line: str, column: int | None = None, hint: str = "", page: str = "") -> Trace:
        """Where `built_line` (of the page `page`) came from, for the finding at `column`."""
        folded = _fold(built_line)
        if len(folded) < _MIN_LINE:
            return Trace(None, "the built line is too short to tell")
        found = evidence(built_line, column, hint)
        if folded in self._exact:
            return Trace(self._at(self._exact[folded], found), "")
        quiet = found is not None or len(built_line) <= _QUIET_LINE and len(_URL.findall(built_line)) <= 1
        for prefix in (folded[:12], ""):
            for pattern, where, literal in self._templates.get(prefix, ()):
                if quiet and _holds(literal, found) and pattern.fullmatch(folded):
                    return Trace(self._at(where, found), "")
        if found is None:
            return Trace(None, "the built line holds several elements and the finding has no column")
        places = self._places(found)
        if len(places) > 1:
            places = [p for p in places if _same_name(page, p.path)] or places
        if len(places) == 1:
            return Trace(self._at(places[0], found), "")
        if places:
            return Trace(None, f"{len(places)} source lines hold {found.shown}")
        return Trace(None, f"no source line holds {found.shown}")

    def _places(self, found: Evidence) -> list[Location]:
        if found.url:
            exact = self._urls.get(found.url)
            if exact:
                return exact
            starts = [(len(start), at) for start, at in self._completed.get(found.host, ())
                      if found.url.startswith(start)]
            longest = max((n for n, _ in starts), default=0)
            return [at for n, at in starts if n == longest]
        if found.code not in self._code_hits:  # a snippet repeats on every page: one scan per snippet
            self._code_hits[found.code] = [at for code, at in self._code if found.code in code][:_MAX_PLACES]
        return self._code_hits[found.code]

    def _at(self, where: Location, found: Evidence | None) -> Location:
        """`where` at the start of its line's text; on a line holding several URLs (a list of
        scripts in a config file, a page copied minified), at the finding's own URL."""
        lines = self._read(where.path)
        line = lines[where.line - 1] if 0 < where.line <= len(lines) else ""
        indent = len(line) - len(line.lstrip()) + 1
        urls = list(_URL.finditer(line))
        if found is None or found.url is None or len(urls) < 2:
            return where._replace(column=indent)
        m = next((m for m in urls if url_key(m.group()) == found.url), None) or \
            next((m for m in urls if m.group(1).lower() == found.host), None)
        return where._replace(column=m.start() + 1 if m else indent)

    def origin_of(self, built_file: str, line: int, column: int | None = None, hint: str = "") -> Location | None:
        """The source of line `line` of a built file (read once per run)."""
        return self.trace(built_file, line, column, hint).origin

    def trace(self, built_file: str, line: int, column: int | None = None, hint: str = "",
              page: str = "") -> Trace:
        """Where line `line` of `built_file` (the page `page`, relative to the site root) came
        from, for the finding at `column` whose message is `hint`."""
        if built_file not in self._built:
            try:
                with open(built_file, encoding="utf-8", errors="replace") as fh:
                    self._built[built_file] = fh.read().split("\n")
            except OSError:
                self._built[built_file] = []
        lines = self._built[built_file]
        if not 0 < line <= len(lines):
            return Trace(None, "the built line is not there")
        return self.locate(lines[line - 1], column, hint, page)

    def attach(self, finding: Finding) -> Finding:
        """The finding with its source location, or with why it keeps its built one."""
        if finding.root is None or not finding.line:
            return finding
        origin, why = self.trace(os.path.join(finding.root, finding.path), finding.line, finding.column,
                                 finding.message, finding.path)
        return replace(finding, origin=origin) if origin else replace(finding, unmapped=why)


def _holds(literal: str, found: Evidence | None) -> bool:
    """Whether a template's own text holds the finding's evidence (without a column: any)."""
    if found is None:
        return True
    return (found.host or found.code or "").lower() in literal


def _same_name(built: str, source: str) -> bool:
    """Whether a source file is named for the built page (`hello.md`, `2024-05-01-hello.md`,
    `_index.md` for a folder's index page)."""
    parts = built.replace(os.sep, "/").split("/")
    name = parts[-1].rsplit(".", 1)[0]
    if name == "index":
        name = parts[-2] if len(parts) > 1 else "index"
    stem = source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return stem == name or stem.endswith("-" + name) or stem in ("index", "_index", "README") and \
        source.rsplit("/", 2)[-2:-1] == [name]


def _template(folded: str) -> tuple[re.Pattern, str]:
    """A template line as a pattern, and its first 12 literal characters (its index key; "" when
    the line starts with a tag)."""
    parts = _TAG.split(folded)
    regex = "".join(".*?" if i % 2 else re.escape(part).replace(r"\ ", r"\s*") for i, part in enumerate(parts))
    literal_start = parts[0] if len(parts[0]) >= 12 else ""
    return re.compile(regex, re.DOTALL), literal_start[:12]
