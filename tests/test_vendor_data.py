"""Vendor knowledge is data: a new consent manager or an embed with a privacy mode is a catalogue
entry, and the code that reads the catalogue names no vendor."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BASE_RULES, found, lint, make_site

import privacylint
from privacylint.vendors import catalogue

PACKAGE = Path(privacylint.__file__).resolve().parent
GA_SRC = "https://www.googletagmanager.com/gtag/js?id=G-TEST1"

NEW_ENTRIES = """
  - id: example-cmp
    name: "Example CMP"
    owner: "Example"
    category: consent-manager
    hosts: ["cmp.example-cmp.test"]
    consent: not-required
    consent_categories: {essential: necessary, measure: statistics, video: marketing}
    gate_markup:
      script_attributes: [data-example-consent]
      embed_attributes: [data-example-consent]
      category_attributes: [data-example-consent]
      deferred_url_attributes: [data-example-src]
      example: '<script type="text/plain" data-example-consent="measure" src="...">'
    sources: ["https://cmp.example-cmp.test/docs"]

  - id: example-video
    name: "Example Video"
    owner: "Example"
    category: embed
    hosts: ["video.example-video.test"]
    consent: required
    privacy_variant:
      advice: "add private=1 to the player URL"
      embeds: {path: /player/}
      mode: {query: {private: "1"}}
      fix: "add private=1 to {path}"
    sources: ["https://video.example-video.test/docs"]
"""


def _package_with(tmp_path: Path, extra: str) -> Path:
    """A copy of the package whose catalogue has `extra` appended (vendors.json is left out, so
    the YAML is read)."""
    root = tmp_path / "pkg"
    shutil.copytree(PACKAGE, root / "privacylint", ignore=shutil.ignore_patterns("__pycache__", "vendors.json"))
    yaml = root / "privacylint/data/vendors.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return root


def test_a_new_consent_manager_and_privacy_mode_are_catalogue_entries_only(tmp_path):
    package = _package_with(tmp_path, NEW_ENTRIES)
    site = make_site(tmp_path / "site", {
        "index.html": f'<script type="text/plain" data-example-consent="measure" src="{GA_SRC}"></script>\n'
                      '<iframe data-example-consent="video" data-example-src="https://video.example-video.test/player/1">'
                      '</iframe>\n<iframe src="https://video.example-video.test/player/2"></iframe>\n'
                      '<a href="/privacy/">P</a>',
        "privacy/index.html": "<h1>P</h1> Google Analytics, Example Video"})
    rules = tmp_path / "rules.yaml"
    rules.write_text(BASE_RULES + "collectors:\n  - {name: Google Analytics, vendor: google-analytics}\n"
                     "  - {name: Example Video, vendor: example-video}\ncookies:\n  - {name: \"*\"}\n")
    done = subprocess.run([sys.executable, "-m", "privacylint", str(site), "--rules", str(rules), "--format", "json",
                           "--no-cache"], capture_output=True, text=True, timeout=120, check=False,
                          env={"PYTHONPATH": str(package), "PATH": "/usr/bin:/bin"})
    report = json.loads(done.stdout)
    got = [(f["check"], f["line"], f["subject"]) for f in report["findings"]]
    # the gated script and frame are held back; the live frame is not; both frames lack the mode (one
    # finding per file and subject: the first)
    assert got == [("PL105", 2, "video.example-video.test"), ("PL102", 3, "video.example-video.test")], done.stderr
    pl105 = next(f for f in report["findings"] if f["check"] == "PL105")
    assert pl105["message"].endswith("Example Video has a privacy-enhanced mode; add private=1 to /player/1.")
    assert report["inventory"]["consent_managers"]


def test_without_the_entries_the_same_markup_holds_nothing(tmp_path):
    site = make_site(tmp_path / "site", {
        "index.html": f'<script type="text/plain" data-example-consent="measure" src="{GA_SRC}"></script>'
                      f'<script async src="{GA_SRC}"></script><a href="/privacy/">P</a>',
        "privacy/index.html": "<h1>P</h1>"})
    result = lint(site, BASE_RULES + "collectors:\n  - {name: Google Analytics, vendor: google-analytics}\n")
    assert found(result, "PL102") == [("PL102", "index.html", 1, "googletagmanager.com")]


@pytest.mark.parametrize("url, fix", [
    ("https://www.youtube.com/embed/x?rel=0", "embed it from https://www.youtube-nocookie.com/embed/x instead"),
    ("https://www.youtube-nocookie.com/embed/x", None),
    ("https://www.youtube.com/watch?v=x", None),
    ("https://player.vimeo.com/video/1", "add dnt=1 to the player URL"),
    ("https://player.vimeo.com/video/1?dnt=1", None),
    ("https://player.vimeo.com/video/1?dnt=1&dnt=1", "add dnt=1 to the player URL"),
    ("https://vimeo.com/1", None),
])
def test_privacy_modes_read_from_the_catalogue(url, fix):
    from urllib.parse import parse_qs, urlsplit

    vendor = catalogue().vendor_of(urlsplit(url).hostname, urlsplit(url).path)
    parts = urlsplit(url)
    assert vendor.privacy_mode.missing(parts.hostname, parts.path, parse_qs(parts.query)) == fix


def test_only_privacy_variants_with_a_fix_are_checked():
    checked = sorted(v.id for v in catalogue().vendors.values() if v.privacy_mode)
    assert checked == ["vimeo", "youtube"]
    assert catalogue().vendors["google-fonts"].privacy_variant.startswith("self-host")
    assert catalogue().vendors["youtube"].privacy_variant == "embed from www.youtube-nocookie.com (privacy-enhanced mode)"


def _string_constants(source: str) -> set[str]:
    return {n.value for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


@pytest.mark.parametrize("module", ["extract/consent.py", "checks/base.py", "checks/pl105_privacy_mode_available.py",
                                    "extract/__init__.py", "siteconfig.py", "extract/js/consent_code.py",
                                    "extract/js/loads.py", "extract/js/storage.py"])
def test_code_that_reads_vendor_knowledge_names_no_vendor(module):
    source = (PACKAGE / module).read_text(encoding="utf-8")
    assert not _string_constants(source) & set(catalogue().vendors)


def test_every_consent_manager_with_markup_has_an_example():
    for vendor_id, markup in catalogue().gate_markups:
        assert markup.example or markup.autoblockers, vendor_id
