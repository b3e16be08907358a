"""What a new user tripped over (wrong advice, silent no-ops, confusing messages): one test each.

Items of the same list tested elsewhere: skipped files in the counts and the dangling symlink
(test_files.py), the baseline's shape (test_hostile.py) and stale entries (test_suppressions.py),
suppressions without a colon (test_suppressions.py), an empty selection (test_cli.py), the
Markdown link with `&` (test_sourcemap.py, with Debian's jekyll).
"""

from __future__ import annotations

from conftest import REPO, lint, make_site

from privacylint import cli

PROJECT_RULES = """\
version: 1
site:
  url: "https://alice.github.io/proj/"
statement:
  page: /privacy/
"""


def test_advice_for_a_project_site_carries_its_path(tmp_path):
    site = make_site(tmp_path / "site", {"index.html": '<a href="/privacy/">Privacy</a>',
                                         "privacy/index.html": "<h1>Privacy</h1>"})
    [finding] = lint(site, PROJECT_RULES).findings
    assert finding.check == "PL302"
    assert finding.message.endswith('(a footer link <a href="/proj/privacy/">Privacy</a> is usual).')
    (site / "index.html").write_text('<a href="/proj/privacy/">Privacy</a>')
    assert lint(site, PROJECT_RULES).findings == []


def test_only_a_link_a_visitor_can_see_and_follow_links_the_statement(tmp_path):
    hidden = ['<link rel="privacy-policy" href="/privacy/">',
              '<div hidden><a href="/privacy/">Privacy</a></div>',
              '<div aria-hidden="true"><p><a href="https://example.org/privacy/">Privacy</a></p></div>',
              '<footer style="color: red; DISPLAY : None"><a href="/privacy/">Privacy</a></footer>',
              '<template><a href="/privacy/">Privacy</a></template>']
    for markup in hidden:
        site = make_site(tmp_path / "site", {"index.html": markup, "privacy/index.html": "<h1>P</h1>"})
        assert [f.check for f in lint(site).findings] == ["PL302"], markup
    for markup in ('<footer><a href="/privacy/">Privacy</a></footer>',
                   '<div style="display: block"><a href="https://example.org/privacy/">Privacy</a></div>'):
        site = make_site(tmp_path / "site", {"index.html": markup, "privacy/index.html": "<h1>P</h1>"})
        assert lint(site).findings == [], markup


def test_the_decode_message_reads_as_a_sentence(tmp_path):
    site = make_site(tmp_path / "site", {"index.html": b'<meta charset="utf-8"><a href="/privacy/">caf\xe9</a>',
                                         "privacy/index.html": "<h1>P</h1>"})
    [finding] = lint(site).findings
    assert finding.message == (
        "some bytes are not valid utf-8 (the charset it declares) and were replaced, the first at byte 45; the "
        "rest of the file is still checked. To fix it, save it in the encoding it declares, or declare the one "
        "it is saved in.")


def test_a_policy_error_names_the_file_and_how_it_was_found(tmp_path, monkeypatch, capsys):
    make_site(tmp_path / "_site", {"index.html": "<p>x</p>"})
    (tmp_path / "rules.yaml").write_text("rules:\n  - id: no-eval\n")  # another tool's rules.yaml
    monkeypatch.chdir(tmp_path / "_site")
    assert cli.main(["."]) == 2
    err = capsys.readouterr().err
    assert err.startswith("../rules.yaml:1:1: ")
    assert f"privacylint: ../rules.yaml was found by searching upward from {tmp_path / '_site'}; if it belongs to " \
           "another tool, give privacylint's own with --rules FILE." in err
    assert cli.main([".", "--rules", "../rules.yaml"]) == 2
    assert "searching upward" not in capsys.readouterr().err


def test_a_policy_file_copied_into_the_build_is_a_warning(tmp_path, monkeypatch, capsys):
    rules = "version: 1\nsite: {url: 'https://example.org/'}\nstatement: {page: /privacy/}\n"
    make_site(tmp_path / "_site", {"index.html": '<a href="/privacy/">P</a>', "privacy/index.html": "<h1>P</h1>",
                                   "rules.yaml": rules})
    (tmp_path / "rules.yaml").write_text(rules)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["_site", "-q"]) == 0
    assert capsys.readouterr().err == (
        "privacylint: warning: _site/rules.yaml is in the built site, so the policy file is published with it. "
        "Jekyll copies every file it does not exclude: add `exclude: [rules.yaml]` to _config.yml.\n")


def test_the_documented_hook_config_builds_first_and_always_runs():
    from ruamel.yaml import YAML

    from test_release import _block

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    repos = YAML(typ="safe").load(_block("2. Keep it in", "yaml"))["repos"]
    hooks = [hook for repo in repos for hook in repo["hooks"]]
    assert [h["id"] for h in hooks] == ["build-site", "privacylint"]  # the build first
    assert all(h.get("always_run") is True for h in hooks)
    troubleshooting = readme.split("## Troubleshooting\n", 1)[1].split("\n## ", 1)[0]
    for topic in ("always_run", "exclude: [rules.yaml]", "--rules FILE", "stale build"):
        assert topic in troubleshooting, topic
