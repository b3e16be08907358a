"""The pre-commit hook and the GitHub Action, exercised for real: pre-commit from PyPI runs the
hook from this repository (try-repo), and the Action's shell steps run with a simulated GitHub
environment. Both install privacylint into fresh environments from .ci/wheelhouse, offline."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import venv
from pathlib import Path

import pytest
from conftest import REPO, make_site
from ruamel.yaml import YAML

RULES = "version: 1\nsite: {url: 'https://example.org/'}\nstatement: {page: /privacy/}\n"
CLEAN = {"_site/index.html": '<a href="/privacy/">Privacy</a>', "_site/privacy/index.html": "<h1>Privacy</h1>",
         "rules.yaml": RULES, "index.md": "# source\n"}
TRACKER = '<a href="/privacy/">Privacy</a><script src="https://tracker.example.net/t.js"></script>'


def offline_env(tmp_path: Path, wheelhouse: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PIP_", "PRE_COMMIT"))}
    env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheelhouse), PIP_DISABLE_PIP_VERSION_CHECK="1",
               PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    return env


def git(cwd: Path, *args: str, env=None) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


def test_pre_commit_hook_passes_and_fails(tmp_path, wheelhouse):
    pre_commit = shutil.which("pre-commit") or pytest.fail("pre-commit is not installed (pip install -e '.[test]')")
    env = offline_env(tmp_path, wheelhouse)
    site = make_site(tmp_path / "siterepo", CLEAN)
    git(site, "init", "-q", env=env)
    git(site, "add", ".", env=env)
    git(site, "commit", "-qm", "site", env=env)

    def try_repo() -> subprocess.CompletedProcess:
        return subprocess.run([pre_commit, "try-repo", str(REPO), "privacylint", "--all-files", "--verbose"],
                              cwd=site, env=env, capture_output=True, text=True, timeout=600)

    clean = try_repo()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "privacylint (built site vs rules.yaml)" in clean.stdout and "Passed" in clean.stdout
    (site / "_site" / "index.html").write_text(TRACKER)
    dirty = try_repo()
    assert dirty.returncode == 1, dirty.stdout + dirty.stderr
    assert "Failed" in dirty.stdout and "PL101" in dirty.stdout and "tracker.example.net" in dirty.stdout


def test_pre_commit_manifest_lints_the_site_whole():
    (hook,) = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["pass_filenames"] is False and hook["require_serial"] is True
    assert hook["entry"] == "privacylint --quiet" and hook["language"] == "python"


# --- the GitHub Action --------------------------------------------------------------------

def action() -> dict:
    return YAML(typ="safe").load((REPO / "action.yml").read_text())


def evaluate(expression: str, context: dict) -> str:
    """The few GitHub expressions action.yml uses: `${{ inputs.x }}`, `${{ steps.s.outputs.o }}`,
    `!cancelled()`, `a == 'b'` and `&&`. Anything else fails the test: keep the action simple."""
    text = expression.strip()
    if text.startswith("${{") and text.endswith("}}") and text.count("${{") == 1:
        text = text[3:-2].strip()
    elif "${{" in text:
        return re.sub(r"\$\{\{\s*(.*?)\s*\}\}", lambda m: evaluate(m.group(1), context), text)
    if "&&" in text:
        return "true" if all(evaluate(p, context) == "true" for p in text.split("&&")) else "false"
    if text == "!cancelled()":
        return "true"
    m = re.fullmatch(r"(\S+)\s*==\s*'([^']*)'", text)
    if m:
        return "true" if evaluate(m.group(1), context) == m.group(2) else "false"
    m = re.fullmatch(r"(inputs|steps)\.([\w-]+)(?:\.outputs\.([\w-]+))?", text)
    assert m, f"unsupported expression in action.yml: {text}"
    if m.group(1) == "inputs":
        return context["inputs"][m.group(2)]
    return context["steps"].get(m.group(2), {}).get(m.group(3), "")


def install_step() -> dict:
    (step,) = [s for s in action()["runs"]["steps"] if s.get("name", "").startswith("Install privacylint")]
    return step


@pytest.fixture(scope="module")
def runner(tmp_path_factory, wheelhouse) -> Path:
    """The runner's Python after the action's install step: a fresh venv that has nothing but
    what `pip install "$GITHUB_ACTION_PATH"` put there (from the wheelhouse, offline)."""
    home = tmp_path_factory.mktemp("runner")
    venv.EnvBuilder(with_pip=True).create(home / "python")
    env = offline_env(home, wheelhouse) | {"GITHUB_ACTION_PATH": str(REPO),
                                           "PATH": f"{home / 'python' / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(["bash", "-e", "-c", install_step()["run"]], cwd=home, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (home / "python" / "bin" / "privacylint").exists()
    return home / "python"


def run_action(tmp_path: Path, runner: Path, wheelhouse: Path, inputs: dict, event: dict | None = None) -> dict:
    """Run action.yml's steps as the runner would: `run:` steps in bash with their `env:` (the
    install step ran once, in the `runner` fixture), and record the `if:` decision of each `uses:`
    step. Returns the outputs, decisions and logs."""
    spec = action()
    context = {"inputs": {k: str(v.get("default", "")) for k, v in spec["inputs"].items()} | inputs, "steps": {}}
    venv_dir = runner
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event or {}))
    summary = tmp_path / "summary.md"
    env = offline_env(tmp_path, wheelhouse) | {
        "PATH": f"{venv_dir / 'bin'}{os.pathsep}{os.environ['PATH']}", "GITHUB_ACTIONS": "true",
        "GITHUB_ACTION_PATH": str(REPO), "GITHUB_WORKSPACE": str(tmp_path / "siterepo"),
        "GITHUB_REPOSITORY": "owner/site", "GITHUB_EVENT_NAME": "pull_request" if event else "push",
        "GITHUB_EVENT_PATH": str(event_path), "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(runner_temp),
        "HOME": str(tmp_path / "home"), "RUNNER_OS": "Linux", "GITHUB_RUN_ID": "7", "GITHUB_RUN_ATTEMPT": "1"}
    report = {"uses": {}, "logs": [], "exit": None}
    for step in spec["runs"]["steps"]:
        decision = evaluate(step.get("if", "true"), context) if "if" in step else "true"
        if "uses" in step:
            report["uses"][step["uses"].split("@")[0]] = decision
            continue
        if decision != "true" or step is install_step() or step == install_step():
            continue
        assert step["shell"] == "bash" and "${{" not in step["run"], "inputs reach scripts through env: only"
        output = tmp_path / f"output-{step.get('id', 'step')}"
        output.write_text("")
        step_env = env | {k: evaluate(str(v), context) for k, v in (step.get("env") or {}).items()}
        step_env["GITHUB_OUTPUT"] = str(output)
        proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=env["GITHUB_WORKSPACE"], env=step_env,
                              capture_output=True, text=True, timeout=600)
        report["logs"].append(proc.stdout + proc.stderr)
        if "id" in step:
            context["steps"][step["id"]] = dict(line.split("=", 1) for line in output.read_text().splitlines())
        if proc.returncode != 0:
            report["exit"] = proc.returncode
            break
    else:
        report["exit"] = 0
    report["outputs"] = context["steps"].get("lint", {})
    report["summary"] = summary.read_text() if summary.exists() else ""
    return report


@pytest.fixture
def siterepo(tmp_path):
    return make_site(tmp_path / "siterepo", CLEAN)


def test_action_on_a_clean_site(tmp_path, runner, wheelhouse, siterepo):
    report = run_action(tmp_path, runner, wheelhouse, {"source": ""})
    assert report["exit"] == 0, report["logs"]
    assert report["outputs"]["exit-code"] == "0" and report["outputs"]["upload"] == "true"
    assert report["uses"]["github/codeql-action/upload-sarif"] == "true"
    sarif = json.loads(Path(report["outputs"]["sarif-file"]).read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"] == []
    assert report["summary"].startswith("## privacylint: no problems")


def test_action_with_findings_annotates_uploads_and_fails(tmp_path, runner, wheelhouse, siterepo):
    (siterepo / "_site" / "index.html").write_text(TRACKER)
    report = run_action(tmp_path, runner, wheelhouse, {})
    assert report["exit"] == 1
    assert report["outputs"]["exit-code"] == "1" and report["uses"]["github/codeql-action/upload-sarif"] == "true"
    assert "::error file=_site/index.html,line=1,col=32,title=privacylint PL101" in "".join(report["logs"])
    assert "PL101 undisclosed-collector | error | 1" in report["summary"]


def test_action_skips_the_upload_on_forks_and_on_exit_2(tmp_path, runner, wheelhouse, siterepo):
    (siterepo / "_site" / "index.html").write_text(TRACKER)
    fork = {"pull_request": {"head": {"repo": {"full_name": "someone/site"}}}}
    report = run_action(tmp_path, runner, wheelhouse, {}, event=fork)
    assert report["exit"] == 1 and report["uses"]["github/codeql-action/upload-sarif"] == "false"
    (siterepo / "rules.yaml").write_text("version: 2\n")
    broken = run_action(tmp_path, runner, wheelhouse, {})
    assert broken["exit"] == 2 and broken["uses"]["github/codeql-action/upload-sarif"] == "false"


def test_action_refuses_inputs_that_look_like_flags(tmp_path, runner, wheelhouse, siterepo):
    report = run_action(tmp_path, runner, wheelhouse, {"path": "--version"})
    assert report["exit"] == 2 and "inputs must not start with '-'" in "".join(report["logs"])


def test_the_browser_input_runs_the_browser_pass(tmp_path):
    """lint.sh passes --browser when `browser: true` (the install step, Playwright's installer,
    needs the internet: it runs on GitHub, not here), and refuses anything but true or false."""
    fake = tmp_path / "bin" / "privacylint"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\necho "$@" > "$ARGS_FILE"\n')
    fake.chmod(0o755)
    (step,) = [s for s in action()["runs"]["steps"] if s.get("name") == "Install the browser pass"]
    assert step["if"] == "${{ inputs.browser == 'true' }}" and "playwright install" in step["run"]
    for value, expected in (("true", "--browser"), ("false", None), ("yes", "browser must be true or false")):
        env = {"PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}", "ARGS_FILE": str(tmp_path / "args"),
               "PL_PATH": "_site", "PL_BROWSER": value, "GITHUB_OUTPUT": str(tmp_path / "out")}
        (tmp_path / "args").write_text("")
        proc = subprocess.run(["bash", str(REPO / "action" / "lint.sh")], env=env, capture_output=True, text=True)
        args = (tmp_path / "args").read_text()
        if value == "yes":
            assert expected in proc.stdout and args == ""
        else:
            assert ("--browser" in args.split()) == (value == "true"), args
