"""Ready to adopt: the README's commands run as written, the release artefacts hold what they
must and install offline, the documented hook and Action snippets are the ones that work, and CI
runs the README's test command. Fresh environments install from .ci/wheelhouse, offline."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, make_site
from ruamel.yaml import YAML
from test_integrations import CLEAN, TRACKER, git, offline_env

from privacylint import __version__

README = (REPO / "README.md").read_text(encoding="utf-8")


def _block(after: str, lang: str = "sh") -> str:
    """The first code block after the text `after` in the README (its indentation removed)."""
    rest = README.split(after, 1)[1]
    start = rest.index(f"```{lang}\n") + len(f"```{lang}\n")
    indent = len(rest[:start].rsplit("\n", 2)[-2]) - len(rest[:start].rsplit("\n", 2)[-2].lstrip())
    body = rest[start:rest.index("```", start)]
    return "".join(line[indent:] for line in body.splitlines(True))


def _fresh_clone(dest: Path) -> Path:
    """The repository as a new user gets it: a clone, or (outside git) the tracked files."""
    if (REPO / ".git").exists():
        subprocess.run(["git", "clone", "-q", str(REPO), str(dest)], check=True, capture_output=True)
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                                capture_output=True, text=True).stdout
        for line in status.splitlines():  # a working tree with edits: test those, not the last commit
            path = line[3:]
            if (REPO / path).is_file():
                (dest / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(REPO / path, dest / path)
        subprocess.run(["git", "add", "-A"], cwd=dest, check=True, capture_output=True)
    else:  # a checkout without git: the files, made a repository (pre-commit wants one)
        shutil.copytree(REPO, dest, ignore=shutil.ignore_patterns(".venv", "wheelhouse", ".corpus", "build"))
        for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                     ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "checkout"]):
            subprocess.run(["git", *args], cwd=dest, check=True, capture_output=True)
    return dest


def test_the_quick_start_runs_verbatim_in_a_fresh_clone(tmp_path, wheelhouse):
    command = _block("## Quick start")
    assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install -e .")
    clone = _fresh_clone(tmp_path / "privacylint")
    env = offline_env(tmp_path, wheelhouse) | {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.run(["bash", "-e", "-c", command], cwd=clone, env=env, capture_output=True, text=True,
                          timeout=900)
    report = README.split("the real output):\n\n```\n", 1)[1].split("```\n", 1)[0]
    assert proc.returncode == 1, proc.stderr[-3000:]  # the example has findings
    assert proc.stdout.endswith(report)


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory) -> tuple[Path, Path]:
    """sdist and wheel, built by `python -m build` from a fresh clone (no network: no isolation)."""
    pytest.importorskip("build")
    work = tmp_path_factory.mktemp("release")
    clone = _fresh_clone(work / "src")
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(work / "dist"),
                           str(clone)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (sdist,) = (work / "dist").glob("privacylint-*.tar.gz")
    (wheel,) = (work / "dist").glob("privacylint-*.whl")
    return sdist, wheel


def test_the_wheel_and_sdist_hold_what_they_must_and_nothing_else(artefacts):
    sdist, wheel = artefacts
    assert sdist.name == f"privacylint-{__version__}.tar.gz" and wheel.name.startswith(f"privacylint-{__version__}-")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("privacylint/data/vendors.yaml", "privacylint/data/vendors.json", "privacylint/data/checks/PL101.md",
                   "privacylint/cli.py", f"privacylint-{__version__}.dist-info/licenses/LICENSE"):
        assert needed in names, needed
    assert len([n for n in names if n.startswith("privacylint/data/checks/")]) == len(list((REPO / "checks").glob("PL*")))
    assert not [n for n in names if n.startswith(("tests/", "examples/", "benchmarks/", "checks/"))]
    metadata = zipfile.ZipFile(wheel).read(f"privacylint-{__version__}.dist-info/METADATA").decode()
    assert "License-Expression: Apache-2.0" in metadata
    members = [m.split("/", 1)[1] for m in tarfile.open(sdist).getnames() if "/" in m]
    for needed in ("LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", "src/privacylint/data/vendors.yaml"):
        assert needed in members, needed
    assert not [m for m in members if m.startswith(("tests/", "examples/", "benchmarks/", ".ci/"))]


def test_twine_check_passes(artefacts):
    pytest.importorskip("twine")
    proc = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, artefacts)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and proc.stdout.count("PASSED") == 2, proc.stdout + proc.stderr


def test_the_wheel_installs_offline_and_runs(artefacts, tmp_path, wheelhouse):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    env = offline_env(tmp_path, wheelhouse) | {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    subprocess.run([str(env_dir / "bin" / "pip"), "install", "-q", str(artefacts[1])], env=env, check=True,
                   capture_output=True, timeout=600)
    exe = str(env_dir / "bin" / "privacylint")
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, env=env)
    assert version.stdout == f"privacylint {__version__}\n"
    explain = subprocess.run([exe, "--explain", "PL102"], capture_output=True, text=True, env=env)
    assert explain.returncode == 0 and "## What it checks" in explain.stdout  # the README ships in the wheel
    shutil.copytree(REPO / "examples" / "kubevirt.io", tmp_path / "site")
    shutil.copy(REPO / "rules.yaml", tmp_path / "rules.yaml")
    run = subprocess.run([exe, "site", "-q"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert run.returncode == 1 and "PL101" in run.stdout, run.stderr


# --- the documented ways to use the hook and the Action -------------------------------------

def _site_repo(tmp_path: Path, env: dict) -> Path:
    site = make_site(tmp_path / "site", CLEAN)
    git(site, "init", "-q", env=env)
    git(site, "add", ".", env=env)
    git(site, "commit", "-qm", "site", env=env)
    return site


def _pre_commit(cwd: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    pre_commit = shutil.which("pre-commit") or pytest.fail("pre-commit is not installed (pip install -e '.[test]')")
    return subprocess.run([pre_commit, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def test_the_documented_try_repo_command(tmp_path, wheelhouse):
    command = _block("1. Try it once").strip()
    assert command == "pre-commit try-repo ../privacylint privacylint --all-files"
    env = offline_env(tmp_path, wheelhouse)
    _fresh_clone(tmp_path / "privacylint")
    site = _site_repo(tmp_path, env)
    proc = _pre_commit(site, env, *command.split()[1:])
    assert proc.returncode == 0 and "Passed" in proc.stdout, proc.stdout + proc.stderr


@pytest.mark.parametrize("way", ["2. Keep it in", "3. Or install privacylint yourself"])
def test_the_documented_pre_commit_configs(tmp_path, wheelhouse, way):
    """The README's config, as written; only the site build becomes `true` (no Ruby here)."""
    config = _block(way, "yaml")
    env = offline_env(tmp_path, wheelhouse)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # `pip install` put privacylint here
    clone = _fresh_clone(tmp_path / "privacylint")
    git(clone, "checkout", "-q", "-B", "main", env=env)
    git(clone, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "local edits",
        "--allow-empty", env=env)
    git(clone, "tag", "-f", f"v{__version__}", env=env)  # the release tag the README pins
    site = _site_repo(tmp_path, env)
    doc = YAML(typ="safe").load(config)
    for repo in doc["repos"]:
        for hook in repo["hooks"]:
            if hook["id"] == "build-site":
                hook["entry"] = "true"
    with open(site / ".pre-commit-config.yaml", "w") as fh:
        YAML().dump(doc, fh)
    clean = _pre_commit(site, env, "run", "--all-files")
    assert clean.returncode == 0 and "Passed" in clean.stdout, clean.stdout + clean.stderr
    assert "mutable reference" not in clean.stdout + clean.stderr  # a tag, not a branch
    (site / "_site" / "index.html").write_text(TRACKER)
    dirty = _pre_commit(site, env, "run", "--all-files")
    assert dirty.returncode == 1 and "PL101" in dirty.stdout, dirty.stdout + dirty.stderr


def test_the_documented_action_step_uses_the_action_s_inputs():
    workflow = YAML(typ="safe").load(_block("## GitHub Action", "yaml"))
    (step,) = [s for s in workflow["jobs"]["privacylint"]["steps"] if s.get("uses", "").startswith("./")]
    action = YAML(typ="safe").load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert step["uses"] == "./.privacylint" and set(step["with"]) <= set(action["inputs"])
    (browser_step,) = YAML(typ="safe").load(_block("To add the browser pass", "yaml"))
    assert browser_step["with"]["browser"] is True and set(browser_step["with"]) <= set(action["inputs"])
    checkout = workflow["jobs"]["privacylint"]["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["submodules"] is True


def test_ci_runs_the_readme_test_command_and_the_action_self_test():
    workflow = YAML(typ="safe").load((REPO / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    assert set(workflow["on"]) == {"push", "pull_request"}
    readme_command = _block("Run the tests, set-up included").strip()
    runs = [s.get("run") for s in workflow["jobs"]["tests"]["steps"]]
    assert readme_command == "bash .ci/run" and readme_command in runs
    self_test = workflow["jobs"]["action-self-test"]["steps"]
    (uses,) = [s for s in self_test if s.get("uses") == "./"]
    action = YAML(typ="safe").load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert uses["with"]["path"] == "examples/kubevirt.io" and set(uses["with"]) <= set(action["inputs"])
    assert (REPO / ".ci" / "run").read_text().count("python3 -m pytest\n") == 1
