"""Benchmark corpora: real documentation HTML from Debian's doc packages, plus the generated site.

    python3 benchmarks/corpus.py --install      # apt-get the doc packages (root), then build
    python3 benchmarks/corpus.py                # build benchmarks/.corpus/ from what is installed

Real documentation is what a docs team lints: Sphinx and AsciiDoc pages full of relative links,
search indexes of several MB, jQuery and theme scripts. The generated site alone has none of
that. Each corpus is copied (symlinks dereferenced) so that it is a self-contained site, and a
fixed, seeded share of its pages gets a vendor snippet in <head> (analytics, fonts, a pixel, an
embed), so that the checks have something to find. Nothing here is committed: the corpus is
rebuilt from the installed packages.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / ".corpus"
PACKAGES = ("python3.11-doc", "python-django-doc", "postgresql-doc-15", "git-doc", "linux-doc-6.1")
# corpus name -> the package's HTML tree
SOURCES = {
    "python": "/usr/share/doc/python3.11/html",
    "django": "/usr/share/doc/python-django-doc/html",
    "postgres": "/usr/share/doc/postgresql-doc-15/html",
    "git": "/usr/share/doc/git-doc",
    "linux": "/usr/share/doc/linux-doc-6.1/html",
}
KINDS = (".html", ".htm", ".js", ".css")
SHARE = 0.8  # of pages that get a snippet
SNIPPETS = (
    '<script async src="https://www.googletagmanager.com/gtag/js?id=G-DOCS1"></script>\n'
    "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}\n"
    "gtag('js',new Date());gtag('config','G-DOCS1');</script>\n",
    '<link rel="preconnect" href="https://fonts.gstatic.com">\n'
    '<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Inter&display=swap">\n',
    '<noscript><img height="1" width="1" style="display:none" '
    'src="https://www.facebook.com/tr?id=123&ev=PageView&noscript=1"></noscript>\n',
    '<script type="text/plain" data-category="analytics" '
    'src="https://static.cloudflareinsights.com/beacon.min.js"></script>\n',
)
EMBED = '<iframe src="https://www.youtube.com/embed/abcdefghijk" title="video"></iframe>\n'
RULES = """version: 1
site: {url: 'https://docs.example.org/'}
statement: {page: /privacy/, contact: privacy@example.org}
collectors:
  - {name: Google Analytics, vendor: google-analytics}
  - {name: Google Fonts, vendor: google-fonts, consent: not-required}
cookies:
  - {name: _ga*}
"""


def _draw(rel: str) -> int:
    """A number from the page's path: the same page gets the same snippet on every machine."""
    return int.from_bytes(hashlib.sha256(rel.encode("utf-8", "surrogateescape")).digest()[:4], "big")


def inject(data: bytes, rel: str) -> bytes:
    """Add one snippet to a seeded SHARE of pages (in <head>, else at the top), an embed to some."""
    draw = _draw(rel)
    if draw % 1000 >= SHARE * 1000:
        return data
    snippet = SNIPPETS[draw % len(SNIPPETS)].encode()
    if draw % 7 == 0:
        snippet += EMBED.encode()
    lower = data[:4096].lower()
    at = lower.find(b"<head")
    at = data.find(b">", at) + 1 if at >= 0 else 0
    return data[:at] + snippet + data[at:]


def build(name: str, source: str, dest: Path) -> int:
    """Copy one documentation tree into dest/name; returns the number of pages."""
    target = dest / name
    if target.exists():
        shutil.rmtree(target)
    pages = 0
    for folder, _dirs, files in os.walk(source, followlinks=True):
        for file in sorted(files):
            if not file.lower().endswith(KINDS):
                continue
            src = Path(folder) / file
            rel = src.relative_to(source).as_posix()
            out = target / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            try:
                data = src.read_bytes()
            except OSError:
                continue
            if file.lower().endswith((".html", ".htm")):
                data = inject(data, rel)
                pages += 1
            out.write_bytes(data)
    return pages


def add_site_pages(root: Path) -> None:
    """The homepage and statement every corpus needs for the site checks."""
    (root / "privacy").mkdir(parents=True, exist_ok=True)
    (root / "privacy" / "index.html").write_text(
        "<!DOCTYPE html><html><head><title>Privacy</title></head><body><h1>Privacy</h1>"
        "<p>We use Google Analytics and Google Fonts.</p>"
        '<a href="mailto:privacy@example.org">privacy@example.org</a></body></html>\n', encoding="utf-8")
    index = root / "index.html"
    if not index.exists():
        index.write_text('<!DOCTYPE html><html><body><a href="privacy/">Privacy</a></body></html>\n',
                         encoding="utf-8")


def install() -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *PACKAGES], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def build_all(dest: Path = CORPUS) -> dict[str, Path]:
    """Build every corpus whose package is installed, and `docs`: all of them in one site."""
    dest.mkdir(parents=True, exist_ok=True)
    built = {}
    docs = dest / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    for name, source in SOURCES.items():
        if not os.path.isdir(source):
            print(f"corpus: {name}: {source} is missing (apt-get install {PACKAGES[list(SOURCES).index(name)]})",
                  file=sys.stderr)
            continue
        pages = build(name, source, docs)
        built[name] = docs / name
        print(f"corpus: {name}: {pages} pages", file=sys.stderr)
    if built:
        add_site_pages(docs)
        (dest / "rules.yaml").write_text(RULES, encoding="utf-8")
        doubled = dest / "docs-x2"  # the 10,000-page job: every documentation set twice (hard links)
        if doubled.exists():
            shutil.rmtree(doubled)
        for copy in ("a", "b"):
            shutil.copytree(docs, doubled / copy, copy_function=os.link)
        add_site_pages(doubled)
    return built


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--install", action="store_true", help="install the Debian doc packages first (root)")
    args = ap.parse_args()
    if args.install:
        install()
    build_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
