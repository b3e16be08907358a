"""What the browser saw, folded into the site's facts before the checks run, with the notes and
the inventory that say what it saw.

`fold` adds, per page loaded, the requests the markup does not show (or shows held back) and the
storage the code wrote, as observed facts, and registers the page's observation for reconcile;
a page that failed keeps what it did until then. `settle`, once every observation is in, lists
per page the static contacts with both verdicts and says where the browser saw a gate hold that
static reading did not see.
"""

from __future__ import annotations

from privacylint.browser import reconcile
from privacylint.browser.options import Observed
from privacylint.facts import HAR, HAR_WRITE, OBSERVED, OBSERVED_WRITE, Behaviour, Request, StorageWrite
from privacylint.printable import printable

OBSERVED_KINDS = ("canvas-fingerprint", "font-fingerprint", "input-sent")  # what PL109 and PL110 read


def fold(site, observed: dict[str, Observed], har: bool = False) -> list[str]:
    """Returns notes: pages that failed or were capped."""
    notes = []
    in_files = {r.url for f in site.files if f.kind != "page" for r in f.requests if r.gate is None}
    by_path = {f.path: f for f in site.files}
    if site.observations is None:
        site.observations = {}
    for path, seen in sorted(observed.items()):
        page = by_path.get(path)
        if page is None:
            continue
        notes += [f"{path}: {printable(text)}" for text in ([seen.error] if seen.error else []) + seen.notes]
        _fold_page(page, seen, in_files, har)
        site.observations[path] = reconcile.merge(site.observations.get(path), reconcile.page_seen(site, seen, har))
    return notes


def _fold_page(page, seen: Observed, in_files: set[str], har: bool) -> None:
    static = {r.url: r for r in page.requests}
    for url, kind in seen.requests:
        known = static.get(url)
        if known is not None and known.gate is None and not known.noscript or url in in_files:
            continue  # the markup (or a stylesheet or script) says the same: that fact stands, with its line
        made_by = seen.initiators.get(url)
        by = f", made by {made_by}" if made_by and made_by != seen.url else ""
        page.requests.append(Request(url, f"{HAR if har else OBSERVED}{by}: {kind}", 0, None))
    for kind, detail, script, line in seen.behaviours:
        if kind in OBSERVED_KINDS:
            where = (f"{script}:{line}" if line else script) or "a script"
            page.behaviours.append(Behaviour(kind, detail, 0, None, None, observed=where))
    written = {(w.storage, w.name) for w in page.writes}
    for storage, names in (("cookie", seen.cookies), ("local", seen.local), ("session", seen.session)):
        for name in names:
            if (storage, name) not in written:
                page.writes.append(StorageWrite(storage, name, HAR_WRITE if har else OBSERVED_WRITE, 0, None))


def settle(site, observed: dict[str, Observed]) -> list[str]:
    """Per page loaded, the static contacts it decides with both verdicts (`seen.reconciled`);
    notes where the browser saw a gate hold that static reading did not see, where "accept all"
    could not run on a site that uses a consent manager, and the pages that tried to leave."""
    from privacylint.gates import gate_of
    from privacylint.inventory import gate_label

    notes = []
    for c in site.contacts:
        verdict = reconcile.contact_verdict(site, c)
        if verdict is None:
            continue
        static = gate_label(gate_of(site, c.place))
        for path in verdict.pages:
            observed[path].reconciled.append({"site": c.site, "at": f"{c.file.path}:{c.line}", "static": static,
                                              "observed": verdict.state})
        if verdict.state == reconcile.HELD and static == "ungated":
            notes.append(f"{c.file.path}:{c.line}: static reading sees no gate on {c.site}, but the browser contacted "
                         f"it on {verdict.pages_text()} only after accepting all through {', '.join(verdict.by)}: "
                         "the gate holds, so it is not reported")
    for seen in observed.values():
        seen.reconciled = [dict(t) for t in dict.fromkeys(tuple(sorted(r.items())) for r in seen.reconciled)]
    return list(dict.fromkeys(notes)) + _accept_notes(site, observed) + _redirect_notes(observed)


def _accept_notes(site, observed: dict[str, Observed]) -> list[str]:
    if not site.consent.managers_on(None):
        return []  # no consent manager on the site: nothing to accept
    why: dict[str, list[str]] = {}
    for path, seen in sorted(observed.items()):
        if not seen.accepted_by and seen.accept:
            why.setdefault(seen.accept, []).append(path)
    return [(f"\"accept all\" could not run on {_some(paths)}: {printable(reason)}; what those pages hold back "
             "until consent is not observed") for reason, paths in why.items()]


def _redirect_notes(observed: dict[str, Observed]) -> list[str]:
    left = [(path, seen.redirects_to) for path, seen in sorted(observed.items()) if seen.redirects_to]
    if not left:
        return []
    shown = ", ".join(f"{path} -> {printable(url)}" for path, url in left[:3])
    more = f" and {len(left) - 3} more" if len(left) > 3 else ""
    return [(f"{len(left)} page(s) tried to navigate away (a redirect, or script): {shown}{more}; each is observed "
             "as itself up to that point, never with its target's behaviour")]


def _some(paths: list[str]) -> str:
    return ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def inventory(observed: dict[str, Observed]) -> list[dict]:
    """Per page loaded: what it contacted and wrote before consent, what accepting added, and
    each static contact with both verdicts."""
    out = []
    for path, seen in sorted(observed.items()):
        before = sorted({u for u, _ in seen.requests})
        entry = {"page": path, "url": seen.url, "complete": seen.complete, "before_consent": before,
                 "initiators": {u: seen.initiators[u] for u in sorted(seen.initiators) if u in set(before)},
                 "cookies": seen.cookies, "local_storage": seen.local, "session_storage": seen.session,
                 "accept_all": seen.accept, "accepted_by": seen.accepted_by, "after_consent": seen.after_consent,
                 "reconciled": seen.reconciled}
        if seen.redirects_to:
            entry["redirects_to"] = seen.redirects_to
        if seen.error:
            entry["error"] = seen.error
        if seen.behaviours:
            entry["behaviours"] = [{"kind": k, "detail": d, "script": s, "line": n} for k, d, s, n in seen.behaviours]
        if seen.notes:
            entry["notes"] = seen.notes
        out.append(entry)
    return out
