"""Paper cuts a new user hit on a real Docusaurus v1 site (issue 23), one test each: the hook's
build folder, a JavaScript generator's source tree, the inventory's name of a declared
collector, a suppressed SARIF result repeated per page, fix advice in another manager's markup."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from conftest import REPO, lint, make_site
from ruamel.yaml import YAML
from test_integrations import CLEAN, TRACKER, git, offline_env

from privacylint import __version__, cli
from privacylint.buildcheck import not_a_build

RULES = "version: 1\nsite: {url: 'https://example.org/'}\nstatement: {page: /privacy/}\n"
BUILD = {"index.html": '<a href="/privacy/">Privacy</a>', "privacy/index.html": "<h1>Privacy</h1>"}


# --- the pre-commit hook's build folder ----------------------------------------------------

def test_without_a_path_the_site_is_privacylint_site_or_the_build_found(tmp_path, monkeypatch, capsys):
    make_site(tmp_path, {**{f"public/{k}": v for k, v in BUILD.items()}, "rules.yaml": RULES,
                         "site/index.md": "---\ntitle: a source, not a build\n---\n"})
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PRIVACYLINT_SITE", raising=False)
    assert cli.main(["-q"]) == 0  # site/ holds templates: public/ is the build
    assert capsys.readouterr().err.startswith("privacylint: checking public, the build found here")
    (tmp_path / "public" / "index.html").write_text(TRACKER)
    make_site(tmp_path / "elsewhere", BUILD)
    monkeypatch.setenv("PRIVACYLINT_SITE", "elsewhere")
    assert cli.main(["-q"]) == 0 and "checking" not in capsys.readouterr().err
    monkeypatch.setenv("PRIVACYLINT_SITE", "public")
    assert cli.main(["-q"]) == 1 and "PL101" in capsys.readouterr().out
    monkeypatch.delenv("PRIVACYLINT_SITE")
    shutil.rmtree(tmp_path / "public")
    assert cli.main(["-q"]) == 2
    assert "none of _site, public, site, _build/html, build, out, dist here holds a build" in capsys.readouterr().err


def test_the_hook_has_no_fixed_folder_and_try_repo_takes_privacylint_site(tmp_path, wheelhouse):
    (hook,) = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["args"] == []
    pre_commit = shutil.which("pre-commit") or pytest.fail("pre-commit is not installed")
    env = offline_env(tmp_path, wheelhouse)
    site = make_site(tmp_path / "siterepo", {k.replace("_site/", "public/"): v for k, v in CLEAN.items()})
    git(site, "init", "-q", env=env)
    git(site, "add", ".", env=env)
    git(site, "commit", "-qm", "site", env=env)
    (site / "public" / "index.html").write_text(TRACKER)
    proc = subprocess.run([pre_commit, "try-repo", str(REPO), "privacylint", "--all-files"], cwd=site,
                          env=env | {"PRIVACYLINT_SITE": "public"}, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1 and "PL101" in proc.stdout and "tracker.example.net" in proc.stdout, proc.stdout


def test_the_readme_pins_the_hook_to_a_tag_not_a_branch():
    from test_release import _block

    (repo,) = [r for r in YAML(typ="safe").load(_block("2. Keep it in", "yaml"))["repos"] if r["repo"] != "local"]
    assert repo["rev"] == f"v{__version__}"  # pre-commit warns on every run about a branch, which moves


# --- a JavaScript generator's source tree ----------------------------------------------------

@pytest.mark.parametrize("files, generator", [
    ({"docusaurus.config.js": "module.exports = {};\n"}, "Docusaurus source tree (docusaurus.config.js found)"),
    ({"website/siteConfig.js": "module.exports = {};\n", "website/package.json": '{"devDependencies": '
      '{"docusaurus": "^1.14.7"}}'}, "Docusaurus v1 source tree (website/siteConfig.js found)"),
    ({"package.json": '{"dependencies": {"docusaurus": "1.14.7"}}'}, "Docusaurus v1 source tree (package.json"),
    ({"package.json": '{"dependencies": {"next": "14.0.0", "react": "18"}}'}, "Next.js source tree (package.json"),
    ({"gatsby-config.js": "module.exports = {};\n"}, "Gatsby source tree"),
    ({"astro.config.mjs": "export default {};\n"}, "Astro source tree"),
    ({"package.json": '{"devDependencies": {"@11ty/eleventy": "2"}}'}, "Eleventy source tree"),
])
def test_a_javascript_generator_s_source_is_refused_like_a_jekyll_source(tmp_path, capsys, files, generator):
    jsx = ('export default function Home() { return <a href="https://www.googletagmanager.com/gtag/js?id=G-1">'
           "x</a>; }\n")
    root = make_site(tmp_path / "repo", {**files, "src/pages/index.js": jsx,
                                         "static/img/logo.html": "<p>a stray page</p>", "rules.yaml": RULES})
    assert generator in not_a_build(str(root))
    assert cli.main([str(root), "--rules", str(root / "rules.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"privacylint: {root} is a ") and "not a build: run `" in err


def test_a_build_beside_package_json_is_still_a_build(tmp_path):
    root = make_site(tmp_path / "build", {**BUILD, "package.json": '{"dependencies": {"next": "14"}}'})
    assert not_a_build(str(root)) is None


# --- the inventory, SARIF, fix advice ---------------------------------------------------------

def test_a_declared_collector_the_catalogue_does_not_know_has_its_declared_name(tmp_path):
    site = make_site(tmp_path / "site", {**BUILD, "index.html": BUILD["index.html"] +
                                         '<script src="https://stats.ourproxy.example.net/p.js"></script>'})
    rules = RULES + "collectors:\n  - {name: Our analytics proxy, hosts: [ourproxy.example.net]}\n"
    [entry] = lint(site, rules).inventory["collectors"]
    assert (entry["name"], entry["declared_as"], entry["vendor"]) == ("Our analytics proxy", "Our analytics proxy", None)


def test_a_suppressed_result_is_one_sarif_result_per_source_line(tmp_path, monkeypatch, capsys):
    include = '<script src="https://www.googletagmanager.com/gtag/js?id={{ site.ga }}"></script>\n'
    page = '<a href="/privacy/">P</a>\n<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>\n'
    files = {"_includes/ga.html": include, "rules.yaml": RULES + "ignore:\n  - {check: PL101, subject: "
             "googletagmanager.com, reason: declared in the next release}\n", "_site/privacy/index.html": "<h1>P</h1>"}
    files.update({f"_site/{name}/index.html": page for name in ("a", "b", "c", "d", "e")} | {"_site/index.html": page})
    make_site(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    cli.main(["_site", "--source", ".", "--format", "sarif", "--no-cache"])
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    suppressed = [r for r in results if r.get("suppressions")]
    assert len(suppressed) == 1, [r["locations"] for r in suppressed]
    [result] = suppressed
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "_includes/ga.html"
    assert len(result["relatedLocations"]) == 6 and "(and 5 more built pages)" in result["message"]["text"]


def test_fix_advice_uses_the_consent_manager_rules_yaml_allows(tmp_path):
    site = make_site(tmp_path / "site", {**BUILD, "index.html": BUILD["index.html"] +
                                         '<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>'})
    rules = RULES + ("consent: {gates: [klaro]}\ncollectors:\n  - {name: Google Analytics, vendor: google-analytics}\n"
                     "cookies:\n  - {name: '_ga*'}\n")
    [finding] = [f for f in lint(site, rules).findings if f.check == "PL102"]
    assert "klaro's markup" in finding.message and "Cookiebot" not in finding.message
    assert 'data-name="SERVICE"' in finding.message
