"""The positioned, collecting walk over rules.yaml's tree that every section reads with: each
problem is recorded as (line, column, message) and reading goes on, so all are reported at once."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import reprlib

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from privacylint.domains import is_public_suffix, split_pattern
from privacylint.policy.model import Position


def shown_value(value) -> str:
    """A value from rules.yaml in a message: short, whatever its size or shape."""
    return reprlib.repr(value) if not isinstance(value, str) else reprlib.repr(value)[1:-1]


def as_date(value) -> dt.date | None | bool:
    """A YYYY-MM-DD date, None when absent, False when it is not a real date."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else False
    except ValueError:
        return False


def did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class Reader:
    """Walks the YAML tree once, collecting (line, column, message) for everything wrong."""

    def __init__(self, path: str, check_ids: frozenset[str]):
        self.path = path
        self.check_ids = check_ids
        self.issues: list[tuple[int, int, str]] = []
        self.positions: dict[str, Position] = {}

    # -- positions and primitives -------------------------------------------------------
    def error(self, pos: Position, message: str) -> None:
        self.issues.append((pos[0], pos[1], message))

    @staticmethod
    def key_pos(node: CommentedMap, key) -> Position:
        line, col = node.lc.key(key)
        return line + 1, col + 1

    @staticmethod
    def value_pos(node: CommentedMap, key) -> Position:
        line, col = node.lc.value(key)
        return line + 1, col + 1

    @staticmethod
    def item_pos(node: CommentedSeq, index: int) -> Position:
        line, col = node.lc.item(index)
        return line + 1, col + 1

    def mapping(self, node, pos: Position, where: str, allowed: tuple[str, ...],
                required: tuple[str, ...] = ()) -> CommentedMap | None:
        if not isinstance(node, CommentedMap):
            self.error(pos, f"{where} must be a mapping")
            return None
        for key in node:
            if key not in allowed:
                self.error(self.key_pos(node, key),
                           f"unknown key '{shown_value(key)}' in {where}{did_you_mean(key, allowed)}")
        for key in required:
            if key not in node:
                self.error(pos, f"{where} needs '{key}'")
        return node

    def string(self, node: CommentedMap, key: str, where: str) -> str | None:
        value = node.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(self.value_pos(node, key), f"{where}.{key} must be a non-empty string")
            return None
        return value.strip()

    def choice(self, node: CommentedMap, key: str, where: str, choices: tuple[str, ...], default: str) -> str:
        value = node.get(key, default)
        if value not in choices:
            self.error(self.value_pos(node, key),
                       f"{where}.{key} must be one of {', '.join(choices)}, not '{shown_value(value)}'"
                       f"{did_you_mean(value, choices) if isinstance(value, str) else ''}")
            return default
        return value

    def strings(self, node: CommentedMap, key: str, where: str) -> list[tuple[str, Position]]:
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, CommentedSeq):
            self.error(self.value_pos(node, key), f"{where}.{key} must be a list of strings")
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                out.append((item.strip(), self.item_pos(value, i)))
            else:
                self.error(self.item_pos(value, i), f"{where}.{key} must hold non-empty strings")
        return out

    def entries(self, root: CommentedMap, key: str) -> list[tuple[CommentedMap, Position, str]]:
        value = root.get(key)
        if value is None:
            return []
        if not isinstance(value, CommentedSeq):
            self.error(self.value_pos(root, key), f"{key} must be a list")
            return []
        out = []
        for i, item in enumerate(value):
            pos = self.item_pos(value, i)
            if isinstance(item, CommentedMap):
                out.append((item, pos, f"{key}[{i}]"))
            else:
                self.error(pos, f"{key}[{i}] must be a mapping")
        return out

    def host_patterns(self, node: CommentedMap, key: str, where: str) -> tuple[str, ...]:
        out = []
        for value, pos in self.strings(node, key, where):
            host, _ = split_pattern(value.lower())
            bare = host.removeprefix("*.")
            if "://" in value or not re.fullmatch(r"[a-z0-9.-]+", bare or "-") or "." not in bare:
                self.error(pos, f"'{value}' is not a host or site (write it like cdn.example.com, "
                                "*.example.com or example.com/path/)")
            elif is_public_suffix(bare):
                self.error(pos, f"'{value}' is a public suffix, which would cover unrelated sites; "
                                "name the host or site under it")
            else:
                out.append(value.lower())
        return tuple(out)

    def url_path(self, node: CommentedMap, key: str, where: str, default: str | None) -> str | None:
        value = self.string(node, key, where) if key in node else default
        if value is not None and not value.startswith("/"):
            self.error(self.value_pos(node, key), f"{where}.{key} must be a URL path starting with '/'")
        if key in node:
            self.positions[f"{where}.{key}"] = self.value_pos(node, key)
        return value
