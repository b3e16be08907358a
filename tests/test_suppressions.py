"""Inline directives, ignore entries and the baseline: what they suppress, and PL901-PL903."""

from __future__ import annotations

import json

from conftest import BASE_RULES, found, lint, make_site

from privacylint import cli

PIXEL = '<img src="https://px.example.net/p.gif">'


def site_with(tmp_path, body: str, **more):
    return make_site(tmp_path / "site", {"index.html": f"<html><body>{body}\n<a href='/privacy/'>P</a></body></html>",
                                         "privacy/index.html": "<h1>P</h1>", **more})


def test_attribute_on_an_ancestor_covers_what_it_contains(tmp_path):
    site = site_with(tmp_path, f'<section data-privacylint-ignore="PL101: partner widget, disclosed on /partners/">\n'
                               f'<div>{PIXEL}</div></section>\n{PIXEL.replace("px.", "other.")}')
    result = lint(site)
    assert found(result) == [("PL101", "index.html", 3, "example.net")]
    assert [(s.finding.line, s.kind, s.source) for s in result.suppressed] == [(2, "inline", f"{site}/index.html:1")]


def test_comment_directive_covers_the_next_element_only(tmp_path):
    site = site_with(tmp_path, f"<!-- privacylint-ignore PL101: legacy pixel, removal planned -->\n<p>{PIXEL}</p>\n"
                               f"<p>{PIXEL.replace('px.', 'b.')}</p>")
    assert found(lint(site)) == [("PL101", "index.html", 3, "example.net")]


def test_directive_on_body_or_before_the_document_covers_the_file(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": f"<!-- privacylint-ignore PL302: a landing page without the footer -->\n<html><body>{PIXEL}</body></html>",
        "b.html": f'<html><body data-privacylint-ignore="PL101: archived page">\n{PIXEL}</body></html>',
        "privacy/index.html": "<h1>P</h1>"})
    assert found(lint(site)) == [("PL101", "index.html", 2, "example.net")]


def test_directive_for_another_check_does_not_apply(tmp_path):
    site = site_with(tmp_path, f'<div data-privacylint-ignore="PL105: not this one">{PIXEL}</div>')
    assert sorted(found(lint(site))) == [("PL101", "index.html", 1, "example.net"), ("PL901", "index.html", 1, "PL105")]


def test_reasonless_and_unknown_directives(tmp_path):
    site = site_with(tmp_path, f'<div data-privacylint-ignore="PL101">{PIXEL}</div>\n'
                               '<p data-privacylint-ignore="PL777: typo">x</p>')
    assert sorted(found(lint(site))) == [("PL101", "index.html", 1, "example.net"), ("PL901", "index.html", 2, "PL777"),
                                         ("PL903", "index.html", 1, "PL101")]


def test_unused_suppressions_of_checks_that_did_not_run_are_not_judged(tmp_path):
    site = site_with(tmp_path, '<p data-privacylint-ignore="PL105: talk embeds">x</p>')
    rules = BASE_RULES + "ignore:\n  - {check: PL104, reason: old CDN}\n"
    every = lint(site, rules)
    assert [(f.check, f.line, f.subject) for f in every.findings] == [("PL901", 7, "PL104"), ("PL901", 1, "PL105")]
    assert lint(site, rules, enabled=frozenset({"PL101", "PL901"})).findings == []


def test_baseline_adoption_then_one_new_collector(tmp_path, monkeypatch, capsys):
    site = site_with(tmp_path, PIXEL, **{"blog/a.html": '<iframe src="https://www.youtube.com/embed/x"></iframe>'})
    (tmp_path / "rules.yaml").write_text(BASE_RULES)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["site"]) == 1
    assert cli.main(["site", "--write-baseline", "baseline.json"]) == 0
    baseline = json.loads((tmp_path / "baseline.json").read_text())
    assert {(e["check"], e["subject"]) for e in baseline["findings"]} == {
        ("PL101", "example.net"), ("PL101", "youtube.com"), ("PL105", "youtube.com")}
    capsys.readouterr()
    assert cli.main(["site", "--baseline", "baseline.json"]) == 0
    # lines move, and one page gains a collector the baseline does not know
    (site / "index.html").write_text(f"<html><body>\n\n<p>moved</p>{PIXEL}\n"
                                     '<script src="https://static.hotjar.com/c/hotjar-1.js"></script>\n'
                                     "<a href='/privacy/'>P</a></body></html>")
    capsys.readouterr()
    assert cli.main(["site", "--baseline", "baseline.json", "--format", "concise"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "site/index.html:4:1: PL101 [error] <script src> https://static.hotjar.com/c/hotjar-1.js contacts "
        "static.hotjar.com: Hotjar (session-replay) that no collector in rules.yaml declares. Declare it under "
        "collectors: (name as the statement names it, vendor: hotjar) or stop loading it."]


def test_a_stale_baseline_entry_is_reported_and_rewriting_drops_only_it(tmp_path, monkeypatch, capsys):
    site = site_with(tmp_path, PIXEL, **{"blog/a.html": '<iframe src="https://www.youtube.com/embed/x"></iframe>'})
    (tmp_path / "rules.yaml").write_text(BASE_RULES)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["site", "--write-baseline", "baseline.json"]) == 0
    text = (tmp_path / "baseline.json").read_text()
    entries = {(e["check"], e["subject"]): e["fingerprint"] for e in json.loads(text)["findings"]}
    line = {key: text[:text.index(fp)].count("\n") + 1 for key, fp in entries.items()}
    (site / "blog" / "a.html").write_text("<p>The video is gone.</p>")
    capsys.readouterr()
    assert cli.main(["site", "--baseline", "baseline.json", "--format", "concise", "--fail-on", "warning"]) == 1
    fixed = "matched no finding: it was fixed. Remove it, or rewrite the baseline: privacylint ... --baseline " \
            "baseline.json --write-baseline baseline.json"
    assert capsys.readouterr().out.splitlines() == sorted(
        (f"baseline.json:{line[check, 'youtube.com']}: PL901 [warning] baseline entry for {check} "
         f"(site/blog/a.html, youtube.com) {fixed}" for check in ("PL101", "PL105")),
        key=lambda out: int(out.split(":")[1]))
    assert cli.main(["site", "--baseline", "baseline.json", "--write-baseline", "baseline.json"]) == 0
    kept = {(e["check"], e["subject"]) for e in json.loads((tmp_path / "baseline.json").read_text())["findings"]}
    assert kept == {("PL101", "example.net")}  # held back by the old baseline and still there: kept
    assert cli.main(["site", "--baseline", "baseline.json", "--fail-on", "note"]) == 0


def test_bad_baseline_file_is_a_usage_error(tmp_path, monkeypatch, capsys):
    site_with(tmp_path, PIXEL)
    (tmp_path / "rules.yaml").write_text(BASE_RULES)
    (tmp_path / "baseline.json").write_text("{not json")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["site", "--baseline", "baseline.json"]) == 2
    assert "not a privacylint baseline" in capsys.readouterr().err


def test_exit_zero_never_hides_exit_2(tmp_path, monkeypatch):
    site_with(tmp_path, PIXEL)
    (tmp_path / "rules.yaml").write_text(BASE_RULES)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["site", "--exit-zero"]) == 0
    (tmp_path / "rules.yaml").write_text("version: 3\n")
    assert cli.main(["site", "--exit-zero"]) == 2


def test_a_suppression_without_a_colon_says_the_syntax(tmp_path):
    from conftest import lint, make_site

    site = make_site(tmp_path / "site", {
        "index.html": '<a href="/privacy/">P</a><div data-privacylint-ignore="PL105 - marketing wants the branded '
                      'player"><p>x</p></div>', "privacy/index.html": "<h1>P</h1>"})
    messages = [f.message for f in lint(site).findings if f.check == "PL901"]
    assert len(messages) == 1 and "check ids, a colon, then the reason" in messages[0]
    assert "MARKETING" not in messages[0]
