"""Reading rules.yaml: bounded before anything is built from it, then every section validated."""

from __future__ import annotations

import warnings
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent
from ruamel.yaml.reader import ReaderError

from privacylint.policy.model import Policy, PolicyError
from privacylint.policy.reader import Reader
from privacylint.policy.sections import read_policy

MAX_POLICY_SIZE = 1024 * 1024  # a statement's rules are a few KB; this bounds time and memory
_MAX_DEPTH = 32  # rules.yaml nests four levels deep
_MAX_ALIASES = 50  # anchors are allowed; an alias bomb is not
_MAX_SCALAR = 4096
_STANDARD_TAGS = "tag:yaml.org,2002:"


def load_policy(path: str | Path, check_ids: frozenset[str]) -> Policy:
    """Read and validate rules.yaml; raise PolicyError with every problem found.

    Hostile input stays bounded: the file's size, nesting, aliases and scalar lengths are checked
    on the parser's event stream (iterative, linear) before anything is built from it, and every
    problem, from the YAML reader to a date that does not exist, is a positioned error."""
    shown = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_POLICY_SIZE + 1)
        text = raw.decode("utf-8")
    except OSError as err:
        raise PolicyError(shown, [(1, 1, f"cannot read the policy: {err.strerror or err}")]) from None
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise PolicyError(shown, [(line, 1, f"the policy is not UTF-8 text ({err.reason})")]) from None
    if len(raw) > MAX_POLICY_SIZE:
        raise PolicyError(shown, [(1, 1, f"the policy is over {MAX_POLICY_SIZE:,} bytes; rules.yaml declares a "
                                         "site's collectors and cookies, which takes a few KB")])
    try:
        _prescan(text, shown)
        with warnings.catch_warnings():  # ruamel warns (on stderr) of a reused anchor: valid YAML, no problem of ours
            warnings.simplefilter("ignore")
            data = _yaml().load(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise PolicyError(shown, [(line, col, f"invalid YAML: {err.problem or err.context}")]) from None
    except ReaderError as err:
        line, col = _line_col(text, err.position)
        raise PolicyError(shown, [(line, col, f"invalid YAML: the control character "
                                              f"U+{ord(err.character) if isinstance(err.character, str) else err.character:04X} "
                                              "is not allowed in YAML text")]) from None
    except YAMLError as err:
        raise PolicyError(shown, [(1, 1, f"invalid YAML: {' '.join(str(err).split())[:200]}")]) from None
    reader = Reader(shown, check_ids)
    policy = read_policy(reader, data)
    if reader.issues:
        raise PolicyError(shown, reader.issues)
    return policy


class _Constructor(RoundTripConstructor):
    """Dates stay text, so that `expires: 2020-13-45` is a positioned error of ours, not a crash."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    return yaml


def _prescan(text: str, shown: str) -> None:
    """Refuse, with positions, what would make building the tree unbounded or unsafe."""
    issues, depth, aliases = [], 0, 0
    for event in YAML(typ="rt").parse(text):
        where = (event.start_mark.line + 1, event.start_mark.column + 1) if event.start_mark else (1, 1)
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > _MAX_DEPTH:
                raise PolicyError(shown, [(*where, f"nesting deeper than {_MAX_DEPTH} levels; rules.yaml is "
                                                   "four levels deep")])
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
        elif isinstance(event, AliasEvent):
            aliases += 1
            if aliases > _MAX_ALIASES:
                raise PolicyError(shown, [(*where, f"more than {_MAX_ALIASES} aliases (*name); write the "
                                                   "values out")])
        tag = getattr(event, "tag", None)
        if tag and not _standard_tag(str(tag)):
            shown_tag = str(tag).replace(_STANDARD_TAGS, "!!")
            shown_tag = shown_tag if len(shown_tag) <= 60 else shown_tag[:59] + "…"
            issues.append((*where, f"the tag {shown_tag} is not allowed: rules.yaml is plain data"))
        if isinstance(event, ScalarEvent) and len(event.value) > _MAX_SCALAR:
            issues.append((*where, f"a value of {len(event.value):,} characters; the longest rules.yaml needs "
                                   f"is far below {_MAX_SCALAR:,}"))
    if issues:
        raise PolicyError(shown, issues)


def _standard_tag(tag: str) -> bool:
    return tag in _PLAIN_TAGS or tag in ("!", "?")


_PLAIN_TAGS = frozenset(f"{_STANDARD_TAGS}{kind}" for kind in ("str", "int", "bool", "float", "null", "seq", "map",
                                                                "timestamp"))


def _line_col(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1
