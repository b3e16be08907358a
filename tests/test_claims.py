"""The claim reader (data/claims.yaml, privacylint/claims.py): every claim type's examples that
must and must not be read as that claim, and each example sentence of issue 26."""

from __future__ import annotations

import pytest

from privacylint.claims import Reader, grammar, normalise, reader
from privacylint.facts import Sentence
from privacylint.vendors import catalogue

EXAMPLES = [(name, text, must) for name, spec in grammar()["claims"].items()
            for must, texts in ((True, spec["must"]), (False, spec["must_not"])) for text in texts]


def _types(text: str, heading: int = 0) -> list[tuple]:
    return [(c.type, c.vendors, c.kind) for c in reader(catalogue()).claims_of(Sentence(text, 1, heading))]


@pytest.mark.parametrize(("name", "text", "must"), EXAMPLES, ids=[f"{n}:{t}" for n, t, _ in EXAMPLES])
def test_each_claim_types_examples(name, text, must):
    assert any(t == name for t, _, _ in _types(text)) is must


def test_every_claim_type_has_examples_both_ways():
    for name, spec in grammar()["claims"].items():
        assert spec["must"] and spec["must_not"] and spec["about"], name


@pytest.mark.parametrize(("text", "claim"), [
    ("This site does not use cookies.", ("no-cookies", (), None)),
    ("Wir verwenden keine Cookies.", ("no-cookies", (), None)),
    ("We do not use analytics or tracking.", ("no-analytics", (), None)),
    ("We do not share your data with third parties.", ("no-third-parties", (), None)),
    ("No third-party services.", ("no-third-parties", (), None)),
    ("We use Google Analytics with IP anonymisation", ("ip-anonymisation", (), None)),
    ("We use Google Analytics with IP anonymisation", ("vendor-used", ("google-analytics",), None)),
    ("Analytics only run after you consent.", ("consent-first", (), "analytics")),
    ("We use Disqus for comments.", ("vendor-used", ("disqus",), None)),
    ("Fonts are hosted locally.", ("fonts-self-hosted", (), None)),
    ("We do not use tracking cookies.", ("no-cookies", (), "tracking")),
    ("We do not use third-party cookies.", ("no-cookies", (), "third-party")),
])
def test_the_sentences_of_issue_26(text, claim):
    assert claim in _types(text)


def test_unsure_sentences_claim_nothing():
    for text in ("We do not use session cookies.",  # a kind the reader does not know
                 "Do we use cookies?", "We use Disqus, but only if you enable comments.",
                 "We do not use cookies. " + "x" * 500):
        assert _types(text) == [], text
    assert _types("No cookies", heading=2) == []  # a heading is a title, not a claim


def test_the_reader_reads_a_sentence_as_a_visitor_does():
    assert normalise("  We don’t use\u00a0cookies! ") == "we don't use cookies"
    assert _types("WE DON’T USE COOKIES.") == [("no-cookies", (), None)]


def test_a_name_two_vendors_share_names_both():
    [(_, vendors, _)] = _types("Diese Website nutzt Matomo zur Reichweitenmessung.")
    assert len(vendors) >= 1 and all(v.startswith("matomo") for v in vendors)


def test_a_broken_grammar_is_refused():
    data = {**grammar(), "claims": {"x": {"patterns": {"en": ["{nowhere}"]}, "must": [], "must_not": []}}}
    with pytest.raises(ValueError, match="no word list"):
        Reader(data, catalogue())
