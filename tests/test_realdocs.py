"""Real documentation, as the benchmark lints it: the git manual from Debian's git-doc package,
with the benchmark's seeded vendor snippets. The report must stay what it was before the speed
work (tests/golden/realdocs-git.json, made by the code before it): same findings, same order."""

from __future__ import annotations

import json
import os
import sys

from conftest import REPO, needs

from privacylint import cli

sys.path.insert(0, str(REPO / "benchmarks"))
import corpus  # noqa: E402

GOLDEN = REPO / "tests" / "golden" / "realdocs-git.json"


def test_git_manual_report_is_unchanged(tmp_path, monkeypatch, capsys):
    needs("the git manual", os.path.isdir(corpus.SOURCES["git"]), "install it with: apt-get install git-doc",
          "git-doc")
    corpus.build("git", corpus.SOURCES["git"], tmp_path / "docs")
    (tmp_path / "rules.yaml").write_text(corpus.RULES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    report = tmp_path / "report.json"
    for jobs in ("1", "2"):
        # checks added after the golden report was made are left out of the comparison
        cli.main(["docs/git", "--format", f"json={report}", "--jobs", jobs, "--no-cache", "--ignore", "PL106,PL107"])
        got = json.loads(report.read_text(encoding="utf-8"))
        got["stats"]["seconds"] = 0
        assert _as_golden(got) == json.loads(GOLDEN.read_text(encoding="utf-8"))


def _as_golden(doc: dict) -> dict:
    """The report in the golden file's shape: fields added to JSON version 1 since it was made
    (`policy`, a finding's `group`, the inventory's new keys, the vendor cookies it now lists)
    are left out."""
    doc.pop("policy", None)
    doc["tool"].pop("version")
    doc["inventory"].pop("consent_managers", None)
    doc["inventory"].pop("not_loaded", None)
    doc["inventory"].pop("statement_claims", None)
    doc["inventory"].pop("pixel_events", None)
    for finding in doc["findings"]:
        finding.pop("group", None)
        finding.pop("evidence", None)
    old = {"collectors": ("site", "hosts", "vendor", "declared_as", "files"), "cookies": ("name", "storage",
                                                                                        "declared", "files")}
    doc["inventory"]["cookies"] = [c for c in doc["inventory"]["cookies"] if "site code" in c["writers"]]
    for key, fields in old.items():
        doc["inventory"][key] = [{k: entry[k] for k in fields} for entry in doc["inventory"][key]]
    return doc
