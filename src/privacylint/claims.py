"""What a privacy statement claims: its sentences read against the grammar of data/claims.yaml.

The grammar and word lists are data (see the head of claims.yaml); this module only compiles
them and reads sentences. A sentence claims something only when one pattern matches it whole:
anything the pattern does not foresee makes the reader unsure, and an unsure sentence claims
nothing (the checks built on claims accuse the site of saying something false: a false
accusation is worse than silence). Linear: each pattern is matched once against each sentence,
and the patterns have no nested unbounded repetition over the same text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ruamel.yaml import YAML

from privacylint.facts import Sentence
from privacylint.vendors import Catalogue

_PARENTHESIS = re.compile(r"\s*\([^)]*\)")
_REFERENCE = re.compile(r"\{([a-z_]+)\}")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "´": "'", "`": "'", "“": '"', "”": '"', "„": '"', "«": '"',
                         "»": '"', "\u00a0": " ", "‐": "-", "‑": "-", "–": "-", "—": "-"})
_NAMED = "\x01"  # a vendor's name, in a sentence as the patterns with {vendor} read it
_MAX_SENTENCE = 400  # characters: a longer "sentence" is a run of text the splitter could not cut


@dataclass(frozen=True, slots=True)
class Claim:
    type: str  # a claim type of claims.yaml: no-cookies, no-analytics, vendor-used ...
    sentence: Sentence
    language: str
    vendors: tuple[str, ...] = ()  # the catalogue ids the name it uses may be (vendor-used, consent-first ...)
    kind: str | None = None  # a cookie kind (no-cookies of a kind), or "analytics" for consent-first

    @property
    def quote(self) -> str:
        text = self.sentence.text
        return text if len(text) <= 120 else text[:117] + "..."


def normalise(text: str) -> str:
    """A sentence as the patterns read it: lower-cased, plain quotes, white space folded, no final . or !"""
    return " ".join(text.translate(_QUOTES).lower().split()).rstrip(" .!")


class Reader:
    """The grammar of claims.yaml, compiled once for a catalogue."""

    def __init__(self, data: dict, catalogue: Catalogue):
        self.kinds = {word: kind for kind, words in data["kinds"].items() for word in words}
        self.unsure = {lang: re.compile("|".join(words)) for lang, words in data["unsure"].items()}
        self.vendors = _vendor_names(catalogue)
        # Vendor names are found once per sentence by one expression and stand in the sentence as
        # _NAMED: a pattern's {vendor} is that mark (hundreds of names in each pattern would cost a
        # tenth of a second to compile on every run).
        self.named = re.compile(r"(?<!\w)(?:" + "|".join(
            re.escape(n) for n in sorted(self.vendors, key=len, reverse=True)) + r")(?!\w)")
        self.types = {name: spec.get("about", "") for name, spec in data["claims"].items()}
        self.patterns: list[tuple[str, str, bool, re.Pattern]] = []
        for name, spec in data["claims"].items():
            for lang, patterns in spec["patterns"].items():
                words = {**data["words"]["common"], **data["words"].get(lang, {}), "vendor": f"(?P<vendor>{_NAMED})"}
                for pattern in patterns:
                    expanded = _expand(pattern, words)
                    self.patterns.append((name, lang, _NAMED in expanded, re.compile(expanded)))

    def read(self, sentences: tuple[Sentence, ...] | list[Sentence]) -> list[Claim]:
        """Every claim the sentences make, in document order (a sentence may make several)."""
        out: list[Claim] = []
        for sentence in sentences:
            out += self.claims_of(sentence)
        return out

    def claims_of(self, sentence: Sentence) -> list[Claim]:
        if sentence.heading or len(sentence.text) > _MAX_SENTENCE or "?" in sentence.text:
            return []
        text = normalise(sentence.text)
        names: list[str] = []
        marked = self.named.sub(lambda m: names.append(m.group()) or _NAMED, text) if _NAMED not in text else text
        found: dict[tuple, Claim] = {}
        for name, lang, with_vendor, pattern in self.patterns:
            m = pattern.fullmatch(marked if with_vendor else text)
            if m is None:
                continue
            vendor = names[marked.count(_NAMED, 0, m.start("vendor"))] if m.groupdict().get("vendor") else None
            claim = self._claim(name, lang, m, sentence, vendor)
            if claim is not None:
                found.setdefault((claim.type, claim.vendors, claim.kind), claim)
        return list(found.values())

    def _claim(self, name: str, lang: str, m: re.Match, sentence: Sentence, vendor: str | None) -> Claim | None:
        groups = m.groupdict()
        tail = groups.get("tail")
        if tail and lang in self.unsure and self.unsure[lang].search(tail):
            return None  # "We use X only if you consent", "... no longer": not sure what it claims
        vendors = self.vendors.get(vendor, ()) if vendor else ()
        kind = None
        if groups.get("kind"):
            kind = self.kinds.get(groups["kind"].strip())
            if kind is None:
                return None  # cookies of a kind the reader does not know ("session cookies")
        what = groups.get("what")
        if name == "consent-first" and not vendors:
            if what is None:
                return None
            kind = "analytics"
        return Claim(name, sentence, lang, vendors, kind)


def _expand(pattern: str, words: dict[str, str], depth: int = 0) -> str:
    if depth > 4:
        raise ValueError(f"claims.yaml: word lists nest too deeply in {pattern!r}")

    def one(m: re.Match) -> str:
        name = m.group(1)
        if name not in words:
            raise ValueError(f"claims.yaml: no word list {{{name}}}")
        return "(?:" + _expand(words[name], words, depth + 1) + ")"
    return _REFERENCE.sub(one, pattern)


def _vendor_names(catalogue: Catalogue) -> dict[str, tuple[str, ...]]:
    """Lower-cased name or alias -> the vendor ids it names (Matomo: self-hosted or cloud)."""
    names: dict[str, set[str]] = {}
    for vendor in catalogue.vendors.values():
        for name in vendor.names:
            name = _PARENTHESIS.sub("", name).strip().lower() if "(" in name else name.lower()  # "Matomo (self-hosted)"
            if len(name) >= 3:
                names.setdefault(name, set()).add(vendor.id)
    return {name: tuple(sorted(ids)) for name, ids in names.items()}


@lru_cache(maxsize=1)
def grammar() -> dict:
    text = resources.files("privacylint").joinpath("data/claims.yaml").read_text(encoding="utf-8")
    return YAML(typ="safe").load(text)


_READERS: dict[int, Reader] = {}


def reader(catalogue: Catalogue) -> Reader:
    """The reader for a catalogue (built once per catalogue)."""
    key = id(catalogue)
    if key not in _READERS:
        _READERS.clear()
        _READERS[key] = Reader(grammar(), catalogue)
    return _READERS[key]
