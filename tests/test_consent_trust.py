"""Consent verdicts a reviewer would sign (issue: consent that means something): vendor cookies
written before consent, self-hosted analytics cookies, and what could not be read."""

from __future__ import annotations

from conftest import lint, make_site

HOME = '<a href="/privacy/">Privacy</a>'
BASE = "version: 1\nsite: {url: 'https://example.org/'}\nstatement: {page: /privacy/}\n"


def site_with(tmp_path, html: str, statement: str = "YouTube Matomo", name: str = "site", **files):
    return make_site(tmp_path / name, {"index.html": HOME + html,
                                       "privacy/index.html": f"<h1>Privacy</h1><p>{statement}</p>", **files})


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


def test_literals_that_load_nothing_are_no_contact(tmp_path):
    """A consent manager's read-more link, a service description's uri, a revocation call in a
    decline callback: none of them loads anything."""
    site = make_site(tmp_path / "site", {
        "index.html": HOME + "<script>var cfg = {readmoreLink: 'https://umami.is/', services: [{name: 'tawk', "
                             "uri: 'https://www.tawk.to/data-protection/'}], onDecline: function () { "
                             "var _hsq = window._hsq = []; _hsq.push(['revokeCookieConsent']); }};"
                             "location.href = 'https://www.facebook.com/example';</script>",
        "privacy/index.html": "<h1>Privacy</h1>"})
    result = lint(site, BASE)
    assert [(f.check, f.subject) for f in result.findings] == []


def test_a_real_load_next_to_such_literals_still_counts(tmp_path):
    site = site_with(tmp_path, "<script>var s = document.createElement('script'); "
                               "s.src = 'https://embed.tawk.to/123/default'; document.head.appendChild(s);</script>", "")
    assert [f.check for f in lint(site, BASE).findings] == ["PL101"]


def test_a_self_hosted_consent_manager_is_not_the_sites_contacts(tmp_path):
    services = ("var tarteaucitron = {}; tarteaucitron.services = {}; tarteaucitron.services.tawkto = {key: 'tawkto', "
                "uri: 'https://www.tawk.to/data-protection/', js: function () { "
                "tarteaucitron.addScript('https://embed.tawk.to/' + id + '/default'); }};\n"
                "tarteaucitron.services.gtag = {js: function () { window.dataLayer = []; "
                "tarteaucitron.addScript('https://www.googletagmanager.com/gtag/js?id=' + tarteaucitron.user.gtagUa); }};\n")
    site = make_site(tmp_path / "site", {
        "index.html": HOME + '<script src="/tarteaucitron/tarteaucitron.services.js"></script>'
                             "<script>tarteaucitron.init({softConsentMode: true});\n"
                             "(tarteaucitron.job = tarteaucitron.job || []).push('gtag');</script>",
        "tarteaucitron/tarteaucitron.services.js": services, "privacy/index.html": "<h1>Privacy</h1><p>Google Analytics</p>"})
    rules = BASE + "collectors:\n  - {name: Google Analytics, vendor: google-analytics}\ncookies:\n  - {name: '_ga*'}\n"
    result = lint(site, rules)
    # GA is activated, and gated, by job.push (softConsentMode: not loaded at once under consent mode)
    assert [(f.check, f.subject) for f in result.findings] == []


def test_a_tracker_named_like_a_library_still_shows_its_loads(tmp_path):
    site = site_with(tmp_path, '<script src="/js/jquery.min.js"></script>', "", **{
        "js/jquery.min.js": "/*! jQuery v3 | (c) OpenJS Foundation | jquery.org/license */\n"
                            "var s = document.createElement('img'); s.src = 'https://tracker.example.net/p.gif';"})
    assert [(f.check, f.path) for f in lint(site, BASE).findings] == [("PL101", "js/jquery.min.js")]


def test_a_consent_managers_storage_comes_from_its_config(tmp_path):
    klaro = ("<script>var klaroConfig = {storageMethod: 'cookie', cookieName: 'klaro-choice', services: "
             "[{name: 'ga', purposes: ['analytics']}]};</script>"
             '<script defer src="https://cdn.kiprotect.com/klaro/v0.7/klaro.js"></script>')
    site = site_with(tmp_path, klaro, "Klaro")
    rules = BASE + "collectors:\n  - {name: Klaro, vendor: klaro, consent: not-required}\n"
    result = lint(site, rules)
    assert [(f.check, f.subject) for f in result.findings if f.check == "PL201"] == [("PL201", "klaro-choice")]
    assert "cookie 'klaro-choice'" in next(f.message for f in result.findings if f.check == "PL201")


def test_a_custom_tarteaucitron_service_is_gated(tmp_path):
    page = ("<script>tarteaucitron.services.umami = {key: 'umami', type: 'analytic', name: 'Umami', needConsent: true, "
            "cookies: [], js: function () { tarteaucitron.addScript('https://cloud.umami.is/script.js'); }};"
            "(tarteaucitron.job = tarteaucitron.job || []).push('umami');</script>")
    site = site_with(tmp_path, page, "Umami")
    rules = BASE + "collectors:\n  - {name: Umami, vendor: umami}\ncookies:\n  - {name: '*', storage: local}\n"
    assert [(f.check, f.subject) for f in lint(site, rules).findings] == []
    ungated = site_with(tmp_path, "<script>var s = document.createElement('script'); "
                                  "s.src = 'https://cloud.umami.is/script.js';</script>", "Umami", name="bare")
    assert [f.check for f in lint(ungated, rules).findings] == ["PL102"]
