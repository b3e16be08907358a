"""Huge pages are walked as a stream of tags (extract/stream.py): the same facts as the tree
walker, in memory bounded by a small multiple of the page."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from privacylint.extract import html, stream
from privacylint.facts import FileFacts

PAGES = sorted((REPO / "examples" / "kubevirt.io").rglob("*.html")) + sorted(
    p for p in (REPO / "checks").rglob("*.html") if "PL001" not in str(p))


def facts_of(text: str, monkeypatch, streamed: bool) -> FileFacts:
    monkeypatch.setattr(stream, "STREAM_FROM", 0 if streamed else 10**12)
    facts = FileFacts("p.html", "page")
    html.extract_page(text, "https://example.org/dir/p.html", facts)
    return facts


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_the_stream_finds_what_the_tree_finds(page, monkeypatch):
    text = page.read_text(encoding="utf-8", errors="replace")
    tree, streamed = facts_of(text, monkeypatch, False), facts_of(text, monkeypatch, True)
    for kind in ("requests", "writes", "markers", "consent_defaults", "csp", "directives", "consent_config"):
        assert sorted(getattr(streamed, kind)) == sorted(getattr(tree, kind)), kind
    assert sorted(streamed.links) == sorted(tree.links)
    assert set(streamed.local_links) == set(tree.local_links)
    assert (streamed.referrer, streamed.base, streamed.autoblock, streamed.implied) == (
        tree.referrer, tree.base, tree.autoblock, tree.implied)
    assert {k: set(v) for k, v in streamed.covered.items()} == {k: set(v) for k, v in tree.covered.items()}


MEASURE = """
import resource, sys
from privacylint.extract import extract_file
size = int(sys.argv[2])
with open('/proc/self/statm') as fh:
    virtual = int(fh.read().split()[0]) * resource.getpagesize()
limit = virtual + 8 * size  # the page's bytes, its text, its lines and the facts: a small multiple
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
facts = extract_file(sys.argv[1], 'big.html', 'https://example.org/big.html', 10**10)
print(len(facts.requests), [p.subject for p in facts.problems])
"""


def test_a_huge_dense_page_stays_within_a_small_multiple_of_its_size(tmp_path):
    """A 20 MB page with a tag every 15 bytes: its lxml tree alone would take ~30 times that."""
    unit = '<p class="x">hi <b>y</b></p>\n'
    body = unit * (20_000_000 // len(unit))
    page = tmp_path / "big.html"
    page.write_text('<html><body><img src="https://t1.example.net/a.gif">' + body
                    + '<img src="https://t2.example.net/b.gif"></body></html>', encoding="utf-8")
    size = page.stat().st_size
    out = subprocess.run([sys.executable, "-c", MEASURE, str(page), str(size)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "2 []", out.stdout  # both images, first and last, and no MemoryError


def test_a_void_element_keeps_its_own_suppression_inside_another(monkeypatch):
    text = ('<body><div data-privacylint-ignore="PL101: reviewed">'
            '<img data-privacylint-ignore="PL104: legacy" src="http://t.example.net/a.gif"></div></body>')
    tree, streamed = facts_of(text, monkeypatch, False), facts_of(text, monkeypatch, True)
    assert streamed.covered == tree.covered and list(tree.covered.values()) == [(0, 1)]
