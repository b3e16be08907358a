"""Property-based fuzzing of extraction and policy loading (hypothesis).

Inputs are built from the pieces hostile pages are made of (tags, attributes, URL tricks, charset
labels, CSS escapes, JS strings and comments, consent snippets), spliced and mutated. Properties:
extraction of a page, script or stylesheet never raises (called below the catch-all that turns a
bug into a PL001 finding, so a bug shows up here); loading rules.yaml gives a Policy or a
positioned PolicyError, nothing else; the statement-link pre-check never refuses a link that
resolves to the statement.

Examples that failed once are kept in tests/fuzz-corpus/ (hypothesis' example database) and are
replayed first on every run. The number of examples per property: PRIVACYLINT_FUZZ_EXAMPLES
(.ci/run raises it for a bounded run; the default keeps the ordinary test run quick).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

from privacylint.extract import extract_bytes
from privacylint.facts import FileFacts
from privacylint.policy import PolicyError, load_policy

CORPUS = Path(__file__).with_name("fuzz-corpus")
EXAMPLES = int(os.environ.get("PRIVACYLINT_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=DirectoryBasedExampleDatabase(str(CORPUS)),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

URLS = ["https://www.googletagmanager.com/gtag/js?id=G-1", "//evil.example/x.js", "http:evil.com/x",
        "/\\evil.com/x", "https://evil.com\\@kubevirt.io/", "https://www%2egoogle-analytics%2ecom/",
        "https://[::1/", "javascript:alert(1)", "data:text/html,x", "../a/./b/../c.html", "#top", "", " ",
        "https://xn--80ak6aa92e.com/", "https://a.b:99999/", "\t//x.example\n/y", "mailto:a@b.c?subject=x"]
TAGS = ["script", "iframe", "img", "link", "a", "style", "noscript", "template", "base", "meta", "div", "body",
        "source", "video", "object", "embed", "form", "area", "td", "svg", "image", "math"]
ATTRS = ["src", "href", "srcset", "style", "type", "rel", "data-category", "data-cookieconsent", "data-src",
         "data-privacylint-ignore", "referrerpolicy", "charset", "http-equiv", "content", "background", "ping",
         "class", "data-cmplz-src", "action", "poster", "data", "imagesrcset", "xlink:href"]
VALUES = URLS + ["text/plain", "stylesheet preload", "necessary", "PL101: reason", "PL1", "unsafe-url",
                 "cp037", "utf-16", "iso-2022-kr", "refresh", "0; url=https://e.x/", "optanon-category-C0002",
                 "background:u\\72l(https://e.x/a.png)", "1x, https://e.x/b.png 2x", "\x00", "\u202e", "&#x3a;"]
JS = ["document.cookie='a=1';", "localStorage.setItem('k',1);", "gtag('consent','default',{ad_storage:'denied'});",
      "addEventListener('CookiebotOnAccept',function(){", "}", "{", "'", '"', "`", "${", "\\", "/*", "*/", "//",
      "/re[/]x/g", "(", ")", "s.src=", "fetch(", "new Image().src=", "var u='//t.example/';", "g.src=u+'x.js';",
      "tarteaucitron.job.push('gtag');", "klaroConfig={default:true};", "\n", "Search.setIndex({", "_paq.push(["]
CSS = ["url(", ")", "u\\72l(", "@import ", '"', "'", "\\", "/*", "*/", "image-set(", "{", "}", ";", "src(",
       "https://e.example/a.png", "\\:", "\n", " " * 50, "@charset \"cp037\";"]


def _element():
    return st.builds(lambda tag, attrs, inner: f"<{tag} " + " ".join(f'{a}="{v}"' for a, v in attrs)
                     + f">{inner}</{tag}>",
                     st.sampled_from(TAGS), st.lists(st.tuples(st.sampled_from(ATTRS), st.sampled_from(VALUES)),
                                                     max_size=4),
                     st.one_of(st.just(""), st.lists(st.sampled_from(JS + CSS), max_size=8).map("".join)))


pages = st.lists(st.one_of(_element(), st.sampled_from(["<!--", "-->", "<", ">", "</", "<!-- privacylint-ignore",
                                                        "<html>", "</script>", "&amp;", "\r\n"])),
                 max_size=30).map("".join)
scripts = st.lists(st.one_of(st.sampled_from(JS), st.sampled_from(URLS).map(repr)), max_size=40).map("".join)
styles = st.lists(st.sampled_from(CSS + URLS), max_size=40).map("".join)
encodings = st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-8-sig"])


def _extract(text: str, kind: str, encoding: str) -> None:
    data = text.encode(encoding, "surrogatepass") if encoding != "utf-8" else text.encode("utf-8", "surrogatepass")
    extract_bytes(data, "https://kubevirt.io/blog/", FileFacts(f"f.{kind}", kind))


@FUZZ
@given(pages, encodings)
def test_pages_never_raise(text, encoding):
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        encoding = "utf-8"
    _extract(text, "page", encoding)


@FUZZ
@given(scripts)
def test_scripts_never_raise(text):
    _extract(text, "script", "utf-8")


@FUZZ
@given(styles)
def test_stylesheets_never_raise(text):
    _extract(text, "stylesheet", "utf-8")


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data):
    for kind in ("page", "script", "stylesheet"):
        extract_bytes(data, "https://kubevirt.io/", FileFacts(f"f.{kind}", kind))


POLICY_PIECES = ["version: 1\n", "site:\n", "  url: https://kubevirt.io/\n", "statement: {page: /privacy/}\n",
                 "collectors:\n", "  - name: GA\n", "    vendor: google-analytics\n", "    hosts: [a.example]\n",
                 "cookies: [{name: _ga}]\n", "ignore:\n", "  - {check: PL101, reason: x, expires: 2020-02-30}\n",
                 "&a [1]\n", "*a\n", "!!python/name:os.system\n", "[" * 40, "{", "'", '"', ": ", "- ", "\t", "\x00",
                 "checks: {PL104: off}\n", "consent: {gates: [cookiebot]}\n", "links: {outbound: allowlist}\n",
                 "version: true\n", "site: {url: 'https://[::1/'}\n", "9" * 40, "\ufeff", "#\n", "---\n", "...\n"]


@FUZZ
@given(st.lists(st.sampled_from(POLICY_PIECES), max_size=25).map("".join))
def test_policy_loading_gives_a_policy_or_positioned_errors(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("p") / "rules.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_policy(path, frozenset({"PL101", "PL104"}))
    except PolicyError as err:
        assert err.issues and all(isinstance(line, int) and line >= 1 and col >= 1 for line, col, _ in err.issues)


SEGMENTS = ["privacy", "privacy.html", "index.html", ".", "..", "", "docs", "privacy%2Fx", "Privacy", "a.b"]


@FUZZ
@given(st.lists(st.sampled_from(SEGMENTS), max_size=5), st.sampled_from(["", "/", "?q=1", "#x", "/#x"]),
       st.booleans(), st.sampled_from(["privacy/index.html", "docs/a.html", "index.html", "docs/privacy/x.html"]))
def test_the_statement_link_precheck_never_refuses_a_real_link(segments, suffix, rooted, page_path):
    from privacylint.policy import Policy
    from privacylint.site import Site

    href = (("/" if rooted else "") + "/".join(segments) + suffix).partition("#")[0]  # as extraction keeps it
    site = Site("root", [], Policy("rules.yaml", "https://kubevirt.io/", statement_page="/privacy/"), None, {})
    page = FileFacts(page_path, "page")
    if site.graph.local_key(page, href) == "privacy":
        assert site.graph.may_name_statement(href) or "%" in href, href


SEEDS = sorted((CORPUS / "seeds").iterdir())


def test_the_corpus_is_there():
    assert len(SEEDS) >= 15


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_corpus_inputs_give_facts_or_positioned_errors(seed):
    if seed.suffix == ".yaml":
        try:
            load_policy(seed, frozenset({"PL101"}))
        except PolicyError as err:
            assert all(line >= 1 and col >= 1 for line, col, _ in err.issues)
        return
    kind = {".html": "page", ".js": "script", ".css": "stylesheet"}[seed.suffix]
    extract_bytes(seed.read_bytes(), "https://kubevirt.io/", FileFacts(seed.name, kind))
