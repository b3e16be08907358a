"""The package's import graph: no cycle (counting the imports made inside functions, which run
later but still tie two modules together), and every module imports on its own, in a fresh
interpreter, whatever was imported before it (issue 22: cli.py and init_cli.py imported each other)."""

from __future__ import annotations

import ast
import subprocess
import sys

from conftest import REPO

PACKAGE = REPO / "src" / "privacylint"


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def _package_of(name: str, tree_is_package: bool) -> str:
    return name if tree_is_package else name.rpartition(".")[0]


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    packages = {name for name in modules if (PACKAGE.parent / name.replace(".", "/") / "__init__.py").exists()}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, tree in modules.items():
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = _package_of(name, name in packages).split(".")
                    anchor = anchor[:len(anchor) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for dep in sorted(graph[node]):
            if state.get(dep) == "open":
                found.append(path[path.index(dep):] + [node, dep] if dep in path else [node, dep])
            elif dep not in state:
                visit(dep, path + [node])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return found


def test_the_import_graph_has_no_cycle():
    graph = import_graph()
    assert "privacylint.cli_common" in graph["privacylint.init.command"]
    assert "privacylint.cli" not in graph["privacylint.init.command"]
    assert cycles(graph) == []


def test_the_cycle_finder_finds_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_every_module_imports_on_its_own():
    code = ("import importlib, sys\nfailed = []\n"
            f"for name in {sorted(set(_modules()) - {'privacylint.__main__'})!r}:\n"
            "    for loaded in [m for m in sys.modules if m == 'privacylint' or m.startswith('privacylint.')]:\n"
            "        del sys.modules[loaded]\n"
            "    try:\n        importlib.import_module(name)\n"
            "    except Exception as err:\n        failed.append(f'{name}: {type(err).__name__}: {err}')\n"
            "print('\\n'.join(failed))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120,
                          check=False)
    assert proc.returncode == 0 and proc.stdout.strip() == "", proc.stdout + proc.stderr
