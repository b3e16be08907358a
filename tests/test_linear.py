"""Every scanner is linear in its input: a worst case of 1 MB costs at most about twice the steps of
0.5 MB. Steps are Python line events (sys.settrace), in privacylint and in the libraries it
calls: deterministic, unlike time. (A regex that backtracks inside one call is invisible to a
step count; tests/test_hostile.py runs the issue's inputs end to end under a CPU-time cap.)"""

from __future__ import annotations

import sys

import pytest

from privacylint.extract.css import css_facts
from privacylint.extract.html import extract_page
from privacylint.extract.js import extract_js
from privacylint.facts import FileFacts

MB = 1024 * 1024


def steps(fn, text: str) -> int:
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        fn(text)
    finally:
        sys.settrace(None)
    return count


def _css(text: str) -> None:
    css_facts(text, "https://example.org/", lambda offset: (1, offset))


def _js(text: str) -> None:
    extract_js(text)


def _html(text: str) -> None:
    extract_page(text, "https://example.org/", FileFacts("p.html", "page"))


def _repeat(unit: str, size: int, head: str = "", tail: str = "") -> str:
    return head + unit * (size // len(unit)) + tail


CASES = {
    "css url( and whitespace": (_css, lambda n: _repeat(" ", n, "a{background:url(", "x")),
    "css escaped url(": (_css, lambda n: _repeat("a{b:u\\72l(https://e.example/x.png)}", n)),
    "css image-set": (_css, lambda n: _repeat('a{b:image-set("https://e.example/b.png" 1x)}', n)),
    "consent defaults": (_js, lambda n: _repeat("gtag('consent','default',{", n)),
    "consent callbacks": (_js, lambda n: _repeat('addEventListener("CookiebotOnAccept",function(){', n)),
    "unterminated strings": (_js, lambda n: _repeat("'\\", n)),
    "regex after (": (_js, lambda n: _repeat("(/", n)),
    "storage writes": (_js, lambda n: _repeat("localStorage.setItem('k', 1);", n)),
    "comment directives": (_html, lambda n: _repeat(
        '<!-- privacylint-ignore PL101: ok -->\n<img src="https://t.example.com/p.gif">\n', n)),
    "style attributes": (_html, lambda n: _repeat('<p style="background:url(/a.png)">x</p>\n', n)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_scanner_is_linear(name):
    fn, make = CASES[name]
    half, full = steps(fn, make(MB // 2)), steps(fn, make(MB))
    assert full <= 2.3 * half + 1000, f"{name}: {half} steps for 0.5 MB, {full} for 1 MB"
