"""A HAR 1.2 file (browser devtools, Playwright, another scanner) as observations: per page it
covers, the requests to other origins and the cookies the responses set. Record it before
accepting anything: every entry counts as made before consent. A HAR is another tool's output:
a value of the wrong type skips that entry or header, URLs are parsed as the browser does; only
a file with no `log.entries` list is refused."""

from __future__ import annotations

import json

from privacylint.browser.options import BrowserError, Observed
from privacylint.browser.serve import origin
from privacylint.extract.urls import resolve


def from_har(path: str, site) -> dict[str, Observed]:
    try:
        with open(path, encoding="utf-8") as fh:
            log = json.load(fh)["log"]
        if not isinstance(log, dict) or not isinstance(log.get("entries"), list):
            raise TypeError("log.entries is not a list")
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as err:
        raise BrowserError(f"--har {path}: not a HAR 1.2 file ({type(err).__name__}: {err})") from None
    pages = {p["id"]: p.get("title") for p in _dicts(log.get("pages")) if isinstance(p.get("id"), str)}
    own = origin(site.policy.site_url)
    found: dict[str, Observed] = {}
    for entry in _dicts(log["entries"]):
        request, response = entry.get("request"), entry.get("response")
        url = request.get("url") if isinstance(request, dict) else None
        url = resolve(url, site.policy.site_url) if isinstance(url, str) else None  # as the browser parsed it
        if url is None:
            continue
        title = pages.get(entry.get("pageref")) if isinstance(entry.get("pageref"), str) else None
        page_url = (isinstance(title, str) and resolve(title, site.policy.site_url)) or url
        kind = entry.get("_resourceType") if isinstance(entry.get("_resourceType"), str) else "request"
        key = site.graph.page_key_of(page_url)
        page = site.graph.pages.get(key) if key is not None else None
        if page is None:
            continue  # a page of another site, or one the build does not have
        seen = found.setdefault(page.path, Observed(page_url))
        if origin(url) != own:
            seen.requests.append((url, kind))
        for header in _dicts(response.get("headers") if isinstance(response, dict) else None):
            name, value = header.get("name"), header.get("value")
            if isinstance(name, str) and name.lower() == "set-cookie" and isinstance(value, str):
                cookie = value.split("=", 1)[0].strip()
                if cookie and cookie not in seen.cookies:
                    seen.cookies.append(cookie)
    return found


def _dicts(value) -> list[dict]:
    """The objects of a JSON list (nothing when it is not a list)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
