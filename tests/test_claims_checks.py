"""The PL31x checks: each example of issue 26, a claim of the statement against the build,
reported at the sentence with the evidence in the message."""

from __future__ import annotations

from conftest import lint, make_site

RULES = """\
version: 1
site: {url: 'https://example.org/'}
statement: {page: /privacy/}
consent: {gates: any}
collectors:
  - {name: Google Analytics, vendor: google-analytics}
  - {name: Plausible Analytics, vendor: plausible}
  - {name: YouTube, vendor: youtube}
  - {name: Google Fonts, vendor: google-fonts}
cookies:
  - {name: "_ga*"}
  - {name: kv-theme}
"""
GA = '<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABC123"></script>'
GA_GATED = ('<script type="text/plain" data-cookieconsent="statistics" '
            'src="https://www.googletagmanager.com/gtag/js?id=G-ABC123"></script>')
NAMES = "<p>Google Analytics, Plausible Analytics, YouTube and Google Fonts are named here.</p>\n"


def _site(tmp_path, statement: str, pages: dict[str, str]):
    files = {"privacy/index.html": f"<title>Privacy</title>\n{NAMES}{statement}\n", **pages}
    files["index.html"] = files.get("index.html", "") + '<a href="/privacy/">Privacy</a>'
    return make_site(tmp_path / "site", files)


def _claims(result, check: str) -> list:
    return [f for f in result.findings if f.check == check]


def test_no_cookies_but_the_site_writes_them(tmp_path):
    pages = {f"p{n}.html": GA for n in range(7)}
    pages["index.html"] = '<script src="/assets/js/main.js"></script>'
    pages["assets/js/main.js"] = "\n" * 9 + 'document.cookie = "kv-theme=dark";\n'
    site = _site(tmp_path, "<p>Wir verwenden keine Cookies.</p>", pages)
    [finding] = _claims(lint(site, RULES), "PL311")
    assert (finding.path, finding.line) == ("privacy/index.html", 3)
    assert finding.message.startswith(
        "the statement says 'Wir verwenden keine Cookies.' (privacy/index.html:3), but assets/js/main.js:10 writes "
        "`kv-theme` and 7 files load Google Analytics (first at p0.html:1), which writes `_ga`")


def test_no_tracking_cookies_is_not_contradicted_by_a_theme_cookie(tmp_path):
    pages = {"index.html": '<script src="/main.js"></script>', "main.js": 'document.cookie = "kv-theme=dark";'}
    site = _site(tmp_path, "<p>We do not use tracking cookies.</p>", pages)
    assert _claims(lint(site, RULES), "PL311") == []


def test_no_analytics_but_a_page_loads_plausible(tmp_path):
    pages = {"index.html": '<script defer src="https://plausible.io/js/script.js"></script>'}
    site = _site(tmp_path, "<p>We do not use analytics or tracking.</p>", pages)
    [finding] = _claims(lint(site, RULES), "PL312")
    assert "but index.html loads Plausible Analytics (line 1)" in finding.message


def test_no_third_parties_but_pages_embed_youtube_and_google_fonts(tmp_path):
    pages = {"index.html": '<iframe src="https://www.youtube-nocookie.com/embed/x"></iframe>'
                           '<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Inter">'}
    for sentence in ("We do not share your data with third parties.", "No third-party services."):
        site = _site(tmp_path, f"<p>{sentence}</p>", pages)
        [finding] = _claims(lint(site, RULES), "PL313")
        assert "pages contact 2 third parties: Google Fonts (index.html:1) and YouTube (index.html:1)" \
            in finding.message


def test_ip_anonymisation_but_the_site_loads_ga4(tmp_path):
    site = _site(tmp_path, "<p>We use Google Analytics with IP anonymisation</p>", {"index.html": GA_GATED})
    [finding] = _claims(lint(site, RULES), "PL317")
    assert "index.html:1 loads GA4 (a G- measurement id)" in finding.message


def test_analytics_only_after_consent_but_it_loads_before(tmp_path):
    site = _site(tmp_path, "<p>Analytics only run after you consent.</p>", {"index.html": GA})
    result = lint(site, RULES)
    assert [f.check for f in result.findings if f.check in ("PL102", "PL315")] == ["PL102", "PL315"]
    site = _site(tmp_path, "<p>Analytics only run after you consent.</p>", {"index.html": GA_GATED})
    assert _claims(lint(site, RULES), "PL315") == []


def test_a_named_vendor_no_page_loads_any_more(tmp_path):
    site = _site(tmp_path, "<p>We use Disqus for comments.</p>", {"index.html": GA_GATED})
    [finding] = _claims(lint(site, RULES), "PL314")
    assert finding.message.endswith("but no page contacts Disqus. If the site no longer uses it, take it out of the "
                                    "statement (and rules.yaml).")
    site = _site(tmp_path, "<p>We use Disqus for comments.</p>", {"index.html": GA_GATED + (
        '<script src="https://example.disqus.com/embed.js"></script>')})
    assert _claims(lint(site, RULES), "PL314") == []


def test_fonts_hosted_locally_but_pages_load_google_fonts(tmp_path):
    pages = {"index.html": '<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Inter">'}
    site = _site(tmp_path, "<p>Fonts are hosted locally.</p>", pages)
    [finding] = _claims(lint(site, RULES), "PL316")
    assert "but index.html loads Google Fonts (line 1)" in finding.message


def test_an_unsure_sentence_is_no_claim(tmp_path):
    pages = {"index.html": GA}
    site = _site(tmp_path, "<p>We do not use cookies, except for Google Analytics if you consent.</p>"
                           "<h2>No cookies</h2><p>Do we use cookies?</p>", pages)
    assert [f for f in lint(site, RULES).findings if f.check.startswith("PL31")] == []


def test_a_claim_in_a_statement_at_another_path_is_read(tmp_path):
    """The statement's text comes from the extractor even where its path does not say privacy."""
    site = make_site(tmp_path / "site", {"index.html": '<a href="/about/">About</a>' + GA_GATED,
                                         "about/index.html": f"<title>About</title>{NAMES}<p>This site does not "
                                                             "use cookies.</p>"})
    result = lint(site, RULES.replace("/privacy/", "/about/"))
    assert [f.check for f in result.findings if f.check.startswith("PL31")] == ["PL311"]
