"""--source: findings on built files reported at the source line that produced them."""

from __future__ import annotations

import re
import subprocess

from conftest import make_site

from privacylint import cli
from privacylint.sourcemap import SourceMap

JEKYLL_SITE = {
    "_config.yml": "title: Example\ngoogle_analytics: G-JEKYLL1\nmarkdown: kramdown\nexclude: [rules.yaml]\n",
    "_includes/analytics.html": """\
        <!-- Google Analytics -->
        <script async src="https://www.googletagmanager.com/gtag/js?id={{ site.google_analytics }}"></script>
        <script>
          window.dataLayer = window.dataLayer || [];
          function gtag(){dataLayer.push(arguments);}
          gtag('js', new Date());
          gtag('config', '{{ site.google_analytics }}');
        </script>
        """,
    "_layouts/default.html": """\
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>{{ page.title }} | {{ site.title }}</title>
        {% include analytics.html %}
        </head>
        <body>
        {{ content }}
        <footer><a href="{{ '/privacy/' | relative_url }}">Privacy</a></footer>
        </body>
        </html>
        """,
    "index.md": "---\nlayout: default\ntitle: Home\n---\n# Welcome\n\n"
                '<iframe src="https://www.youtube-nocookie.com/embed/abc"></iframe>\n',
    "_posts/2024-05-01-release.md": "---\nlayout: default\ntitle: Release\n---\nShared on "
                                    "[LinkedIn](https://www.linkedin.com/feed/update/1/?fbclid=IwAR0x).\n",
    "privacy.md": "---\nlayout: default\ntitle: Privacy\npermalink: /privacy/\n---\nWe use Google Analytics.\n",
    "rules.yaml": "version: 1\nsite: {url: 'https://example.org/'}\nstatement: {page: /privacy/}\n"
                  "collectors:\n  - {name: Google Analytics, vendor: google-analytics}\ncookies:\n  - {name: '_ga*'}\n",
}


def test_a_real_jekyll_build_maps_findings_to_includes_and_posts(tmp_path, monkeypatch, capsys, jekyll):
    source = make_site(tmp_path / "site", JEKYLL_SITE)
    subprocess.run([jekyll, "build", "--quiet", "--source", str(source), "--destination", str(source / "_site")],
                   check=True, capture_output=True, timeout=300)
    monkeypatch.chdir(source)
    assert cli.main(["_site", "--source", ".", "--format", "concise"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" [")[0] for line in lines] == [
        "_includes/analytics.html:2:1: PL102",  # once per built page, all at the include
        "_includes/analytics.html:2:1: PL102",
        "_includes/analytics.html:2:1: PL102",
        "_posts/2024-05-01-release.md:5:1: PL401",
        "index.md:7:1: PL101",
    ]
    assert cli.main(["_site", "--source", ".", "--quiet"]) == 1
    text = capsys.readouterr().out
    entries = [line.split()[:3] for line in text.splitlines() if re.match(r"  \d+:\d+ ", line)]
    assert entries == [["2:1", "error", "PL102"], ["5:1", "warning", "PL401"], ["7:1", "error", "PL101"]]
    assert "\n" + " " * 26 + "on 3 pages: _site/" in text  # the include's pages, once
    assert text.rstrip().endswith("3 problems (5 occurrences; 2 errors, 1 warning) in 3 files; "
                                  "3 files checked (3 pages) against rules.yaml.")
    assert cli.main(["_site", "--source", ".", "--format", "github"]) == 1
    annotations = [a for a in capsys.readouterr().out.splitlines() if a.startswith("::")]
    assert annotations[0].startswith("::error file=_includes/analytics.html,line=2,col=1,")
    assert "(and 2 more built pages)" in annotations[0] and len(annotations) == 3


def test_mapping_rules(tmp_path):
    source = make_site(tmp_path / "src", {
        "_includes/a.html": '  <script src="https://x.example.net/{{ site.id }}.js"></script>\n{% include b.html %}\n',
        "_layouts/page.html": "<p>Same line twice</p>\n",
        "blog/post.md": "Read [this](https://example.net/page?x=1).\n<p>Same line twice</p>\n",
        "_site/index.html": "<p>Same line twice</p>\n"})
    mapper = SourceMap(str(source), exclude=[str(source / "_site")])
    assert mapper.locate('<script src="https://x.example.net/42.js"></script>').origin[1:] == (1, 3)
    assert mapper.locate("<p>Same   line twice</p>").origin.path.endswith("_layouts/page.html")  # path order decides
    assert mapper.locate('<p>Read <a href="https://example.net/page?x=1">this</a>.</p>').origin.path.endswith(
        "blog/post.md")
    assert mapper.locate("<p>anything at all, which only a bare include would match</p>").origin is None
    assert mapper.locate("</div>").origin is None


def test_a_markdown_link_with_an_ampersand_maps_to_its_source_line(tmp_path, monkeypatch, capsys, jekyll):
    """Markdown's `?a=1&fbclid=abc` is built as `?a=1&amp;fbclid=abc`: matched after decoding."""
    site = {**{k: v for k, v in JEKYLL_SITE.items() if not k.startswith("_posts")},
            "index.md": "---\nlayout: default\ntitle: Home\n---\n# Welcome\n\nSome text.\n\n"
                        "Read [the thread](https://example.net/?a=1&fbclid=abc).\n"}
    source = make_site(tmp_path / "site", site)
    subprocess.run([jekyll, "build", "--quiet", "--source", str(source), "--destination", str(source / "_site")],
                   check=True, capture_output=True, timeout=300)
    assert "?a=1&amp;fbclid=abc" in (source / "_site" / "index.html").read_text()
    monkeypatch.chdir(source)
    cli.main(["_site", "--source", ".", "--format", "concise", "--select", "PL401"])
    assert capsys.readouterr().out.startswith("index.md:9:1: PL401 ")
