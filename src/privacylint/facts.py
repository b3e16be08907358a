"""Facts: what extraction finds in one file, with its location. Facts know nothing of the policy.

Named tuples, not dataclasses: facts cross the process pool, and tuples unpickle four times faster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

# Request kinds that come from JavaScript. A literal URL that no load uses is a request only
# when it names a catalogue host (vendors assemble URLs at run time); see engine.classify.
JS_LOAD = "JavaScript load"
JS_LITERAL = "JavaScript URL literal"
META_REFRESH = "<meta refresh>"
OBSERVED = "observed in a browser"  # the kind of a request a browser made (--browser): "...: script"
OBSERVED_WRITE = "a browser loading the page"  # the api of a storage write a browser saw (--browser)
HAR = "recorded in a HAR"  # the same, read from a HAR file (--har)
HAR_WRITE = "a recorded browser session (HAR)"


def evidence_of(kind_or_api: str) -> str:
    """The evidence kind of a fact (design.md, "Evidence"): static, observed or har."""
    if kind_or_api.startswith(OBSERVED) or kind_or_api == OBSERVED_WRITE:
        return "observed"
    if kind_or_api.startswith(HAR) or kind_or_api == HAR_WRITE:
        return "har"
    return "static"


def split_gate(gate: str | None) -> tuple[str | None, str | None]:
    """A fact's gate: `cookiebot:statistics` -> ("cookiebot", "statistics"); a manager alone (a
    consent callback, tarteaucitron) has no category."""
    if not gate:
        return None, None
    cmp, _, category = gate.partition(":")
    return cmp, category or None


class Request(NamedTuple):
    """The browser contacts `url` (absolute, resolved against the file's URL and <base href>)."""

    url: str
    kind: str  # how it is made: "<img srcset>", "<link rel=stylesheet>", "css @import", JS_LOAD ...
    line: int
    column: int | None = None
    noscript: bool = False
    gate: str | None = None  # the consent manager (and category) holding it back: split_gate
    referrer: str | None = None  # the element's referrerpolicy attribute, lower-case


class Link(NamedTuple):
    """A navigation target (<a>, <area>, <link rel=privacy-policy>); not contacted until clicked."""

    url: str
    kind: str
    line: int
    column: int | None = None
    referrer: str | None = None  # referrerpolicy, or "no-referrer" for rel=noreferrer
    hidden: bool = False  # inside a hidden, aria-hidden or display:none container: no visitor follows it


class Sentence(NamedTuple):
    """A sentence of a page's visible text (extract/text.py), as a visitor reads it."""

    text: str  # white space folded
    line: int  # the built page's line it starts on
    heading: int = 0  # 1-6: the text of a heading of that level; 0: body text


class StorageWrite(NamedTuple):
    """A cookie or Web Storage write. `name` is None when it is computed at run time."""

    storage: str  # cookie | local | session
    name: str | None
    api: str  # document.cookie, Cookies.set, $.cookie, localStorage.setItem ...
    line: int
    column: int | None = None
    gate: str | None = None


class Marker(NamedTuple):
    """A vendor's inline snippet (gtag('config', fbq('init', _paq.push ...), URL or not."""

    vendor: str  # catalogue id
    evidence: str
    line: int
    column: int | None = None
    noscript: bool = False
    gate: str | None = None


class Behaviour(NamedTuple):
    """Something a script does to the browser beyond loading and storing: reading a fingerprint
    (canvas, WebGL, audio, installed fonts), or, observed in a browser, sending what a visitor
    types. Static reading finds it in the site's own code; vendor code is seen only by a browser."""

    kind: str  # canvas-fingerprint | webgl-fingerprint | audio-fingerprint | font-fingerprint | input-sent
    evidence: str  # what shows it: "fillText, then toDataURL on a canvas the page never shows"
    line: int
    column: int | None = None
    gate: str | None = None
    observed: str | None = None  # for a browser's observation: the script that did it


class ConsentDefault(NamedTuple):
    """gtag('consent', 'default', {...}): the Google consent mode defaults, where they are set."""

    line: int
    column: int | None
    denied: tuple[str, ...]  # analytics_storage, ad_storage ...


class Directive(NamedTuple):
    """An inline suppression: `data-privacylint-ignore="PL101: reason"` on an element (it covers
    the element and what it contains), or `<!-- privacylint-ignore PL101: reason -->` before one."""

    line: int
    column: int | None
    checks: tuple[str, ...]
    reason: str  # empty when none was given (PL903)
    whole_file: bool  # on <html> or <body>, or before the document: covers every finding of the file


class Problem(NamedTuple):
    """Why a file could not be read, or was read only in part (PL001)."""

    subject: str  # binary | decode | too-large | symlink | unreadable | parse
    severity: str
    message: str
    line: int | None = None


_NOT_CHECKED = frozenset({"binary", "too-large", "symlink", "unreadable", "parse"})


@dataclass(slots=True)
class FileFacts:
    path: str  # POSIX, relative to the site root
    kind: str  # page | script | stylesheet | other
    size: int = 0
    requests: list[Request] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)  # those that may leave the site, and mailto:
    local_links: tuple[str, ...] = ()  # hrefs of relative links that stay on the site, as written
    # but without their fragment, once each ("" for links within the page); visible ones only
    base: str | None = None  # a <base href> other than the page's own URL
    writes: list[StorageWrite] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    behaviours: list[Behaviour] = field(default_factory=list)
    consent_defaults: list[ConsentDefault] = field(default_factory=list)
    autoblock: str | None = None  # an auto-blocking consent manager loaded first on the page
    implied: tuple[str, ...] = ()  # consent managers configured to release scripts without a choice
    consent_config: list[tuple] = field(default_factory=list)  # (manager, category, always on); (manager, "@cookie"|"@local", key)
    csp: list[tuple[int, int | None, str]] = field(default_factory=list)  # <meta http-equiv=CSP>: line, column, value
    referrer: tuple[int, int | None, str] | None = None  # <meta name=referrer>: line, column, policy
    directives: list[Directive] = field(default_factory=list)
    covered: dict[tuple[int, int | None], tuple[int, ...]] = field(default_factory=dict)  # fact position -> directives
    problems: list[Problem] = field(default_factory=list)
    mentions: tuple[str, ...] = ()  # the site's own files its scripts may load, as written (extract.js)
    loads_files: tuple[str, ...] = ()  # the site's own scripts and stylesheets it loads (Site.fold)
    # A page's visible text as sentences (extract/text.py): None when it was not extracted (only
    # pages that could be a privacy statement are read for it; folding keeps the statement's only)
    text: tuple[Sentence, ...] | None = None

    @property
    def checked(self) -> bool:
        """Read and analysed (a decode warning still is); a skipped file is not."""
        return not any(p.subject in _NOT_CHECKED for p in self.problems)

    def add_js(self, found) -> None:
        """Add what extract.js found in one script of this file."""
        self.requests.extend(found.requests)
        self.writes.extend(found.writes)
        self.markers.extend(found.markers)
        self.behaviours.extend(found.behaviours)
        self.consent_defaults.extend(found.consent_defaults)
        self.implied = tuple(sorted(set(self.implied) | set(found.implied)))
        self.consent_config.extend(found.config)
        if found.mentions:
            self.mentions = tuple(sorted(set(self.mentions) | set(found.mentions)))


# -- the fact cache's form: JSON-safe lists, never pickle (a cache file must not be able to run code)
_ROWS = (("requests", Request), ("links", Link), ("writes", StorageWrite), ("markers", Marker),
         ("consent_defaults", ConsentDefault), ("directives", Directive), ("problems", Problem),
         ("behaviours", Behaviour))


_NESTED = (Directive, ConsentDefault)


def facts_to_data(f: FileFacts) -> list:
    return [f.path, f.kind, f.size, *([list(row) for row in getattr(f, name)] for name, _ in _ROWS),
            list(f.local_links), f.base, f.autoblock, list(f.implied), [list(c) for c in f.csp],
            list(f.referrer) if f.referrer else None, [[*key, list(value)] for key, value in f.covered.items()],
            [list(c) for c in f.consent_config], list(f.mentions), list(f.loads_files),
            None if f.text is None else [list(s) for s in f.text]]


def facts_from_data(data: list) -> FileFacts:
    """The inverse of facts_to_data; raises (TypeError, ValueError...) on anything malformed."""
    path, kind, size, *rest = data
    rows, (local, base, autoblock, implied, csp, referrer, covered, config, mentions, loads, text) = (
        rest[:len(_ROWS)], rest[len(_ROWS):])
    f = FileFacts(str(path), str(kind), int(size))
    for (name, cls), values in zip(_ROWS, rows, strict=True):
        if cls in _NESTED:  # a field that is a tuple came back as a list
            values = [[tuple(v) if isinstance(v, list) else v for v in row] for row in values]
        setattr(f, name, [cls(*row) for row in values])
    f.local_links = tuple(map(str, local))
    f.base, f.autoblock, f.implied = base, autoblock, tuple(implied)
    f.csp = [tuple(c) for c in csp]
    f.referrer = tuple(referrer) if referrer else None
    f.covered = {(line, column): tuple(value) for line, column, value in covered}
    f.consent_config = [tuple(c) for c in config]
    f.mentions = tuple(map(str, mentions))
    f.loads_files = tuple(map(str, loads))
    f.text = None if text is None else tuple(Sentence(str(t), int(line), int(level)) for t, line, level in text)
    return f
