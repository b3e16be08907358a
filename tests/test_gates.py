"""Consent gating: every consent manager's markup, callbacks, consent mode order, auto-blocking,
implied consent, and `consent.gates` (signatures.md §3)."""

from __future__ import annotations

import pytest
from conftest import BASE_RULES, found, lint, make_site

GA_SRC = "https://www.googletagmanager.com/gtag/js?id=G-TEST1"
RULES = BASE_RULES + """collectors:
  - {name: Google Analytics, vendor: google-analytics}
  - {name: YouTube, vendor: youtube}
  - {name: Meta Pixel, vendor: meta-pixel}
  - {name: Hotjar, vendor: hotjar}
  - {name: Matomo, vendor: matomo}
cookies:
  - {name: "*"}
  - {name: "*", storage: local}
  - {name: "*", storage: session}
"""


def pl102(tmp_path, html: str, rules: str = RULES, check: str = "PL102", **files) -> list[tuple]:
    """PL102 findings for a homepage; asserts that the page does contact a collector, so that an
    empty list means "held back", never "not seen"."""
    site = make_site(tmp_path / "site", {"index.html": html + '\n<a href="/privacy/">P</a>',
                                         "privacy/index.html": "<h1>P</h1>", **files})
    result = lint(site, rules)
    unused = {f.subject for f in result.findings if f.check == "PL305"}
    assert len(unused) < 5, "the page contacts no declared collector at all"
    return found(result, check)


@pytest.mark.parametrize("markup", [
    f'<script type="text/plain" data-cookieconsent="statistics" src="{GA_SRC}"></script>',  # Cookiebot
    f'<script type="text/plain" class="optanon-category-C0002" src="{GA_SRC}"></script>',  # OneTrust
    f'<script type="text/plain" data-type="text/javascript" data-name="ga" data-src="{GA_SRC}"></script>',  # Klaro
    f'<script type="text/plain" data-category="analytics" src="{GA_SRC}"></script>',  # cookieconsent v3
    f'<script type="text/plain" data-cookiecategory="analytics" src="{GA_SRC}"></script>',  # cookieconsent v2
    f'<script type="text/plain" data-category="statistics" data-service="ga" data-cmplz-src="{GA_SRC}"></script>',
    f'<script type="text/plain" data-cookieyes="cookieyes-analytics" src="{GA_SRC}"></script>',  # CookieYes
    f'<script type="text/plain" data-usercentrics="Google Analytics" src="{GA_SRC}"></script>',  # Usercentrics
    f'<script type="text/plain" class="_iub_cs_activate" data-iub-purposes="4" data-suppressedsrc="{GA_SRC}"></script>',
    f'<script type="text/plain" data-categories="analytics" src="{GA_SRC}"></script>',  # Termly (unconfirmed)
    "<script>tarteaucitron.init({softConsentMode: true}); (tarteaucitron.job = tarteaucitron.job || []).push('gtag');"
    " tarteaucitron.user.gtagUa = 'G-TEST1';</script>",
    f"<script>window.addEventListener('CookiebotOnAccept', function () {{ var s = document.createElement('script');"
    f" s.src = '{GA_SRC}'; document.head.appendChild(s); }});</script>",
    f"<script>function OptanonWrapper() {{ if (OnetrustActiveGroups.indexOf('C0002') > -1) {{"
    f" var s = document.createElement('script'); s.src = '{GA_SRC}'; document.head.appendChild(s); }} }}</script>",
    f"<script>CookieConsent.run({{categories: {{analytics: {{}}}}, onConsent: function () {{"
    f" var s = document.createElement('script'); s.src = '{GA_SRC}'; document.head.appendChild(s); }}}});</script>",
    f"<script>document.addEventListener('cmplz_enable_category', function (e) {{ fetch('{GA_SRC}'); }});</script>",
    f"<script>document.addEventListener('cookieyes_consent_update', function (e) {{ fetch('{GA_SRC}'); }});</script>",
    f"<script>window.addEventListener('ucEvent', function (e) {{ fetch('{GA_SRC}'); }});</script>",
    f"<script>var _iub = _iub || []; _iub.csConfiguration = {{callback: {{onConsentGiven: function () {{"
    f" fetch('{GA_SRC}'); }}}}}};</script>",
], ids=["cookiebot", "onetrust", "klaro", "cookieconsent-v3", "cookieconsent-v2", "complianz", "cookieyes",
        "usercentrics", "iubenda", "termly", "tarteaucitron", "cookiebot-callback",
        "onetrust-callback", "cookieconsent-callback", "complianz-callback", "cookieyes-callback",
        "usercentrics-callback", "iubenda-callback"])
def test_each_gate_holds_google_analytics_back(tmp_path, markup):
    assert pl102(tmp_path, markup) == []


def test_ungated_and_late_consent_default(tmp_path):
    assert pl102(tmp_path, f'<script async src="{GA_SRC}"></script>') == [
        ("PL102", "index.html", 1, "googletagmanager.com")]
    late = f"<script async src=\"{GA_SRC}\"></script>\n<script>gtag('consent','default',{{analytics_storage:'denied'}})</script>"
    assert pl102(tmp_path, late) == [("PL102", "index.html", 1, "googletagmanager.com")]


CONSENT_MODE = f"<script>gtag('consent', 'default', {{'analytics_storage': 'denied'}});</script>\n" \
               f'<script async src="{GA_SRC}"></script>'
ADVANCED = RULES + "consent:\n  google_consent_mode: advanced\n"


def test_consent_mode_defaults_hold_back_cookies_not_the_request(tmp_path):
    """In Chromium, gtag.js is requested before consent under denied defaults (advanced consent
    mode sends cookieless pings): by default that is PL102, with its own message."""
    site = make_site(tmp_path / "site", {"index.html": CONSENT_MODE + '\n<a href="/privacy/">P</a>',
                                         "privacy/index.html": "<h1>P</h1>"})
    findings = [f for f in lint(site, RULES).findings if f.check == "PL102"]
    assert [(f.line, f.subject) for f in findings] == [(2, "googletagmanager.com")]
    assert "Google consent mode defaults deny its storage" in findings[0].message
    assert "google_consent_mode: advanced" in findings[0].message


@pytest.mark.parametrize("rules", [ADVANCED, RULES + "consent:\n  gates: [google-consent-mode]\n",
                                   RULES + "consent:\n  gates: [cookiebot]\n  google_consent_mode: advanced\n"],
                         ids=["advanced", "listed-gate", "advanced-with-a-manager"])
def test_a_site_that_accepts_advanced_consent_mode_declares_it(tmp_path, rules):
    assert pl102(tmp_path, CONSENT_MODE, rules) == []


def test_consent_default_must_deny_the_storage_the_vendor_uses(tmp_path):
    granted = f"<script>gtag('consent','default',{{analytics_storage:'granted', ad_storage:'denied'}})</script>\n" \
              f'<script async src="{GA_SRC}"></script>'
    assert pl102(tmp_path, granted, ADVANCED) == [("PL102", "index.html", 2, "googletagmanager.com")]


def test_complianz_pages_map_data_category_to_complianz(tmp_path):
    html = ('<script src="/wp-content/plugins/complianz-gdpr/cookiebanner/js/complianz.min.js"></script>\n'
            f'<script type="text/plain" data-category="statistics" src="{GA_SRC}"></script>')
    rules = RULES + "consent:\n  gates: [complianz]\n"
    assert pl102(tmp_path, html, rules) == []
    assert pl102(tmp_path, html, RULES + "consent:\n  gates: [cookieconsent]\n") == [
        ("PL102", "index.html", 2, "googletagmanager.com")]


def test_consent_gates_limit_which_mechanisms_count(tmp_path):
    html = f'<script type="text/plain" data-cookieconsent="statistics" src="{GA_SRC}"></script>'
    assert pl102(tmp_path, html, RULES + "consent:\n  gates: [onetrust]\n") == [
        ("PL102", "index.html", 1, "googletagmanager.com")]
    mode = f"<script>gtag('consent','default',{{analytics_storage:'denied'}})</script><script src=\"{GA_SRC}\"></script>"
    assert pl102(tmp_path, mode, RULES + "consent:\n  gates: [cookiebot]\n") == [
        ("PL102", "index.html", 1, "googletagmanager.com")]


def test_noscript_pixel_is_never_gated_though_its_script_is(tmp_path):
    html = ("<script type=\"text/plain\" class=\"optanon-category-C0004\">fbq('init','1');"
            "!function(){var t=document.createElement('script');t.src='https://connect.facebook.net/en_US/fbevents.js'}()</script>\n"
            '<noscript><img src="https://www.facebook.com/tr?id=1&ev=PageView&noscript=1"></noscript>')
    assert pl102(tmp_path, html) == [("PL102", "index.html", 2, "facebook.com")]


def test_klaro_iframe_is_gated_but_lazy_data_src_is_not(tmp_path):
    klaro = '<iframe data-name="youtube" data-src="https://www.youtube-nocookie.com/embed/x"></iframe>'
    lazy = '<iframe class="lazyload" data-src="https://www.youtube-nocookie.com/embed/x"></iframe>'
    assert pl102(tmp_path, klaro) == []
    assert pl102(tmp_path, lazy) == [("PL102", "index.html", 1, "youtube-nocookie.com")]


@pytest.mark.parametrize("frame", [
    '<iframe data-cookieblock-src="https://www.youtube-nocookie.com/embed/x" data-cookieconsent="marketing"></iframe>',
    '<iframe data-src="https://www.youtube-nocookie.com/embed/x" class="optanon-category-C0004"></iframe>',
    '<iframe src="about:blank" data-src-cmplz="https://www.youtube-nocookie.com/embed/x" class="cmplz-iframe"></iframe>',
    '<iframe class="_iub_cs_activate" suppressedsrc="https://www.youtube-nocookie.com/embed/x" '
    'src="//cdn.iubenda.com/cookie_solution/empty.html" data-iub-purposes="3"></iframe>',
    '<iframe data-usercentrics="YouTube Video" data-src="https://www.youtube-nocookie.com/embed/x"></iframe>',
    '<script src="/tarteaucitron/tarteaucitron.js"></script><div class="youtube_player" videoID="x"></div>',
])
def test_held_back_frames(tmp_path, frame):
    assert pl102(tmp_path, frame) == []


def test_hotjar_with_a_concatenated_url(tmp_path):
    snippet = ("<script>(function(h,o,t,j,a,r){h._hjSettings={hjid:1,hjsv:6};r=o.createElement('script');"
               "r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;})(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');</script>")
    # a session recorder: PL111's finding, in place of PL102's
    assert pl102(tmp_path, snippet, check="PL111") == [("PL111", "index.html", 1, "hotjar.com")]
    gated = snippet.replace("<script>", '<script type="text/plain" data-category="analytics">')
    assert pl102(tmp_path, gated, check="PL111") == []


def test_snippet_without_a_url_is_recognised(tmp_path):
    legacy = ("<script>var _gaq = _gaq || []; _gaq.push(['_setAccount', 'UA-1-1']); (function() { var ga = "
              "document.createElement('script'); ga.src = ('https:' == document.location.protocol ? 'https://ssl' : "
              "'http://www') + '.google-analytics.com/ga.js'; })();</script>")
    assert pl102(tmp_path, legacy) == [("PL102", "index.html", 1, "google-analytics.com")]


def test_auto_blocking_is_a_note_and_only_when_first(tmp_path):
    cookiebot = ('<script id="Cookiebot" src="https://consent.cookiebot.com/uc.js" data-cbid="x" '
                 'data-blockingmode="auto"></script>\n')
    site = make_site(tmp_path / "site", {
        "index.html": cookiebot + f'<script async src="{GA_SRC}"></script><a href="/privacy/">P</a>',
        "late.html": f'<script async src="{GA_SRC}"></script>\n' + cookiebot,
        "privacy/index.html": "<h1>P</h1>"})
    result = lint(site, RULES)
    assert [(f.path, f.severity) for f in result.findings if f.check == "PL102"] == [
        ("index.html", "note"), ("late.html", "error")]


@pytest.mark.parametrize("config, gate", [
    ("CookieConsent.run({mode: 'opt-out', categories: {analytics: {enabled: true}}});", 'data-category="analytics"'),
    ("var klaroConfig = {default: true, optOut: true, services: [{name: 'ga'}]};", 'data-name="ga"'),
    ("var klaroConfig = {services: [{name: 'ga', default: true, optOut: true}]};", 'data-name="ga"'),
    ("tarteaucitron.init({'highPrivacy': false, softConsentMode: true});", None),
    ("var _iub = _iub || []; _iub.csConfiguration = {consentOnScroll: true};", 'class="_iub_cs_activate"'),
])
def test_implied_consent_is_no_gate(tmp_path, config, gate):
    if gate:
        held = f'<script type="text/plain" {gate} src="{GA_SRC}"></script>'
    else:
        held = ("<script>tarteaucitron.init({softConsentMode: true});"
                " (tarteaucitron.job = tarteaucitron.job || []).push('gtag');</script>")
    assert pl102(tmp_path, held) == []
    assert pl102(tmp_path, f"<script>{config}</script>\n{held}") != []


TARTEAUCITRON_JOB = ("<script>tarteaucitron.init({highPrivacy: true}); tarteaucitron.user.matomoId = 1;\n"
                     "(tarteaucitron.job = tarteaucitron.job || []).push('{key}');</script>")


def test_a_tarteaucitron_service_that_needs_no_consent_is_launched_before_any_choice(tmp_path):
    # tarteaucitron starts a service whose definition says needConsent: false at once, highPrivacy
    # or not (its matomo service: a browser loading such a page requests the tracker before any click)
    assert pl102(tmp_path, TARTEAUCITRON_JOB.replace("{key}", "analytics")) == []  # held until consent
    assert pl102(tmp_path, TARTEAUCITRON_JOB.replace("{key}", "matomo")) == [("PL102", "index.html", 2, "example.org")]


@pytest.mark.parametrize("need_consent", ["false", "!1"])
def test_a_custom_tarteaucitron_service_that_needs_no_consent_holds_nothing(tmp_path, need_consent):
    custom = ("<script>tarteaucitron.services.stats = {key: 'stats', needConsent: %s, js: function () {\n"
              " var s = document.createElement('script'); s.src = 'https://static.hotjar.com/c/hotjar-1.js';"
              " document.head.appendChild(s); }};</script>")
    assert pl102(tmp_path, custom % "true", check="PL111") == []  # Hotjar records sessions: PL111, not PL102
    assert pl102(tmp_path, custom % need_consent, check="PL111") == [("PL111", "index.html", 2, "hotjar.com")]


def test_script_file_takes_the_gate_of_the_pages_that_load_it(tmp_path):
    loader = "var s = document.createElement('script'); s.src = 'https://static.hotjar.com/c/hotjar-1.js';\n"
    files = {"js/rec.js": loader, "other.html": '<script type="text/plain" data-category="analytics" src="/js/rec.js"></script>'}
    held = '<script type="text/plain" data-category="analytics" src="/js/rec.js"></script>'
    assert pl102(tmp_path, held, check="PL111", **files) == []
    files["other.html"] = '<script src="/js/rec.js"></script>'
    assert pl102(tmp_path, held, check="PL111", **files) == [("PL111", "js/rec.js", 1, "hotjar.com")]


@pytest.mark.parametrize("config, gate", [
    # what Klaro's ConsentManager and CookieConsent's core do: a pre-selected choice still waits for the click
    ("CookieConsent.run({categories: {analytics: {enabled: true}}});", 'data-category="analytics"'),
    ("CookieConsent.run({mode: 'opt-out', categories: {analytics: {}}});", 'data-category="analytics"'),
    ("var klaroConfig = {default: true, services: [{name: 'ga'}]};", 'data-name="ga"'),
    ("var klaroConfig = {services: [{name: 'ga', optOut: true}]};", 'data-name="ga"'),
    ("var klaroConfig = {apps: [{name: 'ga', default: true, optOut: false}]};", 'data-name="ga"'),
    ("var cc = initCookieConsent(); cc.run({mode: 'opt-in', languages: {en: {settings_modal: {blocks: "
     "[{toggle: {value: 'analytics', enabled: true, readonly: false}}]}}}});", 'data-cookiecategory="analytics"'),
])
def test_a_pre_selected_choice_still_holds(tmp_path, config, gate):
    held = f'<script type="text/plain" {gate} src="{GA_SRC}"></script>'
    assert pl102(tmp_path, f"<script>{config}</script>\n{held}") == []


def test_self_hosted_matomo_is_first_party_but_its_cookies_count(tmp_path):
    snippet = ('<script>var _paq = window._paq = window._paq || []; _paq.push(["trackPageView"]);\n'
               '(function() { var u="//example.org/stats/"; _paq.push(["setTrackerUrl", u+"matomo.php"]);\n'
               'var g=document.createElement("script"); g.src=u+"matomo.js"; })();</script>\n<a href="/privacy/">P</a>')
    site = make_site(tmp_path / "site", {"index.html": snippet, "privacy/index.html": "<h1>We use Matomo</h1>"})
    rules = BASE_RULES + "collectors:\n  - {name: Matomo, vendor: matomo, consent: not-required}\n" \
                         "cookies:\n  - {name: \"_pk_id.*\", consent: not-required}\n"
    result = lint(site, rules)
    assert ("PL101", "index.html") not in {(f.check, f.path) for f in result.findings}
    cookies = {(f.line, f.subject) for f in result.findings if f.check == "PL201"}
    assert (3, "_pk_ses.*") in cookies and (3, "_pk_ref.*") in cookies  # at the first use: matomo.js loaded
    assert "_pk_id.*" not in {subject for _, subject in cookies}


# -- consent categories: a gate holds only under a category the visitor must opt into -------------
CC_CONFIG = ("<script>CookieConsent.run({categories: {necessary: {enabled: true, readOnly: true}, "
             "analytics: {}}});</script>")
KLARO_CONFIG = ("<script>var klaroConfig = {storageMethod: 'cookie', services: [{name: 'ga', purposes: ['analytics']},"
                " {name: 'basics', required: true, purposes: ['functional']}]};</script>")


@pytest.mark.parametrize("markup,why", [
    (f'<script type="text/plain" data-cookieconsent="necessary" src="{GA_SRC}"></script>',
     "Cookiebot's 'necessary' category is always on"),
    (f'<script type="text/plain" data-cookieconsent="foo" src="{GA_SRC}"></script>',
     "'foo' is not a Cookiebot category (necessary, preferences, statistics, marketing)"),
    (f'<script type="text/plain" data-cookieconsent="statisticss" src="{GA_SRC}"></script>',
     "did you mean 'statistics'?"),
    (f'<script type="text/plain" class="optanon-category-C0001" src="{GA_SRC}"></script>',
     "OneTrust's 'C0001' category is always on"),
    (f'<script type="text/plain" class="_iub_cs_activate" data-iub-purposes="1" data-suppressedsrc="{GA_SRC}"></script>',
     "iubenda's '1' category is always on"),
    (f'<script type="text/plain" data-cookieyes="cookieyes-necessary" src="{GA_SRC}"></script>',
     "CookieYes's 'cookieyes-necessary' category is always on"),
    (f'<script type="text/plain" data-categories="essential" src="{GA_SRC}"></script>',
     "Termly's 'essential' category is always on"),
    (f'<script type="text/plain" data-cookieyes="necessary" src="{GA_SRC}"></script>',
     "CookieYes's 'necessary' category is always on"),  # CookieYes strips its prefix before comparing
    (f'<script type="text/plain" data-cookieyes="analytic" src="{GA_SRC}"></script>',
     "'analytic' is not a CookieYes category"),
    (CC_CONFIG + f'<script type="text/plain" data-category="necessary" src="{GA_SRC}"></script>',
     "configuration (index.html:1) turns 'necessary' on without the visitor's consent (readOnly, or enabled in opt-out mode)"),
    (CC_CONFIG + f'<script type="text/plain" data-category="analytic" src="{GA_SRC}"></script>',
     "'analytic' is not a category the site's CookieConsent (orestbida) configuration defines (analytics, "
     "necessary); did you mean 'analytics'?"),
    (KLARO_CONFIG + f'<script type="text/plain" data-type="text/javascript" data-name="basics" data-src="{GA_SRC}">'
                    "</script>", "turns 'basics' on without the visitor's consent (required: true"),
    ("<script>cc.run({languages: {en: {settings_modal: {blocks: [{toggle: {value: 'necessary', enabled: true, "
     "readonly: true}}]}}}}); initCookieConsent();</script>"
     f'<script type="text/plain" data-cookiecategory="necessary" src="{GA_SRC}"></script>', "on without the visitor's consent"),
])
def test_an_always_on_or_unknown_category_is_no_gate(tmp_path, markup, why):
    site = make_site(tmp_path / "site", {"index.html": markup + '\n<a href="/privacy/">P</a>',
                                         "privacy/index.html": "<h1>P</h1>"})
    findings = [f for f in lint(site, RULES).findings if f.check == "PL102"]
    assert len(findings) == 1 and why in findings[0].message, [f.message for f in findings]


@pytest.mark.parametrize("markup", [
    CC_CONFIG + f'<script type="text/plain" data-category="analytics" src="{GA_SRC}"></script>',
    KLARO_CONFIG + f'<script type="text/plain" data-type="text/javascript" data-name="ga" data-src="{GA_SRC}"></script>',
    f'<script type="text/plain" data-cookieconsent="necessary, statistics" src="{GA_SRC}"></script>',
    f'<script type="text/plain" class="optanon-category-C0001 optanon-category-C0002" src="{GA_SRC}"></script>',
    f'<script type="text/plain" class="_iub_cs_activate" data-iub-purposes="4" data-suppressedsrc="{GA_SRC}"></script>',
    f'<script type="text/plain" data-cookieyes="cookieyes-analytics" src="{GA_SRC}"></script>',
    f'<script type="text/plain" data-cookieyes="analytics" src="{GA_SRC}"></script>',
    # Termly's manual-blocking attribute is not confirmed by its own pages: a name outside the
    # confirmed list cannot be checked, so it is not refused (only 'essential' is known to be always on)
    f'<script type="text/plain" data-categories="custom_stats" src="{GA_SRC}"></script>',
])
def test_an_opt_in_category_holds(tmp_path, markup):
    assert pl102(tmp_path, markup) == []


def test_the_bundled_example_with_the_necessary_category_fails(tmp_path):
    import shutil

    from conftest import REPO

    site = tmp_path / "kubevirt.io"
    shutil.copytree(REPO / "examples" / "kubevirt.io", site)
    page = site / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace('data-category="analytics"', 'data-category="necessary"'),
                    encoding="utf-8")
    rules = (REPO / "rules.yaml").read_text(encoding="utf-8")
    messages = [f.message for f in lint(site, rules).findings if f.check == "PL102" and f.path == "index.html"]
    assert any("the site's CookieConsent (orestbida) configuration (assets/js/consent.js:5) turns 'necessary' on" in m
               for m in messages), messages


def test_a_weaker_category_is_a_warning(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": f'<script type="text/plain" class="optanon-category-C0003" src="{GA_SRC}"></script>'
                      '<a href="/privacy/">P</a>', "privacy/index.html": "<h1>P</h1>"})
    result = lint(site, RULES)
    assert [(f.check, f.severity) for f in result.findings if f.check in ("PL102", "PL106")] == [("PL106", "warning")]
