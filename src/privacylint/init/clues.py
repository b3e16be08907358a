"""What a build says about itself, for `privacylint init`: its public URL, its privacy statement
and the statement's contact address. Read from a handful of files, not the whole site.

- The URL: the homepage's canonical link or og:url, else sitemap.xml's first <loc> (less the
  page's own path), else a CNAME file (GitHub Pages), else the origin of a feed link. Written as
  a browser normalises it, and with repeated slashes folded (`https://x.github.io//` is
  https://x.github.io/). The site's own hosts (CNAME, canonical link, og:url) are first party;
  a CNAME that names another host than the canonical link or og:url is said (`disagreement`).
- The statement: a link on the homepage whose text or path says so, in the words of
  STATEMENT_WORDS (first in document order, footers included); else a page of the build whose
  path says so (the shortest). Only pages that exist in the build count.
- The contact: the first mailto: link on the statement page whose address has the shape
  rules.yaml accepts (one address, no space, a dot in its domain); a malformed one is skipped.

URLs are read by the WHATWG parser (as the policy loader and browsers read them) and written in
its canonical form, so a malformed canonical link (`https://[1::2::3]/`) is no URL, and the next
source is tried.
"""

from __future__ import annotations

import os
import re
from urllib.parse import unquote, urlsplit

from privacylint.decode import decode
from privacylint.domains import parse_url
from privacylint.extract.html import parse_html
from privacylint.extract.urls import resolve

# Link texts and paths that name a privacy statement (English, German, French, Spanish, Portuguese,
# Italian, Dutch). Documented in the README ("privacylint init").
STATEMENT_WORDS = re.compile(
    r"privacy|data[\s_-]*protection|datenschutz|confidentialit|vie[\s_-]*priv|privacidad|privacidade|"
    r"protecci[oó]n[\s_-]*de[\s_-]*datos|informativa|privacybeleid", re.IGNORECASE)
_MAX_READ = 4 * 1024 * 1024
_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")  # statement.contact's shape (policy.py)


class SiteClues:
    def __init__(self, root: str):
        self.root = root

    def _tree(self, rel: str):
        path = os.path.join(self.root, rel)
        try:
            if not os.path.isfile(path) or os.path.getsize(path) > _MAX_READ:
                return None
            with open(path, "rb") as fh:
                return parse_html(decode(fh.read(), "page")[0])  # as the extraction reads pages
        except OSError:
            return None

    def _home(self):
        home = self._tree("index.html")
        return home if home is not None else self._tree("index.htm")

    # -- the site's URL ---------------------------------------------------------------------
    def site_url(self) -> str | None:
        return self._from_homepage() or self._from_sitemap() or self._from_cname() or self._from_feed()

    def _from_homepage(self) -> str | None:
        return next(iter(self.homepage_urls().values()), None)

    def homepage_urls(self) -> dict[str, str]:
        """{"canonical link": url, "og:url": url} as the homepage declares them, first first."""
        home = self._home()
        found: dict[str, str] = {}
        if home is None:
            return found
        for element in home.xpath("//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]"
                                  "|//meta[@property='og:url']"):
            url = absolute(element.get("href") if element.tag == "link" else element.get("content"))
            if url:
                found.setdefault("canonical link" if element.tag == "link" else "og:url",
                                 re.sub(r"index\.html?$", "", url))
        return found

    def own_hosts(self, site_url: str) -> list[str]:
        """The hosts the build names as its own (CNAME, canonical link, og:url) other than site.url's."""
        from privacylint.domains import host_of

        home = host_of(site_url)
        urls = [*self.homepage_urls().values(), self._from_cname()]
        return sorted({h for u in urls if u and (h := host_of(u)) and h != home})

    def disagreement(self) -> str | None:
        """What the CNAME file says against the homepage's canonical link or og:url, when they name
        different hosts (a site moved to a custom domain, or one forgot to update its tags)."""
        from privacylint.domains import host_of

        cname = self._from_cname()
        if cname is None:
            return None
        for source, url in self.homepage_urls().items():
            if host_of(url) != host_of(cname):
                return (f"the CNAME file names {host_of(cname)} but the homepage's {source} says {url}; both are "
                        "drafted as the site's own hosts (site.first_party): check which is its address")
        return None

    def _from_sitemap(self) -> str | None:
        try:
            with open(os.path.join(self.root, "sitemap.xml"), "rb") as fh:
                locs = re.findall(rb"<loc>\s*([^<\s]+)\s*</loc>", fh.read(_MAX_READ))
        except OSError:
            return None
        for loc in locs:
            url = absolute(loc.decode("utf-8", "replace"))
            if url:
                root = self._root_of(url)
                if root:
                    return root
        return None

    def _root_of(self, url: str) -> str | None:
        """The site root of a page URL: strip the page's path as the build has it."""
        parts = urlsplit(url)
        segments = [s for s in unquote(parts.path).split("/") if s]
        for start in range(len(segments) + 1):
            rest = "/".join(segments[start:])
            if self._has_page(rest):
                prefix = "/".join(segments[:start])
                return f"{parts.scheme}://{parts.netloc}/" + (prefix + "/" if prefix else "")
        return None

    def _from_cname(self) -> str | None:
        try:
            with open(os.path.join(self.root, "CNAME"), encoding="utf-8") as fh:
                host = fh.readline().strip()
        except (OSError, UnicodeDecodeError):
            return None
        return f"https://{host}/" if re.fullmatch(r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}", host) else None

    def _from_feed(self) -> str | None:
        home = self._home()
        if home is None:
            return None
        for href in home.xpath("//link[@rel='alternate'][contains(@type, 'xml')]/@href"):
            url = absolute(href)
            if url:
                parts = urlsplit(url)
                return f"{parts.scheme}://{parts.netloc}/"
        return None

    # -- the statement --------------------------------------------------------------------
    def statement(self, site_url: str) -> str | None:
        """The statement's URL path on site.url, e.g. /privacy/."""
        home = self._home()
        if home is not None:
            for a in home.iter("a"):
                href, text = a.get("href") or "", " ".join("".join(a.itertext()).split())
                if not (STATEMENT_WORDS.search(text) or STATEMENT_WORDS.search(href)):
                    continue
                url = resolve(href, site_url)
                page = self._page_path(url, site_url) if url else None
                if page:
                    return page
        candidates = sorted((p for p in self._pages() if STATEMENT_WORDS.search(p)), key=lambda p: (len(p), p))
        if candidates:
            return "/" + re.sub(r"(^|/)index\.html?$", r"\1", candidates[0])
        return None

    def _page_path(self, url: str, site_url: str) -> str | None:
        """The URL path on site.url of a link into the build, or None when it leaves it."""
        try:
            target, base = urlsplit(url), urlsplit(site_url)
        except ValueError:  # urllib refuses some hosts the WHATWG parser canonicalises
            return None
        if (target.scheme, target.netloc) != (base.scheme, base.netloc) or not target.path.startswith(base.path):
            return None
        rest = unquote(target.path[len(base.path):])
        return "/" + rest if self._has_page(rest) else None

    def _has_page(self, rest: str) -> bool:
        return self._page_file(rest) is not None

    def _pages(self) -> list[str]:
        found = []
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            rel = os.path.relpath(folder, self.root).replace(os.sep, "/")
            found += [f if rel == "." else f"{rel}/{f}" for f in sorted(files) if f.endswith((".html", ".htm"))]
        return found

    def _page_file(self, page: str) -> str | None:
        """The build file of a URL path on site.url: /a/, /a and /a.html name a/index.html or a.html."""
        rest = page.strip("/")
        for c in ([rest, f"{rest}/index.html", f"{rest}.html"] if rest else ["index.html"]):
            if os.path.isfile(os.path.join(self.root, c)) and c.endswith((".html", ".htm")):
                return c
        return None

    def contact(self, site_url: str, page: str) -> str | None:
        rel = self._page_file(page)
        tree = self._tree(rel) if rel else None
        if tree is None:
            return None
        for href in tree.xpath("//a[starts-with(normalize-space(@href), 'mailto:')]/@href"):
            address = unquote(href.strip()[len("mailto:"):].split("?")[0]).strip()
            if _ADDRESS.fullmatch(address) and address.isprintable():
                return address
        return None

    def statement_text(self, site_url: str, page: str) -> str | None:
        from privacylint.extract.html import visible_text

        rel = self._page_file(page)
        if rel is None:
            return None
        try:
            with open(os.path.join(self.root, rel), "rb") as fh:
                return visible_text(fh.read(_MAX_READ))
        except OSError:
            return None


def absolute(url: str) -> str | None:
    """`url` as scheme, host and path in the WHATWG canonical form, repeated slashes in its path
    folded (og:url's `https://x.github.io//`), or None unless it is an absolute http(s) URL with
    a host."""
    parsed = parse_url((url or "").strip())
    if parsed is None or parsed.protocol not in ("http:", "https:") or not parsed.hostname:
        return None
    return f"{parsed.protocol}//{parsed.host}{re.sub('/{2,}', '/', parsed.pathname or '/')}"
