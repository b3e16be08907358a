"""pyproject.toml matches the code: every third-party module the package imports is a declared
dependency (or of the `browser` extra), and requires-python admits no interpreter that lacks a
standard module the code imports (issue 22: tomllib on 3.10, requests undeclared)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

from conftest import REPO

ADDED = {"tomllib": (3, 11)}  # standard modules newer than the oldest Python anyone might declare


def _imports() -> set[str]:
    found = set()
    for path in (REPO / "src" / "privacylint").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found - {"privacylint"}


def _project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def test_every_third_party_import_is_declared():
    project = _project()
    declared = _names(project["dependencies"]) | _names(project["optional-dependencies"]["browser"])
    distributions = packages_distributions()
    third_party = sorted(m for m in _imports() if m not in sys.stdlib_module_names)
    missing = [m for m in third_party
               if not {d.lower().replace("_", "-") for d in distributions.get(m, [m])} & declared]
    assert missing == []
    assert {"requests", "markdown-it-py"} <= _names(project["dependencies"])


def test_requires_python_admits_only_interpreters_with_the_modules_used():
    lowest = tuple(int(n) for n in re.match(r">=\s*(\d+)\.(\d+)", _project()["requires-python"]).groups())
    for module, since in ADDED.items():
        if module in _imports():
            assert lowest >= since, f"{module} needs Python {since}, requires-python admits {lowest}"
