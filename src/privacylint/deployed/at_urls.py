"""A deployed site's run, reported at URLs: findings on the fetched folder pointed at the URLs
they came from, a PL001 finding for each URL that could not be read, and what the crawl did not
reach said as such (design.md: what could not be read is never evidence of absence).

- PL301 (statement missing) stays an error only when the statement's URL answered 404 or 410,
  and then names that URL (never the temporary folder); when robots.txt, a failure or a limit
  kept it from being fetched, it is a note saying which.
- PL302 at the policy (the homepage missing) likewise.
- PL305 (declared collector unused) is a note when any page found was not read.
- The crawl's notes (robots.txt skips, the limit that stopped it) go to the run's notes.
"""

from __future__ import annotations

from dataclasses import replace

from privacylint.extract.urls import resolve
from privacylint.model import Finding

_SHOWN = 10  # URLs listed in a note


def as_urls(result, fetched, policy, secret: str | None = None):
    def moved(f: Finding) -> Finding:
        if f.root != fetched.folder.root:
            return f
        if f.path == "_headers":
            rel = fetched.folder.headers_of.get(f.line, "")
            return replace(f, root=None, path=fetched.url_of(rel), line=None, column=None)
        return replace(f, root=None, path=fetched.url_of(f.path))

    findings = [_unabsent(moved(f), fetched, policy) for f in result.findings]
    findings += [Finding("PL001", "unreadable-file", "error", url, None, None, subject, f"{why}; it was not checked.")
                 for url, subject, why in fetched.failures]
    result.findings = sorted((_redacted(f, secret) for f in findings), key=lambda f: f.sort_key())
    result.suppressed = [replace(s, finding=_redacted(moved(s.finding), secret)) for s in result.suppressed]
    result.roots = [fetched.base]
    result.notes += notes(fetched)
    return result


def notes(fetched) -> list[str]:
    """What the crawl did not read and why: robots.txt, a limit, trouble with robots.txt or the sitemap."""
    out = list(fetched.notes)
    if fetched.robots_skipped:
        out.append(f"robots.txt asks privacylint not to fetch {counted(len(fetched.robots_skipped), 'URL')} it "
                   f"found, so they were not checked: {_listed(fetched.robots_skipped)}.")
    if fetched.stopped:
        left = f"{counted(len(fetched.unreached), 'URL')} found not fetched: {_listed(fetched.unreached)}" \
            if fetched.unreached else "nothing found was left"
        out.append(f"the crawl stopped at {fetched.stopped} after {counted(fetched.pages, 'page')}; {left}.")
    return out


def counted(n: int, what: str) -> str:
    return f"{n:,} {what}{'s' if n != 1 else ''}"


def _listed(urls: list[str]) -> str:
    more = f" and {len(urls) - _SHOWN:,} more" if len(urls) > _SHOWN else ""
    return ", ".join(urls[:_SHOWN]) + more


def _unabsent(f: Finding, fetched, policy) -> Finding:
    """A finding that says a page or a use is absent, as far as the crawl can tell."""
    if f.check == "PL301":
        return _page_finding(f, fetched, policy.statement_page, "the privacy statement",
                             "publish it there, or set statement.page to the path where the statement is published",
                             "whether it is published")
    if f.check == "PL302" and f.root is None:  # at the policy: the homepage is missing
        return _page_finding(f, fetched, policy.homepage, "the homepage",
                             "set site.homepage to the homepage's path", "whether it links to the statement")
    if f.check == "PL305":
        why = fetched.incomplete()
        if why:
            return replace(f, severity="note", message=(
                f"'{f.subject}' is declared, and no page that was fetched contacts it; {why}, so whether it is "
                "unused cannot be confirmed."))
    return f


def _page_finding(f: Finding, fetched, path: str, what: str, fix: str, unknown: str) -> Finding:
    url = resolve(path.lstrip("/"), fetched.base) or fetched.base
    outcome = fetched.outcome.get(url)
    if outcome == "absent":
        return replace(f, message=f"{what} {path} is not at {url} (it answered 404); {fix}.")
    if outcome and outcome.startswith("redirect:"):
        return replace(f, severity="note", message=f"{what} {path} at {url} redirects to {outcome[9:]}, which was "
                                                   f"checked; set the path in rules.yaml to where it is published.")
    if outcome is None:
        outcome = f"the crawl stopped at {fetched.stopped} before it" if fetched.stopped else "the crawl did not reach it"
    return replace(f, severity="note", message=f"{what} {path} at {url} was not read: {outcome}; so {unknown} "
                                               "could not be checked.")


def _redacted(f: Finding, secret: str | None) -> Finding:
    """The credentials given in the URL appear nowhere in a finding."""
    if not secret or (secret not in f.path and secret not in f.message and secret not in f.subject):
        return f
    return replace(f, path=f.path.replace(secret, "…"), message=f.message.replace(secret, "…"),
                   subject=f.subject.replace(secret, "…"))
