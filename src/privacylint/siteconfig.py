"""The site's configuration as evidence: generator config that turns collectors on, and server
header config (Set-Cookie, Content-Security-Policy) that the built HTML does not show.

Generator config (in --source, or given with --config): Jekyll `_config.yml`, Hugo
`hugo.toml`/`config.toml`/`hugo.yaml`, MkDocs `mkdocs.yml`. Header config (in the build, in
--source, or given): Netlify/Cloudflare Pages `_headers`, `netlify.toml`, `vercel.json`.
Content-Security-Policy from <meta http-equiv> comes from the pages' facts.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import NamedTuple

import tomllib
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from privacylint.vendors import catalogue

GENERATOR_FILES = ("_config.yml", "_config.yaml", "hugo.toml", "hugo.yaml", "hugo.yml", "config.toml",
                   "mkdocs.yml", "mkdocs.yaml")
HEADER_FILES = ("_headers", "netlify.toml", "vercel.json")
# Keys that turn a vendor on (theme conventions: minima and most Jekyll themes, minimal-mistakes,
# Hugo's built-in templates, MkDocs, Material for MkDocs): catalogue `config_keys`.


def _switches():
    return catalogue().config_switches


HEADER_NAMES = ("set-cookie", "content-security-policy", "content-security-policy-report-only", "referrer-policy")
_CSP_DIRECTIVES = frozenset({"default-src", "script-src", "script-src-elem", "connect-src", "img-src", "frame-src",
                             "child-src", "font-src", "style-src", "style-src-elem", "media-src", "worker-src",
                             "object-src", "manifest-src", "form-action", "prefetch-src"})


class Setting(NamedTuple):
    path: str  # the config file as given (or relative to the site root, for one in the build)
    in_site: bool  # True for a file inside the built site
    line: int
    column: int | None
    key: str  # "google_analytics", "analytics.provider"
    vendor: str


class HeaderValue(NamedTuple):
    path: str
    in_site: bool
    line: int
    column: int | None
    name: str  # one of HEADER_NAMES
    value: str


@dataclass
class SiteConfig:
    settings: list[Setting] = field(default_factory=list)
    headers: list[HeaderValue] = field(default_factory=list)
    problems: list[ConfigProblem] = field(default_factory=list)


class ConfigProblem(NamedTuple):
    """A config file that could not be read, where the parser stopped when it says."""

    path: str
    in_site: bool
    message: str
    line: int | None = None
    column: int | None = None


MAX_CONFIG_SIZE = 1024 * 1024  # a site config of more than 1 MiB is not a site config


def read_config(site_root: str, source: str | None, given: tuple[str, ...]) -> SiteConfig:
    """Every generator and header config privacylint can find for this site, in a stable order.

    Files found in the build or in --source are read only when they are regular files inside that
    tree (the symlink rule of the site itself); files given with --config are the user's choice."""
    config = SiteConfig()
    files: list[tuple[str, bool, str | None]] = [(p, False, None) for p in given]
    if source:
        files += [(os.path.join(source, n), False, source) for n in GENERATOR_FILES + HEADER_FILES
                  if os.path.lexists(os.path.join(source, n))]
    files += [(os.path.join(site_root, n), True, site_root) for n in HEADER_FILES
              if os.path.lexists(os.path.join(site_root, n))]
    seen = set()
    for path, in_site, tree in files:
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        shown = os.path.relpath(path, site_root) if in_site else os.path.normpath(path)
        problem = _unsafe(path, real, tree)
        if problem:
            config.problems.append(ConfigProblem(shown, in_site, problem))
            continue
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read(MAX_CONFIG_SIZE + 1)
            if len(text) > MAX_CONFIG_SIZE:
                raise ValueError(f"it is over {MAX_CONFIG_SIZE:,} characters")
            _read_one(os.path.basename(path), text, shown, in_site, config)
        except Exception as err:  # noqa: BLE001 - parse errors of every kind (YAML has many): report, go on
            config.problems.append(ConfigProblem(shown, in_site, f"cannot be read as site config: {_one_line(err)}",
                                                 *_position(err)))
    return config


def _unsafe(path: str, real: str, tree: str | None) -> str | None:
    """Why a config file found in a tree is not read: it leaves the tree, or is not a file."""
    if tree is not None:
        root = os.path.realpath(tree)
        if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
            return "is a symbolic link that leaves the tree; not followed"
    if not os.path.isfile(path):
        return "is not a regular file; not read"
    return None


_TOML_AT = re.compile(r" \(at line (\d+), column (\d+)\)$")


def _one_line(err: Exception) -> str:
    """A parser's own words on one line, without its context dump (YAML's span several lines)
    or the position (the finding carries it)."""
    if getattr(err, "problem", None):  # ruamel's MarkedYAMLError
        text = " ".join(filter(None, (getattr(err, "context", None), err.problem)))
    elif isinstance(err, json.JSONDecodeError):
        text = err.msg
    elif isinstance(err, OSError):
        text = err.strerror or str(err)
    else:
        text = _TOML_AT.sub("", str(err))
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:199] + "…"


def _position(err: Exception) -> tuple[int | None, int | None]:
    """1-based line and column where a YAML, TOML or JSON parser stopped, when it says."""
    mark = getattr(err, "problem_mark", None)
    if mark is not None:
        return mark.line + 1, mark.column + 1
    if isinstance(err, json.JSONDecodeError):
        return err.lineno, err.colno
    m = _TOML_AT.search(str(err))
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def _read_one(name: str, text: str, shown: str, in_site: bool, config: SiteConfig) -> None:
    if name == "_headers":
        config.headers += _netlify_headers(text, shown, in_site)
    elif name == "vercel.json":
        config.headers += _vercel_headers(json.loads(text), text, shown, in_site)
    elif name == "netlify.toml":
        config.headers += _netlify_toml(tomllib.loads(text), text, shown, in_site)
    elif name.endswith(".toml"):
        config.settings += _toml_settings(tomllib.loads(text), text, shown, in_site)
    elif name.endswith((".yml", ".yaml")):
        config.settings += _yaml_settings(text, shown, in_site)
    else:
        raise ValueError(f"unknown kind of config file {name!r}")


def _switch(value, target) -> str | None:
    if value in (None, False, "", "false", "off"):
        return None
    if isinstance(target, dict):
        return target.get(str(value).lower())
    return target


def _yaml_settings(text: str, shown: str, in_site: bool) -> list[Setting]:
    data = YAML(typ="rt").load(text)
    out = []
    for keys, target in _switches():
        node, parent = data, None
        for key in keys:
            if not isinstance(node, CommentedMap) or key not in node:
                break
            parent, node = node, node[key]
        else:
            vendor = _switch(node, target)
            if vendor:
                line, col = parent.lc.value(keys[-1])
                out.append(Setting(shown, in_site, line + 1, col + 1, ".".join(keys), vendor))
    return out


def _toml_settings(data: dict, text: str, shown: str, in_site: bool) -> list[Setting]:
    out = []
    for keys, target in _switches():
        node = data
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        vendor = _switch(node, target)
        if vendor:
            out.append(Setting(shown, in_site, _toml_line(text, keys), None, ".".join(keys), vendor))
    return out


def _toml_line(text: str, keys: tuple[str, ...]) -> int:
    """Line of a TOML key: `a.b.c = ` or `c = ` under a `[a.b]` table (tomllib keeps no positions)."""
    lines = text.split("\n")
    table = ".".join(keys[:-1])
    in_table = not table
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = stripped.strip("[]").strip() == table
            continue
        dotted = re.match(rf"{re.escape('.'.join(keys))}\s*=", stripped)
        if dotted or (in_table and re.match(rf"{re.escape(keys[-1])}\s*=", stripped)):
            return number
    return 1


def _netlify_headers(text: str, shown: str, in_site: bool) -> list[HeaderValue]:
    out = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line[:1].isspace() or ":" not in line or line.strip().startswith("#"):
            continue
        name, _, value = line.strip().partition(":")
        if name.strip().lower() in HEADER_NAMES:
            column = len(line) - len(line.lstrip()) + 1
            out.append(HeaderValue(shown, in_site, number, column, name.strip().lower(), value.strip()))
    return out


def _find_lines(text: str, needle: str) -> list[int]:
    return [n for n, line in enumerate(text.split("\n"), 1) if needle.lower() in line.lower()]


def _netlify_toml(data: dict, text: str, shown: str, in_site: bool) -> list[HeaderValue]:
    pairs = [(k, v) for rule in data.get("headers", []) for k, v in (rule.get("values") or {}).items()]
    return _positioned(pairs, text, shown, in_site)


def _vercel_headers(data: dict, text: str, shown: str, in_site: bool) -> list[HeaderValue]:
    pairs = [(h.get("key", ""), h.get("value", "")) for rule in data.get("headers", [])
             for h in rule.get("headers", [])]
    return _positioned(pairs, text, shown, in_site)


def _positioned(pairs, text: str, shown: str, in_site: bool) -> list[HeaderValue]:
    """Header name/value pairs from a parsed file, each at the next line that names it."""
    out, used = [], {}
    for name, value in pairs:
        lname = str(name).lower()
        if lname not in HEADER_NAMES:
            continue
        lines = _find_lines(text, str(name))
        index = used.get(lname, 0)
        used[lname] = index + 1
        line = lines[min(index, len(lines) - 1)] if lines else 1
        out.append(HeaderValue(shown, in_site, line, None, lname, str(value)))
    return out


def cookie_names(set_cookie: str) -> list[str]:
    """Names from a Set-Cookie value (several may be joined with newlines)."""
    return [part.split("=", 1)[0].strip() for part in set_cookie.split("\n") if "=" in part.split(";", 1)[0]]


def csp_hosts(policy: str) -> list[str]:
    """Host sources of a Content-Security-Policy's fetch directives: `cdn.example.com`,
    `*.example.com` (scheme, port and path dropped); keywords, schemes and `*` are skipped."""
    hosts = []
    for directive in policy.split(";"):
        parts = directive.split()
        if not parts or parts[0].lower() not in _CSP_DIRECTIVES:
            continue
        for source in parts[1:]:
            if source.startswith("'") or source == "*" or re.fullmatch(r"[a-z][a-z0-9+.-]*:", source, re.I):
                continue
            host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", source, flags=re.I).split("/", 1)[0].split(":", 1)[0]
            if "." in host and host not in hosts:
                hosts.append(host.lower())
    return hosts
