"""Only what a page runs counts (issue 20): a stylesheet or script no page loads, directly, through
@import or through another loaded script, yields no finding; the inventory lists what it holds."""

from __future__ import annotations

import pytest
from conftest import BASE_RULES, found, lint, make_site

FONTS = '@import url("https://fonts.googleapis.com/css2?family=Lato");\nbody{color:red}'
HOME = '<a href="/privacy/">P</a>'


def _lint(tmp_path, files: dict):
    site = make_site(tmp_path / "site", {"privacy/index.html": "<h1>P</h1>", **files})
    return lint(site, BASE_RULES)


def test_unused_theme_stylesheets_give_no_finding_and_are_listed(tmp_path):
    """Bootswatch ships every theme; the site links one."""
    files = {"index.html": HOME + '<link rel="stylesheet" href="/css/themes/flatly.min.css">',
             "css/themes/flatly.min.css": "body{color:blue}"}
    files |= {f"css/themes/{name}.min.css": FONTS for name in ("darkly", "lux", "slate")}
    result = _lint(tmp_path, files)
    assert found(result) == []
    assert [(e["path"], e["contacts"]) for e in result.inventory["not_loaded"]] == [
        (f"css/themes/{name}.min.css", ["fonts.googleapis.com"]) for name in ("darkly", "lux", "slate")]


def test_what_pages_load_counts_through_imports_and_scripts(tmp_path):
    result = _lint(tmp_path, {
        "index.html": HOME + '<link rel="stylesheet" href="/css/main.css"><script src="/js/boot.js"></script>',
        "css/main.css": '@import "parts/fonts.css";',
        "css/parts/fonts.css": FONTS,
        "js/boot.js": "var s = document.createElement('script'); s.src = '/js/late.js'; document.head.appendChild(s);",
        "js/late.js": "localStorage.setItem('late', 1);",
    })
    assert sorted(found(result)) == [("PL101", "css/parts/fonts.css", 1, "fonts.googleapis.com"),
                                     ("PL201", "js/late.js", 1, "late")]
    assert result.inventory["not_loaded"] == []


@pytest.mark.parametrize("loader", [
    # a bundler's runtime: the chunk's URL is computed, so any script of the site may be loaded
    "var s = document.createElement('script'); s.src = __webpack_require__.p + chunkName(id); document.head.append(s);",
    "import(base + '/chunk.js');",
    # a theme switcher: a folder is named, every file in it may be loaded
    "var l = document.createElement('link'); l.rel = 'stylesheet'; l.href = '/js/' + theme + '.js'; head.append(l);",
    # the file is named in code
    "loadLater('js/chunk.js');",
])
def test_a_file_the_code_may_load_still_counts(tmp_path, loader):
    result = _lint(tmp_path, {"index.html": HOME + '<script src="/app.js"></script>',
                              "app.js": loader, "js/chunk.js": "localStorage.setItem('chunk', 1);"})
    assert found(result, "PL201") == [("PL201", "js/chunk.js", 1, "chunk")]


def test_a_script_no_page_loads_gives_no_finding(tmp_path):
    """Elementor's editor bundle sits in the build; no page of the site loads it."""
    result = _lint(tmp_path, {"index.html": HOME, "wp-content/editor.min.js":
                              "localStorage.setItem('elementor', 1); fetch('https://www.google-analytics.com/g/collect');"})
    assert found(result) == []
    assert result.inventory["not_loaded"] == [{"path": "wp-content/editor.min.js",
                                               "contacts": ["www.google-analytics.com"],
                                               "writes": ["local:elementor"]}]
