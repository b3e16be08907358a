"""The claim reader on real privacy statements (tests/data/claims_eval.yaml): its precision and
recall against hand annotations are what the PL31x READMEs say, and precision is at least 0.95
(a false claim accusation is worse than silence)."""

from __future__ import annotations

import re

from conftest import REPO
from ruamel.yaml import YAML

from privacylint.claims import reader
from privacylint.facts import Sentence
from privacylint.vendors import catalogue

EVAL = REPO / "tests" / "data" / "claims_eval.yaml"
README = REPO / "checks" / "PL311-claim-no-cookies" / "README.md"


def _label(claim) -> str:
    if claim.vendors:
        return f"{claim.type}:{','.join(claim.vendors)}"
    return f"{claim.type}/{claim.kind}" if claim.kind and claim.type == "no-cookies" else claim.type


def scores() -> tuple[int, int, int, int, set[str]]:
    """(statements, claims annotated, claims read, claims read and annotated, languages)."""
    statements = YAML(typ="safe").load(EVAL.read_text(encoding="utf-8"))["statements"]
    read_ = reader(catalogue())
    annotated, predicted = set(), set()
    for n, statement in enumerate(statements):
        for index, labels in statement["claims"].items():
            annotated.update((n, int(index), label) for label in labels)
        for index, text in enumerate(statement["sentences"]):
            predicted.update((n, index, _label(c)) for c in read_.claims_of(Sentence(text, 1)))
    return (len(statements), len(annotated), len(predicted), len(annotated & predicted),
            {s["language"] for s in statements})


def test_every_statement_has_its_source_and_licence_note():
    for statement in YAML(typ="safe").load(EVAL.read_text(encoding="utf-8"))["statements"]:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+", statement["repo"]) and len(statement["commit"]) == 40
        assert statement["path"] and statement["licence"] and statement["language"]


def test_precision_is_at_least_095_and_the_readme_gives_the_figures():
    statements, annotated, predicted, hits, languages = scores()
    assert statements >= 30 and len(languages) >= 4
    precision, recall = hits / predicted, hits / annotated
    assert precision >= 0.95
    figures = (f"{statements} statements in {len(languages)} languages: the reader reads {predicted} claims, "
               f"{hits} of them right (precision {precision:.2f}); it finds {hits} of the {annotated} claims "
               f"annotated by hand (recall {recall:.2f})")
    assert figures in " ".join(README.read_text(encoding="utf-8").split())
