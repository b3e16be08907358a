"""Every output format, against golden files (refresh them with `pytest --update-golden`), and
what each consumer requires of it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest
from conftest import REPO

from privacylint.checks import CHECK_IDS
from privacylint.engine import Options, run
from privacylint.policy import load_policy
from privacylint.report import FORMATS
from privacylint.report.github import escape_data, escape_property

DATA = REPO / "tests" / "data" / "formats"
GOLDEN = REPO / "tests" / "golden"


@pytest.fixture
def result(monkeypatch):
    monkeypatch.chdir(DATA)
    policy = load_policy("rules.yaml", CHECK_IDS)
    out = run(["_site"], policy, Options(jobs=1, today=dt.date(2026, 6, 1), source="src"))
    return dataclasses.replace(out, seconds=0.0)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_golden(result, name, update_golden):
    text = FORMATS[name](result)
    golden = GOLDEN / f"formats.{name}"
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_the_fixture_covers_what_the_formats_must_handle(result):
    assert {f.check for f in result.findings} == {"PL101", "PL102", "PL401"}
    assert all(f.origin for f in result.findings), "every finding is mapped to its source"
    assert sorted(s.kind for s in result.suppressed) == ["ignore", "inline"]
    assert any("%" in f.message and "," in f.message for f in result.findings)


def test_github_escaping():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"


def test_github_annotations_use_the_source_location_once(result):
    lines = FORMATS["github"](result).splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert annotations[0].startswith("::error file=src/_includes/analytics.html,line=1,col=1,"
                                     "title=privacylint PL102 (collector-before-consent)::")
    assert "(and 1 more built page)%0ABuilt file: _site/blog/talk.html:6" in annotations[0]
    assert len(annotations) == 3  # the include's two findings are one annotation
    assert all("\n" not in a for a in annotations)


def test_sarif_loads_into_the_object_model_and_has_what_github_requires(result):
    sarif_pydantic = pytest.importorskip("sarif_pydantic")
    text = FORMATS["sarif"](result)
    model = sarif_pydantic.Sarif.model_validate_json(text)
    assert model.version == "2.1.0"
    doc = json.loads(text)
    assert doc["$schema"].endswith("sarif-2.1.0.json")
    run_ = doc["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(CHECK_IDS), "every check that ran, fired or not"
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert rule["help"]["markdown"].startswith(f"# {rule['id']} {rule['name']}\n\n## What it checks")
        assert 0 < len(rule["fullDescription"]["text"]) <= 1024
    for res in run_["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"] and res["message"]["text"]
        assert res["level"] in ("error", "warning", "note")
        assert res["partialFingerprints"]["primaryLocationLineHash"]
        location = res["locations"][0]["physicalLocation"]
        assert not location["artifactLocation"]["uri"].startswith(("/", "file:"))
        assert location["region"]["startLine"] >= 1
    suppressed = [r for r in run_["results"] if "suppressions" in r]
    assert sorted(r["suppressions"][0]["kind"] for r in suppressed) == ["external", "inSource"]


def test_junit_is_well_formed(result):
    root = ET.fromstring(FORMATS["junit"](result))
    assert root.tag == "testsuites" and root.get("failures") == str(len(result.findings))
    cases = root.findall(".//testcase")
    assert len(cases) == len(result.findings) and all(c.find("failure") is not None for c in cases)


def test_clean_run_in_every_format(tmp_path, monkeypatch):
    (tmp_path / "_site").mkdir()
    (tmp_path / "_site" / "index.html").write_text('<a href="/privacy/">P</a>')
    (tmp_path / "_site" / "privacy.html").write_text("<p>P</p>")
    (tmp_path / "rules.yaml").write_text("version: 1\nsite: {url: 'https://example.org/'}\nstatement: {page: /privacy/}\n")
    monkeypatch.chdir(tmp_path)
    clean = run(["_site"], load_policy("rules.yaml", CHECK_IDS), Options(jobs=1))
    assert FORMATS["concise"](clean) == ""
    assert json.loads(FORMATS["sarif"](clean))["runs"][0]["results"] == []
    assert ET.fromstring(FORMATS["junit"](clean)).find(".//testcase").find("failure") is None
    assert FORMATS["markdown"](clean).startswith("## privacylint: no problems")
