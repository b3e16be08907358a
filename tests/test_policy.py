"""rules.yaml: strict validation, every error at once with its position."""

from __future__ import annotations

import textwrap

import pytest
from conftest import REPO

from privacylint.checks import CHECK_IDS
from privacylint.policy import DEFAULT_FORBID_PARAMS, PolicyError, load_policy


def load(tmp_path, text: str):
    path = tmp_path / "rules.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_policy(path, CHECK_IDS)


def errors(tmp_path, text: str) -> list[str]:
    with pytest.raises(PolicyError) as info:
        load(tmp_path, text)
    return [f"{line}:{col}: {msg}" for line, col, msg in info.value.issues]


def test_three_mistakes_are_reported_together_with_positions(tmp_path):
    assert errors(tmp_path, """\
        version: 1
        site:
          url: https://example.org/
          homepag: /
        statement:
          page: /privacy/
        collectors:
          - name: Google Analytics
            vendor: google-analytic
        checks:
          PL101: fatal
        """) == [
        "4:3: unknown key 'homepag' in site (did you mean 'homepage'?)",
        "9:13: unknown vendor 'google-analytic' (did you mean 'google-analytics'?) "
        "(privacylint --list-vendors shows the catalogue)",
        "11:10: checks.PL101 must be one of off, error, warning, note",
    ]


def test_error_text_is_path_line_col(tmp_path):
    with pytest.raises(PolicyError) as info:
        load(tmp_path, "version: 2\nsite: {url: https://example.org/}\nstatement: {page: /p/}\n")
    assert str(info.value) == (f"{tmp_path}/rules.yaml:1:10: version must be the integer 1 (this privacylint reads "
                               "rules.yaml version 1), not 2")


def test_missing_required_sections_and_wrong_types(tmp_path):
    assert errors(tmp_path, """\
        version: 1
        site: {url: ftp://example.org/, first_party: github.io}
        collectors:
          - {name: A, consent: maybe}
          - just a string
        cookies: {name: _ga}
        """) == [
        "1:1: rules.yaml needs 'statement'",
        "2:13: site.url must be an http(s) URL with a host, not 'ftp://example.org/'",
        "2:46: site.first_party must be a list of strings",
        "4:5: collectors[0] needs 'vendor' or 'hosts' to say which requests it covers",
        "4:24: collectors[0].consent must be one of required, not-required, not 'maybe'",
        "5:5: collectors[1] must be a mapping",
        "6:10: cookies must be a list",
    ]


def test_hosts_checks_and_ignore_entries(tmp_path):
    assert errors(tmp_path, """\
        version: 1
        site: {url: https://example.org/}
        statement: {page: privacy, linked_from: footer, contact: nobody}
        collectors:
          - {name: CDN, hosts: [github.io, "https://cdn.example.net/"], loads: [Missing]}
          - {name: cdn, hosts: [cdn.example.net]}
        checks: {PL10: off}
        ignore:
          - {check: PL101, reason: "legacy", expires: someday}
          - {check: PL999}
        """) == [
        "3:19: statement.page must be a URL path starting with '/', or the http(s) URL of a statement published "
        "on another site, not 'privacy'",
        "3:41: statement.linked_from must be one of homepage, every-page, not 'footer'",
        "3:58: statement.contact must be an e-mail address, not 'nobody'",
        "5:25: 'github.io' is a public suffix, which would cover unrelated sites; name the host or site under it",
        "5:36: 'https://cdn.example.net/' is not a host or site (write it like cdn.example.com, "
        "*.example.com or example.com/path/)",
        "5:73: loads: 'Missing' is neither a declared collector nor a catalogue vendor",
        "6:12: collector 'cdn' is declared twice",
        "7:10: unknown check 'PL10' (did you mean 'PL110'?)",
        "9:47: ignore[0].expires must be a date that exists, like 2027-06-30, not 'someday'",
        "10:5: ignore[1] needs 'reason'",
        "10:13: unknown check 'PL999' (did you mean 'PL903'?)",
    ]


def test_yaml_syntax_and_duplicate_keys_are_positioned(tmp_path):
    assert errors(tmp_path, "version: 1\nsite: [unclosed\n") == ["3:1: invalid YAML: expected ',' or ']', but got '<stream end>'"]
    assert errors(tmp_path, "version: 1\nversion: 1\n")[0].startswith("2:1: invalid YAML: found duplicate key")


def test_not_a_mapping_and_not_utf8(tmp_path):
    assert errors(tmp_path, "- a list\n") == ["1:1: rules.yaml must be a mapping"]
    (tmp_path / "rules.yaml").write_bytes(b"version: 1\nsite: \xff\n")
    with pytest.raises(PolicyError, match="not UTF-8"):
        load_policy(tmp_path / "rules.yaml", CHECK_IDS)


def test_defaults(tmp_path):
    policy = load(tmp_path, "version: 1\nsite: {url: 'https://example.org/docs'}\nstatement: {page: /privacy/}\n")
    assert (policy.site_url, policy.homepage, policy.linked_from, policy.gates) == (
        "https://example.org/docs/", "/", "homepage", None)
    assert policy.forbid_params == DEFAULT_FORBID_PARAMS and "utm_source" not in policy.forbid_params


def test_repository_rules_yaml_is_valid_and_declares_google_analytics():
    policy = load_policy(REPO / "rules.yaml", CHECK_IDS)
    assert [c.vendor.id for c in policy.collectors] == ["google-analytics"]
    assert policy.contact == "privacy@kubevirt.io" and policy.statement_page == "/privacy/"
