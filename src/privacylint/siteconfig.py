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
import tomllib
from dataclasses import dataclass, field
from typing import NamedTuple

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


HEADER_NAMES = ("set-cookie", "content-security-policy", "content-security-policy-report-only", "referrer-policy",
                "content-type")
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
    rule: str = "/*"  # the paths it applies to, as the file writes them (Netlify `/blog/*`, Vercel `/(.*)`)


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
    subject: str = "parse"  # parse | too-large | symlink | unreadable, as PL001 names problems


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
            config.problems.append(ConfigProblem(shown, in_site, problem[0], subject=problem[1]))
            continue
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read(MAX_CONFIG_SIZE + 1)
        except (OSError, UnicodeDecodeError) as err:
            config.problems.append(ConfigProblem(shown, in_site, f"cannot be read: {_one_line(err)}",
                                                 subject="unreadable"))
            continue
        if len(text) > MAX_CONFIG_SIZE:
            config.problems.append(ConfigProblem(shown, in_site, f"is over {MAX_CONFIG_SIZE:,} characters; a site "
                                                 "config is far smaller, so it was not read", subject="too-large"))
            continue
        try:
            _read_one(os.path.basename(path), text, shown, in_site, config)
        except Exception as err:  # noqa: BLE001 - parse errors of every kind (YAML has many): report, go on
            config.problems.append(ConfigProblem(shown, in_site, f"cannot be read as site config: {_one_line(err)}",
                                                 *_position(err)))
    return config


def _unsafe(path: str, real: str, tree: str | None) -> tuple[str, str] | None:
    """(why, subject) a config file found in a tree is not read: it leaves the tree, or is not a file."""
    if tree is not None:
        root = os.path.realpath(tree)
        if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
            return "is a symbolic link that leaves the tree; not followed", "symlink"
    if not os.path.isfile(path):
        return "is not a regular file; not read", "unreadable"
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
    out, rule = [], "/*"
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip().startswith("#") or not line.strip():
            continue
        if not line[:1].isspace():
            rule = line.strip()  # a path (pattern) starts a block; its headers are indented below it
            continue
        if ":" not in line:
            continue
        name, _, value = line.strip().partition(":")
        if name.strip().lower() in HEADER_NAMES:
            column = len(line) - len(line.lstrip()) + 1
            out.append(HeaderValue(shown, in_site, number, column, name.strip().lower(), value.strip(), rule))
    return out


def _find_lines(text: str, needle: str) -> list[int]:
    return [n for n, line in enumerate(text.split("\n"), 1) if needle.lower() in line.lower()]


def _netlify_toml(data: dict, text: str, shown: str, in_site: bool) -> list[HeaderValue]:
    triples = [(k, v, str(rule.get("for", "/*"))) for rule in _entries(data, "headers")
               for k, v in _mapping(rule.get("values")).items()]
    return _positioned(triples, text, shown, in_site)


def _vercel_headers(data: dict, text: str, shown: str, in_site: bool) -> list[HeaderValue]:
    triples = [(h.get("key", ""), h.get("value", ""), str(rule.get("source", "/(.*)"))) for rule in _entries(data, "headers")
               for h in _entries(rule, "headers")]
    return _positioned(triples, text, shown, in_site)


def _entries(data, key: str) -> list[dict]:
    """The mappings of a list in a parsed file; an entry of another shape is skipped (the good
    ones are still checked: one bad entry must not hide every header)."""
    value = data.get(key) if isinstance(data, dict) else None
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def _positioned(triples, text: str, shown: str, in_site: bool) -> list[HeaderValue]:
    """Header name/value pairs (with their path rule) from a parsed file, each at the next line
    that names it."""
    out, used = [], {}
    for name, value, rule in triples:
        lname = str(name).lower()
        if lname not in HEADER_NAMES:
            continue
        lines = _find_lines(text, str(name))
        index = used.get(lname, 0)
        used[lname] = index + 1
        line = lines[min(index, len(lines) - 1)] if lines else 1
        out.append(HeaderValue(shown, in_site, line, None, lname, str(value), rule))
    return out


def content_charset(config: SiteConfig, path: str) -> str | None:
    """The charset a Content-Type header of the site's header config gives the file at `path`
    (relative to the build root), if any: the last rule that matches it. Browsers take it over
    what the page declares."""
    found = None
    candidates = _url_paths(path)
    for header in config.headers:
        if header.name != "content-type":
            continue
        m = _CHARSET_PARAM.search(header.value)
        if m and any(_rule_matches(header.rule, p) for p in candidates):
            found = m.group(1).strip("\"' ")
    return found or None


_CHARSET_PARAM = re.compile(r";\s*charset\s*=\s*(\"[^\"]*\"|[^;\s]+)", re.IGNORECASE)


def _url_paths(path: str) -> list[str]:
    """The URL paths a built file is served at: /a/index.html, /a/ and /a; /b.html and /b."""
    url = "/" + path.lstrip("/")
    out = [url]
    if url.endswith("/index.html"):
        out += [url[: -len("index.html")], url[: -len("/index.html")] or "/"]
    elif url.endswith(".html"):
        out.append(url[: -len(".html")])
    return out


def _rule_matches(rule: str, path: str) -> bool:
    """Whether a header rule's path pattern covers `path`: Netlify's `*` splat and `:name`
    placeholders, Vercel's path-to-regexp `:name`, `:name*` and `(.*)`; an absolute URL rule is
    read by its path."""
    if "://" in rule:
        rule = "/" + rule.split("://", 1)[1].partition("/")[2]
    return _rule_regex(rule).fullmatch(path) is not None


def _rule_regex(rule: str) -> re.Pattern:
    parts, i = [], 0
    while i < len(rule):
        c = rule[i]
        if c == "*":
            parts.append(".*")
        elif c == ":" and i + 1 < len(rule) and (rule[i + 1].isalnum() or rule[i + 1] == "_"):
            j = i + 1
            while j < len(rule) and (rule[j].isalnum() or rule[j] == "_"):
                j += 1
            modifier = rule[j] if j < len(rule) and rule[j] in "*+?" else ""
            parts.append(".*" if modifier in "*+" and modifier else "[^/]+" + ("?" if modifier == "?" else ""))
            i = j + (1 if modifier else 0)
            continue
        elif c == "(":
            j = rule.find(")", i)
            parts.append(".*")  # a regular expression group: read as "anything", the widest reading
            i = len(rule) if j < 0 else j + 1
            continue
        else:
            parts.append(re.escape(c))
        i += 1
    return re.compile("".join(parts))


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
            if source.startswith("'") or source == "*" or re.fullmatch(r"[a-z][a-z0-9+.-]*:", source, re.IGNORECASE):
                continue
            host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", source, flags=re.IGNORECASE).split("/", 1)[0].split(":", 1)[0]
            if "." in host and host not in hosts:
                hosts.append(host.lower())
    return hosts
