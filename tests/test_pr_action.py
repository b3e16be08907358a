"""The GitHub Action on pull requests (issue 23): the job summary says first what the change
adds, against the base branch's report or build; the fact cache is kept between runs with
actions/cache, and a cache restored into another run (another checkout, the folder unpacked
from a tarball as actions/cache does) is used."""

from __future__ import annotations

import json
import shutil
import stat
import tarfile

from conftest import lint, make_site
from test_cache import RULES as CACHE_RULES
from test_cache import counted, report  # noqa: F401 - fixtures used by name
from test_integrations import TRACKER, action, run_action, runner, siterepo  # noqa: F401 - fixtures used by name


def test_the_job_summary_leads_with_what_the_change_adds(tmp_path, runner, wheelhouse, siterepo):  # noqa: F811
    """A run on the base branch keeps its JSON report (the json-file output, as an artifact); the
    pull request's run compares with it; or the base build is given and linted first."""
    base_run = run_action(tmp_path, runner, wheelhouse, {"source": ""})
    assert base_run["exit"] == 0
    shutil.copy(base_run["outputs"]["json-file"], siterepo / "base.json")
    shutil.copytree(siterepo / "_site", siterepo / "base-build")
    (siterepo / "_site" / "index.html").write_text(TRACKER)
    pull_request = {"pull_request": {"head": {"repo": {"full_name": "owner/site"}}}}
    for compare in ("base.json", "base-build"):
        report = run_action(tmp_path, runner, wheelhouse, {"source": "", "compare": compare}, event=pull_request)
        assert report["exit"] == 1, report["logs"]
        summary = report["summary"]
        assert summary.startswith("## What this change does\n\nCompared with "), compare
        assert "| adds | example.net (example.net): script on 1 page, ungated, not declared |" in summary, summary
        head = summary.split("## privacylint:")[0]
        assert head.count("| adds |") == 1 and "| removes |" not in head and "| new | PL101 " in head, summary


def test_a_missing_base_report_is_a_warning_not_a_failure(tmp_path, runner, wheelhouse, siterepo):  # noqa: F811
    report = run_action(tmp_path, runner, wheelhouse, {"source": "", "compare": "no-such-base.json"})
    assert report["exit"] == 0 and report["outputs"]["exit-code"] == "0"
    assert "::warning title=privacylint action::compare: no-such-base.json does not exist" in "".join(report["logs"])
    assert report["summary"].startswith("## privacylint: no problems")


def test_the_action_keys_and_keeps_the_fact_cache(tmp_path, runner, wheelhouse, siterepo):  # noqa: F811
    steps = action()["runs"]["steps"]
    [cache] = [s for s in steps if s.get("uses", "").startswith("actions/cache@")]
    assert cache["with"] == {"path": "${{ steps.cache-key.outputs.dir }}", "key": "${{ steps.cache-key.outputs.key }}",
                             "restore-keys": "${{ steps.cache-key.outputs.restore-keys }}"}
    names = [s.get("id") or s.get("uses") for s in steps]
    assert names.index("cache-key") < names.index("actions/cache@v4") < names.index("lint")
    report = run_action(tmp_path, runner, wheelhouse, {"source": ""})
    assert report["exit"] == 0 and report["uses"]["actions/cache"] == "true"
    folder = tmp_path / "home" / ".cache" / "privacylint-action"
    assert (folder / "facts-v3.sqlite").is_file()
    assert stat.S_IMODE((folder / "secret").stat().st_mode) == 0o600
    off = run_action(tmp_path, runner, wheelhouse, {"source": "", "cache": "false"})
    assert off["exit"] == 0 and off["uses"]["actions/cache"] == "false"


def test_the_cache_key_follows_the_code_version_and_restores_by_prefix(tmp_path):
    import os
    import subprocess

    from conftest import REPO

    from privacylint.cache import code_version

    out = tmp_path / "out"
    env = os.environ | {"GITHUB_OUTPUT": str(out), "RUNNER_OS": "Linux", "GITHUB_RUN_ID": "42", "HOME": str(tmp_path),
                        "PYTHONPATH": str(REPO / "src")}
    subprocess.run(["bash", str(REPO / "action" / "cache-key.sh")], env=env, check=True)
    values = dict(line.split("=", 1) for line in out.read_text().splitlines())
    prefix = f"privacylint-facts-Linux-{code_version()}-"
    assert values == {"dir": f"{tmp_path}/.cache/privacylint-action", "key": prefix + "42-1", "restore-keys": prefix}


def test_a_cache_restored_into_another_checkout_is_used(tmp_path, counted):  # noqa: F811
    """actions/cache packs the folder into a tarball and unpacks it in the next run, in a fresh
    checkout: other inodes, other times. The secret keeps its mode, so its rows verify; files
    whose stat changed are hashed and found by content: nothing is extracted again."""
    files = {"index.html": '<a href="/privacy/">Privacy</a><img src="https://px.example.net/a.gif">'
                           '<script src="/app.js"></script>',
             "privacy/index.html": "<h1>Privacy</h1>", "app.js": "document.cookie = 'seen=1';"}
    first = lint(make_site(tmp_path / "run1" / "_site", files), CACHE_RULES, cache_dir=str(tmp_path / "cache1"))
    assert sorted(counted) == ["app.js", "index.html", "privacy/index.html"]
    with tarfile.open(tmp_path / "cache.tar", "w") as tar:
        tar.add(tmp_path / "cache1", arcname="privacylint-action")
    shutil.rmtree(tmp_path / "cache1")
    with tarfile.open(tmp_path / "cache.tar") as tar:
        tar.extractall(tmp_path / "restored", filter="tar")
    counted.clear()
    second = lint(make_site(tmp_path / "run2" / "_site", files), CACHE_RULES,
                  cache_dir=str(tmp_path / "restored" / "privacylint-action"))
    assert counted == [] and report(second) == report(first)


def test_the_json_report_is_an_output(tmp_path, runner, wheelhouse, siterepo):  # noqa: F811
    report = run_action(tmp_path, runner, wheelhouse, {"source": ""})
    with open(report["outputs"]["json-file"], encoding="utf-8") as fh:
        doc = json.load(fh)
    assert doc["version"] == 1 and doc["findings"] == [] and "inventory" in doc
