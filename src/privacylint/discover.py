"""Which files of a built site to read, in a deterministic order.

Pages (.html/.htm/.xhtml), scripts (.js/.mjs) and stylesheets (.css). Symbolic links inside the
site are followed once (no loops); a link that leaves the site is reported and never followed.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass

from privacylint.extract import kind_of
from privacylint.facts import FileFacts, Problem

_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn"})


@dataclass(frozen=True, slots=True)
class SiteFile:
    relpath: str  # POSIX, relative to the site root
    abspath: str
    size: int = 0  # bytes, as listed


def discover(root: str) -> tuple[list[SiteFile], list[FileFacts]]:
    """Files to extract, sorted by path; and the entries that could not be read, as PL001 facts.

    No entry stops the walk: a link loop, a dangling or escaping link, a FIFO or device named
    like a page, a name that is not UTF-8 are each one finding, and the rest is still read.
    """
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
            found = _entry(entry, rel, real_root)
            if isinstance(found, FileFacts):
                skipped.append(found)
            elif found == "dir":
                real = os.path.realpath(entry.path)
                if entry.name not in _SKIPPED_DIRS and real not in seen_dirs:
                    seen_dirs.add(real)
                    stack.append((rel, entry.path))
            elif isinstance(found, int):
                files.append(SiteFile(rel, entry.path, found))
    files.sort(key=lambda f: f.relpath)
    skipped.sort(key=lambda f: f.path)
    return files, skipped


def _entry(entry: os.DirEntry, rel: str, real_root: str) -> str | int | FileFacts | None:
    """"dir", a file to read (its size), None (not ours), or the PL001 fact of an entry that
    cannot be read."""
    ours = kind_of(entry.name) is not None
    try:
        entry.name.encode("utf-8")
    except UnicodeEncodeError:
        return _problem(readable_path(rel), "unreadable", "error",
                        "has a name that is not valid UTF-8, so no URL of the site can name it; it was not read. "
                        "Rename it.")
    try:
        st = os.stat(entry.path)
    except OSError as err:
        if not ours and not entry.is_dir(follow_symlinks=False):
            return None
        if err.errno == errno.ELOOP:
            return _problem(rel, "unreadable", "error", "is a symbolic link loop; it was not read.")
        if err.errno == errno.ENOENT:
            return _problem(rel, "unreadable", "error", "is a broken symbolic link (its target does not exist).")
        return _problem(rel, "unreadable", "error", f"cannot be read: {err.strerror or err}")
    if entry.is_symlink() and not _inside(os.path.realpath(entry.path), real_root):
        if ours or stat.S_ISDIR(st.st_mode):
            return _problem(rel, "symlink", "error", "is a symbolic link that leaves the site; it was not "
                            "followed, so what it holds was not checked.")
        return None
    if stat.S_ISDIR(st.st_mode):
        return "dir"
    if not ours:
        return None
    if stat.S_ISREG(st.st_mode):
        return st.st_size
    what = "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "a device"
    return _problem(rel, "unreadable", "error", f"is {what}, not a regular file; it was not read.")


def readable_path(path: str) -> str:
    """A path from the file system (undecodable bytes kept as surrogates) as text one can print."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _problem(rel: str, subject: str, severity: str, message: str) -> FileFacts:
    facts = FileFacts(rel, kind_of(rel) or "other")
    facts.problems.append(Problem(subject, severity, message))
    return facts
