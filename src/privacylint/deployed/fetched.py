"""The fetched site as a build folder: each URL under a safe file name, and a `_headers` file.

A URL path becomes the file a static build would hold (`/a/` -> a/index.html, `/a` as a page ->
a.html, `/app` sent as JavaScript -> app.js), so extraction and the checks read it as they read a build.
A URL is the server's to choose, so no name it gives is trusted: a segment with a NUL, a control
or line-breaking character, an encoded `/`, `.` or `..`, an empty segment, over 200 bytes, or
a name that collides with one already written (a script `/x.js` and a page `/x.js/`, two queries
of one path) gets a neutral name instead, `_privacylint/<hash>.html`; findings still point at its
URL (Folder.url_of). Header values are written on one line each, so nothing a server sends can
add a line to `_headers`.
"""

from __future__ import annotations

import hashlib
import os
import re
from urllib.parse import unquote, urlsplit

from privacylint.extract import kind_of
from privacylint.siteconfig import HEADER_FILES

NEUTRAL = "_privacylint"  # where names no URL path could take live
_RESERVED = frozenset({NEUTRAL, *HEADER_FILES})  # names the folder keeps for itself
_EXTENSION = {"page": ".html", "script": ".js", "stylesheet": ".css"}
_PAGE_ENDINGS = (".html", ".htm", ".xhtml")
_MAX_SEGMENT = 200  # bytes; file systems allow 255
_MAX_NAME = 1024
# What no file name may hold: the separators, C0 and C1 controls, DEL, line and paragraph
# separators, bidi controls, the replacement character (an undecodable escape) and noncharacters.
_UNSAFE = re.compile("[/\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffd\ufffe\uffff]")
_ONE_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f\u2028\u2029\x85]")


class Folder:
    def __init__(self, root: str, base: str):
        self.root, self.base = root, base
        self.base_path = urlsplit(base).path
        self.url_of_file: dict[str, str] = {}  # relative file -> URL
        self.aliases: dict[str, str] = {}  # a URL's path as the site reads it -> its file, where they differ
        self._dirs: set[str] = set()
        self._headers: list[tuple[str, list[tuple[str, str]]]] = []
        self.headers_of: dict[int, str] = {}  # line of _headers -> relative file

    def url_of(self, rel: str) -> str:
        return self.url_of_file.get(rel, self.base + rel)

    def name_for(self, url: str, kind: str) -> str:
        """The relative file for `url` holding a `kind` (page, script or stylesheet): its natural
        name when that is safe and free, else a neutral one."""
        rel = self._natural(url, kind)
        if rel is None or not self._free(rel):
            rel = f"{NEUTRAL}/{hashlib.sha256(url.encode('utf-8', 'replace')).hexdigest()[:24]}{_EXTENSION[kind]}"
        return rel

    def write(self, rel: str, url: str, data: bytes, headers: list[tuple[str, str]]) -> None:
        """Store a response (raises OSError when the disk refuses)."""
        path = os.path.join(self.root, *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
        self.url_of_file[rel] = url
        path = urlsplit(url).path
        if path.startswith(self.base_path):
            natural = unquote(path[len(self.base_path):], errors="replace")
            if natural != rel:
                self.aliases.setdefault(natural, rel)
        parts = rel.split("/")
        self._dirs.update("/".join(parts[:i]) for i in range(1, len(parts)))
        if headers:
            self._headers.append((rel, headers))

    def _natural(self, url: str, kind: str) -> str | None:
        path = urlsplit(url).path
        if not path.startswith(self.base_path):
            return None
        segments = [unquote(s, errors="replace") for s in path[len(self.base_path):].split("/")]
        last = segments.pop()
        if kind == "page" and not last.lower().endswith(_PAGE_ENDINGS):
            # /a/ is a/index.html; /a and /a.php are a.html and a.php.html: each in the folder its
            # URL is in, so relative URLs in it resolve as they do in the browser
            last = last + ".html" if last else "index.html"
        elif kind != "page" and kind_of(last) != kind:
            last = (last or "index") + _EXTENSION[kind]
        segments.append(last)
        rel = "/".join(segments)
        if not all(map(_safe, segments)) or segments[0] in _RESERVED or len(rel.encode("utf-8", "replace")) > _MAX_NAME:
            return None
        return rel

    def _free(self, rel: str) -> bool:
        """No file or folder has this name, and no file has the name of one of its folders."""
        parts = rel.split("/")
        return rel not in self.url_of_file and rel not in self._dirs and \
            not any("/".join(parts[:i]) in self.url_of_file for i in range(1, len(parts)))

    def write_headers(self) -> None:
        """The kept response headers as a Netlify `_headers` file: the path, then one header a line."""
        lines = []
        for rel, pairs in self._headers:
            lines.append("/" + rel)
            for name, value in pairs:
                lines.append(f"  {name}: {_ONE_LINE.sub(' ', value).strip()}")
                self.headers_of[len(lines)] = rel
        if lines:
            with open(os.path.join(self.root, "_headers"), "w", encoding="utf-8", errors="replace") as fh:
                fh.write("\n".join(lines) + "\n")


def _safe(segment: str) -> bool:
    return bool(segment) and segment not in (".", "..") and not _UNSAFE.search(segment) \
        and len(segment.encode("utf-8", "replace")) <= _MAX_SEGMENT
