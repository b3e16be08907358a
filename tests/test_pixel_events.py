"""Pixel events decoded in the inventory (issue 25): which account and event a page reports to an
advertising or analytics pixel, from the vendor's documented query parameters (the catalogue's
`pixel_events`), whether the request is in the markup or was recorded by a browser."""

from __future__ import annotations

import json

from conftest import lint, make_site

from privacylint import cli

RULES = "version: 1\nsite: {url: 'https://example.org/'}\nstatement: {page: /privacy/}\n"
PAGE = ('<a href="/privacy/">Privacy</a>\n'
        '<noscript><img src="https://www.facebook.com/tr?id=1234567890&ev=PageView&noscript=1"></noscript>\n'
        '<img src="https://px.ads.linkedin.com/collect/?pid=555&conversionId=777&fmt=gif">\n'
        '<img src="https://www.google-analytics.com/g/collect?v=2&tid=G-ABC&en=page_view">\n'
        '<img src="https://www.facebook.com/tr/?id=1234567890&ev=PageView">\n'
        '<script src="https://connect.facebook.net/en_US/fbevents.js"></script>\n')


def _events(inventory: dict) -> list[tuple]:
    return [(e["vendor"], e["id"], e["event"], e["pages"], e["evidence"], e["first"]["line"])
            for e in inventory["pixel_events"]]


def test_pixel_requests_in_the_markup_are_decoded(tmp_path):
    site = make_site(tmp_path / "site", {"index.html": PAGE, "blog/index.html": PAGE, "privacy/index.html": "<h1>P</h1>"})
    result = lint(site, RULES)
    assert _events(result.inventory) == [
        ("google-analytics", "G-ABC", "page_view", 2, ["static"], 4),
        ("linkedin-insight", "555", "777", 2, ["static"], 3),
        ("meta-pixel", "1234567890", "PageView", 2, ["static"], 2),  # /tr and /tr/: one event
    ]


def test_a_script_url_or_another_path_of_the_vendor_is_no_event(tmp_path):
    page = ('<a href="/privacy/">P</a><script src="https://connect.facebook.net/en_US/fbevents.js"></script>'
            '<img src="https://www.google-analytics.com/analytics.js?tid=UA-1-1&t=pageview">')
    site = make_site(tmp_path / "site", {"index.html": page, "privacy/index.html": "<h1>P</h1>"})
    assert lint(site, RULES).inventory["pixel_events"] == []


def test_an_event_a_browser_recorded_is_decoded_with_its_evidence(tmp_path, monkeypatch, capsys):
    make_site(tmp_path / "_site", {"index.html": '<a href="/privacy/">P</a>', "privacy/index.html": "<h1>P</h1>"})
    (tmp_path / "rules.yaml").write_text(RULES)
    har = {"log": {"version": "1.2", "pages": [{"id": "home", "title": "https://example.org/"}],
                   "entries": [{"pageref": "home", "request": {"method": "GET",
                                "url": "https://www.facebook.com/tr/?id=42&ev=Purchase&cd[value]=9"},
                                "response": {"status": 200, "headers": []}, "_resourceType": "image"}]}}
    (tmp_path / "s.har").write_text(json.dumps(har))
    monkeypatch.chdir(tmp_path)
    cli.main(["_site", "--har", "s.har", "--format", "json", "--no-cache"])
    inventory = json.loads(capsys.readouterr().out)["inventory"]
    assert _events(inventory) == [("meta-pixel", "42", "Purchase", 1, ["har"], 0)]
