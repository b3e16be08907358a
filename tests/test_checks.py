"""Check behaviour beyond the catalogue examples: options, page identity, ignores."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import BASE_RULES, found, lint, make_site

from privacylint.site import page_key


@pytest.mark.parametrize("path", ["/privacy", "/privacy/", "/privacy/index.html", "/privacy.html", "privacy/index.htm"])
def test_page_key_names_one_page(path):
    assert page_key(path) == "privacy"


@pytest.mark.parametrize("path", ["/", "", "/index.html", "index.htm"])
def test_page_key_of_the_homepage(path):
    assert page_key(path) == ""


def test_statement_links_in_every_spelling_count(tmp_path):
    for href in ["/privacy", "privacy/index.html", "https://example.org/privacy/", "//example.org/privacy.html",
                 "./privacy/#contact"]:
        site = make_site(tmp_path / f"s{abs(hash(href))}", {
            "index.html": f'<a href="{href}">Privacy</a>', "privacy.html": "<h1>P</h1>"})
        assert found(lint(site)) == [], href


def test_link_to_another_site_does_not_count(tmp_path):
    site = make_site(tmp_path / "site", {"index.html": '<a href="https://other.example.net/privacy/">P</a>',
                                         "privacy/index.html": "<h1>P</h1>"})
    assert found(lint(site)) == [("PL302", "index.html", None, "/privacy/")]


def test_every_page_mode(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": '<a href="/privacy/">P</a>',
        "about.html": "<h1>About</h1>",
        "old.html": '<meta http-equiv="refresh" content="0; url=/about.html">',
        "privacy/index.html": "<h1>P</h1>",
    })
    rules = BASE_RULES.replace("  page: /privacy/", "  page: /privacy/\n  linked_from: every-page")
    assert found(lint(site, rules)) == [("PL302", "about.html", None, "/privacy/")]


def test_missing_homepage_is_reported_at_the_policy(tmp_path):
    site = make_site(tmp_path / "site", {"privacy/index.html": "<h1>P</h1>"})
    rules = BASE_RULES.replace("  url: https://example.org/", "  url: https://example.org/\n  homepage: /start/")
    assert [(f.check, f.line, f.root) for f in lint(site, rules).findings] == [("PL302", 4, None)]


def test_site_served_under_a_path(tmp_path):
    site = make_site(tmp_path / "site", {"index.html": '<a href="/docs/privacy/">P</a>',
                                         "privacy/index.html": "<h1>P</h1>"})
    rules = BASE_RULES.replace("https://example.org/", "https://example.org/docs/")
    assert found(lint(site, rules)) == []


def test_tag_manager_loads_count_as_use(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": '<script src="https://www.googletagmanager.com/gtm.js?id=GTM-ABC1"></script><a href="/privacy/">P</a>',
        "privacy/index.html": "<h1>P</h1>"})
    rules = BASE_RULES + """collectors:
  - {name: Google Tag Manager, vendor: google-tag-manager, loads: [Google Analytics]}
  - {name: Google Analytics, vendor: google-analytics}
  - {name: Vimeo, vendor: vimeo}
"""
    assert found(lint(site, rules), "PL305") == [("PL305", str(tmp_path / "site-rules.yaml"), 9, "Vimeo")]


def test_vendor_path_prefixes_tell_google_products_apart(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": '<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>\n'
                      '<script src="https://www.googletagmanager.com/gtm.js?id=GTM-1"></script><a href="/privacy/">P</a>',
        "privacy/index.html": "<h1>P</h1>"})
    rules = BASE_RULES + "collectors:\n  - {name: Google Analytics, vendor: google-analytics}\n"
    assert found(lint(site, rules), "PL101") == [("PL101", "index.html", 2, "googletagmanager.com")]


def test_js_literal_counts_only_for_catalogue_hosts(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": "<script>var docs = 'https://docs.example.net/';\n"
                      "(function(h,o,t,j){})(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');"
                      "</script><a href=\"/privacy/\">P</a>",
        "privacy/index.html": "<h1>P</h1>"})
    assert found(lint(site), "PL101") == [("PL101", "index.html", 2, "hotjar.com")]  # not docs.example.net


def test_ignore_entries_suppress_until_they_expire(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": '<a href="/privacy/">P</a>',
        "blog/2018/a.html": '<iframe src="https://www.youtube.com/embed/x"></iframe>',
        "blog/2024/b.html": '<iframe src="https://www.youtube.com/embed/y"></iframe>',
        "privacy/index.html": "<h1>P</h1>"})
    rules = BASE_RULES + """ignore:
  - {check: PL101, paths: ["blog/2018/**"], subject: youtube.com, reason: "archived posts", expires: 2026-12-31}
"""
    result = lint(site, rules, today=dt.date(2026, 6, 1))
    assert found(result, "PL101") == [("PL101", "blog/2024/b.html", 1, "youtube.com")]
    assert [(s.finding.path, s.reason) for s in result.suppressed] == [("blog/2018/a.html", "archived posts")]
    expired = lint(site, rules, today=dt.date(2027, 1, 1))
    assert len(found(expired, "PL101")) == 2 and expired.suppressed == []


def test_evidence_that_could_not_be_read_is_not_evidence_of_absence(tmp_path):
    """A skipped homepage: PL302 and PL305 are notes naming the reason, not errors built on nothing."""
    from conftest import lint, make_site

    site = make_site(tmp_path / "site", {
        "index.html": '<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>'
                      '<a href="/privacy/">Privacy</a>' + " " * 400,
        "privacy/index.html": "<h1>Privacy</h1><p>Google Analytics</p>"})
    rules = ("version: 1\nsite: {url: 'https://example.org/'}\nstatement: {page: /privacy/}\n"
             "collectors:\n  - {name: Google Analytics, vendor: google-analytics}\n")
    result = lint(site, rules, max_file_size=300)
    by_check = {f.check: f for f in result.findings}
    assert sorted((f.check, f.severity) for f in result.findings) == [
        ("PL001", "error"), ("PL302", "note"), ("PL305", "note")]
    assert "could not be read" in by_check["PL302"].message and "PL001" in by_check["PL305"].message
