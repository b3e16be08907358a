"""The HTML evidence report, opened in a real browser (Debian's chromium, headless, driven by
Playwright) with the network off: it renders the inventory and the grouped problems, and asks
for nothing.

"Network off" is checked, not assumed: the browser context is offline and every request the page
makes is recorded and aborted (only the report file itself loads); a control page with one
external image proves the recorder sees what a page would fetch. The screenshot is kept in
pytest's tmp path. Each check's README is rendered Markdown (headings, code), with raw HTML and
images off.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import REPO, needs

from privacylint import cli


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    needs("chromium", path is not None, "install it with: apt-get install chromium", "chromium")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield launched
        launched.close()


def _open(browser, url: str):
    """A page at `url`, offline; (page, every URL the page asked for)."""
    seen: list[str] = []
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})

    def record(route):
        seen.append(route.request.url)
        if route.request.url == url:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", record)
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, seen


def test_the_html_report_renders_offline_and_requests_nothing(tmp_path, monkeypatch, capsys, browser):
    control = tmp_path / "control.html"
    control.write_text('<!DOCTYPE html><img src="http://tracker.example/pixel.gif">', encoding="utf-8")
    _, seen = _open(browser, control.as_uri())
    assert "http://tracker.example/pixel.gif" in seen, "the recorder must see what a page fetches"

    monkeypatch.chdir(REPO)
    report = tmp_path / "report.html"
    assert cli.main(["examples/kubevirt.io", "--format", f"html={report}"]) == 1
    capsys.readouterr()
    page, seen = _open(browser, report.as_uri())
    assert seen == [report.as_uri()], "the report asked for something besides itself"
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000

    rows = page.eval_on_selector_all("#parties tr", "rows => rows.slice(1).map(r => "
                                     "Array.from(r.querySelectorAll('td'), td => td.innerText.trim()))")
    assert [row[:5] for row in rows] == [
        ["Google Fonts", "fonts.googleapis.com", "fonts", "CSS, preconnect", "8"],
        ["Google Analytics", "googletagmanager.com", "analytics", "script", "7"],
        ["YouTube", "youtube.com", "embed", "frame", "2"],
    ]
    assert rows[1][5:7] == ["cookieconsent:analytics on 6, ungated on 1", "yes, as Google Analytics"]
    bars = page.eval_on_selector_all("#parties .bar", "bars => bars.map(b => b.title)")
    assert bars == ["8 pages, 0 gated", "7 pages, 6 gated", "2 pages, 0 gated"]
    widths = page.eval_on_selector_all("#parties .bar .gated", "spans => spans.map(s => s.offsetWidth)")
    assert widths[0] == 0 and widths[1] > 0  # the bar is drawn, not only written
    assert page.inner_text("#summary").startswith("9 problems (15 occurrences; ")
    findings = page.query_selector_all(".finding")
    assert len(findings) == 9
    assert max(int(f.get_attribute("data-pages")) for f in findings) == 7
    links = set(page.eval_on_selector_all(".finding > a", "links => links.map(a => a.getAttribute('href'))"))
    assert links == {"#PL101", "#PL102", "#PL105", "#PL201", "#PL401"}
    page.click('.finding a[href="#PL102"]')
    assert "What it checks" in page.inner_text("#PL102")
    assert page.evaluate("location.hash") == "#PL102"
    docs = page.eval_on_selector_all("#PL102 h3, #PL102 h4", "hs => hs.map(h => h.tagName + ' ' + h.innerText)")
    assert docs[:2] == ["H3 PL102 collector-before-consent", "H4 What it checks"]  # the README, rendered
    assert {"H4 Why it matters", "H4 How to fix"} & set(docs)
    assert page.eval_on_selector_all("#PL102 pre code", "blocks => blocks.length") >= 1
    assert "data-cookieconsent" in page.eval_on_selector_all("#PL102 code", "c => c.map(e => e.innerText)")
    assert "\\u000a" not in page.inner_text("#checks ~ section") and "\\x0a" not in page.inner_text("body")


def test_readme_markdown_is_rendered_inert():
    from privacylint.report.html import markdown

    html = markdown("# Title\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n![pixel](http://e.x/p.gif)"
                    "\n\n[link](javascript:alert(1)) <a href=\"javascript:alert(1)\">x</a>\n\n```html\n<iframe src=\"https://e.x\"></iframe>\n```\n")
    assert html.startswith("<h3>Title</h3>")
    assert "<script" not in html and "<img" not in html and "<iframe" not in html and "javascript:alert(1)\"" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and '<pre><code class="language-html">&lt;iframe' in html
