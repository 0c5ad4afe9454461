"""BM25 over titles and abstracts (bm25s), its index kept beside the database and rebuilt when papers change.

Why BM25 next to the embeddings: MiniLM blurs exact technical terms ("speculative decoding" comes back as
any faster-decoding paper, "quantization" as any compression paper), which is what researchers type.
Word matching finds those; search.py fuses both rankings. DuckDB's own full-text extension downloads at run
time, so the index lives in files: `<database>.bm25/<fingerprint>/`, where the fingerprint hashes the
stored papers' ids and texts, so any write that changes the papers makes a new index and a stale one is
never used. `refresh` runs after every committed write (store.transaction) and builds in the background;
readers that find no index for the current fingerprint wait for that build or make it themselves.
"""
from __future__ import annotations

import atexit
import fcntl
import json
import logging
import os
import re
import shutil
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import duckdb
import numpy as np

log = logging.getLogger(__name__)

_WORD = re.compile(r"[a-z0-9]+")
CURRENT = "current"
IDS = "ids.json"


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def tokens(text: str) -> list[str]:
    """Lower-case words, English stop words dropped, Snowball-stemmed ("quantized" -> "quantiz")."""
    stop = _stopwords()
    words = [w for w in _WORD.findall((text or "").lower()) if w not in stop and (len(w) > 1 or w.isdigit())]
    return _stemmer().stemWords(words)


@dataclass
class LexicalIndex:
    """BM25 scores for the papers `ids` (in index order)."""

    ids: list[str]
    fingerprint: str
    bm25: object | None  # None for an empty database
    _position: dict[str, int] = field(default_factory=dict, repr=False)

    def position(self) -> dict[str, int]:
        if not self._position:
            self._position.update((pid, i) for i, pid in enumerate(self.ids))
        return self._position

    def scores(self, query: str) -> np.ndarray:
        """One BM25 score per paper (0 when it shares no word with the query)."""
        ids = self.bm25.get_tokens_ids(tokens(query)) if self.bm25 is not None else []
        if not ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        return self.bm25.get_scores_from_ids(ids)

    def ranking(self, query: str, allowed: Sequence[str] | None = None, limit: int = 100) -> list[str]:
        """Paper ids by BM25 score, best first, only those scoring above 0 (and in `allowed`, if given)."""
        scores = self.scores(query)
        if allowed is not None:
            mask = np.zeros(len(self.ids), dtype=bool)
            pos = self.position()
            mask[[pos[p] for p in allowed if p in pos]] = True
            scores = np.where(mask, scores, 0.0)
        hits = np.flatnonzero(scores > 0)
        order = hits[np.lexsort((hits, -scores[hits]))][:limit]
        return [self.ids[i] for i in order]


def build(ids: Sequence[str], texts: Sequence[str], fingerprint: str = "") -> LexicalIndex:
    """A BM25 index over `texts` (one per id)."""
    import bm25s

    if not ids:
        return LexicalIndex([], fingerprint, None)
    bm25 = bm25s.BM25()
    bm25.index([tokens(t) for t in texts], show_progress=False)
    return LexicalIndex(list(ids), fingerprint, bm25)


# ---------------------------------------------------------------- beside the database

def database_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file behind `con` (None for an in-memory database)."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return Path(row[0]) if row and row[0] else None


def index_root(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + ".bm25")


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever a paper is added, removed or its text changes (~10 ms at 100,000 papers)."""
    n, h = con.execute("SELECT count(*), coalesce(bit_xor(hash(id || '|' || coalesce(text_key, ''))), 0) FROM papers").fetchone()
    return f"{int(n)}-{int(h):016x}"


def _papers(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str]]:
    rows = con.execute("SELECT id, coalesce(title, '') || '. ' || coalesce(abstract, '') FROM papers ORDER BY id").fetchall()
    return [r[0] for r in rows], [r[1] for r in rows]


def save(index: LexicalIndex, root: Path) -> None:
    """Write the index under root/<fingerprint>/ and then point root/current at it (an atomic rename),
    keeping the previous index for readers that are still loading it.

    Building happens outside the lock; publishing and pruning happen under it (an flock, so other threads and
    processes too): otherwise one writer could prune the folder another has just pointed `current` at."""
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
    if index.bm25 is not None:
        index.bm25.save(str(tmp), show_progress=False)
    (tmp / IDS).write_text(json.dumps(index.ids), encoding="utf-8")
    with _publishing(root):
        final = root / index.fingerprint
        try:
            tmp.rename(final)
        except OSError:  # another writer saved the same papers first: theirs is as good
            shutil.rmtree(tmp, ignore_errors=True)
        pointer = root / f".{CURRENT}.{os.getpid()}.{threading.get_ident()}"
        pointer.write_text(index.fingerprint, encoding="utf-8")
        os.replace(pointer, root / CURRENT)
        keep = (index.fingerprint, _previous(root, index.fingerprint))  # the current and the one before it
        for old in root.iterdir():  # never another writer's ".building-" folder
            if old.is_dir() and not old.name.startswith(".") and old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _publishing(root: Path):
    """An exclusive lock on root/.lock for the publish-and-prune step."""
    with open(root / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _previous(root: Path, current: str) -> str:
    dirs = sorted((d for d in root.iterdir() if d.is_dir() and d.name != current and not d.name.startswith(".")),
                  key=lambda d: d.stat().st_mtime)
    return dirs[-1].name if dirs else ""


def load(root: Path, wanted: str) -> LexicalIndex | None:
    """The saved index for fingerprint `wanted`, or None when there is none (or it cannot be read)."""
    import bm25s

    where = root / wanted
    if not (where / IDS).exists():
        return None
    try:
        ids = json.loads((where / IDS).read_text(encoding="utf-8"))
        bm25 = bm25s.BM25.load(str(where), show_progress=False) if ids else None
    except (OSError, ValueError) as exc:
        log.warning("BM25 index %s unreadable (%s); rebuilding", where, exc)
        return None
    return LexicalIndex(ids, wanted, bm25)


# Rebuilding takes ~10 s at 100,000 papers (tokenising and indexing, no database work), so a write only
# reads the texts (~0.4 s) and hands the rest to one background thread; a newer write supersedes a pending
# build. `wait()` joins it: at exit (atexit), in `prepare`, and in a reader that finds no current index.
_state_lock = threading.Lock()
_build_lock = threading.Lock()
_latest: dict[Path, str] = {}
_threads: list[threading.Thread] = []


def refresh(con: duckdb.DuckDBPyConnection, background: bool = True) -> bool:
    """After a write: rebuild and save the index if the papers changed. True when a rebuild was started."""
    db_file = database_file(con)
    if db_file is None:
        return False
    root = index_root(db_file)
    current = fingerprint(con)
    if _is_current(root, current):
        return False
    ids, texts = _papers(con)
    with _state_lock:
        _latest[root] = current

    def job() -> None:
        with _build_lock:
            if _latest.get(root) != current or _is_current(root, current):
                return  # a newer write asked for a newer index, or it is there already
            save(build(ids, texts, current), root)

    if not background:
        job()
        return True
    thread = threading.Thread(target=_logged(job, root), name="bm25-refresh", daemon=True)
    with _state_lock:
        _threads[:] = [t for t in _threads if t.is_alive()] + [thread]
    thread.start()
    return True


def _is_current(root: Path, fp: str) -> bool:
    try:
        return (root / CURRENT).read_text(encoding="utf-8") == fp and (root / fp / IDS).exists()
    except OSError:
        return False


def _logged(job, root: Path):
    def run() -> None:
        try:
            job()
        except Exception as exc:  # noqa: BLE001 - a reader rebuilds what a failed refresh left missing
            log.warning("BM25 index beside %s not refreshed: %s", root, exc)

    return run


def wait(timeout: float | None = None) -> None:
    """Block until background index builds of this process are done."""
    with _state_lock:
        pending = list(_threads)
    for thread in pending:
        thread.join(timeout)


atexit.register(wait)


def for_database(con: duckdb.DuckDBPyConnection) -> LexicalIndex:
    """The index matching the papers `con` sees now: loaded from beside the database, else built
    (and saved, when the database is a writable file)."""
    current = fingerprint(con)
    db_file = database_file(con)
    if db_file is not None:
        root = index_root(db_file)
        if _latest.get(root) == current:
            wait()  # this process is building exactly this index: take it rather than build it twice
        found = load(root, current)
        if found is not None:
            return found
    ids, texts = _papers(con)
    index = build(ids, texts, current)
    if db_file is not None:
        try:
            save(index, index_root(db_file))
        except OSError as exc:  # a read-only deployment: serve from memory
            log.info("BM25 index not saved beside %s: %s", db_file, exc)
    return index
