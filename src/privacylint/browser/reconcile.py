"""Static and observed evidence side by side: for a contact (or a storage write) the static pass
read, what the browser saw on the pages it loaded that decide it (the page itself, or the pages
that load the script it is in).

- BEFORE: the browser saw it before any consent action: the static finding stands.
- HELD: it saw it only after "accept all" went through a consent manager (verified): the gate
  holds, whatever static reading concluded; PL102 and PL202 do not report it, and the inventory
  and a note say so.
- UNSEEN: every such page was loaded to the end and never made it: the finding stands and says so.
None: no page that decides it was loaded (or not to the end): static reading alone.

Checks read these verdicts from `site.observations` (facts, like any other), never a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

BEFORE, HELD, UNSEEN = "before consent", "only after accept all", "not seen"


@dataclass(frozen=True)
class PageSeen:
    """What the browser saw on one page, by site (contacts) and by (storage, name) (writes)."""

    before: frozenset[str]
    after: frozenset[str]  # only once "accept all" went through
    writes_before: frozenset[tuple[str, str]]
    writes_after: frozenset[tuple[str, str]]
    accepted_by: tuple[str, ...]
    complete: bool  # loaded and held to the end: what it did not do is evidence


class Verdict(NamedTuple):
    state: str  # BEFORE | HELD | UNSEEN
    pages: tuple[str, ...]  # the pages loaded that decide it
    by: tuple[str, ...] = ()  # for HELD: the consent managers accepted through

    def pages_text(self, limit: int = 3) -> str:
        shown = ", ".join(self.pages[:limit])
        return shown + (f" and {len(self.pages) - limit} more" if len(self.pages) > limit else "")


def page_seen(site, seen, har: bool = False) -> PageSeen:
    """One page's observation (browser.options.Observed) in terms of sites and written names."""
    def sites(urls) -> set[str]:
        found = set()
        for url in urls:
            who = site.parties.who(url)
            if who is not None:
                found.add(who.site)
        return found

    before = sites(u for u, _ in seen.requests)
    writes = {("cookie", n) for n in seen.cookies} | {("local", n) for n in seen.local} | \
             {("session", n) for n in seen.session}
    writes_after = ({("cookie", n) for n in seen.cookies_after} | {("local", n) for n in seen.local_after}) - writes
    return PageSeen(frozenset(before), frozenset(sites(u for u, _ in seen.after) - before), frozenset(writes),
                    frozenset(writes_after), tuple(seen.accepted_by), seen.complete and not har)


def merge(old: PageSeen | None, new: PageSeen) -> PageSeen:
    """Two observations of one page (a browser run and a HAR): before-consent evidence adds up."""
    if old is None:
        return new
    before = old.before | new.before
    writes = old.writes_before | new.writes_before
    return PageSeen(before, (old.after | new.after) - before, writes, (old.writes_after | new.writes_after) - writes,
                    old.accepted_by + new.accepted_by, old.complete or new.complete)


def contact_verdict(site, contact) -> Verdict | None:
    """The browser's verdict on a contact the static pass read (never one it observed itself)."""
    if contact.observed or contact.noscript:
        return None  # observed: it is the browser's own; <noscript>: for visitors without JavaScript
    return _verdict(site, contact.file, lambda p: contact.site in p.before, lambda p: contact.site in p.after)


def write_verdict(site, f, write) -> Verdict | None:
    key = (write.storage, write.name)
    return _verdict(site, f, lambda p: key in p.writes_before, lambda p: key in p.writes_after)


def _verdict(site, f, before, after) -> Verdict | None:
    observations = getattr(site, "observations", None)
    if not observations:
        return None
    paths = [f.path] if f.kind == "page" else [page.path for page, _ in site.graph.script_loads.get(f.path, [])]
    loaded = [(path, observations[path]) for path in dict.fromkeys(paths) if path in observations]
    if not loaded:
        return None
    pages = tuple(path for path, _ in loaded)
    if any(before(p) for _, p in loaded):
        return Verdict(BEFORE, tuple(path for path, p in loaded if before(p)))
    if not all(p.complete or after(p) for _, p in loaded):
        return None  # a page stopped early: not seeing it there proves nothing
    held = [(path, p) for path, p in loaded if after(p)]
    if held:
        return Verdict(HELD, tuple(path for path, _ in held), tuple(dict.fromkeys(m for _, p in held
                                                                                  for m in p.accepted_by)))
    return Verdict(UNSEEN, pages)
