"""What the site model keeps of each file once folded: what checks need, not every fact of every page."""

from __future__ import annotations

import textwrap

from conftest import BASE_RULES, CHECK_IDS, found, lint, make_site

from privacylint.extract import extract_file
from privacylint.policy import load_policy
from privacylint.site import Site
from privacylint.vendors import catalogue

PAGE = '<html><body><a href="/privacy/">Privacy</a>{scripts}</body></html>\n'
QUIET = '<script src="/js/quiet.js"></script>'
BUSY = '<script src="/js/busy.js"></script>'
FILES = {
    "a.html": PAGE.format(scripts=QUIET + BUSY),  # comes in before the scripts (path order)
    "index.html": PAGE.format(scripts=BUSY),
    "js/quiet.js": "function add(a, b) { return a + b; }\n",
    "js/busy.js": "document.cookie = 'tracked=1';\n",
    "privacy/index.html": "<h1>Privacy</h1>\n",
    "z.html": PAGE.format(scripts=QUIET + BUSY),  # comes in after them
}


def folded_site(tmp_path) -> Site:
    root = make_site(tmp_path / "site", FILES)
    rules = tmp_path / "rules.yaml"
    rules.write_text(textwrap.dedent(BASE_RULES), encoding="utf-8")
    policy = load_policy(rules, CHECK_IDS)
    site = Site(str(root), [], policy, catalogue(), {})
    for rel in sorted(FILES):
        site.add(extract_file(str(root / rel), rel, policy.site_url + rel, 1 << 20))
    site.settle()
    return site


def script_urls(site: Site, path: str) -> list[str]:
    page = next(f for f in site.files if f.path == path)
    return [r.url.rsplit("/", 1)[-1] for r in page.requests if r.kind.startswith("<script")]


def test_loads_of_a_script_with_no_fact_are_dropped_before_or_after_it_comes_in(tmp_path):
    site = folded_site(tmp_path)
    assert script_urls(site, "a.html") == ["busy.js"]
    assert script_urls(site, "z.html") == ["busy.js"]
    assert [p.path for p, _ in site.graph.script_loads["js/busy.js"]] == ["a.html", "index.html", "z.html"]


def test_the_layout_still_counts_the_dropped_scripts(tmp_path):
    """The browser pass loads one page per set of scripts: a quiet script still makes a layout."""
    site = folded_site(tmp_path)
    page = {f.path: f for f in site.files}
    assert site.graph.layout(page["a.html"]) == site.graph.layout(page["z.html"])
    assert site.graph.layout(page["a.html"]) != site.graph.layout(page["index.html"])


def test_what_a_busy_script_does_still_belongs_to_every_page_that_loads_it(tmp_path):
    result = lint(make_site(tmp_path / "site", FILES))
    assert ("PL201", "js/busy.js", 1, "tracked") in found(result)
