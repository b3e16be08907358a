"""What the browser pass is asked to do, and what one page did: the data every step shares."""

from __future__ import annotations

from dataclasses import dataclass, field

from privacylint.model import DEFAULT_MAX_FILE_SIZE

# What one page can make the pass record, at most: a page that writes 300,000 keys is recorded
# as its first MAX_NAMES with a note, not as 300,000 facts (and 2 GB).
MAX_NAMES = 500  # cookies, and keys of localStorage and of sessionStorage, per page
MAX_NAME_LENGTH = 200  # characters of a cookie name or a storage key
MAX_URLS = 2000  # distinct third-party URLs per page
MAX_URL_LENGTH = 2000  # characters of a recorded URL
MAX_BEHAVIOURS = 100  # distinct (kind, script, line) of what scripts did, per page


class BrowserError(Exception):
    """The pass cannot run at all (no Playwright, no Chromium): a usage error."""


@dataclass
class BrowserOptions:
    pages: str = "layouts"  # layouts | all | a number
    live: bool = False
    timeout: float = 15.0  # seconds per page, every step included
    run_timeout: float | None = None  # seconds for the whole pass; None: enough for every page's own
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # the build's files served to the browser, at most
    stubs: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # URL prefix -> (type, body): tests


@dataclass
class Observed:
    """What one page did in the browser. `requests`, `cookies`, `local` and `session` are what it
    did before any consent; what a verified "accept all" added is in the `*_after` fields."""

    url: str
    requests: list[tuple[str, str]] = field(default_factory=list)  # (url, resource type), other origins
    initiators: dict[str, str] = field(default_factory=dict)  # request URL -> the script that made it
    cookies: list[str] = field(default_factory=list)
    local: list[str] = field(default_factory=list)
    session: list[str] = field(default_factory=list)
    error: str | None = None  # why observing stopped early; what was seen until then stays
    notes: list[str] = field(default_factory=list)  # what was capped or refused on this page
    accept: str = ""  # what "accept all" did, in words
    accepted_by: list[str] = field(default_factory=list)  # consent managers "accept all" went through
    after: list[tuple[str, str]] = field(default_factory=list)  # requests after accepting
    cookies_after: list[str] = field(default_factory=list)
    local_after: list[str] = field(default_factory=list)
    redirects_to: str | None = None  # where the page tried to navigate to (refused: it is observed alone)
    complete: bool = False  # loaded, held and read to the end: what it did not do is evidence too
    reconciled: list[dict] = field(default_factory=list)  # static and observed verdicts (apply)
    # what scripts did (browser.instrument): (kind, detail, script, line), before any consent
    behaviours: list[tuple[str, str, str, int]] = field(default_factory=list)
    _urls: set = field(default_factory=set, repr=False)

    def contact(self, url: str, kind: str) -> None:
        """Record a request to another origin (once per URL and kind, capped)."""
        url = url[:MAX_URL_LENGTH]
        if (url, kind) in self._urls:
            return
        if len(self._urls) >= MAX_URLS:
            if len(self._urls) == MAX_URLS:
                self._urls.add(("", ""))
                self.note(f"it contacted more than {MAX_URLS} distinct URLs of other origins: the first "
                          f"{MAX_URLS} are recorded")
            return
        self._urls.add((url, kind))
        self.requests.append((url, kind))

    def behave(self, kind: str, detail: str, script: str, line: int) -> None:
        """Record what a script did (once per kind and script line, capped), unless after consent."""
        if self.accepted_by or len(self.behaviours) >= MAX_BEHAVIOURS:
            return
        if not any(b[0] == kind and b[2:] == (script, line) for b in self.behaviours):
            self.behaviours.append((kind, detail, script, line))

    def accepted(self, by: str, mark: int) -> None:
        """"Accept all" went through `by`, verified: what was requested since `mark` (the number
        of requests when it was asked) came after consent."""
        self.accepted_by.append(by)
        self.after += self.requests[mark:]
        del self.requests[mark:]

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    @property
    def after_consent(self) -> list[str]:
        """What accepting added: URLs, then cookie: and local: names (the inventory's words)."""
        before = {url for url, _ in self.requests}
        added = list(dict.fromkeys(url for url, _ in self.after if url not in before))
        added += [f"cookie:{c}" for c in self.cookies_after if c not in self.cookies]
        added += [f"local:{k}" for k in self.local_after if k not in self.local]
        return added
