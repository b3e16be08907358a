"""A HAR 1.2 file (browser devtools, Playwright, another scanner) as observations: per page it
covers, the requests to other origins and the cookies the responses set. Record it before
accepting anything: every entry counts as made before consent."""

from __future__ import annotations

import json

from privacylint.browser.options import BrowserError, Observed
from privacylint.browser.serve import origin


def from_har(path: str, site) -> dict[str, Observed]:
    try:
        with open(path, encoding="utf-8") as fh:
            log = json.load(fh)["log"]
        pages = {p["id"]: p.get("title", "") for p in log.get("pages", [])}
        entries = log["entries"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise BrowserError(f"--har {path}: not a HAR 1.2 file ({type(err).__name__}: {err})") from None
    own = origin(site.policy.site_url)
    found: dict[str, Observed] = {}
    for entry in entries:
        try:
            url = entry["request"]["url"]
            page_url = pages.get(entry.get("pageref"), "") or url
            headers = entry.get("response", {}).get("headers", [])
            kind = entry.get("_resourceType", "request")
        except (KeyError, TypeError, AttributeError):
            continue
        key = site.graph.page_key_of(page_url)
        page = site.graph.pages.get(key) if key is not None else None
        if page is None:
            continue  # a page of another site, or one the build does not have
        seen = found.setdefault(page.path, Observed(page_url))
        if origin(url) != own:
            seen.requests.append((url, kind))
        for header in headers:
            if str(header.get("name", "")).lower() == "set-cookie":
                name = str(header.get("value", "")).split("=", 1)[0].strip()
                if name and name not in seen.cookies:
                    seen.cookies.append(name)
    return found
