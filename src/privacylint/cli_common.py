"""What both commands (`privacylint`, cli.py, and `privacylint init`, init/command.py) share: exit
codes, the usage error, checks on the paths they are given, and the only functions that write
output. Everything written (standard output, standard error, report files, argparse's own
messages) goes through printable.safe_output first.

Report files are never written through a symbolic link: a link named as the output (one a pull
request can add to the repository, pointing at a file the CI job may write) is refused, exit 2,
and the file it points to is left alone. A link to a device or a pipe (`/dev/stderr`) is written.
"""

from __future__ import annotations

import argparse
import errno
import os
import stat
import sys
from pathlib import Path

from privacylint.printable import safe_output

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM, as shells report them


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    """argparse, its help and errors (which quote the arguments) written through the output layer."""

    def _print_message(self, message: str, file=None) -> None:
        if message:
            (file or sys.stderr).write(safe_output(message))


def out(text: str, commands: bool = False) -> int:
    """Write to standard output; `commands`: the text is the github format's annotations."""
    try:
        sys.stdout.write(safe_output(text, commands))
        sys.stdout.flush()
    except BrokenPipeError:  # `privacylint _site | head`: the reader left; the exit code still holds
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def err(message: str) -> None:
    """A line (or lines) on standard error. Callers pass site text through printable() first, so
    that a line break in it cannot start a line of its own."""
    print(safe_output(message), file=sys.stderr)


def write_file(target: str, text: str, commands: bool = False) -> None:
    data = safe_output(text, commands).encode("utf-8")
    try:
        fd = _open_output(target)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from None


def _open_output(target: str) -> int:
    """A file descriptor to write `target`, created or truncated, never through a link to a file."""
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0)
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    if not nofollow and os.path.islink(target):  # no O_NOFOLLOW (Windows): check, then open
        raise _link_error(target)
    try:
        return os.open(target, flags | os.O_CREAT | os.O_TRUNC | nofollow, 0o666)
    except OSError as error:
        if error.errno != errno.ELOOP or not os.path.islink(target):
            raise
    fd = os.open(target, flags)  # followed, but neither created nor truncated: checked before a byte is written
    mode = os.fstat(fd).st_mode
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        os.close(fd)
        raise _link_error(target)
    return fd


def _link_error(target: str) -> UsageError:
    return UsageError(f"{target} is a symbolic link; privacylint does not write a report or a draft "
                      "through a link (it could overwrite the file it points to): remove the link or name "
                      "the file itself")


def check_sites(paths: list[str]) -> None:
    """Each path is a directory holding a build, not a source tree."""
    from privacylint.buildcheck import not_a_build

    for path in paths:
        if not os.path.isdir(path):
            raise UsageError(f"{path} is not a directory; give the built site (build it first)")
        why = not_a_build(path)
        if why:
            raise UsageError(why)


def rules_path(given: str | None) -> str:
    """The rules file: as given, else the first rules.yaml in the current folder or above it."""
    if given:
        if os.path.isdir(given):
            raise UsageError(f"--rules {given} is a directory; give the rules file (e.g. "
                             f"{os.path.join(given, 'rules.yaml')})")
        if not os.path.isfile(given):
            raise UsageError(f"--rules {given} does not exist")
        return given
    cwd = Path.cwd()
    for folder in (cwd, *cwd.parents):
        candidate = folder / "rules.yaml"
        if candidate.is_file():
            return os.path.relpath(candidate, cwd)
    raise UsageError(f"no rules.yaml in {cwd} or any folder above it; write one (see the README) "
                     "or pass --rules FILE")
