"""The fact cache: extraction runs only for files whose bytes changed (like ruff's cache).

An entry is keyed by the file's content hash, the URL it is read at (facts hold resolved URLs),
and the versions of the tool, the vendor catalogue and the extraction code, so any of those
changing is a miss, never a stale fact. Checks always re-run: they are cheap and depend on
rules.yaml.

Storage is one SQLite file: safe for concurrent runs (readers and a writer at once, writes in
short transactions), and anything wrong with it (corrupt, locked too long, another schema, a
malformed entry) is a miss, never a crash. Entries are JSON, never pickle: a cache file must
not be able to run code. The default place is the user's cache folder, not the repository,
so a pull request cannot bring its own cache entries.

Every row is sealed: a keyed BLAKE2b MAC over what the row says (its table, its keys and its
data) with the cache's secret, 32 random bytes in the file `secret` next to the database,
created 0600 by the first run. A row whose MAC does not verify is a miss, so whoever can write
the database but not read the secret (another user of a shared cache folder, a database file
copied or restored without it, a damaged disk) cannot plant facts that hide a tracker, nor a
malformed row. The secret is used only when it is a regular file of this user's that no one
else may read; otherwise the run uses no cache. What this cannot stop: someone who can read the
secret (this user, or whoever supplies the whole folder, secret included) can seal rows, as
they could replace privacylint itself. So the folder must not come from a pull request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
import stat
import zlib
from functools import lru_cache
from importlib import resources
from pathlib import Path

from privacylint import __version__
from privacylint.facts import FileFacts, facts_from_data, facts_to_data

_SCHEMA = 4  # 4: FileFacts.text (the statement's sentences), Link.hidden
_FILE = "facts-v3.sqlite"  # v3: sealed rows
_SECRET = "secret"
_SECRET_SIZE, _MAC_SIZE = 32, 16
_TIMEOUT = 5.0  # seconds to wait for another run's write lock before giving up on a write


def default_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "privacylint"


@lru_cache(maxsize=1)
def code_version() -> str:
    """The tool's version and a hash of everything extraction depends on: its code and the catalogue."""
    digest = hashlib.sha256(f"{__version__}\0{_SCHEMA}".encode())
    package = resources.files("privacylint")
    parts = _python_files(package.joinpath("extract"))
    parts += [package.joinpath(name) for name in ("decode.py", "facts.py", "vendors.py", "data/vendors.yaml")]
    for part in parts:
        digest.update(part.name.encode())
        digest.update(part.read_bytes())
    digest.update(_parser_versions().encode())
    return digest.hexdigest()[:32]


def module_source(package: str, name: str) -> bytes:
    """The code of a module of this package: what the site model does with facts is part of the
    key its folded facts are kept under (site/fold.py)."""
    return resources.files(package).joinpath(f"{name}.py").read_bytes()


def _python_files(folder) -> list:
    """The .py files of a package folder and its subpackages, in a stable order."""
    found = []
    for part in sorted(folder.iterdir(), key=lambda p: p.name):
        if part.is_dir() and part.name != "__pycache__":
            found += _python_files(part)
        elif part.name.endswith(".py"):
            found.append(part)
    return found


def _parser_versions() -> str:
    """The JavaScript parser and its grammar: a new grammar may read a script differently."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{version('tree-sitter')}/{version('tree-sitter-javascript')}"
    except PackageNotFoundError:
        return "?"


def stat_signature(abspath: str, url: str, max_size: int) -> str | None:
    """A file's identity without reading it: path, URL, size, inode, mtime and ctime (which no
    tool can set back: any write changes it), the size cap it is judged against (a file over it
    is a finding, not facts) and the code version. It maps to the content key the file had when
    last read; a file whose signature changed is read and hashed again."""
    try:
        st = os.stat(abspath)
    except OSError:
        return None
    raw = (f"{abspath}\0{url}\0{st.st_size}\0{st.st_ino}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{max_size}"
           f"\0{code_version()}")
    return hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def unread_key(abspath: str, url: str, max_size: int) -> str | None:
    """The key of a file judged without extracting it (a script over the size cap that is only
    data, such as a search index of several MB): it was not hashed, so its stat signature (the
    cap included) stands for its content. An unchanged re-run does not read it again."""
    signature = stat_signature(abspath, url, max_size)
    return None if signature is None else "unread-" + signature


def entry_key(content: bytes, url: str) -> str:
    digest = hashlib.blake2b(content, digest_size=20)
    digest.update(b"\0" + url.encode("utf-8", "surrogatepass") + b"\0" + code_version().encode())
    return digest.hexdigest()


def secret(folder: Path) -> bytes | None:
    """The cache's secret, made on first use; None when it cannot be made or trusted."""
    path = folder / _SECRET
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    if not os.path.lexists(path):
        fresh = folder / f".{_SECRET}.{os.getpid()}.{os.urandom(4).hex()}"
        try:
            fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL | nofollow, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(os.urandom(_SECRET_SIZE))
            os.link(fresh, path)  # complete or absent, and never over another run's secret
        except FileExistsError:
            pass
        except OSError:
            return None
        finally:
            try:
                os.unlink(fresh)
            except OSError:
                pass
    try:
        fd = os.open(path, os.O_RDONLY | nofollow)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode) or (os.name != "nt" and (st.st_uid != os.geteuid() or st.st_mode & 0o077)):
            return None
        data = fh.read(_SECRET_SIZE + 1)
    return data if len(data) == _SECRET_SIZE else None


def _mac(key: bytes, parts: tuple, data: bytes = b"") -> bytes | None:
    """The MAC of a row: its table and keys (strings), then its data. None for a part of the wrong
    type (a row another program wrote)."""
    if not isinstance(data, bytes):
        return None
    try:
        head = "\0".join(parts).encode("utf-8", "surrogatepass") + b"\0"
    except TypeError:  # a key that is not text
        return None
    digest = hashlib.blake2b(head, key=key, digest_size=_MAC_SIZE)
    digest.update(data)
    return digest.digest()


def _unseal(key: bytes, parts: tuple, sealed) -> bytes | None:
    """A sealed row's data if its MAC verifies, else None."""
    if not isinstance(sealed, bytes) or len(sealed) < _MAC_SIZE:
        return None
    expected = _mac(key, parts, sealed[_MAC_SIZE:])
    return sealed[_MAC_SIZE:] if expected is not None and hmac.compare_digest(expected, sealed[:_MAC_SIZE]) else None


class FactCache:
    """Open once per run in the parent (writes) and once per worker (reads)."""

    def __init__(self, folder: str | os.PathLike):
        self.path = Path(folder) / _FILE
        self.db: sqlite3.Connection | None = None
        self.key = b""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            key = secret(self.path.parent)
            if key is None:
                return
            self.key = key
            self.db = sqlite3.connect(self.path, timeout=_TIMEOUT, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
            self.db.execute("CREATE TABLE IF NOT EXISTS seen (sig TEXT PRIMARY KEY, key TEXT NOT NULL, "
                            "mac BLOB NOT NULL)")
            self.db.execute("CREATE TABLE IF NOT EXISTS folded (key TEXT NOT NULL, fold TEXT NOT NULL, data BLOB NOT NULL,"
                            " PRIMARY KEY (key, fold))")
        except (OSError, sqlite3.Error):
            self._reset()

    def _reset(self) -> None:
        """A cache that cannot be opened is set aside (a corrupt file is deleted) and not used."""
        self.close()
        try:
            with open(self.path, "rb") as fh:
                header = fh.read(16)
            if header and header != b"SQLite format 3\0":
                os.unlink(self.path)
        except OSError:
            pass

    def get(self, key: str) -> FileFacts | None:
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT data FROM facts WHERE key = ?", (key,)).fetchone()
            data = _unseal(self.key, ("facts", key), row[0]) if row else None
            return facts_from_data(json.loads(zlib.decompress(data))) if data is not None else None
        except sqlite3.DatabaseError:
            self._reset()
        except Exception:  # noqa: BLE001 - a malformed entry of any shape is a miss
            pass
        return None

    def lookup(self, signatures: list[str | None], fold: str | None) -> list[tuple[FileFacts, set | None, str] | None]:
        """For each stat signature: (facts, their sites, content key) folded for `fold` (the
        policy) when the cache has them so, else (facts as extracted, None, key), else None.
        Batched: one query per 500."""
        found: dict[str, tuple] = {}
        known = [s for s in signatures if s]
        try:
            for start in range(0, len(known) if self.db is not None else 0, 500):
                chunk = known[start:start + 500]
                found.update((row[0], row) for row in self.db.execute(
                    "SELECT seen.sig, seen.key, seen.mac, folded.data, CASE WHEN folded.data IS NULL THEN facts.data "
                    "END FROM seen LEFT JOIN folded ON folded.key = seen.key AND folded.fold = ? "
                    "LEFT JOIN facts ON facts.key = seen.key "
                    f"WHERE seen.sig IN ({','.join('?' * len(chunk))})", [fold or "", *chunk]))
        except sqlite3.DatabaseError:
            self._reset()
            return [None] * len(signatures)
        return [self._decode(*found[s], fold or "") if s in found else None for s in signatures]

    def _decode(self, sig: str, key: str, mac: bytes, folded: bytes | None, raw: bytes | None,
                fold: str) -> tuple[FileFacts, set | None, str] | None:
        """A hit when every row it comes from verifies; anything else is a miss."""
        try:
            expected = _mac(self.key, ("seen", sig, key))
            if expected is None or not isinstance(mac, bytes) or not hmac.compare_digest(expected, mac):
                return None
            folded = _unseal(self.key, ("folded", key, fold), folded) if folded is not None else None
            if folded is not None:
                data = json.loads(zlib.decompress(folded))
                return facts_from_data(data["f"]), set(map(str, data["o"])), key
            raw = _unseal(self.key, ("facts", key), raw) if raw is not None else None
            if raw is not None:
                return facts_from_data(json.loads(zlib.decompress(raw))), None, key
        except Exception:  # noqa: BLE001 - a malformed entry of any shape is a miss
            pass
        return None

    @staticmethod
    def encode_folded(facts: FileFacts, sites: set[str]) -> bytes:
        return zlib.compress(json.dumps({"f": facts_to_data(facts), "o": sorted(sites)},
                                        separators=(",", ":")).encode(), 1)

    def put_folded(self, rows: list[tuple[str, str, bytes]]) -> None:
        """Store folded facts by (content key, fold key)."""
        if self.db is None or not rows:
            return
        sealed = [(key, fold, _mac(self.key, ("folded", key, fold), data) + data) for key, fold, data in rows]
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("INSERT OR REPLACE INTO folded (key, fold, data) VALUES (?, ?, ?)", sealed)
            self.db.execute("COMMIT")
        except sqlite3.OperationalError:
            self._rollback()
        except sqlite3.DatabaseError:
            self._reset()

    @staticmethod
    def encode(facts: FileFacts) -> bytes:
        """An entry, made when extraction returns the facts: the site folds (and trims) them for
        its policy afterwards, and the cache must hold them as extracted, for any policy."""
        return zlib.compress(json.dumps(facts_to_data(facts), separators=(",", ":")).encode(), 1)

    def put_many(self, rows: list[tuple[str, bytes]], seen: list[tuple[str, str]] = ()) -> None:
        """Store encoded facts by content key, and stat signatures -> content keys."""
        if self.db is None or not (rows or seen):
            return
        rows = [(key, _mac(self.key, ("facts", key), data) + data) for key, data in rows]
        seen = [(sig, key, _mac(self.key, ("seen", sig, key))) for sig, key in seen]
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("INSERT OR REPLACE INTO facts (key, data) VALUES (?, ?)", rows)
            self.db.executemany("INSERT OR REPLACE INTO seen (sig, key, mac) VALUES (?, ?, ?)", seen)
            self.db.execute("COMMIT")
        except sqlite3.OperationalError:  # locked by another run for too long: this run's entries are skipped
            self._rollback()
        except sqlite3.DatabaseError:
            self._reset()

    def _rollback(self) -> None:
        try:
            self.db.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self.db is not None:
            try:
                self.db.close()
            except sqlite3.Error:
                pass
            self.db = None
