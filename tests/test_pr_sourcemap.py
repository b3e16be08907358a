"""--source on minified and single-line pages: each finding traced by its own URL or code at its
column, never by another URL that shares the built line (issue 23). Real builds where the
generator is at hand (Debian's hugo with --minify, mkdocs-material), and a Docusaurus v1 build in
the shape React's renderer writes it (one line per page)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_site, needs

from privacylint import cli
from privacylint.sourcemap import SourceMap

RULES = "version: 1\nsite: {url: 'https://example.org/'}\nstatement: {page: /privacy/}\n"


def lint_json(capsys, site: str, *extra: str) -> list[dict]:
    cli.main([site, "--source", ".", "--format", "json", "--no-cache", *extra])
    return json.loads(capsys.readouterr().out)["findings"]


def url_of(message: str) -> str | None:
    """The finding's URL as its message shows it (a long one cut at `…`), without its scheme."""
    m = re.search(r"https?:(//\S+)", message)
    return m.group(1).split("…")[0].rstrip(":,") if m else None


def assert_each_lands_on_its_url(findings: list[dict]) -> None:
    """Every finding traced to a source line is on a line holding its URL; one not traced stays on
    its built file and says why."""
    assert findings
    for f in findings:
        if f["origin"]:
            line = Path(f["origin"]["path"]).read_text(encoding="utf-8").split("\n")[f["origin"]["line"] - 1]
            url = url_of(f["message"])
            if url:
                assert url.split("{")[0] in html.unescape(line), (f["check"], f["message"], f["origin"], line)
        elif f["line"]:
            assert f["unmapped"], f


# --- Hugo, minified ------------------------------------------------------------------------

HUGO_SITE = {
    "hugo.toml": 'baseURL = "https://example.org/"\ntitle = "Example"\n'
                 'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
                 "[markup.goldmark.renderer]\nunsafe = true\n",
    "layouts/_default/baseof.html": """\
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>{{ .Title }}</title>
        {{ partial "scripts.html" . }}
        </head>
        <body>
        <nav><a href="https://github.com/example/site">GitHub</a> <a href="https://twitter.com/example">Twitter</a></nav>
        {{ block "main" . }}{{ end }}
        <footer><a href="/privacy/">Privacy</a></footer>
        </body>
        </html>
        """,
    "layouts/partials/scripts.html": """\
        <link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.0.0/css/bootstrap.min.css">
        <script src="https://code.jquery.com/jquery-3.2.1.slim.min.js"></script>
        <script src="https://maxcdn.bootstrapcdn.com/bootstrap/4.0.0/js/bootstrap.min.js"></script>
        """,
    "layouts/_default/single.html": '{{ define "main" }}<main>{{ .Content }}</main>{{ end }}\n',
    "layouts/_default/list.html": '{{ define "main" }}<main>{{ .Content }}</main>{{ end }}\n',
    "layouts/index.html": '{{ define "main" }}<main><h1>Home</h1>{{ .Content }}</main>{{ end }}\n',
    "content/_index.md": "---\ntitle: Home\n---\nWelcome. See [the docs](https://docs.example.com/start/).\n\n"
                         '<iframe src="https://www.youtube.com/embed/abc123"></iframe>\n',
    "content/privacy.md": "---\ntitle: Privacy\nurl: /privacy/\n---\nWe use no trackers.\n",
    "content/posts/hello.md": "---\ntitle: Hello\n---\nShared on [LinkedIn](https://www.linkedin.com/feed/update/1/"
                              "?fbclid=IwAR0x) and [GitHub](https://github.com/example/site).\n",
    "rules.yaml": RULES,
}


@pytest.fixture
def hugo() -> str:
    path = shutil.which("hugo")
    needs("hugo", path is not None, "install it with: apt-get install hugo", "hugo")
    return path


def test_a_minified_hugo_build_lands_every_annotation_on_the_line_of_its_url(tmp_path, monkeypatch, capsys, hugo):
    source = make_site(tmp_path / "site", HUGO_SITE)
    subprocess.run([hugo, "--minify", "--quiet", "-s", str(source), "-d", str(source / "public")],
                   check=True, capture_output=True, timeout=300)
    assert (source / "public" / "index.html").read_text().count("\n") <= 2  # minified: the page is a line or two
    monkeypatch.chdir(source)
    findings = lint_json(capsys, "public")
    assert_each_lands_on_its_url(findings)
    where = {(f["check"], f["subject"]): f["origin"] and (f["origin"]["path"], f["origin"]["line"]) for f in findings}
    assert where[("PL101", "jquery.com")] == ("layouts/partials/scripts.html", 2)  # not the Bootstrap line
    assert where[("PL101", "bootstrapcdn.com")] == ("layouts/partials/scripts.html", 1)
    assert where[("PL101", "youtube.com")] == ("content/_index.md", 6)  # not the layout's {{ .Content }}
    assert where[("PL401", "fbclid")] == ("content/posts/hello.md", 4)
    cli.main(["public", "--source", ".", "--format", "github", "--no-cache"])
    annotated = {line.split(",")[0] for line in capsys.readouterr().out.splitlines() if line.startswith("::")}
    assert annotated == {"::error file=content/_index.md", "::warning file=content/_index.md",
                         "::warning file=content/posts/hello.md", "::error file=layouts/partials/scripts.html"}


# --- MkDocs Material -----------------------------------------------------------------------

def test_a_mkdocs_material_build_traces_content_and_keeps_the_themes_own_lines(tmp_path, monkeypatch, capsys):
    try:
        import material  # noqa: F401
        present = True
    except ImportError:
        present = False
    needs("mkdocs-material", present, "install it with: pip install mkdocs-material", "mkdocs-material")
    source = make_site(tmp_path / "site", {
        "mkdocs.yml": "site_name: Example\nsite_url: https://example.org/\ntheme:\n  name: material\n"
                      "extra:\n  analytics:\n    provider: google\n    property: G-MKDOCS01\n",
        "docs/index.md": "# Home\n\nSee [the thread](https://www.linkedin.com/feed/update/1/?fbclid=IwAR0x) and "
                         "[GitHub](https://github.com/example/site).\n\n"
                         '<iframe src="https://www.youtube.com/embed/abc123"></iframe>\n\n[Privacy](privacy.md)\n',
        "docs/privacy.md": "# Privacy\n",
        "rules.yaml": RULES})
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(source / "mkdocs.yml")],
                   check=True, capture_output=True, timeout=300, env=os.environ | {"NO_MKDOCS_2_WARNING": "1"})
    monkeypatch.chdir(source)
    findings = lint_json(capsys, "site", "--select", "PL1,PL4")
    assert_each_lands_on_its_url(findings)
    traced = {(f["check"], f["subject"]): f["origin"]["path"] for f in findings if f["origin"]}
    assert traced == {("PL101", "youtube.com"): "docs/index.md", ("PL105", "youtube.com"): "docs/index.md",
                      ("PL401", "fbclid"): "docs/index.md"}
    kept = {(f["check"], f["subject"], f["unmapped"]) for f in findings if f["path"] == "index.html"
            and not f["origin"]}
    assert ("PL101", "googletagmanager.com",
            "no source line holds its URL www.googletagmanager.com/gtag/js?id=G-MKDOCS01") in kept  # the theme's


# --- Docusaurus v1: React writes each page as one line -------------------------------------

SITE_CONFIG = """\
const siteConfig = {
  title: 'Example',
  url: 'https://example.io',
  baseUrl: '/',
  gaTrackingId: 'UA-12345-1',
  headerLinks: [{href: 'https://github.com/example/site', label: 'GitHub'}],
  stylesheets: [
    'https://maxcdn.bootstrapcdn.com/bootstrap/4.0.0/css/bootstrap.min.css',
  ],
  scripts: [
    'https://code.jquery.com/jquery-3.2.1.slim.min.js',
    'https://maxcdn.bootstrapcdn.com/bootstrap/4.0.0/js/bootstrap.min.js',
  ],
};
module.exports = siteConfig;
"""


def docusaurus_page(body: str) -> str:
    """A page as Docusaurus v1's renderToStaticMarkup writes it: one line, header links, the
    siteConfig stylesheets and scripts, Google Analytics from gaTrackingId."""
    return ('<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/><title>Example</title>'
            '<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.0.0/css/bootstrap.min.css"/>'
            "<script>(function(i,s,o,g,r,a,m){i['GoogleAnalyticsObject']=r;i[r]=i[r]||function(){(i[r].q=i[r].q"
            "||[]).push(arguments)},i[r].l=1*new Date();a=s.createElement(o),m=s.getElementsByTagName(o)[0];"
            "a.async=1;a.src=g;m.parentNode.insertBefore(a,m)})(window,document,'script',"
            "'https://www.google-analytics.com/analytics.js','ga');ga('create', 'UA-12345-1', 'auto');"
            "ga('send', 'pageview');</script>"
            '<script type="text/javascript" src="https://code.jquery.com/jquery-3.2.1.slim.min.js"></script>'
            '<script type="text/javascript" src="https://maxcdn.bootstrapcdn.com/bootstrap/4.0.0/js/bootstrap.min.js">'
            '</script></head><body><div class="fixedHeaderContainer"><a href="https://github.com/example/site">'
            f'GitHub</a></div><div class="container">{body}</div><footer><a href="/privacy">Privacy</a></footer>'
            "</body></html>")


def test_a_docusaurus_v1_build_traces_each_script_to_its_own_config_line(tmp_path, monkeypatch, capsys):
    intro = ('<p>Clone <a href="https://github.com/example/site">the repository</a>.</p>'
             '<iframe src="https://www.youtube.com/embed/xyz"></iframe>')
    source = make_site(tmp_path / "repo", {
        "website/siteConfig.js": SITE_CONFIG,
        "website/package.json": '{"devDependencies": {"docusaurus": "^1.14.7"}}\n',
        "docs/intro.md": "---\nid: intro\ntitle: Intro\n---\nClone [the repository](https://github.com/example/site).\n\n"
                         '<iframe src="https://www.youtube.com/embed/xyz"></iframe>\n',
        "docs/install.md": "---\nid: install\ntitle: Install\n---\nSee https://github.com/example/site for the code.\n",
        "website/build/site/index.html": docusaurus_page("<h1>Example</h1>"),
        "website/build/site/docs/intro.html": docusaurus_page(intro),
        "website/build/site/docs/intro/index.html": docusaurus_page(intro),
        "website/build/site/privacy.html": docusaurus_page("<h1>Privacy</h1>"),
        "rules.yaml": RULES.replace("example.org", "example.io"),
    })
    monkeypatch.chdir(source)
    findings = lint_json(capsys, "website/build/site")
    assert_each_lands_on_its_url(findings)
    config = SITE_CONFIG.split("\n")
    origins = {(f["check"], f["subject"], f["path"]): f["origin"] and
               (f["origin"]["path"], config[f["origin"]["line"] - 1].strip() if f["origin"]["path"].endswith(".js")
                else f["origin"]["line"]) for f in findings}
    assert origins[("PL101", "jquery.com", "index.html")] == (
        "website/siteConfig.js", "'https://code.jquery.com/jquery-3.2.1.slim.min.js',")
    assert origins[("PL101", "bootstrapcdn.com", "index.html")] == (
        "website/siteConfig.js", "'https://maxcdn.bootstrapcdn.com/bootstrap/4.0.0/css/bootstrap.min.css',")
    assert origins[("PL101", "youtube.com", "docs/intro.html")] == ("docs/intro.md", 7)
    ga = next(f for f in findings if f["subject"] == "google-analytics.com" and f["path"] == "index.html")
    assert ga["origin"] is None and ga["unmapped"].startswith("no source line holds its URL www.google-analytics.com")
    assert not [f for f in findings if f["origin"] and f["origin"]["path"] == "docs/install.md"]


# --- the rules, one by one -----------------------------------------------------------------

def test_several_source_lines_with_the_url_are_no_certainty_unless_one_is_the_page_s_own(tmp_path):
    source = make_site(tmp_path / "src", {
        "_posts/2024-01-01-one.md": "Read [it](https://example.net/a?fbclid=x).\n",
        "_posts/2024-02-01-two.md": "Also [it](https://example.net/a?fbclid=x).\n",
        "_site/x.html": ""})
    mapper = SourceMap(str(source), exclude=[str(source / "_site")])
    line = '<p>Read <a href="https://example.net/a?fbclid=x">it</a>.</p>'
    column = line.index("<a") + 1
    assert mapper.locate(line, column, page="2024/01/01/one/index.html").origin.path.endswith("2024-01-01-one.md")
    trace = mapper.locate(line, column, page="about/index.html")
    assert trace.origin is None and trace.why == "2 source lines hold its URL example.net/a?fbclid=x"


def test_a_busy_line_without_a_column_is_not_guessed(tmp_path):
    source = make_site(tmp_path / "src", {"a.md": "[x](https://a.example.net/)\n", "b.md": "[y](https://b.example.net/)\n"})
    mapper = SourceMap(str(source), exclude=[])
    busy = '<p><a href="https://a.example.net/">x</a> <a href="https://b.example.net/">y</a></p>'
    assert mapper.locate(busy).origin is None
    assert mapper.locate(busy, busy.index("<a href=\"https://b") + 1).origin.path.endswith("b.md")


def test_a_snippet_is_traced_by_its_code_and_a_template_only_by_its_own_text(tmp_path):
    source = make_site(tmp_path / "src", {
        "_includes/ga.html": "<script>\n  gtag('config', '{{ site.ga }}');\n</script>\n",
        "_layouts/default.html": "<body><main>{{ content }}</main></body>\n",
        "index.md": '<iframe src="https://www.youtube.com/embed/q"></iframe>\n'})
    mapper = SourceMap(str(source), exclude=[])
    page = ('<body><main><script>gtag("config","G-1");</script>'
            '<iframe src="https://www.youtube.com/embed/q"></iframe></main></body>')
    assert mapper.locate(page, page.index("gtag") + 1).origin[:2] == (str(source / "_includes/ga.html"), 2)
    assert mapper.locate(page, page.index("<iframe") + 1).origin.path.endswith("index.md")


def test_an_unmapped_finding_says_so_in_every_format_for_people_and_ci(tmp_path, monkeypatch, capsys):
    make_site(tmp_path, {"_site/index.html": '<a href="/privacy/">P</a><script src="https://t.example.net/t.js">'
                                             "</script>", "_site/privacy/index.html": "<h1>P</h1>",
                         "layouts/page.html": "<p>nothing of it</p>\n", "rules.yaml": RULES})
    monkeypatch.chdir(tmp_path)
    note = "Not traced to a source line (no source line holds its URL t.example.net/t.js); reported on the built file."
    for fmt in ("text", "github", "sarif", "json"):
        cli.main(["_site", "--source", ".", "--format", fmt, "--no-cache"])
        out = capsys.readouterr().out
        assert (note if fmt != "json" else '"unmapped": "no source line holds its URL t.example.net/t.js"') in out, fmt
    cli.main(["_site", "--format", "json", "--no-cache"])
    assert '"unmapped"' not in capsys.readouterr().out  # without --source, nothing to say
