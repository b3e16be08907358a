"""Issue 24: the catalogue's additions and fixes (hosts, names, consent managers' gate markup,
consent classes, cookies, tarteaucitron keys) and the third-party-web second tier, which names an
unknown third party and never changes a verdict."""

from __future__ import annotations

import hashlib
import json
import sys
from urllib.parse import urlsplit

import pytest
from conftest import BASE_RULES, REPO, found, lint, make_site

from privacylint import cli
from privacylint.domains import host_of
from privacylint.vendors import catalogue, parse_third_party_table, third_party_table

sys.path.insert(0, str(REPO / "tools"))
import build_third_party_table
import catalogue_check

GA_SRC = "https://www.googletagmanager.com/gtag/js?id=G-TEST1"
RULES = BASE_RULES + """collectors:
  - {name: Google Analytics, vendor: google-analytics}
  - {name: YouTube, vendor: youtube}
  - {name: Meta Pixel, vendor: meta-pixel}
cookies:
  - {name: "*"}
  - {name: "*", storage: local}
"""


def _vendor(url: str) -> str | None:
    found_ = catalogue().vendor_of(host_of(url), urlsplit(url).path)
    return found_.id if found_ else None


@pytest.mark.parametrize("url, vendor", [
    # hosts missing from vendors the catalogue had
    ("https://js.hubspot.net/analytics.js", "hubspot"), ("https://static.hsstatic.net/x.js", "hubspot"),
    ("https://no-cache.hscta.net/x", "hubspot"), ("https://js.hsleadflows.net/leadflows.js", "hubspot"),
    ("https://c0.wp.com/c/6.5/wp-includes/js/jquery.js", "wordpress-com-cdn"),
    ("https://s1.wp.com/x.css", "wordpress-com-cdn"),
    ("https://s2.wp.com/x.js", "wordpress-com-cdn"), ("https://widgets.wp.com/likes/", "wordpress-com-likes"),
    ("https://yt3.ggpht.com/avatar.jpg", "youtube"), ("https://scontent.xx.fbsbx.com/x", "facebook-social"),
    ("https://cdn.oribi.io/x.js", "linkedin-insight"), ("https://mt1.googleapis.com/vt?x=1", "google-maps"),
    # wrong before: Jetpack Stats is analytics, not a CDN
    ("https://stats.wp.com/e-202410.js", "jetpack-stats"), ("https://pixel.wp.com/g.gif", "jetpack-stats"),
    # Yandex Ads and Maps are not Metrica
    ("https://an.yandex.ru/system/context.js", "yandex-ads"), ("https://api-maps.yandex.ru/2.1/", "yandex-maps"),
    ("https://mc.yandex.ru/metrika/tag.js", "yandex-metrica"), ("https://yandex.ru/search/", None),
    ("https://yandex.com/", None),
    # the Facebook SDK (Like, comments) is not the Pixel
    ("https://connect.facebook.net/en_US/sdk.js", "facebook-social"),
    ("https://connect.facebook.net/de_DE/fbevents.js", "meta-pixel"),
    ("https://connect.facebook.net/signals/config/123", "meta-pixel"),
    # TikTok's embed script is not the Pixel; Pinterest's Save button is not the Tag
    ("https://www.tiktok.com/embed.js", "tiktok-embeds"),
    ("https://analytics.tiktok.com/i18n/pixel/events.js", "tiktok-pixel"),
    ("https://assets.pinterest.com/js/pinit.js", "pinterest-widgets"),
    ("https://s.pinimg.com/ct/core.js", "pinterest-tag"),
    # additions
    ("https://fundingchoicesmessages.google.com/i/pub-1", "google-funding-choices"),
    ("https://cdn.cookie-script.com/s/x.js", "cookie-script"), ("https://consent.trustarc.com/notice", "trustarc"),
    ("https://cmp.inmobi.com/choice/x/tcf-v2/cmp2.js", "quantcast-choice"), ("https://sync.inmobi.com/x", "inmobi"),
    ("https://cdn.privacy-mgmt.com/unified/wrapperMessagingWithoutDetection.js", "sourcepoint"),
    ("https://cdn.consentmanager.net/delivery/cmp.js", "consentmanager"),
    ("https://example.org/wp-content/plugins/borlabs-cookie/assets/js/borlabs-cookie.min.js", "borlabs-cookie"),
    ("https://consent.cookiefirst.com/sites/x/consent.js", "cookiefirst"),
    ("https://cdn.cookiehub.eu/c2/x.js", "cookiehub"),
    ("https://static.axept.io/sdk.js", "axeptio"), ("https://static.addtoany.com/menu/page.js", "addtoany"),
    ("https://cdn.mouseflow.com/projects/x.js", "mouseflow"),
    ("https://fast.wistia.com/embed/medias/x.jsonp", "wistia"),
    ("https://players.brightcove.net/1/default_default/index.min.js", "brightcove"),
    ("https://tags.tiqcdn.com/utag/acme/main/prod/utag.js", "tealium"),
    ("https://assets.adobedtm.com/launch-EN1.min.js", "adobe-launch"),
    ("https://code.jivosite.com/widget/x", "jivochat"),
    ("https://cdn.livechatinc.com/tracking.js", "livechat"), ("https://www.smartsuppchat.com/loader.js", "smartsupp"),
    ("https://wchat.freshchat.com/js/widget.js", "freshchat"),
    ("https://browser.sentry-cdn.com/7.0.0/bundle.min.js", "sentry"),
    ("https://js.stripe.com/v3/", "stripe"), ("https://js-agent.newrelic.com/nr-loader.js", "new-relic"),
    ("https://script.crazyegg.com/pages/scripts/1.js", "crazy-egg"),
    ("https://edge.quantserve.com/quant.js", "quantcast"),
    ("https://tools.luckyorange.com/core/lo.js", "lucky-orange"),
    ("https://rec.smartlook.com/recorder.js", "smartlook"),
    ("https://cdn.inspectlet.com/inspectlet.js", "inspectlet"),
    ("https://cdn.lr-ingest.io/LogRocket.min.js", "logrocket"),
])
def test_hosts_and_names(url, vendor):
    assert _vendor(url) == vendor


def test_a_declared_pixel_covers_its_script_under_any_locale(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": '<script type="text/plain" data-cookieconsent="marketing" '
                      'src="https://connect.facebook.net/fr_FR/fbevents.js"></script><a href="/privacy/">P</a>',
        "privacy/index.html": "<h1>P</h1> Meta Pixel"})
    assert found(lint(site, RULES), "PL101") == []


def test_the_facebook_sdk_is_not_covered_by_a_declared_pixel(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": ('<script async src="https://connect.facebook.net/en_US/sdk.js"></script>'
                       '<a href="/privacy/">P</a>'),
        "privacy/index.html": "<h1>P</h1>"})
    findings = [f for f in lint(site, RULES).findings if f.check == "PL101"]
    assert [f.subject for f in findings] == ["facebook.net"]
    assert "Facebook social plugins (social)" in findings[0].message


def pl102(tmp_path, html: str, rules: str = RULES) -> list[tuple]:
    site = make_site(tmp_path / "site", {"index.html": html + '\n<a href="/privacy/">P</a>',
                                         "privacy/index.html": "<h1>P</h1>"})
    result = lint(site, rules)
    assert {f.subject for f in result.findings if f.check == "PL305"} != {"Google Analytics", "YouTube", "Meta Pixel"}
    return found(result, "PL102") + found(result, "PL106")


@pytest.mark.parametrize("markup", [
    (f'<script type="text/plain" data-cookiescript="accepted" data-cookiecategory="performance" '
     f'src="{GA_SRC}"></script>'),
    f'<script type="text/plain" data-cookiefirst-category="performance" src="{GA_SRC}"></script>',
    f'<script type="text/plain" data-consent="analytics" src="{GA_SRC}"></script>',
    f'<script type="text/plain" class="cmplazyload" data-cmp-vendor="s26" data-cmp-src="{GA_SRC}"></script>',
    ('<iframe class="cmplazyload" src="about:blank" data-cmp-vendor="s30" '
     'data-cmp-src="https://www.youtube-nocookie.com/embed/x"></iframe>'),
    ('<iframe data-cookiescript="accepted" data-cookiecategory="targeting" '
     'data-src="https://www.youtube-nocookie.com/embed/x"></iframe>'),
], ids=["cookie-script", "cookiefirst", "cookiehub", "consentmanager", "consentmanager-frame", "cookie-script-frame"])
def test_each_new_consent_manager_holds_back(tmp_path, markup):
    assert pl102(tmp_path, markup) == []


@pytest.mark.parametrize("markup, manager", [
    ('<script type="text/plain" data-cookiescript="accepted" data-cookiecategory="functionality" src="{}"></script>',
     "CookieScript's 'functionality'"),
    ('<script type="text/plain" data-cookiefirst-category="functional" src="{}"></script>',
     "CookieFirst's 'functional'"),
    ('<script type="text/plain" data-consent="preferences" src="{}"></script>', "CookieHub's 'preferences'"),
])
def test_their_categories_are_read_from_the_markup(tmp_path, markup, manager):
    found_ = lint(make_site(tmp_path / "site", {"index.html": markup.format(GA_SRC) + '<a href="/privacy/">P</a>',
                                                "privacy/index.html": "<h1>P</h1>"}), RULES).findings
    weak = [f for f in found_ if f.check in ("PL102", "PL106")]
    assert [f.check for f in weak] == ["PL106"] and manager in weak[0].message, weak


def test_orestbida_v2_markup_is_still_cookieconsent():
    from lxml import etree

    from privacylint.extract import consent

    el = etree.fromstring('<script type="text/plain" data-cookiecategory="analytics"></script>')
    assert consent.script_gate(el) == "cookieconsent:analytics"
    el = etree.fromstring('<script type="text/plain" data-cookiescript="accepted" '
                          'data-cookiecategory="targeting"></script>')
    assert consent.script_gate(el) == "cookie-script:targeting"


def test_consentmanager_auto_blocking_is_a_note_when_first(tmp_path):
    loader = ('<script type="text/javascript" data-cmp-ab="1" src="https://cdn.consentmanager.net/delivery/'
              'autoblocking/abc.js" data-cmp-host="b.delivery.consentmanager.net"></script>\n')
    site = make_site(tmp_path / "site", {"index.html": loader + f'<script async src="{GA_SRC}"></script>'
                                                                '<a href="/privacy/">P</a>',
                                         "privacy/index.html": "<h1>P</h1>"})
    assert [(f.check, f.severity) for f in lint(site, RULES).findings if f.check == "PL102"] == [("PL102", "note")]


def test_an_embed_held_under_preferences_is_too_weak_for_youtube(tmp_path):
    frame = ('<iframe data-cookieblock-src="https://www.youtube-nocookie.com/embed/x" '
             'data-cookieconsent="preferences"></iframe>')
    result = pl102(tmp_path, frame)
    assert [r[0] for r in result] == ["PL106"]
    weak = next(f for f in lint(make_site(tmp_path / "s2", {"index.html": frame, "privacy/index.html": "P"}),
                                RULES).findings if f.check == "PL106")
    assert "but YouTube needs marketing consent" in weak.message


@pytest.mark.parametrize("vendor_id, needed", [("youtube", "marketing"), ("google-maps", "marketing"),
                                               ("vimeo", "statistics"), ("intercom", "statistics"),
                                               ("spotify", "preferences"), ("google-analytics", "statistics")])
def test_consent_classes_of_embeds(vendor_id, needed):
    cat = catalogue()
    assert cat.consent_class_of(cat.vendors[vendor_id]) == needed


@pytest.mark.parametrize("vendor_id, cookie, evidence, written", [
    ("instagram", "ig_did", ["https://www.instagram.com/p/x/embed"], True),
    ("mailchimp", "mc_cid", ["https://chimpstatic.com/mcjs-connected/js/users/1/2.js"], True),
    ("mailchimp", "mc_cid", ["https://example.us1.list-manage.com/subscribe/post"], False),
    ("google-analytics", "_gat_gtag_*", ["https://www.googletagmanager.com/gtag/js?id=UA-1-1"], True),
    ("google-analytics", "_gat_gtag_*", [GA_SRC], False),
    ("google-analytics", "_gac_*", ["https://www.google-analytics.com/analytics.js"], True),
])
def test_cookies_a_visitor_receives(vendor_id, cookie, evidence, written):
    pattern = next(c for c in catalogue().vendors[vendor_id].cookies if c.name == cookie)
    assert pattern.written_by(evidence) is written


def test_tarteaucitron_keys():
    services = catalogue().tarteaucitron_services
    assert {k: services.get(k) for k in ("googleadwordsconversion", "googleadwordsremarketing", "metrica", "reddit",
                                         "facebooklikebox", "facebookcomment", "gforms", "maps_noapi", "posthog",
                                         "tiktokvideo", "youtubeplaylist")} == {
        "googleadwordsconversion": "google-ads", "googleadwordsremarketing": "google-ads", "metrica": "yandex-metrica",
        "reddit": "reddit-pixel", "facebooklikebox": "facebook-social", "facebookcomment": "facebook-social",
        "gforms": "google-forms", "maps_noapi": "google-maps", "posthog": "posthog", "tiktokvideo": "tiktok-embeds",
        "youtubeplaylist": "youtube"}
    gone = {"adwordsconversion", "yandexmetrica", "redditpixel", "segment", "heapanalytics", "mailchimp", "gravatar",
            "githubbutton", "typeform"}
    assert not gone & set(services)


# --- the second tier ------------------------------------------------------------------------------

UNKNOWN = '<script async src="https://cdn.stamped.io/files/widget.min.js"></script><a href="/privacy/">P</a>'


def test_the_second_tier_names_an_unknown_third_party_in_pl101(tmp_path):
    site = make_site(tmp_path / "site", {"index.html": UNKNOWN, "privacy/index.html": "<h1>P</h1>"})
    findings = [f for f in lint(site).findings if f.check == "PL101"]
    assert [f.subject for f in findings] == ["stamped.io"]
    assert "a third party (Stamped.io, analytics, as third-party-web names it)" in findings[0].message
    assert "hosts: [stamped.io]" in findings[0].message


def test_the_second_tier_never_changes_a_verdict(tmp_path, monkeypatch):
    site = make_site(tmp_path / "site", {"index.html": UNKNOWN + '<img src="https://stats.example.net/p.gif">',
                                         "privacy/index.html": "<h1>P</h1>"})
    named = lint(site)
    from privacylint import vendors

    monkeypatch.setattr(vendors, "third_party_table", lambda: parse_third_party_table(b""))
    unnamed = lint(site)
    assert found(named) == found(unnamed) and [f.severity for f in named.findings] == [
        f.severity for f in unnamed.findings]
    assert [f.message for f in named.findings] != [f.message for f in unnamed.findings]
    assert "a third party that no collector" in next(f.message for f in unnamed.findings if f.subject == "stamped.io")


def test_the_inventory_marks_the_second_tier(tmp_path):
    site = make_site(tmp_path / "site", {"index.html": UNKNOWN, "privacy/index.html": "<h1>P</h1>"})
    entry = next(c for c in lint(site).inventory["collectors"] if c["site"] == "stamped.io")
    assert entry["vendor"] is None and entry["name"] is None
    assert entry["third_party_web"] == {"name": "Stamped.io", "category": "analytics"}


def test_init_drafts_the_second_tier_name(tmp_path, capsys):
    site = make_site(tmp_path / "site", {"index.html": '<link rel="canonical" href="https://example.org/">' + UNKNOWN,
                                         "privacy/index.html": "<h1>Privacy</h1>"})
    assert cli.main(["init", str(site)]) in (0, 1)
    out = capsys.readouterr().out
    assert "- name: Stamped.io\n    hosts:\n      - stamped.io" in out
    assert "third-party-web: analytics" in out and "its name is third-party-web's" in out


def test_the_table_is_the_one_its_builder_makes_and_records_its_source():
    table = third_party_table()
    assert table.version == catalogue_check.THIRD_PARTY_WEB and table.license == "MIT"
    assert table.notice.startswith("The MIT License") and "Patrick Hulce" in table.notice
    shipped = json.loads((REPO / "src/privacylint/data/third_party_web.json").read_text(encoding="utf-8"))
    assert len(shipped["source_sha256"]) == 64
    assert shipped["table_sha256"] == build_third_party_table.table_digest(
        shipped["entities"], shipped["exact"], shipped["suffixes"])
    assert len(table.entities) > 2000 and table.of("static.klaviyo.com").name == "Klaviyo"


def test_the_builder_from_a_source_file():
    source = json.dumps([
        {"name": "Acme Ads", "category": "ad", "domains": ["*.acme-ads.test", "pixel.acme.test"]},
        {"name": "Beta", "domains": ["beta.test"]}]).encode()
    table = build_third_party_table.build(source, "9.9.9", "MIT notice")
    assert table["source_sha256"] == hashlib.sha256(source).hexdigest() and table["version"] == "9.9.9"
    parsed = parse_third_party_table(build_third_party_table.render(table).encode())
    assert parsed.of("x.acme-ads.test").name == "Acme Ads" and parsed.of("acme-ads.test").category == "ad"
    assert parsed.of("pixel.acme.test").name == "Acme Ads" and parsed.of("other.acme.test") is None
    assert parsed.of("beta.test").category == "other" and parsed.of("www.beta.test") is None


def test_a_table_edited_by_hand_is_not_used():
    text = (REPO / "src/privacylint/data/third_party_web.json").read_text(encoding="utf-8")
    edited = text.replace('["Klaviyo", "ad"]', '["Klaviyo", "analytics"]')
    assert edited != text
    assert parse_third_party_table(edited.encode()).of("static.klaviyo.com") is None
    assert parse_third_party_table(b"not json").of("static.klaviyo.com") is None


@pytest.mark.skipif(not (catalogue_check.DEFAULT_WORKDIR / "node_modules/third-party-web/package.json").exists(),
                    reason="third-party-web is not installed here (tools/catalogue_check.py installs it; "
                           "PRIVACYLINT_CATALOGUE_WORKDIR names its folder)")
def test_the_table_matches_the_installed_source():
    package = catalogue_check.DEFAULT_WORKDIR / "node_modules/third-party-web"
    if json.loads((package / "package.json").read_text())["version"] != catalogue_check.THIRD_PARTY_WEB:
        pytest.skip("another third-party-web version is installed")
    rebuilt = build_third_party_table.build((package / "dist/entities.json").read_bytes(),
                                            catalogue_check.THIRD_PARTY_WEB, (package / "LICENSE").read_text())
    assert build_third_party_table.render(rebuilt) == (REPO / "src/privacylint/data/third_party_web.json").read_text()


def test_list_vendors_shows_both_tiers(capsys):
    assert cli.main(["--list-vendors"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("cookie-script ") for line in lines)
    klaviyo = next(line for line in lines if line.startswith("third-party-web") and " Klaviyo " in line)
    assert klaviyo.split()[1] == "ad" and klaviyo.endswith("domains: *.klaviyo.com")
    assert cli.main(["--list-vendors", "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    tier = listing["third_party_web"]
    assert listing["license"] == "Apache-2.0 AND MIT"
    assert (tier["source"], tier["license"]) == ("third-party-web", "MIT")
    assert {"name": "Klaviyo", "category": "ad", "domains": ["*.klaviyo.com"]} in tier["entities"]


def test_catalogue_check_reads_a_tarteaucitron_source(tmp_path):
    folder = tmp_path / "node_modules/tarteaucitronjs"
    folder.mkdir(parents=True)
    (folder / "tarteaucitron.services.js").write_text(
        "tarteaucitron.services.metrica = {\n  \"uri\": \"https://yandex.com/legal/\",\n"
        "  \"js\": function () { tarteaucitron.addScript('https://mc.yandex.ru/metrika/tag.js'); }\n};\n"
        "/*tarteaucitron.services.old = { \"js\": function () {} };*/\n")
    services = catalogue_check.tarteaucitron_services(tmp_path / "node_modules")
    assert list(services) == ["metrica"] and "yandex.com/legal" not in services["metrica"]
    assert "mc.yandex.ru" in services["metrica"]


def test_the_check_measures_coverage_of_a_small_data_set(capsys):
    entities = [{"name": "Google Analytics", "category": "analytics", "domains": ["*.google-analytics.com"],
                 "totalOccurrences": 900, "hosts": []},
                {"name": "Unknown Stats", "category": "analytics", "domains": ["*.unknown-stats.test"],
                 "totalOccurrences": 100, "hosts": []}]
    shares = catalogue_check.coverage(entities, 100, 50, sys.stdout)
    out = capsys.readouterr().out
    assert shares["analytics"] == pytest.approx(0.9) and "missed: Unknown Stats (100 pages" in out
