"""`--browser`'s "accept all" against each consent manager's real library (issue 20, item 2):
for every library of the conformance suite (tests/conformance/libraries.txt, installed by .ci/run
with npm), privacylint's own browser pass accepts through the manager's public API, the manager
writes its consent record, and what its gate held back is observed only after consent. Static
and observed verdicts are then reconciled: a static PL102 the browser saw held is not reported,
one it never saw says so.
"""

from __future__ import annotations

import shutil

import pytest
from conformance import harness
from conftest import lint, make_site, needs

from privacylint.browser.options import BrowserOptions
from privacylint.checks import CHECK_IDS

# One fixture per library whose gate holds something back until "accept all"; the manager's name
# as the browser pass reports it; a host its gate holds.
CASES = {
    "klaro-0.6-opt-in": ("klaro", "www.googletagmanager.com"),
    "klaro-0.7-opt-in": ("klaro", "www.googletagmanager.com"),
    "cookieconsent-2-opt-in": ("cookieconsent v2", "www.googletagmanager.com"),
    "cookieconsent-3-opt-in": ("cookieconsent", "www.googletagmanager.com"),
    "osano-opt-in": ("osano-cookieconsent", "www.googletagmanager.com"),
    "tarteaucitron-consent-mode-off": ("tarteaucitron", "www.googletagmanager.com"),
    "orejime-opt-in": ("orejime", "www.googletagmanager.com"),
}
FIXTURES = {f.id: f for f in harness.fixtures()}


@pytest.fixture(autouse=True)
def browser_and_libraries():
    pytest.importorskip("playwright.async_api")
    needs("chromium", bool(shutil.which("chromium") or shutil.which("chromium-browser")),
          "install it with: apt-get install chromium", "chromium")
    missing = harness.missing_libraries()
    needs(f"the consent managers' libraries ({', '.join(missing)})", not missing,
          "install them with npm as .ci/run does (tests/conformance/libraries.txt)", "consent-managers")


def observe(tmp_path, fixture_id: str, edit=None):
    fixture = FIXTURES[fixture_id]
    root = harness.build(fixture, tmp_path)
    if edit is not None:
        edit(root)
    rules = harness.RULES.format(url=harness.SITE_URL, gates=fixture.gates)
    result = lint(root, rules, browser=BrowserOptions(pages="all", timeout=20),
                  enabled=CHECK_IDS - {"PL104", "PL305"})
    home = next(p for p in result.inventory["observed"] if p["page"] == "index.html")
    return result, home


@pytest.mark.parametrize("fixture_id", sorted(CASES))
def test_accept_all_goes_through_every_managers_own_api(tmp_path, fixture_id):
    manager, held = CASES[fixture_id]
    if fixture_id not in FIXTURES:
        pytest.fail(f"the conformance suite has no fixture {fixture_id}")
    _, home = observe(tmp_path, fixture_id)
    assert home["accepted_by"] == [manager], home["accept_all"]
    assert home["accept_all"].startswith(f"accepted through {manager} (it wrote ")
    assert held not in {u.split("/")[2] for u in home["before_consent"]}
    assert held in {u.split("/")[2] for u in home["after_consent"] if u.startswith("https://")}


def test_klaro_without_change_all_accepts_service_by_service(tmp_path):
    def without_change_all(root):
        page = root / "index.html"
        page.write_text(page.read_text(encoding="utf-8").replace(
            "</body>", "<script>addEventListener('load', function () { var m = klaro.getManager();"
            " m.changeAll = undefined; });</script></body>"), encoding="utf-8")

    _, home = observe(tmp_path, "klaro-0.7-opt-in", without_change_all)
    assert home["accepted_by"] == ["klaro"], home["accept_all"]
    assert "www.googletagmanager.com" in {u.split("/")[2] for u in home["after_consent"] if u.startswith("https://")}


RULES = """\
version: 1
site: {url: "https://example.org/"}
statement: {page: /privacy/}
consent: {gates: [cookieconsent]}
collectors:
  - {name: Google Analytics, vendor: google-analytics, consent: required}
cookies:
  - {name: cc_cookie, consent: not-required}
  - {name: "_ga*", consent: required}
"""
GTM = "https://www.googletagmanager.com/gtag/js?id=G-1"
# A site's own code that loads GTM only inside its consent manager's accept function: static
# reading sees a GTM URL in code without a gate it knows; the browser sees the gate hold.
HELD_BY_OWN_CODE = ("<a href='/privacy/'>Privacy</a><script>var tag = '" + GTM + "';"
                    " window.CookieConsent = {acceptCategory: function () {"
                    " document.cookie = 'cc_cookie=all; path=/';"
                    " var s = document.createElement('script'); s.src = tag; document.head.appendChild(s); }};"
                    "</script>")
NEVER_RUN = ("<a href='/privacy/'>Privacy</a><script>function unused() {"
             " var s = document.createElement('script'); s.src = '" + GTM + "'; document.head.appendChild(s); }"
             "</script>")


def reconciled(tmp_path, page: str):
    site = make_site(tmp_path / "site", {"index.html": page, "privacy/index.html": "<p>We use Google Analytics.</p>"})
    static = lint(site, RULES, enabled=CHECK_IDS - {"PL104", "PL305"})
    observed = lint(site, RULES, browser=BrowserOptions(pages="all", timeout=15),
                    enabled=CHECK_IDS - {"PL104", "PL305"})
    return static, observed


def test_a_static_pl102_the_browser_saw_held_is_not_reported(tmp_path):
    static, observed = reconciled(tmp_path, HELD_BY_OWN_CODE)
    assert [(f.check, f.subject) for f in static.findings] == [("PL102", "googletagmanager.com")]
    assert [f for f in observed.findings if f.check == "PL102"] == []
    [note] = [n for n in observed.notes if "the gate holds" in n]
    assert note.startswith("index.html:1: static reading sees no gate on googletagmanager.com, but the browser "
                           "contacted it on index.html only after accepting all through cookieconsent")
    home = next(p for p in observed.inventory["observed"] if p["page"] == "index.html")
    assert home["reconciled"] == [{"at": "index.html:1", "observed": "only after accept all",
                                   "site": "googletagmanager.com", "static": "ungated"}]


def test_a_static_pl102_the_browser_never_saw_stays_and_says_so(tmp_path):
    static, observed = reconciled(tmp_path, NEVER_RUN)
    assert [(f.check, f.subject) for f in static.findings] == [("PL102", "googletagmanager.com")]
    [finding] = [f for f in observed.findings if f.check == "PL102"]
    assert finding.evidence == "static"
    assert "https://www.googletagmanager.com/gta…. The browser did not see this contact on index.html. " \
        "rules.yaml says it needs consent" in finding.message
    home = next(p for p in observed.inventory["observed"] if p["page"] == "index.html")
    assert home["reconciled"] == [{"at": "index.html:1", "observed": "not seen", "site": "googletagmanager.com",
                                   "static": "ungated"}]


def test_accept_all_that_cannot_run_says_so(tmp_path):
    gated = f'<a href="/privacy/">P</a><script type="text/plain" data-category="analytics" src="{GTM}"></script>'
    _, observed = reconciled(tmp_path, gated)
    assert [n for n in observed.notes if "could not run" in n] == [
        ("\"accept all\" could not run on index.html, privacy/index.html: not run: no consent manager's API on the "
        "page; what those pages hold back until consent is not observed")]
