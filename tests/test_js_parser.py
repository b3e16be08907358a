"""JavaScript read from its syntax tree: each case here was missed, misread or invented by the
regular-expression scanner it replaced (issues 19 and 21)."""

from __future__ import annotations

import pytest
from conftest import BASE_RULES, found, lint, make_site

from privacylint.extract.js import extract_js

TRACKER = "https://tracker.example.net/t.js"


def loads(js: str) -> list[tuple[str, bool]]:
    return [(r.url, r.loaded) for r in extract_js(js).requests]


def loaded(js: str) -> list[str]:
    return [r.url for r in extract_js(js).requests if r.loaded]


@pytest.mark.parametrize("js, url", [
    # escapes as the language defines them: code points, legacy octal, hex
    ('s.src = "https://www.\\u{67}oogletagmanager.com/gtm.js";', "https://www.googletagmanager.com/gtm.js"),
    ('s.src = "https://www.\\147oogletagmanager.com/gtm.js";', "https://www.googletagmanager.com/gtm.js"),
    ('s.src = "https:\\x2f\\x2fwww.googletagmanager.com/gtm.js";', "https://www.googletagmanager.com/gtm.js"),
    # constants folded: a split host, a variable, an object's property
    ("s.src = 'https://www.' + 'googletagmanager.com/gtm.js';", "https://www.googletagmanager.com/gtm.js"),
    ("var h = 'tracker.example.net'; s.src = `https://${h}/t.js`;", TRACKER),
    ("var cfg = {readmoreLink: 'https://tracker.example.net/t.js'}; s.src = cfg.readmoreLink;", TRACKER),
    ("var cfg = {'u': 'https://tracker.example.net/t.js'}; fetch(cfg['u']);", TRACKER),
])
def test_values_the_code_computes_are_read(js, url):
    assert loaded(js) == [url]


@pytest.mark.parametrize("js", [
    # constructs that desynchronised the old scanner, hiding the load after them
    "var a = `${`'`}`; s.src = 'https://tracker.example.net/t.js';",
    "if (x) /'/.test(y); s.src = 'https://tracker.example.net/t.js';",
    "var r = a[0] / 2 / b; var q = /\"/; s.src = 'https://tracker.example.net/t.js';",
    "var t = `a ${ {k: '`'}.k } b`; s.src = 'https://tracker.example.net/t.js';",
])
def test_the_tree_does_not_lose_its_place(js):
    assert loaded(js) == [TRACKER]


def test_a_template_with_a_literal_host_through_a_wrapper_function():
    """MkDocs Material's bundle: the repository URL is a template, fetched by a helper."""
    js = ("function ze(e,t){return je(()=>fetch(`${e}`,t))}\n"
          "function Ci(e,t){let r=`https://api.github.com/repos/${e}/${t}`;return ze(`${r}/releases/latest`)}")
    assert loaded(js) == ["https://api.github.com/repos/"]


def test_an_iife_argument_is_the_parameter():
    js = ("(function(i,s,o,g,r,a,m){a=s.createElement(o);a.async=1;a.src=g;s.head.appendChild(a)})"
          "(window,document,'script','//www.google-analytics.com/analytics.js','ga');")
    requests = extract_js(js).requests
    assert [(r.url, r.loaded, r.kind) for r in requests if r.loaded] == [
        ("//www.google-analytics.com/analytics.js", True, "<script src> (created by script)")]


def test_markup_written_by_script_is_read_as_markup(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": '<a href="/privacy/">P</a><script>\n'
                      'document.write(\'<script src="https://tracker.example.net/t.js"></scr\' + \'ipt>\');\n'
                      'el.innerHTML = \'<img src="https://pixel.example.com/p.gif">\';\n'
                      'el.insertAdjacentHTML("beforeend", "<iframe src=\\"https://www.youtube.com/embed/x\\"></iframe>");\n'
                      "</script>",
        "privacy/index.html": "<h1>P</h1>"})
    assert sorted(found(lint(site), "PL101")) == [("PL101", "index.html", 2, "example.net"),
                                                   ("PL101", "index.html", 3, "example.com"),
                                                   ("PL101", "index.html", 4, "youtube.com")]


def test_a_gate_built_by_the_sites_own_code():
    """Klaro's markup created in JavaScript (a Docusaurus site's js/load.js)."""
    js = ("var s = document.createElement('script'); s.setAttribute('type', 'opt-in');\n"
          "s.setAttribute('data-type', 'text/javascript'); s.setAttribute('data-name', 'googleAnalytics');\n"
          "s.setAttribute('data-src', 'https://www.googletagmanager.com/gtag/js?id=G-1'); document.head.appendChild(s);")
    requests = extract_js(js).requests
    assert [(r.url, r.kind, r.gate) for r in requests] == [
        ("https://www.googletagmanager.com/gtag/js?id=G-1", "<script data-src> (created by script)",
         "klaro:googleAnalytics")]


def test_an_inert_created_script_loads_nothing():
    js = "var s = document.createElement('script'); s.type = 'text/plain'; s.src = 'https://tracker.example.net/t.js';"
    assert loaded(js) == []


def test_a_pixel_created_with_an_unsafe_referrer_policy_is_a_referrer_leak(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": '<a href="/privacy/">P</a><script>\nvar img = new Image();\n'
                      "img.setAttribute('referrerpolicy', 'unsafe-url');\n"
                      "img.src = 'https://pixel.example.com/p.gif';\n</script>",
        "privacy/index.html": "<h1>P</h1>"})
    rules = BASE_RULES + "collectors:\n  - {name: Pixel, hosts: [example.com], consent: not-required}\n"
    assert found(lint(site, rules), "PL402") == [("PL402", "index.html", 4, "example.com")]


def test_storage_names_only_where_the_code_shows_them():
    js = ('var s = "number"; function f(s, n) { localStorage.setItem(s, n) }\n'
          'function g() { var k = "theme"; localStorage.setItem(k, 1); }\n'
          'sessionStorage.setItem("_hjSession_" + id, 1); document.cookie = "_pk_id." + site + "=1";')
    assert [(w.storage, w.name) for w in extract_js(js).writes] == [
        ("local", None), ("local", "theme"), ("session", "_hjSession_*"), ("cookie", "_pk_id.*")]


def test_a_consent_managers_storage_name_comes_from_its_configuration():
    js = ("var klaroConfig = {storageMethod: 'cookie', storageName: 'substrateDevHubCookie', "
          "services: [{name: 'ga'}]};")
    config = [(s.manager, s.name, s.state) for s in extract_js(js).config]
    assert ("klaro", "@cookie", "substrateDevHubCookie") in config and ("klaro", "ga", "off") in config


@pytest.mark.parametrize("js, gate", [
    ("if (CookieConsent.acceptedCategory('analytics')) { s.src = 'https://tracker.example.net/t.js' }",
     "cookieconsent:analytics"),
    ("if (window.Cookiebot.consent.statistics && ready) { s.src = 'https://tracker.example.net/t.js' }",
     "cookiebot:statistics"),
    ("if (OnetrustActiveGroups.indexOf(',C0002,') > -1) { s.src = 'https://tracker.example.net/t.js' }",
     "onetrust:C0002"),
    ("window.addEventListener('CookiebotOnAccept', function () { s.src = 'https://tracker.example.net/t.js' })",
     "cookiebot"),
    ("var klaroConfig = {services: [{name: 'ga', onAccept: function () { fetch('https://tracker.example.net/t.js') }}]}",
     "klaro:ga"),
    ("if (!Cookiebot.consent.statistics) { s.src = 'https://tracker.example.net/t.js' }", None),
    ("if (Cookiebot.consent.statistics || always) { s.src = 'https://tracker.example.net/t.js' }", None),
    ("if (cc.allowedCategory('analytics')) {} else { s.src = 'https://tracker.example.net/t.js' }", None),
])
def test_consent_callbacks_and_branches_are_gates(js, gate):
    result = extract_js(js)
    assert [result.gate_at(r.offset) for r in result.requests if r.loaded] == [gate]


def test_a_refusal_callback_loads_nothing_before_consent():
    js = "CookieConsent.run({onDecline: function () { fetch('https://tracker.example.net/revoke') }});"
    assert loads(js) == []


def test_consent_mode_defaults_are_read_from_the_call():
    js = ("var d = {ad_storage: 'denied', analytics_storage: 'denied', functionality_storage: 'granted'};\n"
          "gtag('consent', 'default', d); window.dataLayer.push(['consent', 'default', {ad_storage: 'denied'}]);")
    assert [denied for _, denied in extract_js(js).consent_defaults] == [
        ("ad_storage", "analytics_storage"), ("ad_storage",)]


def test_a_snippet_in_a_string_or_comment_is_not_code():
    js = ('var help = "paste gtag(\'config\', \'G-1\') here"; // gtag(\'config\', \'G-2\')\n'
          "window['gtm.start'] = 1; dataLayer.push({'gtm.start': new Date().getTime()});")
    assert [(vendor, text) for _, vendor, text, _ in extract_js(js).markers] == [
        ("google-tag-manager", "'gtm.start'"), ("google-tag-manager", "'gtm.start'")]


def test_hostile_scripts_parse_in_bounded_time():
    for js in ["(" * 200_000 + "s.src='https://tracker.example.net/t.js'", "`${" * 100_000,
               "var a = " + "[" * 100_000, "a" + "+a" * 100_000 + ";fetch(a)", "'\\u{" + "9" * 10_000 + "}'",
               "var x = '\\udc00'; localStorage.setItem(x, 1); s.src = 'https://t.example.net/\\udc00';"]:
        extract_js(js)


# -- conventions the conformance suite (tests/conformance) found in the managers' own code --------
def _gates(js: str) -> list[tuple[str, str | None]]:
    result = extract_js(js)
    return [(r.url, r.gate or result.gate_at(r.offset)) for r in result.requests if r.loaded]


def test_a_function_that_builds_a_gated_element_is_read_at_each_call():
    js = ("function heldBack(name, src) { var s = document.createElement('script');\n"
          "s.setAttribute('type', 'opt-in'); s.setAttribute('data-name', name); s.setAttribute('data-src', src);\n"
          "document.head.appendChild(s); }\n"
          "heldBack('googleAnalytics', 'https://www.googletagmanager.com/gtag/js?id=G-X');")
    assert _gates(js) == [("https://www.googletagmanager.com/gtag/js?id=G-X", "klaro:googleAnalytics")]


def test_klaros_callback_consent_argument_is_a_gate_and_its_start_handlers_are_not():
    js = ("var klaroConfig = {services: [{name: 'vimeo', callback: function (consent, service) {\n"
          "  if (consent) { fetch('https://player.vimeo.com/api/player.js'); } }},\n"
          "  {name: 'hotjar', onDecline: function () { fetch('https://static.hotjar.com/c/hotjar-1.js'); }}]};")
    assert _gates(js) == [("https://player.vimeo.com/api/player.js", "klaro:vimeo"),
                          ("https://static.hotjar.com/c/hotjar-1.js", None)]


def test_a_cookieconsent_services_callback_is_held_by_its_category():
    js = ("CookieConsent.run({mode: 'opt-out', categories: {analytics: {enabled: true, services: {gtm: {\n"
          "  onAccept: function () { fetch('https://www.googletagmanager.com/gtm.js?id=GTM-X'); }}}}}});")
    assert _gates(js) == [("https://www.googletagmanager.com/gtm.js?id=GTM-X", "cookieconsent:analytics")]


def test_a_function_called_only_from_gated_code_is_gated():
    js = ("function load(src) { var s = document.createElement('script'); s.src = src; document.head.append(s); }\n"
          "function enableTracking() { load('https://js.hs-scripts.com/1.js'); }\n"
          "window.cookieconsent.initialise({onStatusChange: function () {\n"
          "  if (this.hasConsented()) { enableTracking(); } }});")
    assert _gates(js) == [("https://js.hs-scripts.com/1.js", "osano-cookieconsent")]
    # called once more outside the gate, or passed as a callback: it may run at any time
    assert _gates(js + "\nenableTracking();") == [("https://js.hs-scripts.com/1.js", None)]
    assert _gates(js + "\nsetTimeout(enableTracking, 1);") == [("https://js.hs-scripts.com/1.js", None)]


def test_tarteaucitron_loads_googles_tags_at_once_under_consent_mode_unless_told_not_to():
    js = "tarteaucitron.init({}); (tarteaucitron.job = tarteaucitron.job || []).push('gtag');"
    result = extract_js(js)
    assert [(vendor, gate) for _, vendor, _, gate in result.markers] == [("google-analytics", None)]
    assert [denied for _, denied in result.consent_defaults] == [("ad_storage", "analytics_storage")]
    soft = extract_js(js.replace("init({})", "init({softConsentMode: true})"))
    assert [(vendor, gate) for _, vendor, _, gate in soft.markers] == [("google-analytics", "tarteaucitron")]


def test_a_tarteaucitron_service_that_needs_no_consent_is_no_gate():
    js = ("tarteaucitron.services.mine = {key: 'mine', needConsent: false, js: function () {\n"
          "  fetch('https://player.vimeo.com/api/player.js'); }};")
    assert _gates(js) == [("https://player.vimeo.com/api/player.js", None)]
    assert _gates(js.replace("false", "true")) == [("https://player.vimeo.com/api/player.js", "tarteaucitron")]


@pytest.mark.parametrize("config, states", [
    # Orejime, Klaro's fork: consent starts true unless `default` says otherwise; `required` loads nothing
    ("window.orejimeConfig = {apps: [{name: 'a', optOut: true}, {name: 'b', optOut: true, default: false},"
     " {name: 'c', required: true, default: false}]};", [("a", "on"), ("b", "off"), ("c", "off")]),
    ("var klaroConfig = {services: [{name: 'a', optOut: true}, {name: 'c', required: true}]};",
     [("a", "off"), ("c", "on")]),
])
def test_klaro_and_orejime_configurations_read_as_their_code_decides(config, states):
    assert [(s.name, s.state) for s in extract_js(config).config if not s.name.startswith("@")] == states
