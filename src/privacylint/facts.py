"""Facts: what extraction finds in one file, with its location. Facts know nothing of the policy."""

from __future__ import annotations

from dataclasses import dataclass, field

# Request kinds that come from JavaScript. A literal URL that no load uses is a request only
# when it names a catalogue host (vendors assemble URLs at run time); see engine.classify.
JS_LOAD = "js-load"
JS_LITERAL = "js-literal"


@dataclass(frozen=True, slots=True)
class Request:
    """The browser contacts `url` (absolute, resolved against the file's URL and <base href>)."""

    url: str
    kind: str  # element/attribute ("script", "img srcset", "link stylesheet") or css-url, js-load ...
    line: int
    column: int | None = None
    noscript: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    """A navigation target (<a>, <area>, <link rel=privacy-policy>); not contacted until clicked."""

    url: str
    kind: str
    line: int
    column: int | None = None


@dataclass(frozen=True, slots=True)
class StorageWrite:
    """A cookie or Web Storage write. `name` is None when it is computed at run time."""

    storage: str  # cookie | local | session
    name: str | None
    api: str  # document.cookie, Cookies.set, $.cookie, localStorage.setItem ...
    line: int
    column: int | None = None


@dataclass(frozen=True, slots=True)
class Problem:
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
    problems: list[Problem] = field(default_factory=list)
