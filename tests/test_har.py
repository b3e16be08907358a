"""--har: a HAR 1.2 file's requests and response cookies as facts of the pages it covers."""

from __future__ import annotations

import json

from conftest import make_site

from privacylint import cli

RULES = "version: 1\nsite: {url: 'https://example.org/'}\nstatement: {page: /privacy/}\n"


def har(entries: list[tuple[str, str, list]]) -> dict:
    return {"log": {"version": "1.2", "creator": {"name": "test", "version": "1"},
                    "pages": [{"id": "home", "title": "https://example.org/"},
                              {"id": "blog", "title": "https://example.org/blog/"}],
                    "entries": [{"pageref": page, "request": {"method": "GET", "url": url},
                                 "response": {"status": 200, "headers": headers}, "_resourceType": "script"}
                                for page, url, headers in entries]}}


def test_a_har_adds_what_the_recorded_browser_saw(tmp_path, monkeypatch, capsys):
    make_site(tmp_path / "_site", {"index.html": '<a href="/privacy/">P</a>', "privacy/index.html": "<h1>P</h1>",
                                   "blog/index.html": "<p>blog</p>"})
    (tmp_path / "rules.yaml").write_text(RULES)
    (tmp_path / "session.har").write_text(json.dumps(har([
        ("home", "https://example.org/", [{"name": "Set-Cookie", "value": "session_id=1; Path=/"}]),
        ("blog", "https://connect.facebook.net/en_US/fbevents.js", []),
        ("blog", "https://elsewhere.org/not-a-page-of-the-site", []),
    ])))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["_site", "--har", "session.har", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [(f["check"], f["path"], f["subject"], f["evidence"]) for f in doc["findings"]] == [
        ("PL101", "blog/index.html", "elsewhere.org", "har"),
        ("PL101", "blog/index.html", "facebook.net", "har"),
        ("PL201", "index.html", "session_id", "har"),
    ]
    assert doc["findings"][1]["message"].startswith("recorded in a HAR: script https://connect.facebook.net/")


def test_a_file_that_is_not_a_har_is_a_usage_error(tmp_path, monkeypatch, capsys):
    make_site(tmp_path / "_site", {"index.html": '<a href="/privacy/">P</a>', "privacy/index.html": "<h1>P</h1>"})
    (tmp_path / "rules.yaml").write_text(RULES)
    (tmp_path / "x.har").write_text('{"log": {}}')
    monkeypatch.chdir(tmp_path)
    assert cli.main(["_site", "--har", "x.har"]) == 2
    assert capsys.readouterr().err == "privacylint: --har x.har: not a HAR 1.2 file (TypeError: log.entries is not a list)\n"
