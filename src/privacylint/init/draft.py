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
from privacylint.domains import host_of, site_of
from privacylint.engine import Options, run
from privacylint.model import Result
from privacylint.policy import PolicyError, load_policy
from privacylint.printable import printable
from privacylint.init.clues import SiteClues, absolute
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
    notes: list[str] = field(default_factory=list)  # what init could not settle, for standard error

    @property
    def collectors(self) -> int:
        return len(self.entries.collectors)

    @property
    def cookies(self) -> int:
        return len(self.entries.cookies)


def draft(root: str, url: str | None, statement: str | None, options: Options, contact: str | None = None,
          first_party: tuple[str, ...] | None = None) -> Draft:
    """The draft for the build in `root`. `url` and `statement` (a path, or a URL on another
    site) as given, else found in the build; with --diff they come from the existing rules file,
    with its `contact` and `first_party`, and nothing is looked for again."""
    clues = SiteClues(root)
    notes: list[str] = []
    if url and not absolute(url):
        raise DraftError(f"--url {url} is not an http(s) URL with a host")
    url = absolute(url) if url else clues.site_url()
    if not url:
        raise DraftError(f"cannot tell the site's URL from the build in {root} (no canonical link, og:url, "
                         "sitemap.xml, CNAME or feed link); give it with --url https://example.org/")
    url = url if url.endswith("/") else url + "/"
    if first_party is None:
        home = site_of(host_of(url) or "")
        first_party = tuple(h for h in clues.own_hosts(url) if site_of(h) != home)  # another site's host
        notes += filter(None, [clues.disagreement()])
    page = _statement_page(statement, url) if statement else clues.statement(url)
    missing = not page
    if missing:
        page = "/privacy/"
        notes.append(f"no privacy statement found in {root} (no link whose text or path says privacy, data "
                     "protection, Datenschutz...): the draft names /privacy/, and PL301 reports it until the "
                     "statement is published there (or give its path or URL with --statement)")
    offsite = page.startswith(("http://", "https://"))
    if contact is None and not (offsite or missing):
        contact = clues.contact(url, page)
    names = None if offsite else clues.statement_text(url, page)
    mapper = None
    if options.source:
        from privacylint.sourcemap import SourceMap

        mapper = SourceMap(options.source, exclude=[root])
    entries = _Entries(root, url, page, contact, names, mapper)
    entries.first_party, entries.missing, entries.offsite = list(first_party), missing, offsite
    for _ in range(_ROUNDS):
        result = run([root], entries.policy()[1], options)
        if not entries.learn(result):
            break
    else:  # still growing after the last round: the run must be of what is written
        result = run([root], entries.policy()[1], options)
    text, _ = entries.policy(result)  # the same entries, with comments from their run, read by the loader
    return Draft(text, result, entries, notes)


def _statement_page(given: str, url: str) -> str:
    """--statement as rules.yaml holds it: a URL path, or the URL of a statement on another site
    (one on site.url itself becomes its path)."""
    if given.startswith("/"):
        return given
    found = absolute(given)
    if found is None:
        raise DraftError(f"--statement {given}: give the statement's URL path on the site (/privacy/) or its "
                         "http(s) URL when it is published on another site")
    return "/" + found[len(url):] if found.startswith(url) else found


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
        self.first_party: list[str] = []  # the site's own hosts besides site.url's (CNAME, canonical link)
        self.missing = False  # no statement found: the draft names /privacy/ and explains PL301
        self.offsite = False  # the statement is on another site: its text is not read
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
        if self.first_party:
            doc["site"]["first_party"] = CommentedSeq(_value(h) for h in self.first_party)
            doc["site"].yaml_add_eol_comment("the build's own hosts (CNAME, canonical link, og:url)", "first_party")
        statement = CommentedMap(page=_value(self.page), linked_from="homepage")
        if self.contact:
            statement["contact"] = _value(self.contact)
        doc["statement"] = statement
        if self.missing or self.offsite:
            doc.yaml_set_comment_before_after_key("statement", before=_wrap(
                "No privacy statement was found in the build: PL301 (statement-missing) reports it until one is "
                "published at this path (or set page to where it is, a path or the URL of a statement on "
                "another site). Publish one that names every collector below and how to reach you (contact)."
                if self.missing else
                "The statement is published on another site: privacylint checks that the homepage links to it "
                "(PL302); it reads no page outside the build, so check yourself that it names every collector "
                "below and the contact (a note, PL301, says so once)."))
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
        said = ("the statement is on another site: check that it names it" if self.offsite
                else "the statement page is not in the build: whether it names it is unknown" if self.text is None
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


def _yaml(existing: str | None = None) -> YAML:
    """The draft's YAML; for an existing file (--diff), one that writes it back as it is: its
    quotes, its indentation, no line re-wrapped."""
    yaml = YAML()
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    if existing is not None:
        mapping, sequence, offset = _indents(existing)
        yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        yaml.preserve_quotes = True
        yaml.width = 4096
    return yaml


def _dump(doc) -> str:
    out = io.StringIO()
    _yaml().dump(doc, out)
    return out.getvalue()


def diff(rules_path: str, drafted: Draft, root: str, options: Options) -> str:
    """The existing rules file against the site, as a unified diff of the file: entries for what
    the site does and the file does not declare are added (with their evidence); a collector no
    page contacts (PL305) and a cookie of a catalogue vendor the site no longer uses are removed;
    everything else is kept as written, comments, quoting and indentation included (a key the
    build cannot show, such as a server's cookie or a consent manager's configured key, is not
    evidence of anything)."""
    with open(rules_path, encoding="utf-8") as fh:
        old = fh.read()
    existing = run([root], load_policy(rules_path, CHECK_IDS), options)
    subjects = {check: {f.subject for f in existing.findings if f.check == check} for check in DECLARED_BY_INIT}
    entries = drafted.entries
    unnamed = {f.subject for f in drafted.remaining.findings if f.check == "PL303"}
    yaml = _yaml(old)
    doc = yaml.load(old)
    collectors = doc.get("collectors") if isinstance(doc.get("collectors"), list) else []
    for i in reversed(range(len(collectors))):
        if isinstance(collectors[i], dict) and collectors[i].get("name") in subjects["PL305"]:
            del collectors[i]
    for key, entry in sorted(entries.collectors.items()):
        if entries.sites[key] & subjects["PL101"]:
            _list(doc, "collectors").append(entries.collector(key, entry, unnamed))
    cookies = doc.get("cookies") if isinstance(doc.get("cookies"), list) else []
    written = {c["name"] for c in existing.inventory.get("cookies", []) if c["name"]} | {n for _, n in entries.cookies}
    used = _used_vendors(existing) | _used_vendors(drafted.remaining)
    for i in reversed(range(len(cookies))):
        name = str(cookies[i].get("name", "")) if isinstance(cookies[i], dict) else ""
        if name and not _matches(name, written) and _owners(name) and not _owners(name) & used:
            del cookies[i]  # a cookie of a vendor the site no longer uses
    for (_, name), entry in sorted(entries.cookies.items()):
        if name in subjects["PL201"]:
            _list(doc, "cookies").append(entries.cookie(entry))
    out = io.StringIO()
    yaml.dump(doc, out)
    return "".join(difflib.unified_diff(old.splitlines(True), out.getvalue().splitlines(True), rules_path,
                                        f"{rules_path} (what {root} does)"))


def _matches(name: str, names: set[str]) -> bool:
    return any(fnmatch.fnmatchcase(s, name) or fnmatch.fnmatchcase(name, s) for s in names)


def _owners(name: str) -> set[str]:
    """The catalogue vendors whose cookies `name` is (or matches)."""
    return {v.id for v in catalogue().vendors.values() for c in v.cookies
            if fnmatch.fnmatchcase(c.name, name) or fnmatch.fnmatchcase(name, c.name)}


def _used_vendors(result: Result) -> set[str]:
    inventory = result.inventory
    return ({c["vendor"] for c in inventory.get("collectors", []) if c.get("vendor")}
            | set(inventory.get("consent_managers", []))
            | {w for c in inventory.get("cookies", []) for w in c.get("writers", ())})


def _indents(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) indentation of an existing rules file, as ruamel.yaml takes
    them, so that entries --diff adds look like the file's own (default: 2, 4, 2)."""
    mapping = re.search(r"^([a-z_]+):[ \t]*(?:#.*)?\n(?:[ \t]*(?:#.*)?\n)*( +)[a-z_]+:", text, re.MULTILINE)
    sequence = re.search(r"^[a-z_]+:[ \t]*(?:#.*)?\n(?:[ \t]*(?:#.*)?\n)*( *)-( +)\S", text, re.MULTILINE)
    if sequence is None:
        return (len(mapping.group(2)) if mapping else 2), 4, 2
    offset, gap = len(sequence.group(1)), len(sequence.group(2))
    return (len(mapping.group(2)) if mapping else 2), offset + 1 + gap, offset


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
