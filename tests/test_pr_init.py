"""`privacylint init` without detours (issue 23): the site's URL normalised, its own hosts first
party, a statement on another site, a site with none, `--diff` that keeps what is still true and
how the file is written, vendor cookies that follow the tag's version, and its grammar."""

from __future__ import annotations

from pathlib import Path

from conftest import make_site
from ruamel.yaml import YAML

from privacylint import cli
from privacylint.checks import CHECK_IDS
from privacylint.policy import load_policy

PRIVACY = {"privacy/index.html": "<h1>Privacy</h1><p>Write to <a href='mailto:privacy@example.org'>us</a>.</p>"}


def init(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["init", *argv, "--no-cache"])
    out, err = capsys.readouterr()
    return code, out, err


def relint(capsys, site: Path, rules: Path) -> list[str]:
    cli.main([str(site), "--rules", str(rules), "--format", "concise", "--no-cache"])
    return [line.split(": ", 2)[1].split()[0] for line in capsys.readouterr().out.splitlines()]


def test_og_url_with_a_doubled_slash_is_normalised(tmp_path, capsys):
    site = make_site(tmp_path / "_site", {**PRIVACY, "index.html": '<meta property="og:url" content="https://x.github.io//">'
                                                                  '<a href="/privacy/">Privacy</a>'})
    code, out, _ = init(capsys, str(site))
    assert code == 0 and "  url: https://x.github.io/\n" in out
    (tmp_path / "rules.yaml").write_text(out)
    assert "PL302" not in relint(capsys, site, tmp_path / "rules.yaml")


def test_the_site_s_own_hosts_are_first_party_and_a_cname_that_disagrees_is_said(tmp_path, capsys):
    """GitHub Pages: the tags still say x.github.io, CNAME says docs.example.com, and old pages
    redirect there. That host is the site's own, never a third-party collector."""
    redirect = '<meta http-equiv="refresh" content="0; url=https://docs.example.com/new/">'
    site = make_site(tmp_path / "_site", {
        **PRIVACY, "CNAME": "docs.example.com\n", "old/index.html": redirect,
        "index.html": '<link rel="canonical" href="https://x.github.io/"><a href="/privacy/">Privacy</a>'
                      '<img src="https://docs.example.com/logo.png">'})
    code, out, err = init(capsys, str(site))
    assert code == 0
    assert ("privacylint init: the CNAME file names docs.example.com but the homepage's canonical link says "
            "https://x.github.io/; both are drafted as the site's own hosts (site.first_party): check which is its "
            "address\n") in err
    doc = YAML(typ="safe").load(out)
    assert doc["site"] == {"url": "https://x.github.io/", "first_party": ["docs.example.com"]}
    assert doc["collectors"] == []
    (tmp_path / "rules.yaml").write_text(out)
    assert not {"PL101", "PL102"} & set(relint(capsys, site, tmp_path / "rules.yaml"))


def test_a_statement_on_another_site(tmp_path, capsys):
    site = make_site(tmp_path / "_site", {"index.html": '<link rel="canonical" href="https://substrate.example/">'
                                                        '<footer><a href="https://www.parity.io/privacy/">Privacy</a>'
                                                        "</footer>"})
    code, out, err = init(capsys, str(site), "--statement", "https://www.parity.io/privacy/")
    assert code == 0, err
    assert "searching upward" not in err and "drafted 0 collectors, 0 cookies; 1 problem remains" in err
    assert YAML(typ="safe").load(out)["statement"] == {"page": "https://www.parity.io/privacy/",
                                                       "linked_from": "homepage"}
    assert "# The statement is published on another site" in out
    rules = tmp_path / "rules.yaml"
    rules.write_text(out)
    assert load_policy(rules, CHECK_IDS).statement_page == "https://www.parity.io/privacy/"
    cli.main([str(site), "--rules", str(rules), "--no-cache", "-q"])
    report = capsys.readouterr().out
    assert report.count("PL301") == 1 and "note    PL301  the privacy statement is on another site" in report
    assert cli.main([str(site), "--rules", str(rules), "--no-cache", "-q"]) == 0  # a note, not a failure
    capsys.readouterr()
    (site / "index.html").write_text('<link rel="canonical" href="https://substrate.example/"><p>no link</p>')
    assert sorted(relint(capsys, site, rules)) == ["PL301", "PL302"]  # the link is still checked
    code, _, err = init(capsys, str(site), "--statement", "privacy")
    assert code == 2 and "--statement privacy: give the statement's URL path on the site (/privacy/)" in err


def test_a_statement_url_on_the_site_itself_is_its_path(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("version: 1\nsite: {url: 'https://example.org/'}\nstatement: {page: 'https://example.org/legal/'}\n")
    assert load_policy(rules, CHECK_IDS).statement_page == "/legal/"
    rules.write_text("version: 1\nsite: {url: 'https://example.org/'}\nstatement: {page: 'ftp://example.org/x'}\n")
    try:
        load_policy(rules, CHECK_IDS)
    except Exception as error:  # noqa: BLE001 - the loader's PolicyError
        assert "statement.page must be a URL path starting with '/', or the http(s) URL" in str(error.issues)
    else:
        raise AssertionError("an ftp statement URL loaded")


def test_a_site_with_no_statement_gets_a_draft_that_explains_pl301(tmp_path, capsys):
    site = make_site(tmp_path / "_site", {"index.html": '<link rel="canonical" href="https://example.org/"><p>hi</p>'})
    code, out, err = init(capsys, str(site))
    assert code == 0, err
    assert "privacylint init: no privacy statement found in" in err and "PL301 reports it" in err
    assert YAML(typ="safe").load(out)["statement"]["page"] == "/privacy/"
    assert "# No privacy statement was found in the build: PL301 (statement-missing) reports it" in out
    (tmp_path / "rules.yaml").write_text(out)
    assert sorted(relint(capsys, site, tmp_path / "rules.yaml")) == ["PL301", "PL302"]


GA = '<script async src="https://www.googletagmanager.com/gtag/js?id={id}"></script>' \
     "<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}" \
     "gtag('js',new Date());gtag('config','{id}');</script>"


def test_vendor_cookies_follow_the_tag_s_version(tmp_path, capsys):
    for tag, cookies in (("UA-12345-1", ["_ga", "_gat_gtag_*", "_gid"]), ("G-ABCDEF1", ["_ga", "_ga_*"])):
        site = make_site(tmp_path / tag, {**PRIVACY, "index.html": '<link rel="canonical" href="https://example.org/">'
                                                                   '<a href="/privacy/">Privacy</a>' + GA.format(id=tag)})
        code, out, _ = init(capsys, str(site))
        assert code == 0 and sorted(c["name"] for c in YAML(typ="safe").load(out)["cookies"]) == cookies, tag


KLARO_SITE = {
    **PRIVACY,
    "index.html": '<a href="/privacy/">Privacy</a><script src="/js/klaro.js"></script>'
                  '<script type="text/plain" data-type="text/javascript" data-name="google-analytics" '
                  'data-src="https://www.googletagmanager.com/gtag/js?id=UA-12345-1"></script>',
    "js/klaro.js": "/* klaro */ window.klaro = {show: function () {}};\n",
}
EXISTING = """\
# our policy, by hand
version: 1
site:
  url: 'https://example.org/'
statement:
  page: "/privacy/"          # where it is
  contact: privacy@example.org
consent:
  gates: [klaro]
collectors:
- name: Google Analytics
  vendor: google-analytics
  purpose: 'analytics'
cookies:
- name: "_ga"
  purpose: analytics
- name: "_gid"
  purpose: analytics
- name: '_gat_gtag_*'
  purpose: analytics
- name: klaro
  purpose: "stores the consent choice"
  consent: not-required
- name: session_from_our_server
  consent: not-required
"""


def test_diff_keeps_what_is_still_true_and_how_the_file_is_written(tmp_path, capsys):
    site = make_site(tmp_path / "_site", KLARO_SITE)
    rules = tmp_path / "rules.yaml"
    rules.write_text(EXISTING)
    code, out, err = init(capsys, str(site), "--diff", "--rules", str(rules))
    assert (code, out) == (0, ""), out + err  # nothing to add, nothing untrue: no diff at all


def test_diff_does_not_look_for_the_statement_again(tmp_path, capsys):
    """The build links its statement with a text no rule would find; rules.yaml says where it is."""
    site = make_site(tmp_path / "_site", {"index.html": '<link rel="canonical" href="https://example.org/">'
                                                        '<a href="/legal/notice/">Legal notice</a>'
                                                        '<img src="https://px.example.net/p.gif">',
                                          "legal/notice/index.html": "<h1>Notice</h1>"})
    rules = tmp_path / "rules.yaml"
    rules.write_text("version: 1\nsite:\n  url: https://example.org/\nstatement:\n  page: /legal/notice/\n")
    assert init(capsys, str(site))[0] == 0  # without --diff the build is searched: /privacy/ is a guess
    code, out, err = init(capsys, str(site), "--diff", "--rules", str(rules))
    assert code == 1 and "no privacy statement found" not in err
    changed = [line for line in out.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed[0] == "+collectors:" and "+  - name: example.net" in changed
    assert not [line for line in changed if line.startswith(("-", "+cookies"))]
