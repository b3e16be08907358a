"""Which files of a built site to read, in a deterministic order.

Pages (.html/.htm/.xhtml), scripts (.js/.mjs) and stylesheets (.css). Symbolic links inside the
site are followed once (no loops); a link that leaves the site is reported and not followed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from privacylint.extract import kind_of
from privacylint.facts import FileFacts, Problem

_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn"})


@dataclass(frozen=True, slots=True)
class SiteFile:
    relpath: str  # POSIX, relative to the site root
    abspath: str


def discover(root: str) -> tuple[list[SiteFile], list[FileFacts]]:
    """Files to extract, sorted by path; and the links that could not be followed, as PL001 facts."""
    real_root = os.path.realpath(root)
    files: list[SiteFile] = []
    skipped: list[FileFacts] = []
    seen_dirs = {real_root}
    stack = [("", root)]
    while stack:
        rel_dir, abs_dir = stack.pop()
        try:
            entries = sorted(os.scandir(abs_dir), key=lambda e: e.name)
        except OSError as err:
            skipped.append(_problem(rel_dir or ".", "unreadable", "error",
                                    f"directory cannot be listed: {err.strerror or err}"))
            continue
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                if not _inside(target, real_root):
                    if entry.is_dir() or kind_of(entry.name):
                        skipped.append(_problem(rel, "symlink", "warning",
                                                "is a symbolic link that leaves the site; not followed."))
                    continue
            if entry.is_dir():
                real = os.path.realpath(entry.path)
                if entry.name not in _SKIPPED_DIRS and real not in seen_dirs:
                    seen_dirs.add(real)
                    stack.append((rel, entry.path))
            elif entry.is_file() and kind_of(entry.name):
                files.append(SiteFile(rel, entry.path))
            elif kind_of(entry.name) and not os.path.exists(entry.path):
                skipped.append(_problem(rel, "unreadable", "error", "is a broken symbolic link."))
    files.sort(key=lambda f: f.relpath)
    skipped.sort(key=lambda f: f.path)
    return files, skipped


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _problem(rel: str, subject: str, severity: str, message: str) -> FileFacts:
    facts = FileFacts(rel, kind_of(rel) or "other")
    facts.problems.append(Problem(subject, severity, message))
    return facts
