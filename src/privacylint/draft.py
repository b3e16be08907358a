"""`privacylint init`: a rules.yaml drafted from what the built site does and what its statement
already says, each entry commented with its evidence.

How: the site is linted with a policy that declares nothing (extraction is cached, so the runs
after the first are cheap); every third party, vendor cookie and storage key the run sees is
declared, with the catalogue's purpose and consent class; the draft is linted again until it
declares everything it can (a declared vendor brings its cookies). What a policy cannot make true
(an ungated tracker, a statement that does not name a collector, a missing link or contact) is
left for `privacylint SITE` to report, and the comments say which entries those are.

Site text is data in the draft, never syntax. A cookie or storage key the site's code writes is
written as a glob that matches only itself (`*` as `[*]`, `?` as `[?]`, `[` as `[[]`, leading or trailing whitespace in
brackets); a value that holds a character printable.safe_output would escape is double-quoted, so
the escape it gets on the way out is a YAML escape and the file holds the site's exact string;
comments are printable. An entry rules.yaml cannot hold (a host that is an IPv6 address or has
a `*`, a name over the loader's limits) is left out, named in a comment, and reported by the lint
that follows as what it is.
"""

from __future__ import annotations

import difflib
import fnmatch
import io
import os
import re
import tempfile
import textwrap
from dataclasses import dataclass, field

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from privacylint.checks import CHECK_IDS
from privacylint.engine import Options, run
from privacylint.model import Result
from privacylint.policy import PolicyError, load_policy
from privacylint.printable import printable
from privacylint.sitefacts import SiteClues, absolute
from privacylint.vendors import catalogue

DECLARED_BY_INIT = ("PL101", "PL201", "PL305")  # what a drafted policy makes true
_PURPOSE = {"analytics": "analytics", "product-analytics": "product analytics", "session-replay": "session replay",
            "tag-manager": "tag management", "advertising": "advertising", "marketing": "marketing",
            "chat": "chat", "social": "social media", "embed": "embedded content", "comments": "comments",
            "maps": "maps", "forms": "forms", "search": "site search", "security": "security",
            "fonts": "web fonts", "cdn": "content delivery", "consent-manager": "stores the consent choice"}
_ROUNDS = 3  # draft, lint, declare what the declared vendors write; once more to be sure


class DraftError(Exception):
    pass


@dataclass
class Draft:
    text: str
    remaining: Result  # the run of the draft: what rules.yaml cannot fix
    entries: _Entries = field(repr=False)

    @property
    def collectors(self) -> int:
        return len(self.entries.collectors)

    @property
    def cookies(self) -> int:
        return len(self.entries.cookies)


def draft(root: str, url: str | None, statement: str | None, options: Options) -> Draft:
    clues = SiteClues(root)
    if url and not absolute(url):
        raise DraftError(f"--url {url} is not an http(s) URL with a host")
    url = url or clues.site_url()
    if not url:
        raise DraftError(f"cannot tell the site's URL from the build in {root} (no canonical link, og:url, "
                         "sitemap.xml, CNAME or feed link); give it with --url https://example.org/")
    url = url if url.endswith("/") else url + "/"
    page = statement or clues.statement(url)
    if not page:
        raise DraftError(f"cannot find the privacy statement in {root} (no link whose text or path says privacy, "
                         "data protection, Datenschutz...); give its path with --statement /privacy/")
    contact = clues.contact(url, page)
    names = clues.statement_text(url, page)
    mapper = None
    if options.source:
        from privacylint.sourcemap import SourceMap

        mapper = SourceMap(options.source, exclude=[root])
    entries = _Entries(root, url, page, contact, names, mapper)
    for _ in range(_ROUNDS):
        result = run([root], entries.policy()[1], options)
        if not entries.learn(result):
            break
    else:  # still growing after the last round: the run must be of what is written
        result = run([root], entries.policy()[1], options)
    text, _ = entries.policy(result)  # the same entries, with comments from their run, read by the loader
    return Draft(text, result, entries)


def _load(text: str):
    """The policy a draft's text is, read by privacylint's own loader."""
    with tempfile.TemporaryDirectory(prefix="privacylint-init-") as tmp:
        path = os.path.join(tmp, "rules.yaml")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return load_policy(path, CHECK_IDS)


def literal_glob(name: str) -> str:
    """A cookie-name glob (fnmatch, as policy.py matches) that matches `name` and nothing else; the
    whitespace the loader strips from either end is kept inside brackets."""
    return re.sub(r"[*?\[]|^\s+|\s+$", lambda m: "".join(f"[{c}]" for c in m.group()), name)


def _value(text: str) -> str:
    """Site text as a YAML value: double-quoted when anything in it is escaped on the way out (a
    control or bidi character, `##[`, `::` that folding could put at a line start)."""
    return DoubleQuotedScalarString(text) if printable(text) != text or "::" in text else text


class _Entries:
    """The collectors and cookies drafted so far, from the runs' inventories and findings."""

    def __init__(self, root: str, url: str, page: str, contact: str | None, statement_text: str | None,
                 mapper=None):
        self.root, self.mapper = root, mapper
        self.url, self.page, self.contact, self.text = url, page, contact, statement_text
        self.collectors: dict[str, dict] = {}  # vendor id or site -> inventory entry
        self.sites: dict[str, set[str]] = {}  # vendor id or site -> the sites it was seen at
        self.cookies: dict[tuple[str, str], dict] = {}  # (storage, name) -> inventory entry
        self.gates: list[str] = []
        self.refused: dict[tuple[str, str], str] = {}  # ("collectors" | storage, key) -> why rules.yaml cannot hold it

    def learn(self, result: Result) -> bool:
        """Take in what `result` saw; True when the draft grew."""
        before = (len(self.collectors), len(self.cookies))
        inventory = result.inventory
        self.gates = list(inventory.get("consent_managers", []))
        for gate in self.gates:  # the consent manager keeps the visitor's choice: declare where
            manager = catalogue().vendors.get(gate)
            for cookie in manager.cookies if manager else ():
                self.cookies.setdefault((cookie.storage, cookie.name), {
                    "name": cookie.name, "storage": cookie.storage, "writers": [manager.id], "first": None})
        for c in inventory.get("collectors", []):
            if ("collectors", c["vendor"] or c["site"]) not in self.refused:
                self.collectors.setdefault(c["vendor"] or c["site"], c)
                self.sites.setdefault(c["vendor"] or c["site"], set()).add(c["site"])
        for c in inventory.get("cookies", []):
            if c["name"] and (c["storage"], c["name"]) not in self.refused:
                self.cookies.setdefault((c["storage"], c["name"]), c)
        return (len(self.collectors), len(self.cookies)) != before

    def policy(self, result: Result | None = None):
        """(text, policy) of the draft as privacylint's own loader reads it. An entry the loader
        refuses is left out (and named in a comment); anything else it refuses is a DraftError."""
        while True:
            text = self.render(result)
            try:
                return text, _load(text)
            except PolicyError as err:
                if not self._refuse(text, err.issues):
                    raise DraftError("the drafted rules.yaml is not valid (please report this): "
                                     + "; ".join(f"{line}:{col}: {printable(msg)}" for line, col, msg in err.issues))

    def _refuse(self, text: str, issues: list[tuple[int, int, str]]) -> bool:
        """Leave out the collectors and cookies at the lines of `issues`, and a contact the loader
        refuses; False when an issue is elsewhere (the draft itself is wrong)."""
        doc = _yaml().load(text)
        sections = {"collectors": sorted(self.collectors), "cookies": sorted(self.cookies)}
        refused = False
        for line, _, message in issues:
            if self.contact and "contact" in doc["statement"] and doc["statement"].lc.value("contact")[0] == line - 1:
                self.contact, refused = None, True
                continue
            found = _entry_at(doc, sections, line - 1)
            if found is None:
                return False
            section, key = found
            if section == "collectors":
                self.collectors.pop(key, None)
                self.refused[("collectors", key)] = message
            else:
                self.cookies.pop(key, None)
                self.refused[key] = message
            refused = True
        return refused

    def render(self, result: Result | None = None) -> str:
        doc = CommentedMap()
        doc["version"] = 1
        doc["site"] = CommentedMap(url=_value(self.url))
        statement = CommentedMap(page=_value(self.page), linked_from="homepage")
        if self.contact:
            statement["contact"] = _value(self.contact)
        doc["statement"] = statement
        if self.gates:
            doc["consent"] = CommentedMap(gates=CommentedSeq(self.gates))
        unnamed = {f.subject for f in result.findings if f.check == "PL303"} if result else set()
        doc["collectors"] = CommentedSeq(self.collector(key, entry, unnamed) for key, entry in
                                         sorted(self.collectors.items()))
        said = _no_cookies_claim(result)
        doc["cookies"] = CommentedSeq(self.cookie(entry, said) for _, entry in sorted(self.cookies.items()))
        doc["links"] = CommentedMap(outbound="allow")
        _comment_top(doc, self, result)
        for section in ("collectors", "cookies"):
            left_out = sorted(f"{_short(key[1])} ({why})" for key, why in self.refused.items()
                              if (key[0] == "collectors") == (section == "collectors"))
            if left_out:
                doc.yaml_set_comment_before_after_key(section, before=_wrap(
                    f"Left out, as rules.yaml cannot hold them (privacylint SITE reports them): {'; '.join(left_out)}"))
        return _dump(doc)

    def collector(self, key: str, entry: dict, unnamed: set[str]) -> CommentedMap:
        vendor = catalogue().vendors.get(entry["vendor"]) if entry["vendor"] else None
        item = CommentedMap()
        named = None if vendor else entry.get("third_party_web")
        item["name"] = _value(named["name"] if named else self._name(vendor, entry["site"]))
        if vendor:
            item["vendor"] = vendor.id
        else:
            item["hosts"] = CommentedSeq([_value(entry["site"])])
        item["purpose"] = (_PURPOSE.get(vendor.category, vendor.category) if vendor else
                           _value(f"REVIEW: say what it does (third-party-web: {named['category']})") if named else
                           "REVIEW: say what it does")
        item["consent"] = vendor.consent if vendor else "required"
        if vendor and vendor.tag_manager:
            item["loads"] = CommentedSeq()
            item.yaml_add_eol_comment("list the collectors the tag manager is configured to load (PL103)", "loads")
        said = ("the statement page is not in the build: whether it names it is unknown" if self.text is None
                else "NOT named in the statement: add it there, or stop loading it" if item["name"] in unnamed
                else "named in the statement")
        if named:
            said += f"; its name is third-party-web's ({entry['site']} is not in the curated catalogue)"
        item.yaml_set_start_comment(_wrap(_evidence(entry, said, self.where)), indent=2)
        return item

    def _name(self, vendor, site: str) -> str:
        if vendor is None:
            return site
        return next((n for n in vendor.names if " ".join(n.split()).lower() in (self.text or "")), vendor.name)

    def cookie(self, entry: dict, no_cookies: str | None = None) -> CommentedMap:
        writers = entry.get("writers", [])
        vendors = [catalogue().vendors[w] for w in writers if w in catalogue().vendors]
        name = entry["name"] if vendors or writers != ["site code"] else literal_glob(entry["name"])  # catalogue: globs
        item = CommentedMap(name=_value(name))
        if entry["storage"] != "cookie":
            item["storage"] = entry["storage"]
        if vendors:
            item["purpose"] = _PURPOSE.get(vendors[0].category, vendors[0].category)
            item["consent"] = vendors[0].consent
            why = f"written by {', '.join(v.name for v in vendors)} (catalogue)"
        else:
            item["purpose"] = "REVIEW: what the site stores here"
            item["consent"] = "not-required"
            why = ("written by the site's own code: not-required only if strictly necessary for what the visitor "
                   "asked for (a preference, a cart); if it tracks, set required")
        seen = f"first at {self.where(entry)}" if entry.get("first") else "the consent manager's own"
        if no_cookies and entry["storage"] == "cookie":  # the statement says otherwise: a human decides
            seen += f". REVIEW: {no_cookies}; correct the statement, or stop writing it (PL311)"
        item.yaml_set_start_comment(_wrap(f"{why}; {seen}"), indent=2)
        return item

    def where(self, entry: dict) -> str:
        """Where an inventory entry was first seen: its source line with --source, else the build."""
        first = entry.get("first") or {}
        path, line = first.get("path"), first.get("line")
        if self.mapper is not None and path and line:
            origin = self.mapper.origin_of(os.path.join(self.root, path), line)
            if origin:
                return f"{origin.path}:{origin.line}"
        return f"{path}:{line}"


def _no_cookies_claim(result: Result | None) -> str | None:
    """"the statement says '...' (path:line)" when it claims the site uses no cookies at all."""
    for claim in (result.inventory.get("statement_claims", []) if result else []):
        if claim["claim"] == "no-cookies" and not claim["kind"]:
            return f"the statement says '{claim['sentence']}' ({claim['path']}:{claim['line']})"
    return None


def _yaml() -> YAML:
    yaml = YAML()
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _dump(doc) -> str:
    out = io.StringIO()
    _yaml().dump(doc, out)
    return out.getvalue()


def diff(rules_path: str, drafted: Draft, root: str, options: Options) -> str:
    """The existing rules file against the site, as a unified diff of the file: entries for what
    the site does and the file does not declare are added (with their evidence), entries for
    what the site no longer does are removed; everything else, comments included, is kept."""
    with open(rules_path, encoding="utf-8") as fh:
        old = fh.read()
    existing = run([root], load_policy(rules_path, CHECK_IDS), options)
    subjects = {check: {f.subject for f in existing.findings if f.check == check} for check in DECLARED_BY_INIT}
    entries = drafted.entries
    unnamed = {f.subject for f in drafted.remaining.findings if f.check == "PL303"}
    doc = _yaml().load(old)
    collectors = _list(doc, "collectors")
    for i in reversed(range(len(collectors))):
        if collectors[i].get("name") in subjects["PL305"]:
            del collectors[i]
    for key, entry in sorted(entries.collectors.items()):
        if entries.sites[key] & subjects["PL101"]:
            collectors.append(entries.collector(key, entry, unnamed))
    cookies = _list(doc, "cookies")
    seen = {c["name"] for c in existing.inventory.get("cookies", []) if c["name"]} | {n for _, n in entries.cookies}
    for i in reversed(range(len(cookies))):
        name = str(cookies[i].get("name", ""))
        if not any(fnmatch.fnmatchcase(s, name) or fnmatch.fnmatchcase(name, s) for s in seen):
            del cookies[i]
    for (_, name), entry in sorted(entries.cookies.items()):
        if name in subjects["PL201"]:
            cookies.append(entries.cookie(entry))
    new = _dump(doc)
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), rules_path,
                                        f"{rules_path} (what {root} does)"))


def _list(doc: CommentedMap, key: str) -> CommentedSeq:
    if not isinstance(doc.get(key), list):
        doc[key] = CommentedSeq()
    return doc[key]


def _wrap(text: str) -> str:
    """A comment: printable (a line separator in a file name would end it), wrapped."""
    return "\n".join(textwrap.wrap(printable(text), 96, break_long_words=False, break_on_hyphens=False))


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _entry_at(doc: CommentedMap, sections: dict[str, list], line: int) -> tuple[str, object] | None:
    """(section, key in `sections`) of the collector or cookie item of `doc` at `line` (0-based)."""
    keys = list(doc)
    for name, order in sections.items():
        items = doc.get(name) or []
        if not items:
            continue
        following = keys[keys.index(name) + 1:]
        end = doc.lc.key(following[0])[0] if following else float("inf")
        starts = [items.lc.item(i)[0] for i in range(len(items))] + [end]
        for i in range(len(items)):
            if starts[i] <= line < starts[i + 1]:
                return name, order[i]
    return None


def _evidence(entry: dict, said: str, where) -> str:
    how = ", ".join(entry.get("how", [])) or "contact"
    pages = entry.get("pages", entry.get("files", 0))
    gates = entry.get("gates", {})
    gate = next(iter(gates)) if len(gates) == 1 else ", ".join(f"{k} on {v}" for k, v in sorted(gates.items()))
    return (f"{how} on {pages} page{'s' if pages != 1 else ''}, first at {where(entry)}; "
            f"{gate or 'ungated'}; {said}")


def _comment_top(doc: CommentedMap, entries: _Entries, result: Result | None) -> None:
    doc.yaml_set_start_comment(
        "Drafted by `privacylint init` from the built site and its statement. Read every comment: each\n"
        "entry says where it was seen, behind which gate, and whether the statement names it.\n"
        "Entries marked REVIEW need a human decision. rules.yaml version 1: see privacylint's README.")
