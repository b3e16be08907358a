"""`--compare BASE`: what a change adds and removes against the base branch's report or
baseline, first in the text and markdown reports (issue 23, "What the change adds")."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import REPO

from privacylint import cli

EXAMPLE = REPO / "examples" / "kubevirt.io"
RULES = str(REPO / "rules.yaml")
HOTJAR = '<script async src="https://static.hotjar.com/c/hotjar-3456789.js?sv=6"></script>'


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main([*argv, "--rules", RULES, "--no-cache"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def change(tmp_path, capsys):
    """The example as the base branch builds it (its JSON report), and a copy a pull request
    changed by adding Hotjar to the homepage."""
    assert run(capsys, str(EXAMPLE), "--format", f"json={tmp_path / 'base.json'}")[0] == 1
    head = tmp_path / "head"
    shutil.copytree(EXAMPLE, head)
    page = head / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</head>", HOTJAR + "\n</head>", 1), encoding="utf-8")
    return tmp_path / "base.json", head


def test_the_section_lists_exactly_the_tracker_the_change_adds(change, capsys):
    base, head = change
    _, out, _ = run(capsys, str(head), "--compare", str(base), "--format", "json")
    doc = json.loads(out)["change"]
    assert doc["base"] == str(base)
    parties = doc["third_parties"]
    assert [(c["site"], c["name"], c["pages"], c["gates"], c["declared_as"]) for c in parties["added"]] == [
        ("hotjar.com", "Hotjar", 1, {"ungated": 1}, None)]
    assert parties["removed"] == [] and parties["gate_changed"] == []
    assert doc["cookies"]["removed"] == [] and doc["cookies"]["added"]
    assert {w for c in doc["cookies"]["added"] for w in c["writers"]} == {"hotjar"}  # Hotjar's own, nothing else
    assert [(f["check"], f["subject"], f["occurrences"]) for f in doc["findings"]["new"]] == [("PL101", "hotjar.com", 1)]
    assert doc["findings"]["fixed"] == []


def test_the_section_comes_first_in_text_and_markdown(change, capsys):
    base, head = change
    _, text, _ = run(capsys, str(head), "--compare", str(base))
    section = text.split("\n\n", 1)[0].splitlines()
    assert section[0] == f"What this change does, against {base}: 1 new problem, 0 fixed."
    assert section[1] == "  adds     Hotjar (hotjar.com, session-replay): script on 1 page, ungated, not declared"
    assert all(line.startswith("  adds     _hj") and "written by hotjar on 1 page" in line for line in section[2:-1])
    assert section[-1].startswith("  new      PL101 ") and "static.hotjar.com" in section[-1]
    assert text.index("What this change does") < text.index("Third parties:")
    _, markdown, _ = run(capsys, str(head), "--compare", str(base), "--format", "markdown")
    assert markdown.startswith("## What this change does\n\nCompared with ")
    assert "| adds | Hotjar (hotjar.com, session-replay): script on 1 page, ungated, not declared |" in markdown
    assert markdown.index("## What this change does") < markdown.index("## privacylint:")


def test_nothing_changed_is_one_line(tmp_path, capsys):
    run(capsys, str(EXAMPLE), "--format", f"json={tmp_path / 'base.json'}")
    _, out, _ = run(capsys, str(EXAMPLE), "--compare", str(tmp_path / "base.json"), "-q")
    assert out.startswith(f"What this change does, against {tmp_path / 'base.json'}: no third party, cookie or "
                          "storage key added or removed; no new problem, none fixed.\n\n")


def test_a_removed_tracker_and_a_fixed_problem(change, capsys, tmp_path):
    _, head = change
    run(capsys, str(head), "--format", f"json={tmp_path / 'head.json'}")
    _, out, _ = run(capsys, str(EXAMPLE), "--compare", str(tmp_path / "head.json"), "--format", "json")
    doc = json.loads(out)["change"]
    assert [c["site"] for c in doc["third_parties"]["removed"]] == ["hotjar.com"]
    assert [(f["check"], f["path"], f["subject"]) for f in doc["findings"]["fixed"]] == [
        ("PL101", "index.html", "hotjar.com")]
    assert doc["findings"]["new"] == [] and doc["third_parties"]["added"] == []


def test_a_baseline_carries_the_inventory_compare_reads(change, capsys, tmp_path):
    _, head = change
    assert run(capsys, str(EXAMPLE), "--write-baseline", str(tmp_path / "baseline.json"))[0] == 0
    baseline = json.loads((tmp_path / "baseline.json").read_text())
    assert {c["site"] for c in baseline["inventory"]["collectors"]} == {
        "fonts.googleapis.com", "googletagmanager.com", "youtube.com"}
    _, out, _ = run(capsys, str(head), "--compare", str(tmp_path / "baseline.json"), "--format", "json")
    doc = json.loads(out)["change"]
    assert [c["site"] for c in doc["third_parties"]["added"]] == ["hotjar.com"]
    assert [f["subject"] for f in doc["findings"]["new"]] == ["hotjar.com"]
    del baseline["inventory"]  # a baseline an older privacylint wrote: problems only
    (tmp_path / "old.json").write_text(json.dumps(baseline))
    _, text, _ = run(capsys, str(head), "--compare", str(tmp_path / "old.json"))
    assert text.splitlines()[1] == ("(the base holds no inventory, a baseline written by an older privacylint: "
                                    "problems compared only)")


@pytest.mark.parametrize("content, message", [
    ("{", "not JSON"),
    ('{"version": 1, "findings": [{"check": "PL101"}]}', "not a privacylint report or baseline"),
    ('{"version": 2, "findings": []}', "not a privacylint report or baseline"),
    ('{"version": 1, "findings": [], "inventory": {"collectors": [1]}}', "its inventory is not one privacylint wrote"),
])
def test_a_base_that_is_no_report_is_a_usage_error_before_anything_is_linted(tmp_path, capsys, content, message):
    (tmp_path / "base.json").write_text(content)
    code, out, err = run(capsys, str(EXAMPLE), "--compare", str(tmp_path / "base.json"))
    assert (code, out) == (2, "") and message in err and err.startswith(f"privacylint: --compare {tmp_path}")
    code, _, err = run(capsys, str(EXAMPLE), "--compare", str(tmp_path / "missing.json"))
    assert code == 2 and "cannot read it" in err


def test_a_changed_gate_state_is_listed(tmp_path, capsys):
    from privacylint.compare import changes
    from privacylint.model import Result
    from privacylint.report import change

    ga = {"site": "googletagmanager.com", "name": "Google Analytics", "category": "analytics", "pages": 7,
          "how": ["script"], "gates": {"cookieconsent:analytics": 7}, "declared_as": "Google Analytics"}
    base = {"path": "base.json", "findings": {}, "inventory": {"collectors": [ga], "cookies": []}}
    now = Result(roots=["_site"], inventory={"collectors": [{**ga, "gates": {"cookieconsent:analytics": 6,
                                                                             "ungated": 1}}], "cookies": []})
    found = changes(base, now)
    assert [c["site"] for c in found["third_parties"]["gate_changed"]] == ["googletagmanager.com"]
    assert change.text(found)[1] == ("  gates    Google Analytics (googletagmanager.com): cookieconsent:analytics -> "
                                     "cookieconsent:analytics on 6, ungated on 1")


def test_a_base_report_holding_any_json_is_read_not_trusted(tmp_path, capsys):
    """A base report is a file from elsewhere (an artifact): odd values print as text, never crash."""
    base = {"version": 1, "findings": [{"fingerprint": "x", "check": ["PL101"], "path": 3, "subject": None}],
            "inventory": {"collectors": [{"site": 7, "gates": ["ungated"], "how": "script", "pages": "many"}],
                          "cookies": [{"name": {"a": 1}, "writers": "site code", "files": -1}]}}
    (tmp_path / "base.json").write_text(json.dumps(base))
    code, out, err = run(capsys, str(EXAMPLE), "--compare", str(tmp_path / "base.json"), "-q")
    assert code == 1 and "internal error" not in err
    assert '  removes  7 (7): contact on 0 pages, ungated, not declared' in out
    assert '  fixed    ["PL101"] 3: ' in out
