"""Output formats: each a pure function of the Result, returning the text to write.

Renderers are imported when used, so that `--version` and `--help` import none of them. Whoever
asks for a format gets its text through printable.safe_output (no control character, no line a
CI runner reads as a command): a renderer cannot be called around that layer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from importlib import import_module

from privacylint.printable import safe_output

FORMAT_NAMES = ("text", "concise", "json", "github", "sarif", "junit", "markdown", "html")
QUIET = ("text", "markdown")  # they lead with the inventory, which `--quiet` leaves out (html is the inventory's report)
_MODULE = {"json": "json_format"}


class _Formats(Mapping):
    """Format name -> render function (its output made safe to print), imported on first use."""

    def __getitem__(self, name: str):
        if name not in FORMAT_NAMES:
            raise KeyError(name)
        return partial(_safe, import_module(f"privacylint.report.{_MODULE.get(name, name)}").render,
                       name == "github")

    def __iter__(self) -> Iterator[str]:
        return iter(FORMAT_NAMES)

    def __len__(self) -> int:
        return len(FORMAT_NAMES)


FORMATS = _Formats()


def _safe(render_, commands: bool, result, **options) -> str:
    return safe_output(render_(result, **options), commands=commands)


def render(name: str, result, quiet: bool = False) -> str:
    """The report `name` of `result`; `quiet` drops the inventory from text and markdown."""
    if name in QUIET:
        return FORMATS[name](result, quiet=quiet)
    return FORMATS[name](result)
