"""Benchmark: privacylint on real documentation and a generated site, next to its ceiling and a peer.

    python3 benchmarks/corpus.py --install            # once: Debian doc packages -> benchmarks/.corpus
    python3 benchmarks/bench.py                       # every corpus that is built, plus 1,000 generated pages
    python3 benchmarks/bench.py --corpus git --pages 0
    python3 benchmarks/bench.py --record --note "what changed"   # append to benchmarks/RESULTS.md
    python3 benchmarks/bench.py --corpus docs --pages 0 --instructions  # also instruction counts (valgrind)

Per corpus, all in one run (so a busy machine slows them alike):
- privacylint as a user runs it (`python -m privacylint SITE --format json=... --no-cache`, one
  worker per core), then an unchanged re-run with the cache, then a re-run after one page changed;
- the ceiling: a bare lxml parse of the same HTML files, one process;
- the peer: html-proofer's lightest offline pass (`--checks-to-ignore LinkCheck --disable-external`),
  when `htmlproofer` is installed (Debian: ruby-html-proofer).
Figures: wall seconds, CPU seconds (user+sys of the whole process tree: the figure to compare on a
shared machine), pages/s and MB/s by CPU time, peak RSS of the whole process tree (sum of the
processes' RSS, sampled every 20 ms; and of their PSS, which counts pages that forked workers share
with the parent once), and the number of findings.

Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402  (benchmarks/corpus.py)

RULES = corpus.RULES
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
BARE_PARSE = """
import os, sys
from lxml import etree
n = 0
for folder, _, files in os.walk(sys.argv[1]):
    for name in files:
        if name.lower().endswith(('.html', '.htm')):
            with open(os.path.join(folder, name), 'rb') as fh:
                etree.fromstring(fh.read(), etree.HTMLParser(huge_tree=True))
            n += 1
print(n)
"""


# --instructions: the same pages extracted, parsed as extraction parses them, and parsed bare,
# each under cachegrind; "none" is the start-up to subtract. Instruction counts do not move with
# the machine's load (CPU seconds do: the ceiling itself took 6.2-11.7 s on one corpus).
SAMPLE = """
import os, sys
from lxml import etree
from privacylint.decode import decode_utf8
from privacylint.extract import extract_file
root, stride, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
pages = sorted(os.path.join(d, n) for d, _, names in os.walk(root) for n in names
               if n.endswith(('.html', '.htm')))[::stride]
for path in pages if mode != 'none' else []:
    rel = os.path.relpath(path, root)
    if mode == 'extract':
        extract_file(path, rel, 'https://docs.example.org/' + rel, 10 << 20)
        continue
    with open(path, 'rb') as fh:
        data = fh.read()
    if mode == 'bare':
        etree.fromstring(data, etree.HTMLParser(huge_tree=True))
    else:
        text, _, utf8 = decode_utf8(data, 'page')
        etree.fromstring(data if utf8 else text.encode(), etree.HTMLParser(huge_tree=True, encoding='utf-8'))
"""


def instructions(root: Path, stride: int = 10) -> list[str]:
    """Instructions (cachegrind) to extract every stride-th page, against parsing them."""
    if not shutil.which("valgrind"):
        return ["  instructions: skipped (apt-get install valgrind)"]
    counts = {}
    for mode in ("none", "extract", "parse", "bare"):
        run = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                              sys.executable, "-c", SAMPLE, str(root), str(stride), mode],
                             capture_output=True, text=True, check=False)
        line = next((ln for ln in run.stderr.splitlines() if "I refs" in ln or "I   refs" in ln), "")
        if run.returncode or not line:
            return [f"  instructions: {mode} failed: {run.stderr.strip().splitlines()[-1:]}"]
        counts[mode] = int(line.split()[-1].replace(",", ""))
    pages = len([p for p in root.rglob("*") if p.suffix in (".html", ".htm")][::stride])
    own = {mode: (counts[mode] - counts["none"]) / 1e9 for mode in ("extract", "parse", "bare")}
    return [(f"  instructions, every {stride}th page ({pages}): extraction {own['extract']:.2f} G; "
             f"read, decode and parse as extraction does {own['parse']:.2f} G "
             f"({own['extract'] / own['parse']:.2f}x); bare parse {own['bare']:.2f} G "
             f"({own['extract'] / own['bare']:.2f}x)")]


def paragraph(rng: random.Random) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 120)))
    link = rng.choice(['<a href="/docs/{n}/">see also</a>', '<a href="https://github.com/example/{n}">source</a>',
                       '<code>kubectl apply -f vm-{n}.yaml</code>', '<img src="/img/{n}.png" alt="diagram" '
                       'srcset="/img/{n}@2x.png 2x">', '<a href="../{n}/index.html#install">install</a>'])
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


def generate(root: Path, pages: int) -> None:
    rng = random.Random(1)
    for i in range(pages):
        path = root / f"docs/p{i // 100:03}/page-{i}/index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page(i, rng), encoding="utf-8")
    extra = {"index.html": HEAD.format(title="Home", nav="") + FOOT,
             "privacy/index.html": HEAD.format(title="Privacy", nav="") + "<h1>Privacy</h1>" + FOOT,
             "assets/app.js": "(function(){var t=document.querySelector('.toggle');\n" * 200 + "})();\n",
             "assets/main.css": "body{margin:0}\n.hero{background:url(/img/hero.svg)}\n" * 300}
    for rel, text in extra.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def html_size(root: Path) -> tuple[int, int]:
    pages = size = 0
    for folder, _, files in os.walk(root):
        for name in files:
            if name.lower().endswith((".html", ".htm", ".js", ".css")):
                size += os.path.getsize(os.path.join(folder, name))
                pages += name.lower().endswith((".html", ".htm"))
    return pages, size


def _tree_rss(pid: int) -> tuple[int, int]:
    """Sums of the RSS and of the PSS of a process and its descendants, from /proc. RSS counts
    pages a forked worker shares with its parent once per process; PSS divides them among the
    sharers, so it is what the tree really holds."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    rss = pss = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup", "rb") as fh:
                for line in fh:
                    if line.startswith(b"Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith(b"Pss:"):
                        pss += int(line.split()[1]) * 1024
        except (OSError, ValueError):
            pass
        stack.extend(children.get(p, ()))
    return rss, pss


def timed(cmd: list[str], cwd: Path | None = None) -> dict:
    """Run a command: wall, CPU of its whole process tree, and peak tree RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss, pss = _tree_rss(proc.pid)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "rss": peak[0], "pss": peak[1], "rc": proc.returncode, "out": out, "err": err}


def privacylint(root: Path, rules: Path, report: Path, *extra: str) -> dict:
    cmd = [sys.executable, "-m", "privacylint", str(root), "--rules", str(rules), "--format", f"json={report}",
           *extra]
    run = timed(cmd)
    if run["rc"] not in (0, 1):
        raise SystemExit(f"privacylint failed ({run['rc']}): {run['err'].decode(errors='replace')[-2000:]}")
    run["findings"] = len(json.loads(report.read_text(encoding="utf-8"))["findings"])
    return run


def row(label: str, run: dict, pages: int, size: int) -> str:
    cpu = max(run["cpu"], 1e-6)
    findings = f"  {run['findings']:>6} findings" if "findings" in run else ""
    return (f"  {label:<24} wall {run['wall']:7.2f} s  cpu {run['cpu']:7.2f} s  {pages / cpu:7.0f} pages/s  "
            f"{size / 1e6 / cpu:6.1f} MB/s  rss {run['rss'] / 2**20:4.0f} MB  pss {run['pss'] / 2**20:4.0f} MB{findings}")


def bench(name: str, root: Path, rules: Path, work: Path) -> list[str]:
    pages, size = html_size(root)
    cache = work / f"cache-{name}"
    shutil.rmtree(cache, ignore_errors=True)
    report = work / f"{name}.json"
    lines = [f"{name}: {pages} pages, {size / 1e6:.1f} MB of HTML, JS and CSS"]
    cached = _supports_cache()
    no_cache = ("--no-cache",) if cached else ()  # the first releases had no cache
    lines.append(row("privacylint", privacylint(root, rules, report, *no_cache), pages, size))
    lines.append(row("privacylint --jobs 1", privacylint(root, rules, report, *no_cache, "--jobs", "1"),
                     pages, size))
    if cached:
        privacylint(root, rules, report, "--cache-dir", str(cache))  # fill the cache
        lines.append(row("re-run, unchanged", privacylint(root, rules, report, "--cache-dir", str(cache)),
                         pages, size))
        touched = _touch_one_page(root)
        lines.append(row("re-run, 1 page changed", privacylint(root, rules, report, "--cache-dir", str(cache)),
                         pages, size))
        touched.write_bytes(touched.read_bytes()[:-len(b"<!-- bench -->\n")])
    lines.append(row("bare lxml parse (ceiling)", timed([sys.executable, "-c", BARE_PARSE, str(root)]),
                     pages, size))
    proofer = shutil.which("htmlproofer")
    if proofer:
        lines.append(row("html-proofer (peer)", timed([proofer, str(root), "--checks-to-ignore", "LinkCheck",
                                                       "--disable-external", "--log-level", ":fatal"]),
                         pages, size))
    return lines


def browser_pass(root: Path, rules: Path, report: Path, pages: int) -> list[str]:
    """The browser pass (--browser, offline) on the generated site: how many pages it loads (one
    per layout, not per page) and what that costs, next to the static run of the same site."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return ["  browser pass: skipped (pip install 'privacylint[browser]')"]
    if not (os.environ.get("PRIVACYLINT_BROWSER") or shutil.which("chromium")):
        return ["  browser pass: skipped (no chromium)"]
    run = privacylint(root, rules, report, "--no-cache", "--browser")
    loaded = json.loads(report.read_text(encoding="utf-8"))["stats"].get("observed_pages", 0)
    return [f"  {'privacylint --browser':<24} wall {run['wall']:7.2f} s  cpu {run['cpu']:7.2f} s  "
            f"rss {run['rss'] / 2**20:4.0f} MB  {loaded} of {pages} pages loaded in the browser (one per layout), "
            f"{run['findings']} findings"]


def _supports_cache() -> bool:
    out = subprocess.run([sys.executable, "-m", "privacylint", "--help"], capture_output=True, text=True).stdout
    return "--cache-dir" in out


def _touch_one_page(root: Path) -> Path:
    target = sorted(root.rglob("*.html"))[len(list(root.rglob("*.html"))) // 2]
    with open(target, "ab") as fh:
        fh.write(b"<!-- bench -->\n")
    return target


def _compile_package() -> None:
    """Byte-compile privacylint as installing its wheel does: a run from a source checkout with
    PYTHONDONTWRITEBYTECODE set (as on some CI machines) would otherwise compile every module on
    every run, about 0.2 s that no installed copy pays."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("privacylint")
    for folder in spec.submodule_search_locations if spec else []:
        compileall.compile_dir(folder, quiet=1)


def version_start() -> str:
    runs = sorted(timed([sys.executable, "-m", "privacylint", "--version"])["wall"] for _ in range(5))
    return f"privacylint --version: {runs[2]:.3f} s wall (median of 5)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", action="append", default=[],
                    help="a built corpus to run (git, python, django, postgres, linux; docs: all of them; "
                         "docs-x2: all of them twice, the 10,000-page job); default: git, docs and docs-x2 "
                         "(the same pages once and twice: what memory does as the page count doubles)")
    ap.add_argument("--pages", type=int, default=1000, help="generated pages (0: none)")
    ap.add_argument("--instructions", action="store_true",
                    help="also count instructions (valgrind) on every 10th page of each docs corpus: a figure the "
                         "machine's load does not move")
    ap.add_argument("--record", action="store_true", help="append the numbers to benchmarks/RESULTS.md")
    ap.add_argument("--note", default="", help="what changed, for the recorded entry")
    args = ap.parse_args()
    _compile_package()
    lines = [version_start()]
    rules = corpus.CORPUS / "rules.yaml"
    with tempfile.TemporaryDirectory(prefix="privacylint-bench-") as tmp:
        work = Path(tmp)
        for name in args.corpus or ["git", "docs", "docs-x2"]:
            root = corpus.CORPUS / name if name.startswith("docs") else corpus.CORPUS / "docs" / name
            if not root.is_dir():
                print(f"bench: corpus {name} is not built (python3 benchmarks/corpus.py --install)", file=sys.stderr)
                continue
            lines += bench(name, root, rules, work)
            if args.instructions and name.startswith("docs"):
                lines += instructions(root)
        if args.pages:
            site = work / "generated"
            generate(site, args.pages)
            (work / "rules.yaml").write_text(RULES, encoding="utf-8")
            lines += bench(f"generated-{args.pages}", site, work / "rules.yaml", work)
            lines += browser_pass(site, work / "rules.yaml", work / "browser.json", args.pages)
    print("\n".join(lines))
    if args.record:
        machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        note = f": {args.note}" if args.note else ""
        from privacylint import __version__
        entry = (f"\n## {dt.date.today()} privacylint {__version__} ({machine}){note}\n```\n" + "\n".join(lines)
                 + "\n```\n")
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as fh:
            fh.write(entry)
    return 0


if __name__ == "__main__":
    sys.exit(main())
