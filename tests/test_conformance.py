"""PL102 against the consent managers' own code: for every configuration in tests/conformance/,
the static verdict must be what Chromium does with the manager's real library (the referee, see
tests/conformance/harness.py). One test per (configuration, contact): each disagreement is its
own failing test, named after both.

The libraries come from npm at pinned versions (tests/conformance/libraries.txt; .ci/run
installs them). Without them, or without chromium, these tests are skipped locally and fail in CI.
"""

from __future__ import annotations

import shutil
from collections import Counter

import pytest
from conformance import harness
from conformance.harness import BEFORE, GATED, NEVER, REFUSED
from conftest import needs

from privacylint.domains import site_of

FIXTURES = harness.fixtures()
ROWS = [(f.id, host) for f in FIXTURES for host in f.contacts]


@pytest.fixture(scope="session")
def results(tmp_path_factory) -> harness.Results:
    pytest.importorskip("playwright.async_api")
    needs("chromium", bool(shutil.which("chromium") or shutil.which("chromium-browser")),
          "install it with: apt-get install chromium", "chromium")
    missing = harness.missing_libraries()
    needs(f"the consent managers' libraries ({', '.join(missing)})", not missing,
          "install them with npm as .ci/run does (tests/conformance/libraries.txt)", "consent-managers")
    return harness.run_all(tmp_path_factory.mktemp("conformance"))


@pytest.mark.parametrize(("fixture_id", "host"), ROWS, ids=[f"{f}:{h}" for f, h in ROWS])
def test_static_verdict_is_what_the_browser_does(results, fixture_id, host):
    row = results.row(fixture_id, host)
    assert row.agree, (
        f"{fixture_id} ({row.fixture.knob}), {host}: the browser says '{row.observed}', static reading says "
        f"'{row.static.verdict}' ({row.static.where or 'no contact read'}); PL102 must fire exactly for "
        f"'{BEFORE}' and '{REFUSED}'")


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.id)
def test_the_fixture_runs_as_its_manager_intends(results, fixture):
    """The referee itself: both choices were made through the manager's API, every contact was
    seen (or is declared dead), and the page contacts nothing it does not declare."""
    seen = results.observed[fixture.id]
    for name, visit in (("accept all", seen.accept), ("refuse all", seen.refuse)):
        assert visit.error is None, f"{name}: {visit.error}"
        assert visit.acted, f"{name}: the manager's API was not on the page"
    never = {host for host in fixture.contacts if seen.verdict(host) == NEVER}
    assert never == set(fixture.never), "a contact no choice loads is a fixture bug, unless declared `never`"
    assert seen.hosts() <= set(fixture.contacts), "contacts the fixture does not declare"


def test_the_readme_table_is_the_suites_results(results):
    """The PL102 README shows the current results (regenerate: python3 tests/conformance/table.py)."""
    assert harness.readme_table(harness.README.read_text(encoding="utf-8")) == harness.table(results), (
        "run: PYTHONPATH=src python3 tests/conformance/table.py")


# --- the suite's own shape, checked without a browser --------------------------------------------

def test_every_fixture_folder_is_listed_and_every_listed_one_exists():
    folders = {p.name for p in harness.HERE.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    assert folders == {f.id for f in FIXTURES}
    assert all((f.folder / "index.html").is_file() for f in FIXTURES)
    assert len({f.id for f in FIXTURES}) == len(FIXTURES)


def test_the_suite_covers_five_managers_and_thirty_configurations():
    managers = Counter(f.library.manager for f in FIXTURES)
    assert len(managers) >= 5 and len(FIXTURES) >= 30, managers
    assert {f.library.alias for f in FIXTURES} == set(harness.libraries()), "every pinned library is exercised"


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.id)
def test_each_contact_of_a_fixture_is_its_own_site(fixture):
    """PL102 is per site: two contacts of one site on one page could not be told apart."""
    sites = [site_of(host) for host in fixture.contacts]
    assert len(set(sites)) == len(sites), sites
    assert set(fixture.never) <= set(fixture.contacts)


def test_every_library_is_pinned_to_one_version_with_files_to_copy():
    for lib in harness.libraries().values():
        assert lib.version.count(".") == 2 and lib.files, lib
        assert all(not src.startswith("/") and ".." not in target for src, target in lib.files)


def test_the_verdicts_compare_only_loads_without_consent():
    fixture = FIXTURES[0]
    static_before, static_gated = harness.Static(BEFORE), harness.Static(GATED)
    assert harness.Row(fixture, "h", static_before, BEFORE).agree
    assert harness.Row(fixture, "h", static_before, REFUSED).agree  # a category the visitor cannot refuse
    assert not harness.Row(fixture, "h", static_before, GATED).agree
    assert not harness.Row(fixture, "h", static_gated, BEFORE).agree
    assert not harness.Row(fixture, "h", harness.Static(harness.NOT_SEEN), BEFORE).agree
    assert harness.Row(fixture, "h", harness.Static(harness.NOT_SEEN), GATED).agree


def test_the_table_replaces_only_what_is_between_its_markers():
    text = f"# PL102\nbefore\n{harness.START}\nold\n{harness.END}\nafter\n"
    assert harness.with_table(text, "new") == f"# PL102\nbefore\n{harness.START}\nnew\n{harness.END}\nafter\n"
    assert harness.readme_table(harness.with_table(text, "a | b\n\\1")) == "a | b\n\\1"
    with pytest.raises(ValueError, match="no markers"):
        harness.with_table("# PL102\n", "new")


def test_observed_verdicts_order_before_refusal_and_acceptance():
    def visit(before=(), after=()):
        return harness.Visit(before=list(before), after=list(after), acted=True)

    seen = harness.Observed(accept=visit(["https://a.example/x"], ["https://b.example/", "https://c.example/"]),
                            refuse=visit([], ["https://c.example/"]))
    assert [seen.verdict(h) for h in ("a.example", "b.example", "c.example", "d.example")] == [
        BEFORE, GATED, REFUSED, NEVER]


def test_the_table_names_each_configuration_once_and_counts_agreement():
    first, second = FIXTURES[:2]
    rows = [harness.Row(first, "a.example", harness.Static(GATED), GATED),
            harness.Row(first, "b.example", harness.Static(BEFORE), GATED),
            harness.Row(second, "a.example", harness.Static(GATED), GATED)]
    lines = harness.table(harness.Results(rows, {}, [first, second])).splitlines()
    assert lines[3] == "|  |  |  | b.example | loads before consent | gated | **no** |"
    assert [line.count(f"`{first.id}`") for line in lines[2:4]] == [1, 0]
    assert lines[-1] == "2 of 3 agree, over 2 configurations of 1 libraries."
