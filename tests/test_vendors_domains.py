"""The vendor catalogue is well formed, and parties are decided offline by the PSL."""

from __future__ import annotations

import re

import pytest

from privacylint.domains import Parties, host_matches, host_of, site_of
from privacylint.vendors import catalogue

VENDORS = sorted(catalogue().vendors.values(), key=lambda v: v.id)


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.id)
def test_vendor_entry_is_well_formed(vendor):
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", vendor.id)
    assert vendor.name and vendor.owner and vendor.category in catalogue().categories
    assert vendor.consent in ("required", "not-required")
    assert vendor.hosts or vendor.paths, "recognisable by a host or a self-hosted path"
    assert all(re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}(/\S*)?", h) for h in vendor.hosts)
    assert all(p.startswith("/") for p in vendor.paths)
    assert vendor.sources and all(s.startswith("https://") for s in vendor.sources)
    assert all(c.storage in ("cookie", "local", "session") and c.name for c in vendor.cookies)


def test_the_catalogue_covers_every_group_of_signatures_md():
    ids = set(catalogue().vendors)
    assert len(ids) >= 60
    assert {"google-analytics", "google-tag-manager", "google-ads", "google-fonts", "youtube", "meta-pixel",
            "microsoft-clarity", "linkedin-insight", "x-pixel", "tiktok-pixel", "yandex-metrica", "hotjar",
            "segment", "mixpanel", "hubspot", "intercom", "plausible", "matomo", "vimeo", "disqus", "gravatar",
            "mailchimp", "algolia", "adobe-fonts", "jsdelivr", "cdnjs", "unpkg"} <= ids
    cmps = {v.id for v in catalogue().of_category("consent-manager")}
    assert {"cookiebot", "onetrust", "klaro", "cookieconsent", "tarteaucitron", "complianz", "cookieyes",
            "usercentrics", "iubenda", "termly"} <= cmps


def test_no_two_vendors_claim_the_same_pattern():
    seen = {}
    for vendor in VENDORS:
        for host in vendor.hosts:
            assert host not in seen, f"{host}: {seen.get(host)} and {vendor.id}"
            seen[host] = vendor.id


@pytest.mark.parametrize("url, vendor", [
    ("https://www.googletagmanager.com/gtag/js?id=G-1", "google-analytics"),
    ("https://www.googletagmanager.com/gtm.js?id=GTM-1", "google-tag-manager"),
    ("https://region1.google-analytics.com/g/collect", "google-analytics"),
    ("https://fonts.gstatic.com/s/inter.woff2", "google-fonts"),
    ("https://www.youtube-nocookie.com/embed/x", "youtube"),
    ("https://www.google.com/recaptcha/api.js", "google-recaptcha"),
    ("https://www.google.com/search", None),
    ("https://maps.googleapis.com/maps/api/js", "google-maps"),
    ("https://stats.example.org/matomo.js", "matomo"),
    ("https://cdn.jsdelivr.net/gh/orestbida/cookieconsent@3.1.0/dist/cookieconsent.umd.js", "cookieconsent"),
    ("https://cdn.jsdelivr.net/npm/bootstrap@5/dist/js/bootstrap.min.js", "jsdelivr"),
    ("https://www.example.net/lib.js", None),
])
def test_longest_pattern_names_the_vendor(url, vendor):
    from urllib.parse import urlsplit

    found = catalogue().vendor_of(host_of(url), urlsplit(url).path)
    assert (found.id if found else None) == vendor


@pytest.mark.parametrize("host, site", [
    ("www.googletagmanager.com", "googletagmanager.com"), ("fonts.googleapis.com", "fonts.googleapis.com"),
    ("alice.github.io", "alice.github.io"), ("s3.amazonaws.com", "s3.amazonaws.com"),
    ("a.b.example.co.uk", "example.co.uk"), ("127.0.0.1", "127.0.0.1"), ("localhost", "localhost"),
])
def test_site_of(host, site):
    assert site_of(host) == site


def test_host_of_normalises():
    assert host_of("HTTPS://WWW.Example.ORG.:8443/x") == "www.example.org"
    assert host_of("https://bücher.example/") == "xn--bcher-kva.example"
    assert host_of("mailto:a@b.c") is None and host_of("https://[::1/") is None


def test_host_patterns():
    assert host_matches("cdn.example.net", "example.net") and host_matches("example.net", "example.net")
    assert host_matches("a.example.net", "*.example.net") and not host_matches("example.net", "*.example.net")
    assert not host_matches("badexample.net", "example.net")


def test_parties():
    parties = Parties("https://kubevirt.io/", ["kubevirt.github.io", "cdn.example.net"])
    assert parties.is_first_party("www.kubevirt.io") and parties.is_first_party(None)
    assert parties.is_first_party("kubevirt.github.io") and parties.is_first_party("img.cdn.example.net")
    assert not parties.is_first_party("other.github.io") and not parties.is_first_party("example.net")


@pytest.mark.parametrize("snippet, vendor", [
    ("gtag('config', 'G-1');", "google-analytics"),
    ("ga('create', 'UA-1-1', 'auto');", "google-analytics"),
    ("var _gaq = _gaq || []; _gaq.push(['_setAccount', 'UA-1-1']);", "google-analytics"),
    ("w[l].push({'gtm.start': new Date().getTime(), event: 'gtm.js'});", "google-tag-manager"),
    ('fbq("init", "123456789012345");', "meta-pixel"),
    ("_paq.push(['trackPageView']);", "matomo"),
    ("h._hjSettings={hjid:1,hjsv:6};", "hotjar"),
    ('(window, document, "clarity", "script", "abcdefgh");', "microsoft-clarity"),
    ('ym(12345678, "init", {clickmap:true});', "yandex-metrica"),
    ("twq('config','o1abc');", "x-pixel"),
    ("ttq.load('C123');", "tiktok-pixel"),
    ('analytics.load("writeKey"); analytics.page();', "segment"),
    ('mixpanel.init("0123456789abcdef0123456789abcdef");', "mixpanel"),
    ('_linkedin_partner_id = "123";', "linkedin-insight"),
])
def test_inline_snippets_are_recognised(snippet, vendor):
    assert [v for _, v, _ in catalogue().markers_in(snippet)] == [vendor]


def test_compiled_catalogue_is_current():
    """vendors.json is vendors.yaml compiled; regenerate it with `python -m privacylint.vendors`."""
    from importlib import resources

    from privacylint.vendors import compiled_catalogue

    committed = resources.files("privacylint").joinpath("data/vendors.json").read_text(encoding="utf-8")
    assert committed == compiled_catalogue(), "run: python -m privacylint.vendors > src/privacylint/data/vendors.json"


def test_the_public_suffix_matching_agrees_with_tldextract_on_every_rule():
    """domains.py matches the list tldextract bundles itself (importing tldextract costs 0.2 s of
    start-up); on every rule of the list, as a name, under a label and under two, the registrable
    domain and whether a name is a public suffix are tldextract's."""
    import tldextract

    from privacylint import domains

    ext = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)
    exact, wild, exceptions = domains._rules()
    names = sorted(exact | {"w." + w for w in wild} | exceptions)
    assert len(names) > 9000
    extra = ["example.com.", "a..b.com", "EXAMPLE.COM", "10.0.0.1", "::1", "localhost", "foo.notatld", "*.example.com"]
    for name in names + extra:
        for host in (name, "x." + name, "a.b." + name):
            theirs = ext(host)
            assert domains.site_of(host) == (theirs.top_domain_under_public_suffix or host), host
            assert domains.is_public_suffix(host) == (not theirs.domain and bool(theirs.suffix)), host
