"""Consent verdicts a reviewer would sign (issue: consent that means something): vendor cookies
written before consent, self-hosted analytics cookies, and what could not be read."""

from __future__ import annotations

from conftest import lint, make_site

HOME = '<a href="/privacy/">Privacy</a>'
BASE = "version: 1\nsite: {url: 'https://example.org/'}\nstatement: {page: /privacy/}\n"


def site_with(tmp_path, html: str, statement: str = "YouTube Matomo"):
    return make_site(tmp_path / "site", {"index.html": HOME + html,
                                         "privacy/index.html": f"<h1>Privacy</h1><p>{statement}</p>"})


def test_cookies_an_ungated_embed_writes_are_pl202(tmp_path):
    """The YouTube collector is declared not-required (PL102 stays quiet), its cookies required."""
    site = site_with(tmp_path, '<iframe src="https://www.youtube.com/embed/abcdefghijk"></iframe>')
    rules = BASE + ("collectors:\n  - {name: YouTube, vendor: youtube, consent: not-required}\n"
                    "cookies:\n  - {name: YSC}\n  - {name: VISITOR_INFO1_LIVE}\n  - {name: 'VISITOR_*', consent: not-required}\n"
                    "  - {name: '*', consent: not-required}\n  - {name: '*', storage: local, consent: not-required}\n"
                    "checks: {PL107: off}\n")
    result = lint(site, rules)
    assert sorted((f.check, f.subject) for f in result.findings if f.check in ("PL102", "PL202")) == [
        ("PL202", "VISITOR_INFO1_LIVE"), ("PL202", "YSC")]


def test_one_problem_one_finding_when_pl102_reports_the_contact(tmp_path):
    site = site_with(tmp_path, '<iframe src="https://www.youtube.com/embed/abcdefghijk"></iframe>')
    rules = BASE + ("collectors:\n  - {name: YouTube, vendor: youtube}\n"
                    "cookies:\n  - {name: '*'}\n  - {name: '*', storage: local}\n")
    result = lint(site, rules)
    assert [f.check for f in result.findings if f.check in ("PL102", "PL202")] == ["PL102"]


MATOMO = ("<script>var _paq = window._paq = window._paq || []; {disable}_paq.push(['trackPageView']);"
          "(function(){{var u='//example.org/'; var g=document.createElement('script'); g.src=u+'matomo.js';"
          "document.head.appendChild(g);}})();</script>")


def test_self_hosted_analytics_writes_its_cookies(tmp_path):
    site = site_with(tmp_path, MATOMO.format(disable=""))
    result = lint(site, BASE)
    assert sorted(f.subject for f in result.findings if f.check == "PL201") == [
        "_pk_cvar.*", "_pk_hsr.*", "_pk_id.*", "_pk_ref.*", "_pk_ses.*", "_pk_testcookie.*",
        "matomo_ignore", "mtm_consent", "mtm_cookie_consent"]


def test_disable_cookies_turns_them_off(tmp_path):
    site = site_with(tmp_path, MATOMO.format(disable="_paq.push(['disableCookies']);"))
    result = lint(site, BASE)
    assert sorted(f.subject for f in result.findings if f.check == "PL201") == [
        "matomo_ignore", "mtm_consent", "mtm_cookie_consent"]


def test_self_hosted_cookies_declared_required_and_ungated_are_pl202(tmp_path):
    site = site_with(tmp_path, MATOMO.format(disable=""))
    rules = BASE + "cookies:\n  - {name: '_pk_*'}\n  - {name: '*', consent: not-required}\n"
    result = lint(site, rules)
    assert sorted(f.subject for f in result.findings if f.check == "PL202") == [
        "_pk_cvar.*", "_pk_hsr.*", "_pk_id.*", "_pk_ref.*", "_pk_ses.*", "_pk_testcookie.*"]
