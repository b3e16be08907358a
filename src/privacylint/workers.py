"""Extraction in a process pool: in parallel, in path order, streamed, and never outliving the run.

Workers are forked (with the site), read their files, fold each one's facts for the policy
(Folder.fold: what checks need, a fraction of what a page holds) and return them with their cache
entries already encoded; the parent takes them into the site as they arrive (imap, in chunks), so
no list of every fact of every page is built and the parent's share of the work stays small.
With a cache, the parent first looks files up by stat signature (no read at all); a worker hashes
the bytes of the others and returns the cached facts when the content key is known; the parent
stores what is new (one writer).

Shutdown: workers ask the kernel to kill them when the parent dies (PR_SET_PDEATHSIG), ignore
Ctrl-C (the parent handles it and terminates them), and run with the cyclic GC off: facts are
acyclic, and collection cost 6% of extraction. The parent runs without it too (`cyclic_gc_off`):
a site's facts are many small acyclic objects, and its full collections cost a quarter of an
unchanged re-run.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from privacylint.cache import FactCache, entry_key, stat_signature, unread_key
from privacylint.extract import extract_data, read_file
from privacylint.facts import FileFacts

PARALLEL_FROM = 48  # below this many files a pool costs more than it saves
# With no --jobs, a site with less to read than this runs in one process: starting workers costs
# what they save (the git manual, 9 MB: 0.50 s wall either way, 0.62 s CPU with two, 0.50 with one).
AUTO_PARALLEL_BYTES = 16 * 1024 * 1024
_BATCH = 256  # cache entries written per transaction

_cache: FactCache | None = None  # a worker's own connection
_folding = None  # (Folder.fold, fold key or None) of the run: workers fold what they extract
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class Job(NamedTuple):
    abspath: str
    relpath: str
    url: str
    max_size: int
    size: int = 0  # as listed: decides, with no --jobs, whether a pool is worth starting
    charset: str | None = None  # the transport's (a _headers Content-Type): wins over the page's own

    @property
    def identity(self) -> str:
        """What besides the bytes decides the facts, for the cache keys: the URL and the charset."""
        return self.url if self.charset is None else f"{self.url}\0charset={self.charset}"


@contextmanager
def cyclic_gc_off() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def extract_stream(jobs: list[Job], processes: int | None, cache_dir: str | None, fold=None,
                   fold_key: str | None = None) -> Iterator[tuple[FileFacts, set[str] | None]]:
    """(facts, sites) of every job, in the jobs' order. `fold(facts) -> sites` trims facts for
    the policy (Folder.fold); sites is None when no fold was given. With a cache, a file whose stat
    signature is known is taken from it at once (no read, no worker), already folded when the
    cache holds it folded for `fold_key`; the others go to the workers, which hash them and
    extract only what the cache does not hold."""
    global _folding
    store = FactCache(cache_dir) if cache_dir else None
    _folding = (fold, fold_key if store else None) if fold is not None else None  # workers fork with it
    try:
        signatures = ([stat_signature(job.abspath, job.identity, job.max_size) for job in jobs] if store
                      else [None] * len(jobs))
        known = store.lookup(signatures, fold_key) if store else [None] * len(jobs)
        misses = [job for job, hit in zip(jobs, known) if hit is None or hit[0].path != job.relpath]
        results = _results(misses, processes, cache_dir)
        new: list[tuple[str, bytes]] = []
        seen: list[tuple[str, str]] = []
        folded: list[tuple[str, str, bytes]] = []
        for job, signature, hit in zip(jobs, signatures, known):
            if hit is not None and hit[0].path == job.relpath:
                facts, sites, key = hit
            else:
                facts, key, raw, sites, folded_entry = next(results)
                if key and store:
                    if raw is not None:
                        new.append((key, raw))
                    if signature:
                        seen.append((signature, key))
                    if folded_entry is not None:
                        folded.append((key, fold_key, folded_entry))
            if sites is None and fold is not None:
                sites = fold(facts)
                if key and fold_key and store:
                    folded.append((key, fold_key, store.encode_folded(facts, sites)))
            if store and len(new) + len(seen) + len(folded) >= _BATCH:
                store.put_many(new, seen)
                store.put_folded(folded)
                new, seen, folded = [], [], []
            yield facts, sites
        if store:
            store.put_many(new, seen)
            store.put_folded(folded)
    finally:
        _folding = None
        if store:
            store.close()


def _results(jobs: list[Job], processes: int | None, cache_dir: str | None) -> Iterator[tuple]:
    if processes is None:  # no --jobs: one per core, for a site big enough to repay them
        processes = (os.cpu_count() or 1) if sum(job.size for job in jobs) >= AUTO_PARALLEL_BYTES else 1
    if processes <= 1 or len(jobs) < PARALLEL_FROM:
        yield from _inline(jobs, cache_dir)
        return
    chunk = max(1, min(32, len(jobs) // (processes * 8)))
    # Signals stay blocked while forking: a worker must not run the parent's handlers before its
    # own are set (it unblocks them in _start); the parent gets what arrived once the pool exists.
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        pool = multiprocessing.get_context("fork").Pool(processes, initializer=_start,
                                                        initargs=(cache_dir, os.getpid()))
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
    try:
        yield from pool.imap(work, jobs, chunksize=chunk)
        pool.close()
    finally:
        pool.terminate()  # on Ctrl-C, SIGTERM or an error too: no worker outlives the run
        pool.join()


def _inline(jobs: list[Job], cache_dir: str | None) -> Iterator[tuple]:
    global _cache
    _cache = FactCache(cache_dir) if cache_dir else None
    try:
        with cyclic_gc_off():
            for job in jobs:
                yield work(job)
    finally:
        if _cache:
            _cache.close()
        _cache = None


def _start(cache_dir: str | None, parent: int) -> None:
    global _cache, _in_worker
    _in_worker = True
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    gc.disable()
    _cache = FactCache(cache_dir) if cache_dir else None


def _die_with_parent(parent: int) -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: Linux; elsewhere the pool's own shutdown applies
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def work(job: Job) -> tuple[FileFacts, str | None, bytes | None, set[str] | None, bytes | None]:
    """(facts, their cache key or None, their cache entry when new, the sites their links lead
    to and their folded cache entry when the run folds). The worker encodes and folds (Folder.fold,
    forked with the site): the parent only stores, and unpickles facts already trimmed."""
    facts, key, fresh = _extract(job)
    raw = FactCache.encode(facts) if key and fresh else None  # as extracted, before it is folded
    if _folding is None:
        return facts, key, raw, None, None
    fold, fold_key = _folding
    sites = fold(facts)
    return facts, key, raw, sites, FactCache.encode_folded(facts, sites) if key and fold_key else None


def _extract(job: Job) -> tuple[FileFacts, str | None, bool]:
    """(facts, their cache key or None, whether they are new to the cache)."""
    facts, data = read_file(job.abspath, job.relpath, job.max_size)
    if data is None:
        if facts.size > _TRIM_AFTER:  # a data script over the size cap was read whole to be recognised
            _trim()
        if _cache and facts.size > job.max_size and not facts.problems:  # that verdict is kept
            key = unread_key(job.abspath, job.identity, job.max_size)
            return facts, key, key is not None
        return facts, None, False
    key = entry_key(data, job.identity) if _cache else None
    if key:
        cached = _cache.get(key)
        if cached is not None and cached.path == job.relpath:
            return cached, key, False
    extract_data(data, job.url, facts, job.charset)
    if facts.size > _TRIM_AFTER:
        _trim()
    return facts, key, key is not None


_TRIM_AFTER = 1024 * 1024  # bytes: after a file this large, freed memory goes back to the system


def _trim() -> None:
    """A large page's tree (libxml2, several times the page) is freed to the C heap, which keeps
    it: a worker's memory would stay at its largest page. glibc's malloc_trim hands it back.
    Workers only: in one process the heap also holds the site, and trimming it after every large
    file cost 2% of a docs run for memory the next page takes again."""
    global _libc
    if not _in_worker:
        return
    if _libc is None:
        try:
            import ctypes

            _libc = ctypes.CDLL("libc.so.6")
            _libc.malloc_trim  # noqa: B018 - glibc only; elsewhere nothing to do
        except (OSError, AttributeError):
            _libc = False
    if _libc:
        _libc.malloc_trim(0)


_libc = None
_in_worker = False
