"""File -> facts. A pure function of the file's bytes and its URL: no policy, no network."""

from __future__ import annotations

import os

from privacylint.decode import decode, decode_utf8, is_binary
from privacylint.extract.css import css_facts
from privacylint.extract.html import extract_page, fragment_facts
from privacylint.extract.js import is_data, js_facts
from privacylint.extract.source import Source
from privacylint.extract.text import could_be_statement, sentences
from privacylint.facts import JS_LITERAL, FileFacts, Problem, Sentence
from privacylint.vendors import catalogue

KINDS = {".html": "page", ".htm": "page", ".xhtml": "page", ".js": "script", ".mjs": "script",
         ".css": "stylesheet"}


def kind_of(path: str) -> str | None:
    return KINDS.get(os.path.splitext(path)[1].lower())


DATA_SCRIPT_FACTOR = 8  # a script up to 8x the size limit is still read to see whether it is only data


def read_file(abspath: str, relpath: str, max_size: int) -> tuple[FileFacts, bytes | None]:
    """The file's bytes, or None with a PL001 problem: too large, or unreadable.

    A script over the limit that is only data (a documentation search index: one JSON literal)
    loads nothing: it is recognised with one linear pattern and passes without a problem."""
    facts = FileFacts(relpath, kind_of(relpath) or "other")
    try:
        with open(abspath, "rb") as fh:
            facts.size = os.fstat(fh.fileno()).st_size
            if facts.size > max_size:
                if facts.kind == "script" and facts.size <= max_size * DATA_SCRIPT_FACTOR \
                        and is_data(decode(fh.read(facts.size + 1), "script")[0], 0):
                    return facts, None
                facts.problems.append(Problem(
                    "too-large", "error",
                    f"{facts.size:,} bytes is over the {max_size:,}-byte limit; the file was not checked, so "
                    "nothing it loads can be vouched for (raise the limit with --max-file-size)."))
                return facts, None
            return facts, fh.read(min(max_size, facts.size) + 1)  # read(n) allocates n bytes up front
    except OSError as err:
        facts.problems.append(Problem("unreadable", "error", f"cannot be read: {err.strerror or err}"))
        return facts, None


def extract_file(abspath: str, relpath: str, url: str, max_size: int) -> FileFacts:
    """Read and extract one file; every failure becomes a PL001 problem, never an exception."""
    facts, data = read_file(abspath, relpath, max_size)
    if data is not None:
        extract_data(data, url, facts)
    return facts


def statement_sentences(abspath: str, relpath: str, max_size: int,
                        charset: str | None = None) -> tuple[Sentence, ...] | None:
    """A page's visible text, read under the same limits as every file (None when it cannot be
    read or is not text): for the statement, when its path and title did not say it could be one
    (extract/text.py). The caller knows which page that is; extraction does not."""
    data = read_file(abspath, relpath, max_size)[1]
    if data is None or is_binary(data) is not None:
        return None
    try:
        return tuple(sentences(decode_utf8(data, "page", charset)[0]))
    except (RecursionError, MemoryError):
        return None


def extract_data(data: bytes, url: str, facts: FileFacts, charset: str | None = None) -> None:
    """Extract facts from a file's bytes into `facts`; a bug on one file is a PL001 problem."""
    try:
        extract_bytes(data, url, facts, charset)
    except RecursionError:
        _failed(facts, "it nests too deeply to analyse")
    except MemoryError:
        _failed(facts, "it needs more memory than this machine has")
    except Exception as err:  # noqa: BLE001 - a parser bug on one file must not stop the run
        _failed(facts, f"{type(err).__name__}: {err}; please report this")


def _failed(facts: FileFacts, why: str) -> None:
    facts.requests.clear(), facts.links.clear(), facts.writes.clear(), facts.markers.clear()
    facts.local_links = ()
    facts.text = None
    facts.problems.append(Problem("parse", "error", f"could not be analysed ({why}), so it was not checked."))


def extract_bytes(data: bytes, url: str, facts: FileFacts, charset: str | None = None) -> None:
    """`charset`: the transport's (an HTTP Content-Type, or a `_headers` file's), which wins over
    what the file declares, as in browsers."""
    nul_line = is_binary(data)
    if nul_line is not None:
        facts.problems.append(Problem(
            "binary", "error", f"holds NUL bytes (first on line {nul_line}), so it is not a text "
            f"{facts.kind}; it was skipped.", nul_line))
        return
    text, problem, is_utf8 = decode_utf8(data, facts.kind, charset)
    if problem:
        facts.problems.append(problem)
    if facts.kind == "page":
        extract_page(text, url, facts, data if is_utf8 else None)
        if could_be_statement(facts.path, text):
            facts.text = tuple(sentences(text))
    elif facts.kind == "script":
        _extract_script(text, url, facts)
    elif facts.kind == "stylesheet":
        _extract_stylesheet(text, url, facts)


def vendored(path: str, text: str) -> tuple[bool, bool]:
    """(is a known library by name and signature, is it a consent manager): the catalogue's
    `vendored_files`. A library's signature is its licence banner, looked for at the file's start
    or end; a consent manager's is its name in the code."""
    for known in catalogue().vendored_files:
        if not known.file.search(path):
            continue
        where = text if known.consent_manager else text[:4096] + text[-4096:]
        if known.signature in where:
            return True, known.consent_manager
    return False, False


def _extract_script(text: str, url: str, facts: FileFacts) -> None:
    found = js_facts(text, url, Source(text).position, markup=fragment_facts)
    library, manager = vendored(facts.path, text)
    if manager:
        found.requests, found.writes, found.markers = [], [], []
    elif library:
        found.requests = [r for r in found.requests if r.kind != JS_LITERAL]
        found.markers = []
    facts.add_js(found)


def _extract_stylesheet(text: str, url: str, facts: FileFacts) -> None:
    facts.requests.extend(css_facts(text, url, Source(text).position))
