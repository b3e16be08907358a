"""Every check's catalogue folder: its examples run, with exact expected findings."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from conftest import needs
from ruamel.yaml import YAML

from privacylint.browser.options import BrowserOptions
from privacylint.checks import CHECK_IDS, REGISTRY, SPECS
from privacylint.engine import Options, run
from privacylint.policy import load_policy

CATALOGUE = Path(__file__).resolve().parent.parent / "checks"
FOLDERS = sorted(p for p in CATALOGUE.iterdir() if p.is_dir())
SECTIONS = ("## What it checks", "## Why it matters", "## Bad example", "## Good example", "## How to fix")


def _expected(folder: Path) -> dict:
    return YAML(typ="safe").load((folder / "expected.yaml").read_text(encoding="utf-8"))


def _lint(folder: Path, which: str, monkeypatch):
    """Lint bad/ or good/ with rules.yaml (good/ with rules.good.yaml where the fix is in the policy),
    and with bad.source/ or good.source/ as the site's source tree where there is one; in Chromium
    too (`--browser`) where expected.yaml says `browser: true` (a check that is observed only)."""
    monkeypatch.chdir(folder)
    rules = "rules.good.yaml" if which == "good" and (folder / "rules.good.yaml").exists() else "rules.yaml"
    policy = load_policy(rules, CHECK_IDS)
    source = f"{which}.source" if (folder / f"{which}.source").is_dir() else None
    browser = None
    if _expected(folder).get("browser"):
        pytest.importorskip("playwright.async_api")
        needs("chromium", bool(shutil.which("chromium") or shutil.which("chromium-browser")),
              "install it with: apt-get install chromium", "chromium")
        browser = BrowserOptions(pages="all")
    return run([which], policy, Options(jobs=1, today=dt.date(2026, 6, 1), source=source, browser=browser))


def test_every_check_has_a_folder_and_every_folder_a_check():
    assert [p.name for p in FOLDERS] == [f"{m.SPEC.id}-{m.SPEC.name}" for m in REGISTRY]


def test_index_lists_every_check():
    index = (CATALOGUE / "README.md").read_text(encoding="utf-8")
    for spec in SPECS.values():
        assert f"[{spec.id}]({spec.id}-{spec.name}/README.md) | {spec.name} |" in index


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name[:5])
def test_bad_example_gives_exactly_the_expected_findings(folder, monkeypatch):
    expected = _expected(folder)["findings"]
    result = _lint(folder, "bad", monkeypatch)
    got = [{"check": f.check, "path": f.path, "line": f.line, "subject": f.subject} for f in result.findings]
    assert got == expected
    assert expected, "a bad example must give findings"


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name[:5])
def test_good_example_gives_no_finding(folder, monkeypatch):
    assert _lint(folder, "good", monkeypatch).findings == []


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name[:5])
def test_readme_has_front_matter_and_every_section(folder):
    text = (folder / "README.md").read_text(encoding="utf-8")
    front = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert front, "README starts with front matter"
    meta = YAML(typ="safe").load(front.group(1))
    spec = SPECS[meta["id"]]
    assert (meta["name"], meta["severity"]) == (spec.name, spec.severity)
    positions = [text.find(s) for s in SECTIONS]
    assert -1 not in positions and positions == sorted(positions), f"sections in order: {SECTIONS}"


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_the_package_ships_the_readme_as_written(folder):
    """--explain, SARIF help and the HTML report read the package's copy; checks/ is the source
    (refresh with `python -m privacylint.explain`)."""
    from importlib import resources

    shipped = resources.files("privacylint").joinpath(f"data/checks/{folder.name.split('-')[0]}.md")
    assert shipped.read_text(encoding="utf-8") == (folder / "README.md").read_text(encoding="utf-8"), (
        "run: python -m privacylint.explain")
