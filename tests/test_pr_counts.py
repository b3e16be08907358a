"""Counts a reviewer reads: how many pages load a script (issue 23, "Counts")."""

from __future__ import annotations

from conftest import lint, make_site

RULES = """\
version: 1
site: {url: "https://example.org/"}
statement: {page: /privacy/}
"""


def test_x_html_and_x_index_html_count_as_two_pages_loading_a_script(tmp_path):
    """`docs/a.html` and `docs/a/index.html` are one page key (one URL), but two page files a
    visitor can reach; a tracker in a .js file both load is on both (Docusaurus v1 writes both)."""
    loader = '<a href="/privacy/">P</a><script src="/js/t.js"></script>'
    files = {"index.html": loader, "privacy/index.html": "<h1>P</h1>", "js/t.js":
             'var s = document.createElement("script"); s.src = "https://tracker.example.net/t.js";'
             "document.head.appendChild(s);\n"}
    for name in ("docs/a", "docs/b", "docs/c"):
        files[f"{name}.html"] = loader
        files[f"{name}/index.html"] = loader
    site = make_site(tmp_path / "site", files)
    [tracker] = [c for c in lint(site, RULES).inventory["collectors"] if c["site"] == "example.net"]
    assert tracker["pages"] == 7 and tracker["gates"] == {"ungated": 7}
