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


class Request(NamedTuple):
    """The browser contacts `url` (absolute, resolved against the file's URL and <base href>)."""

    url: str
    kind: str  # how it is made: "<img srcset>", "<link rel=stylesheet>", "css @import", JS_LOAD ...
    line: int
    column: int | None = None
    noscript: bool = False
    gate: str | None = None  # the consent manager whose markup or callback holds it back
    referrer: str | None = None  # the element's referrerpolicy attribute, lower-case


class Link(NamedTuple):
    """A navigation target (<a>, <area>, <link rel=privacy-policy>); not contacted until clicked."""

    url: str
    kind: str
    line: int
    column: int | None = None
    referrer: str | None = None  # referrerpolicy, or "no-referrer" for rel=noreferrer


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


@dataclass(slots=True)
class FileFacts:
    path: str  # POSIX, relative to the site root
    kind: str  # page | script | stylesheet | other
    size: int = 0
    requests: list[Request] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    writes: list[StorageWrite] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    consent_defaults: list[ConsentDefault] = field(default_factory=list)
    autoblock: str | None = None  # an auto-blocking consent manager loaded first on the page
    implied: tuple[str, ...] = ()  # consent managers configured to release scripts without a choice
    csp: list[tuple[int, int | None, str]] = field(default_factory=list)  # <meta http-equiv=CSP>: line, column, value
    referrer: tuple[int, int | None, str] | None = None  # <meta name=referrer>: line, column, policy
    directives: list[Directive] = field(default_factory=list)
    covered: dict[tuple[int, int | None], tuple[int, ...]] = field(default_factory=dict)  # fact position -> directives
    problems: list[Problem] = field(default_factory=list)

    def add_js(self, found) -> None:
        """Add what extract.js found in one script of this file."""
        self.requests.extend(found.requests)
        self.writes.extend(found.writes)
        self.markers.extend(found.markers)
        self.consent_defaults.extend(found.consent_defaults)
        self.implied = tuple(sorted(set(self.implied) | set(found.implied)))
