"""`privacylint init`: a rules.yaml drafted from the build, that loads, declares what the site
does (no PL101, PL201, PL305 on a re-run) and leaves what a policy cannot fix; `--diff` for drift."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import REPO, make_site
from ruamel.yaml import YAML
from test_sourcemap import JEKYLL_SITE

from privacylint import cli
from privacylint.checks import CHECK_IDS
from privacylint.policy import load_policy

EXAMPLE = REPO / "examples" / "kubevirt.io"
CATALOGUE = sorted(p for p in (REPO / "checks").iterdir() if p.is_dir())
DECLARED = {"PL101", "PL201", "PL305"}


def _init(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(["init", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _relint(capsys, site: Path, rules: Path, *extra: str) -> set[tuple[str, str]]:
    cli.main([str(site), "--rules", str(rules), "--format", "concise", "--no-cache", *extra])
    lines = capsys.readouterr().out.splitlines()
    return {(line.split(": ", 2)[1].split()[0], line) for line in lines}


def test_the_example_is_drafted_with_evidence_and_leaves_only_what_rules_cannot_fix(tmp_path, capsys):
    out = tmp_path / "rules.yaml"
    code, stdout, err = _init(capsys, str(EXAMPLE), "-o", str(out), "--no-cache")
    assert (code, stdout) == (0, "")
    assert err == ("privacylint init: drafted 3 collectors, 7 cookies; 11 problems remain that rules.yaml cannot "
                   f"fix: run privacylint {EXAMPLE} --rules {out}.\n")
    text = out.read_text(encoding="utf-8")
    policy = load_policy(out, CHECK_IDS)
    assert policy.site_url == "https://kubevirt.io/"  # from the build's CNAME
    assert (policy.statement_page, policy.contact) == ("/privacy/", "privacy@kubevirt.io")
    assert [c.name for c in policy.collectors] == ["Google Analytics", "Google Fonts", "YouTube"]
    doc = YAML(typ="safe").load(text)
    assert doc["consent"] == {"gates": ["cookieconsent"]}
    assert {c["name"]: (c.get("storage", "cookie"), c["consent"]) for c in doc["cookies"]} == {
        "VISITOR_INFO1_LIVE": ("cookie", "required"), "VISITOR_PRIVACY_METADATA": ("cookie", "required"),
        "YSC": ("cookie", "required"), "_ga": ("cookie", "required"), "_ga_*": ("cookie", "required"),
        "cc_cookie": ("cookie", "not-required"), "kv-theme": ("local", "not-required")}
    unwrapped = text.replace("\n  # ", " ")  # comments are wrapped at 100 columns
    assert ("script on 7 pages, first at blog/2023/getting-started/index.html:14; cookieconsent:analytics on "
            "6, ungated on 1; named in the statement\n  - name: Google Analytics\n") in unwrapped
    assert ("frame on 2 pages, first at blog/2024/kubevirt-summit-recap/index.html:32; ungated; NOT named in the "
            "statement: add it there, or stop loading it\n  - name: YouTube\n") in unwrapped
    remaining = {check for check, _ in _relint(capsys, EXAMPLE, out)}
    assert remaining == {"PL102", "PL105", "PL303", "PL401"}  # ungated trackers, unnamed ones, a player, a link


@pytest.mark.parametrize("folder", CATALOGUE, ids=lambda p: p.name)
def test_a_draft_of_every_catalogue_site_declares_what_it_sees(folder, tmp_path, capsys):
    rules = YAML(typ="safe").load((folder / "rules.yaml").read_text(encoding="utf-8"))
    for which in ("bad", "good"):
        out = tmp_path / f"{which}.yaml"
        code, _, err = _init(capsys, str(folder / which), "--url", rules["site"]["url"], "--statement",
                             rules["statement"]["page"], "-o", str(out), "--no-cache")
        assert code == 0, err
        load_policy(out, CHECK_IDS)
        assert not {check for check, _ in _relint(capsys, folder / which, out)} & DECLARED


def test_the_jekyll_site_is_drafted_with_source_lines(tmp_path, monkeypatch, capsys, jekyll):
    source = make_site(tmp_path / "site", {k: v for k, v in JEKYLL_SITE.items() if k != "rules.yaml"})
    subprocess.run([jekyll, "build", "--quiet", "--source", str(source), "--destination", str(source / "_site")],
                   check=True, capture_output=True, timeout=300)
    monkeypatch.chdir(source)
    code, out, err = _init(capsys, "_site", "--url", "https://example.org/", "--source", ".", "--no-cache")
    assert code == 0 and "drafted 2 collectors" in err
    assert ("script on 3 pages, first at _includes/analytics.html:2; ungated; named in the statement"
            in out.replace("\n  # ", " "))
    (source / "rules.yaml").write_text(out, encoding="utf-8")
    remaining = {check for check, _ in _relint(capsys, Path("_site"), source / "rules.yaml")}
    assert remaining == {"PL102", "PL303", "PL401"}


def test_diff_shows_a_collector_rules_yaml_no_longer_declares(tmp_path, capsys):
    rules = (REPO / "rules.yaml").read_text(encoding="utf-8")
    dropped = rules.replace("  - name: Google Analytics\n    vendor: google-analytics\n    purpose: analytics\n"
                            "    consent: required\n", "")
    assert dropped != rules
    (tmp_path / "rules.yaml").write_text(dropped, encoding="utf-8")
    code, out, _ = _init(capsys, str(EXAMPLE), "--diff", "--rules", str(tmp_path / "rules.yaml"), "--no-cache")
    assert code == 1
    added = [line for line in out.splitlines() if line.startswith("+  - name:")]
    assert added == ["+  - name: Google Analytics", "+  - name: Google Fonts", "+  - name: YouTube",
                     "+  - name: kv-theme"]
    assert not [line for line in out.splitlines() if line.startswith("-") and not line.startswith("---")]
    (tmp_path / "same.yaml").write_text(_init(capsys, str(EXAMPLE), "--no-cache")[1], encoding="utf-8")
    assert _init(capsys, str(EXAMPLE), "--diff", "--rules", str(tmp_path / "same.yaml"), "--no-cache")[:2] == (0, "")


def test_diff_removes_what_the_site_no_longer_does(tmp_path, capsys):
    """Hotjar is gone, and so are its cookies; a key nothing in the build shows (a server's cookie)
    is no evidence of anything, and stays (test_pr_init.py: what --diff keeps)."""
    rules = (REPO / "rules.yaml").read_text(encoding="utf-8").replace(
        "cookies:\n", "  - {name: Hotjar, vendor: hotjar}\ncookies:\n  - {name: _hjSessionUser_*}\n"
                      "  - {name: old_tracker_id}\n")
    (tmp_path / "rules.yaml").write_text(rules, encoding="utf-8")
    code, out, _ = _init(capsys, str(EXAMPLE), "--diff", "--rules", str(tmp_path / "rules.yaml"), "--no-cache")
    removed = [line for line in out.splitlines() if line.startswith("-") and not line.startswith("---")]
    assert code == 1 and removed == ["-  - {name: Hotjar, vendor: hotjar}", "-  - {name: _hjSessionUser_*}"]


def test_init_never_overwrites_and_needs_a_url_when_the_build_has_no_clue(tmp_path, capsys):
    existing = tmp_path / "rules.yaml"
    existing.write_text("# mine\n")
    code, _, err = _init(capsys, str(EXAMPLE), "-o", str(existing))
    assert code == 2 and "exists; privacylint init never overwrites it without --force" in err
    assert existing.read_text() == "# mine\n"
    assert _init(capsys, str(EXAMPLE), "-o", str(existing), "--force", "--no-cache")[0] == 0
    assert existing.read_text().startswith("# Drafted by `privacylint init`")
    site = make_site(tmp_path / "_site", {"index.html": '<a href="/privacy/">Privacy</a>',
                                          "privacy/index.html": "<h1>Privacy</h1>"})
    code, out, err = _init(capsys, str(site), "--no-cache")
    assert (code, out) == (2, "")
    assert err == (f"privacylint: cannot tell the site's URL from the build in {site} (no canonical link, og:url, "
                   "sitemap.xml, CNAME or feed link); give it with --url https://example.org/\n")
    code, out, _ = _init(capsys, str(site), "--url", "https://example.org", "--no-cache")
    assert code == 0 and "  url: https://example.org/\n" in out and "  page: /privacy/\n" in out


def test_the_site_url_comes_from_the_build(tmp_path, capsys):
    clues = {
        "canonical": {"index.html": '<link rel="canonical" href="https://alice.github.io/proj/">'
                                    '<a href="/proj/privacy/">Privacy policy</a>'},
        "og:url": {"index.html": '<meta property="og:url" content="https://alice.github.io/proj/index.html">'
                                 '<a href="/proj/privacy/">Privacy policy</a>'},
        "sitemap": {"sitemap.xml": "<urlset><url><loc>https://alice.github.io/proj/privacy/</loc></url></urlset>",
                    "index.html": '<a href="privacy/">Datenschutz</a>'},
    }
    for name, files in clues.items():
        site = make_site(tmp_path / name, {**files, "privacy/index.html": "<h1>P</h1>"})
        code, out, err = _init(capsys, str(site), "--no-cache")
        assert code == 0, (name, err)
        assert "  url: https://alice.github.io/proj/\n" in out and "  page: /privacy/\n" in out, name


def test_without_the_statement_in_the_build_the_comments_do_not_guess(tmp_path, capsys):
    site = make_site(tmp_path / "_site", {"index.html": '<script src="https://www.googletagmanager.com/gtag/js?id=G-1">'
                                                        "</script>"})
    code, out, err = _init(capsys, str(site), "--url", "https://example.org/", "--statement", "/privacy/",
                           "--no-cache")
    assert code == 0 and "remain that rules.yaml cannot fix" in err
    assert "the statement page is not in the build: whether it names it is unknown" in out.replace("\n  # ", " ")


def test_a_cookie_the_statement_denies_is_drafted_for_review(tmp_path, capsys):
    site = make_site(tmp_path / "site", {
        "index.html": '<a href="/privacy/">Privacy</a><script src="/main.js"></script>',
        "main.js": 'document.cookie = "theme=dark";',
        "privacy/index.html": "<title>Privacy</title><p>This site does not use cookies.</p>"})
    out = tmp_path / "rules.yaml"
    code, _, err = _init(capsys, str(site), "--url", "https://example.org/", "-o", str(out), "--no-cache")
    assert code == 0, err
    text = " ".join(line.strip("# ") for line in out.read_text(encoding="utf-8").splitlines())
    assert ("REVIEW: the statement says 'This site does not use cookies.' (privacy/index.html:1); correct the "
            "statement, or stop writing it (PL311)") in text
