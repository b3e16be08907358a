"""Benchmark: lint a generated N-page site and report pages/s and MB/s.

    python3 benchmarks/bench.py                 # 1,000 pages, one process and one per core
    python3 benchmarks/bench.py --pages 10000   # the "normal job" size
    python3 benchmarks/bench.py --record --note "what changed"   # append to benchmarks/RESULTS.md

Not a test: timings depend on the machine. The generated pages look like a documentation or
blog site built by Jekyll/Hugo: a shared head (stylesheets, analytics snippet, font CDN), a
navigation bar, ~25 KB of article text with links, images, code blocks, and now and then an
embed, an inline script writing storage, or a tracking parameter in a link. Google Analytics
waits for consent behind cookieconsent markup, except on every 50th page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from privacylint import __version__
from privacylint.checks import CHECK_IDS
from privacylint.engine import Options, run
from privacylint.policy import load_policy

RULES = """version: 1
site: {url: 'https://docs.example.org/'}
statement: {page: /privacy/, contact: privacy@example.org}
collectors:
  - {name: Google Analytics, vendor: google-analytics}
  - {name: Google Fonts, vendor: google-fonts, consent: not-required}
cookies:
  - {name: _ga*}
"""
HEAD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/assets/main.css"><link rel="preconnect" href="https://fonts.gstatic.com">
<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Inter&display=swap">
<script defer src="/assets/cookieconsent.umd.js"></script>
<script type="text/plain" data-category="analytics" async src="https://www.googletagmanager.com/gtag/js?id=G-BENCH1"></script>
<script type="text/plain" data-category="analytics">window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}
gtag('js',new Date());gtag('config','G-BENCH1');</script></head>
<body><header><nav>{nav}</nav></header><main><article>
"""
FOOT = """</article></main><footer><a href="/privacy/">Privacy</a> <a href="mailto:privacy@example.org">Contact</a>
</footer><script src="/assets/app.js"></script></body></html>
"""
WORDS = ("virtual machine kubernetes cluster node operator storage network migration snapshot "
         "controller pod volume image template instance policy release upgrade feature").split()


def paragraph(rng: random.Random) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 120)))
    link = rng.choice(['<a href="/docs/{n}/">see also</a>', '<a href="https://github.com/example/{n}">source</a>',
                       '<code>kubectl apply -f vm-{n}.yaml</code>', '<img src="/img/{n}.png" alt="diagram" '
                       'srcset="/img/{n}@2x.png 2x">'])
    return f"<p>{words} {link.format(n=rng.randint(1, 999))}</p>\n"


def page(i: int, rng: random.Random) -> str:
    nav = "".join(f'<a href="/section-{k}/">Section {k}</a>' for k in range(12))
    head = HEAD if i % 50 else HEAD.replace('type="text/plain" data-category="analytics" ', "")
    body = [f"<h1>Page {i}</h1>\n"] + [paragraph(rng) for _ in range(rng.randint(18, 30))]
    if i % 10 == 0:
        body.append('<iframe src="https://www.youtube.com/embed/abcdefghijk" title="video"></iframe>\n')
    if i % 25 == 0:
        body.append("<script>localStorage.setItem('tab', 'linux');</script>\n")
    if i % 40 == 0:
        body.append('<a href="https://www.linkedin.com/feed/?fbclid=IwAR0x">shared</a>\n')
    body.append("<pre><code>" + "apiVersion: kubevirt.io/v1\nkind: VirtualMachine\n" * 20 + "</code></pre>\n")
    return head.format(title=f"Page {i}", nav=nav) + "".join(body) + FOOT


def generate(root: Path, pages: int) -> int:
    rng = random.Random(1)
    total = 0
    for i in range(pages):
        path = root / f"docs/p{i // 100:03}/page-{i}/index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = page(i, rng)
        path.write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    extra = {"index.html": HEAD.format(title="Home", nav="") + FOOT,
             "privacy/index.html": HEAD.format(title="Privacy", nav="") + "<h1>Privacy</h1>" + FOOT,
             "assets/app.js": "(function(){var t=document.querySelector('.toggle');\n" * 200 + "})();\n",
             "assets/main.css": "body{margin:0}\n.hero{background:url(/img/hero.svg)}\n" * 300}
    for rel, text in extra.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    return total


def measure(root: Path, rules: Path, jobs: int, repeat: int) -> tuple[float, int, int]:
    policy = load_policy(rules, CHECK_IDS)
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run([str(root)], policy, Options(jobs=jobs))
        times.append(time.perf_counter() - started)
    return statistics.median(times), result.pages, len(result.findings)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3, help="runs per setting; the median is reported")
    ap.add_argument("--record", action="store_true", help="append the numbers to benchmarks/RESULTS.md")
    ap.add_argument("--note", default="", help="what changed, for the recorded entry")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="privacylint-bench-") as tmp:
        root, rules = Path(tmp) / "_site", Path(tmp) / "rules.yaml"
        size = generate(root, args.pages)
        rules.write_text(RULES, encoding="utf-8")
        rows = []
        for jobs in sorted({1, os.cpu_count() or 1}):
            seconds, pages, findings = measure(root, rules, jobs, args.repeat)
            rows.append((jobs, seconds, pages, findings))
    mb = size / 1e6
    lines = [f"{args.pages} generated pages + 4 files, {mb:.1f} MB; median of {args.repeat} runs"]
    for jobs, seconds, pages, findings in rows:
        lines.append(f"  jobs={jobs}: {seconds:6.2f} s  {pages / seconds:7.0f} pages/s  {mb / seconds:6.1f} MB/s  "
                     f"({findings} findings)")
    print("\n".join(lines))
    if args.record:
        machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        note = f": {args.note}" if args.note else ""
        entry = (f"\n## {dt.date.today()} privacylint {__version__} ({machine}){note}\n```\n" + "\n".join(lines)
                 + "\n```\n")
        with open(Path(__file__).with_name("RESULTS.md"), "a", encoding="utf-8") as fh:
            fh.write(entry)
    return 0


if __name__ == "__main__":
    sys.exit(main())
