"""Site config and header files as evidence: PL501, PL502 and Set-Cookie for PL201."""

from __future__ import annotations

from conftest import BASE_RULES, found, lint, make_site

from privacylint.siteconfig import cookie_names, csp_hosts, read_config

PAGES = {"index.html": '<a href="/privacy/">P</a>', "privacy/index.html": "<h1>P</h1>"}


def settings(tmp_path, name: str, text: str) -> list[tuple]:
    source = make_site(tmp_path / "src", {name: text})
    return [(s.path.split("/")[-1], s.line, s.key, s.vendor) for s in read_config(str(tmp_path), str(source), ()).settings]


def test_jekyll_keys(tmp_path):
    assert settings(tmp_path, "_config.yml", "title: x\ngoogle_analytics: G-1\nanalytics:\n  provider: google-gtag\n"
                                             "disqus:\n  shortname: blog\ncomments:\n  provider: false\n") == [
        ("_config.yml", 2, "google_analytics", "google-analytics"),
        ("_config.yml", 4, "analytics.provider", "google-analytics"),
        ("_config.yml", 6, "disqus.shortname", "disqus")]


def test_hugo_toml_keys(tmp_path):
    assert settings(tmp_path, "hugo.toml", 'title = "x"\ngoogleAnalytics = "G-1"\n\n[services]\n[services.googleAnalytics]\n'
                                           'ID = "G-2"\n[services.disqus]\n  shortname = "blog"\n') == [
        ("hugo.toml", 2, "googleAnalytics", "google-analytics"),
        ("hugo.toml", 6, "services.googleAnalytics.ID", "google-analytics"),
        ("hugo.toml", 8, "services.disqus.shortname", "disqus")]


def test_mkdocs_material_keys(tmp_path):
    assert settings(tmp_path, "mkdocs.yml", "site_name: x\nextra:\n  analytics:\n    provider: google\n    property: G-1\n") == [
        ("mkdocs.yml", 4, "extra.analytics.provider", "google-analytics")]


def test_header_files(tmp_path):
    site = make_site(tmp_path / "site", {**PAGES, "_headers": "/*\n  Set-Cookie: session=abc; Path=/\n  # Set-Cookie: no=1\n"})
    source = make_site(tmp_path / "src", {
        "netlify.toml": '[[headers]]\n  for = "/*"\n  [headers.values]\n    Set-Cookie = "lang=en; Path=/"\n'
                        "    Content-Security-Policy = \"default-src 'self'; img-src https://px.example.net\"\n",
        "vercel.json": '{"headers": [{"source": "/(.*)", "headers": [\n  {"key": "X-Frame-Options", "value": "DENY"},\n'
                       '  {"key": "Set-Cookie", "value": "ab=1"}]}]}\n'})
    config = read_config(str(site), str(source), ())
    assert [(h.path.split("/")[-1], h.in_site, h.line, h.name) for h in config.headers] == [
        ("netlify.toml", False, 4, "set-cookie"), ("netlify.toml", False, 5, "content-security-policy"),
        ("vercel.json", False, 3, "set-cookie"), ("_headers", True, 2, "set-cookie")]


def test_checks_on_config_evidence(tmp_path):
    site = make_site(tmp_path / "site", {**PAGES, "_headers": "/*\n  Set-Cookie: session=abc; Path=/\n"})
    source = make_site(tmp_path / "src", {"_config.yml": "google_analytics: G-1\n"})
    result = lint(site, BASE_RULES + "cookies:\n  - {name: lang}\n", source=str(source))
    assert [(f.check, f.path.split("/")[-1], f.line, f.subject, f.root is not None) for f in result.findings] == [
        ("PL501", "_config.yml", 1, "google_analytics", False), ("PL201", "_headers", 2, "session", True)]


def test_config_turning_a_collector_on_counts_as_use(tmp_path):
    site = make_site(tmp_path / "site", PAGES)
    source = make_site(tmp_path / "src", {"_config.yml": "google_analytics: G-1\n"})
    rules = BASE_RULES + "collectors:\n  - {name: Google Analytics, vendor: google-analytics}\n"
    assert found(lint(site, rules), "PL305") != []
    assert found(lint(site, rules, source=str(source)), "PL305") == []


def test_broken_config_is_reported_and_the_rest_checked(tmp_path):
    site = make_site(tmp_path / "site", {**PAGES, "_headers": "/*\n  Set-Cookie: s=1\n"})
    source = make_site(tmp_path / "src", {"_config.yml": "google_analytics: [unclosed\n", "hugo.toml": "= broken"})
    result = lint(site, BASE_RULES, source=str(source))
    assert sorted((f.check, f.path.split("/")[-1], f.subject) for f in result.findings) == [
        ("PL001", "_config.yml", "parse"), ("PL001", "hugo.toml", "parse"), ("PL201", "_headers", "s")]


def test_csp_and_cookie_parsing():
    assert csp_hosts("default-src 'self' data: *; script-src https://www.googletagmanager.com:443/gtag/ "
                     "*.hotjar.com 'nonce-x'; frame-ancestors https://evil.example; report-uri https://r.example/") == [
        "www.googletagmanager.com", "*.hotjar.com"]
    assert cookie_names("a=1; Path=/\nb=2") == ["a", "b"] and cookie_names("Secure") == []


def test_unsafe_referrer_policy_header(tmp_path):
    site = make_site(tmp_path / "site", {**PAGES, "_headers": "/*\n  Referrer-Policy: unsafe-url\n"})
    assert found(lint(site), "PL402") == [("PL402", "_headers", 2, "referrer-policy")]
