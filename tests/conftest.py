"""Shared fixtures, and the guard that makes any network access during tests fail."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import tempfile
import textwrap
from pathlib import Path

import pytest

from privacylint.checks import CHECK_IDS
from privacylint.engine import Options, run
from privacylint.policy import load_policy

REPO = Path(__file__).resolve().parent.parent


class NetworkAccess(RuntimeError):
    pass


def _refuse(*args, **kwargs):
    raise NetworkAccess(f"tests must not touch the network (tried {args[1:] or args!r})")


_real_connect = socket.socket.connect
_real_create_connection = socket.create_connection
_real_getaddrinfo = socket.getaddrinfo
LOOPBACK = ("127.0.0.1", "::1")  # servers a test starts itself listen here, and only here


def _connect(sock, address):
    if sock.family == getattr(socket, "AF_UNIX", None) or address[0] in LOOPBACK:
        return _real_connect(sock, address)
    _refuse(sock, address)


def _connect_ex(sock, address):
    try:
        _connect(sock, address)
    except OSError as err:
        return err.errno or 1
    return 0


def _create_connection(address, *args, **kwargs):
    if address[0] in LOOPBACK:
        return _real_create_connection(address, *args, **kwargs)
    _refuse(None, address)


def _getaddrinfo(host, *args, **kwargs):
    if host in LOOPBACK:
        return _real_getaddrinfo(host, *args, **kwargs)
    _refuse(None, host)


def pytest_configure(config):
    """Installed before any test runs, and inherited by forked extraction workers. The fact cache
    goes to a folder of this session, never the user's."""
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="privacylint-test-cache-")
    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex
    socket.create_connection = _create_connection
    socket.getaddrinfo = _getaddrinfo


BASE_RULES = """\
version: 1
site:
  url: https://example.org/
statement:
  page: /privacy/
"""


def make_site(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def lint(site: Path, rules: str = BASE_RULES, **options):
    """Run the engine on `site` with `rules` (YAML text); returns the Result."""
    rules_path = site.parent / f"{site.name}-rules.yaml"
    rules_path.write_text(textwrap.dedent(rules), encoding="utf-8")
    options.setdefault("jobs", 1)
    options.setdefault("today", dt.date(2026, 6, 1))
    return run([str(site)], load_policy(rules_path, CHECK_IDS), Options(**options))


def found(result, check: str | None = None) -> list[tuple]:
    """(check, path, line, subject) of each finding, optionally of one check."""
    return [(f.check, f.path, f.line, f.subject) for f in result.findings if check in (None, f.check)]


@pytest.fixture
def site(tmp_path):
    """A clean site: a homepage that links to its statement."""
    return make_site(tmp_path / "site", {
        "index.html": '<html><body><a href="/privacy/">Privacy</a></body></html>\n',
        "privacy/index.html": "<html><body><h1>Privacy</h1></body></html>\n",
    })


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


def needs(what: str, present: bool, how: str, package: str | None = None):
    """A test that needs a tool .ci/run installs: skipped when it is missing, except in CI, where a
    missing tool fails the test unless .ci/run said it could not install that package (a held
    dpkg lock, no root): then the test is skipped with that reason."""
    if present:
        return
    message = f"{what} is missing; {how} (bash .ci/run does it)"
    unavailable = os.environ.get("PRIVACYLINT_UNAVAILABLE", "").split()
    if os.environ.get("CI") and package not in unavailable:
        pytest.fail(message)
    if package in unavailable:
        message = f"{what} is missing: .ci/run could not install {package} (see its output)"
    pytest.skip(message)


@pytest.fixture(scope="session")
def wheelhouse() -> Path:
    """Wheels of privacylint and its dependencies, for installs into fresh environments offline."""
    path = REPO / ".ci" / "wheelhouse"
    needs("the wheelhouse", path.is_dir() and any(path.glob("privacylint-*.whl")),
          "build it with: python3 -m pip wheel -w .ci/wheelhouse . setuptools wheel")
    return path


@pytest.fixture
def jekyll() -> str:
    path = shutil.which("jekyll")
    needs("jekyll", path is not None, "install it with: apt-get install jekyll", "jekyll")
    return path
