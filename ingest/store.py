"""The one module that knows the database file and writes to it (arxiv-sanity-lite's aslite/db.py).

Identity: a paper is the same paper when its arXiv id, else its DOI, else its normalised title matches.
Every write that a user starts (an upload, a removal, a re-extraction) is one transaction: it lands whole
or not at all. Reads for the pages live in `queries.py`.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import duckdb
import numpy as np
import pandas as pd

from . import facts
from .frames import insert_frame
from .errors import StoreError
from .points_rows import point_rows
from .extract.context import context_keys
from .records import ReadResult, Record, Skipped
from .schema import EMBEDDING_DIM, migrate, pending_migrations

DEFAULT_DB = Path(__file__).resolve().parent.parent / "data" / "atlas.duckdb"
LOCK_WAIT_SECONDS = 30.0


def resolve_db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """--db flag, else ATLAS_DB, else data/atlas.duckdb next to the code."""
    value = cli_value or os.environ.get("ATLAS_DB")
    return Path(value) if value else DEFAULT_DB


def connect(path: str | os.PathLike, read_only: bool = False, wait: float = LOCK_WAIT_SECONDS) -> duckdb.DuckDBPyConnection:
    """Open (and migrate) the database, waiting while another process holds the file's lock."""
    path = Path(path)
    if read_only and not path.exists():
        raise StoreError(f"{path}: no database here yet (run `python -m ingest add` or start the app)")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise StoreError(f"{path}: cannot open the database: {_first_line(exc)}") from exc
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"{path}: the database is in use by another process (the app or another ingest); "
                    "upload through the app, or stop it and try again"
                ) from exc
            time.sleep(0.2)
        except duckdb.Error as exc:
            raise StoreError(f"{path}: not a usable Tradeoff Atlas database: {_first_line(exc)}") from exc
    if not read_only:
        migrate(con)
    elif missing := pending_migrations(con):
        con.close()
        raise StoreError(
            f"{path}: this database was made by an older version (it lacks {', '.join(missing)}); open it once "
            "read-write (start the app without ATLAS_READONLY, or run `python -m ingest uploads`) to upgrade it"
        )
    return con


def sql_literal(text: str) -> str:
    """A quoted SQL string literal, quotes doubled: for the statements that take no parameters (SET, COPY)."""
    return "'" + text.replace("'", "''") + "'"


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


@contextmanager
def transaction(
    con: duckdb.DuckDBPyConnection, touched: list[str] | str | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT (refreshing paper_facts and bumping data_version), or ROLLBACK on any error so the
    database is exactly as it was.

    `touched` names the papers the write changed, so only their paper_facts rows are refreshed: a list
    of ids (read at COMMIT, so the block may still append to it) or a SQL query returning them. None (the
    default) rebuilds the whole table: right for writes that change every paper."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        if touched is None:
            facts.refresh(con)
        else:
            facts.refresh_papers(con, touched)
        con.execute("UPDATE data_version SET n = n + 1")
        _test_pause_before_commit()
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _test_pause_before_commit() -> None:
    """Test hook for tests/test_crash_safety.py only: with ATLAS_TEST_PAUSE_IN_TRANSACTION=<seconds> set,
    announce on stderr and sleep once every write of the transaction is done but before COMMIT, so a
    SIGKILL lands deterministically inside an open transaction. Unset (always, in normal use) it is a no-op."""
    seconds = os.environ.get("ATLAS_TEST_PAUSE_IN_TRANSACTION")
    if seconds:
        import sys

        print("ATLAS_TEST_PAUSE_IN_TRANSACTION: writes done, pausing before COMMIT", file=sys.stderr, flush=True)
        time.sleep(float(seconds))


# ---------------------------------------------------------------- identity

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise_title(title: str) -> str:
    """Lower-case ASCII letters and digits only: 'Turbo: A Plug-In' and 'turbo - a plug in' agree.

    A title with no ASCII letter or digit ('深度学习', 'Ωμέγα', '???') keeps its own lower-cased words, else
    its stripped text, so every record has an identity key (a paper without one crashed the upload)."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    key = _NON_WORD.sub(" ", folded).strip()
    if not key:
        key = " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", title).casefold())) or title.strip()
    return key


def identity_keys(record: Record) -> list[str]:
    """The keys under which a record can match a stored paper, strongest first."""
    return keys_of(record.arxiv_id, record.doi, normalise_title(record.title))


def keys_of(arxiv_id: str | None, doi: str | None, title_key: str | None) -> list[str]:
    """identity_keys from the stored columns (the batch build plans from Parquet columns, not Records)."""
    keys = []
    if arxiv_id:
        keys.append("arxiv:" + arxiv_id.lower())
    if doi:
        keys.append("doi:" + doi.lower())
    if title_key:
        keys.append("title:" + title_key)
    return keys


def paper_id(record: Record, keys: list[str] | None = None) -> str:
    """Stable id: a short hash of the strongest identity key."""
    keys = keys or identity_keys(record)
    return hashlib.sha256(keys[0].encode()).hexdigest()[:16]


def existing_identities(con: duckdb.DuckDBPyConnection, where: str = "") -> dict[str, str]:
    """Map every identity key of the stored papers (those `where` keeps, a SQL clause) to the paper's id."""
    index: dict[str, str] = {}
    rows = con.execute(f"SELECT id, arxiv_id, doi, title_key FROM papers {where}").fetchall()
    for pid, arxiv_id, doi, title_key in rows:
        if arxiv_id:
            index["arxiv:" + arxiv_id.lower()] = pid
        if doi:
            index["doi:" + doi.lower()] = pid
        if title_key:
            index["title:" + title_key] = pid
    return index


@dataclass
class PlannedRecord:
    """A record with the paper it becomes: a new paper, or a duplicate of one stored or earlier in the upload."""

    file_index: int
    record_index: int  # 1-based, within its file
    record: Record
    paper_id: str
    is_new: bool


def plan(results: list[ReadResult], known: dict[str, str]) -> list[PlannedRecord]:
    """Decide, without writing, which records are new papers and which repeat a known one."""
    planner = Planner(known)
    planned = []
    for file_index, result in enumerate(results):
        record_indexes = _record_indexes(result)
        for i, record in enumerate(result.records):
            pid, is_new = planner.place(identity_keys(record))
            planned.append(PlannedRecord(file_index, record_indexes[i], record, pid, is_new))
    return planned


class Planner:
    """The duplicate rule, one record at a time in upload order: a record is the paper of its first key
    already known (stored, or claimed by an earlier record of the upload), else a new paper whose id
    hashes its strongest key; every key it has then points at that paper unless another already does."""

    def __init__(self, known: dict[str, str]):
        self.known = dict(known)

    def place(self, keys: list[str]) -> tuple[str, bool]:
        match = next((self.known[k] for k in keys if k in self.known), None)
        pid = match or hashlib.sha256(keys[0].encode()).hexdigest()[:16]
        for key in keys:
            self.known.setdefault(key, pid)
        return pid, match is None


def _record_indexes(result: ReadResult) -> list[int]:
    """1-based index in the file of each good record, counting skipped ones too, so users can find it."""
    skipped = {s.index for s in result.skipped}
    indexes, index = [], 0
    while len(indexes) < len(result.records):
        index += 1
        if index not in skipped:
            indexes.append(index)
    return indexes


# ---------------------------------------------------------------- writing an upload

@dataclass
class IngestSummary:
    """What one file of an upload did: shown after an upload and printed by `add`."""

    ingest_id: int
    file_name: str
    format: str
    n_records: int
    n_new: int
    n_duplicates: int
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class UploadBatch:
    """Everything one upload writes, computed before the transaction opens (so the lock is held briefly)."""

    results: list[ReadResult]
    hashes: list[str]
    planned: list[PlannedRecord]
    extractions: dict[str, dict]  # paper_id -> extract() output + derived numbers
    text_keys: dict[str, str]  # paper_id -> text key
    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # text_key -> vector (only new texts)
    model_name: str = ""
    topics: dict[str, tuple[int, float, float]] = field(default_factory=dict)  # paper_id -> (topic, x, y)
    topic_run_id: int | None = None


def write_upload(con: duckdb.DuckDBPyConnection, batch: UploadBatch, started_at: datetime) -> list[IngestSummary]:
    """Write a whole upload in one transaction and return one summary per file."""
    next_id = con.execute("SELECT coalesce(max(id), 0) + 1 FROM ingests").fetchone()[0]
    finished_at = datetime.now(timezone.utc).replace(tzinfo=None)
    summaries = []
    ingest_rows = []
    for file_index, (result, digest) in enumerate(zip(batch.results, batch.hashes)):
        mine = [p for p in batch.planned if p.file_index == file_index]
        n_new = sum(p.is_new for p in mine)
        summary = IngestSummary(
            ingest_id=next_id + file_index,
            file_name=result.source,
            format=result.format,
            n_records=len(result.records) + len(result.skipped),
            n_new=n_new,
            n_duplicates=len(mine) - n_new,
            skipped=list(result.skipped),
            notes=list(result.notes),
        )
        summaries.append(summary)
        ingest_rows.append(
            {
                "id": summary.ingest_id,
                "file_name": result.source,
                "format": result.format,
                "sha256": digest,
                "started_at": started_at,
                "finished_at": finished_at,
                "n_records": summary.n_records,
                "n_new": summary.n_new,
                "n_duplicates": summary.n_duplicates,
                "n_skipped": len(result.skipped),
                "skipped": json.dumps([s.__dict__ for s in result.skipped]),
            }
        )
    new = [p for p in batch.planned if p.is_new]
    with transaction(con, touched=[p.paper_id for p in new]):  # duplicates' facts rows do not change
        insert_frame(con, "ingests", pd.DataFrame(ingest_rows))
        insert_frame(con, "papers", _papers_frame(new, batch.text_keys, started_at))
        sources = pd.DataFrame(
            {
                "paper_id": [p.paper_id for p in batch.planned],
                "ingest_id": [next_id + p.file_index for p in batch.planned],
                "record_index": [p.record_index for p in batch.planned],
            }
        ).drop_duplicates(["paper_id", "ingest_id"])
        insert_frame(con, "paper_sources", sources)
        write_extractions(con, {p.paper_id: batch.extractions[p.paper_id] for p in new if p.paper_id in batch.extractions})
        write_embeddings(con, batch.vectors, batch.model_name)
        if batch.topic_run_id is not None and batch.topics:
            write_topic_members(
                con,
                batch.topic_run_id,
                pd.DataFrame(
                    [(batch.topic_run_id, pid, t, x, y) for pid, (t, x, y) in batch.topics.items()],
                    columns=["run_id", "paper_id", "topic_id", "x", "y"],
                ),
            )
    return summaries


UNASSIGNED_TOPIC = -1  # topics.UNASSIGNED: new papers far from every topic of the run
UNASSIGNED_LABEL = "unassigned"


def write_topic_members(con: duckdb.DuckDBPyConnection, run_id: int, members: pd.DataFrame) -> None:
    """Add papers (run_id, paper_id, topic_id, x, y) to a topic run, inside the caller's transaction. The
    'unassigned' topic row is created the first time a paper lands in it; topic sizes are recounted."""
    insert_frame(con, "paper_topics", members)
    if (members["topic_id"] == UNASSIGNED_TOPIC).any() and not con.execute(
        "SELECT 1 FROM topics WHERE run_id = ? AND topic_id = ?", [run_id, UNASSIGNED_TOPIC]
    ).fetchone():
        con.execute(
            f"INSERT INTO topics VALUES (?, ?, ?, [], 0, list_resize([]::FLOAT[], {EMBEDDING_DIM}, 0)::FLOAT[{EMBEDDING_DIM}])",
            [run_id, UNASSIGNED_TOPIC, UNASSIGNED_LABEL],
        )
    con.execute(
        "UPDATE topics SET size = (SELECT count(*) FROM paper_topics pt "
        "WHERE pt.run_id = topics.run_id AND pt.topic_id = topics.topic_id) WHERE run_id = ?",
        [run_id],
    )


def _papers_frame(new: list[PlannedRecord], text_keys: dict[str, str], added_at: datetime) -> pd.DataFrame:
    rows = []
    for p in new:
        r = p.record
        rows.append(
            {
                "id": p.paper_id,
                "title": r.title,
                "abstract": r.abstract,
                "authors": list(r.authors),
                "date": r.date,
                "year": r.year,
                "arxiv_id": r.arxiv_id,
                "doi": r.doi,
                "url": r.url,
                "categories": list(r.categories),
                "title_key": normalise_title(r.title),
                "text_key": text_keys[p.paper_id],
                "added_at": added_at,
            }
        )
    return pd.DataFrame(rows, columns=PAPER_COLUMNS)


PAPER_COLUMNS = [
    "id", "title", "abstract", "authors", "date", "year", "arxiv_id", "doi", "url", "categories",
    "title_key", "text_key", "added_at",
]
EXTRACTION_COLUMNS = [
    "paper_id", "extractor_version", "method", "domains", "tradeoffs", "quality_note", "n_claims",
    "best_speedup", "memory_reduction", "compute_reduction", "size_reduction", "token_reduction",
    "energy_reduction", "cost_reduction", "quality_change", "quality_flag",
]
CLAIM_CONTEXT_COLUMNS = context_keys()  # metric, metric_start, metric_end, metric_canonical, dataset, ...
CLAIM_COLUMNS = [
    "paper_id", "idx", "category", "value", "low", "from_value", "unit", "direction", "bound", "text",
    "start_char", "end_char", *CLAIM_CONTEXT_COLUMNS,
]


def write_extractions(con: duckdb.DuckDBPyConnection, extractions: dict[str, dict]) -> None:
    """Insert extraction rows, their claims and their trade-off points (`plotted_points`, made by the pipeline);
    callers delete old rows first when replacing."""
    if not extractions:
        return
    rows, claim_rows = [], []
    for pid, ex in extractions.items():
        rows.append({"paper_id": pid, **{c: ex.get(c) for c in EXTRACTION_COLUMNS[1:]}})
        for idx, c in enumerate(ex.get("claims") or []):
            claim_rows.append(
                {
                    "paper_id": pid,
                    "idx": idx,
                    "category": c["category"],
                    "value": float(c["value"]),
                    "low": c.get("low"),
                    "from_value": c.get("from"),
                    "unit": c["unit"],
                    "direction": c.get("direction"),
                    "bound": c.get("bound"),
                    "text": c["text"],
                    "start_char": c["start"],
                    "end_char": c["end"],
                    **{k: c.get(k) for k in CLAIM_CONTEXT_COLUMNS},
                }
            )
    frame = pd.DataFrame(rows, columns=EXTRACTION_COLUMNS)
    frame["n_claims"] = frame["n_claims"].astype("int64")
    insert_frame(con, "extractions", frame)
    insert_frame(con, "claims", pd.DataFrame(claim_rows, columns=CLAIM_COLUMNS))
    insert_frame(con, "points", point_rows({pid: ex.get("plotted_points") for pid, ex in extractions.items()}))


def write_embeddings(con: duckdb.DuckDBPyConnection, vectors: dict[str, np.ndarray], model_name: str) -> None:
    if not vectors:
        return
    frame = pd.DataFrame({"text_key": list(vectors), "model": model_name, "vector": list(vectors.values())})
    insert_frame(con, "embeddings", frame, select=f"text_key, model, vector::FLOAT[{EMBEDDING_DIM}]")


# ---------------------------------------------------------------- other writes

def remove_ingest(con: duckdb.DuckDBPyConnection, ingest_id: int) -> int:
    """Remove one upload; its papers go unless another upload also has them. Returns papers removed."""
    if not con.execute("SELECT 1 FROM ingests WHERE id = ?", [ingest_id]).fetchone():
        raise StoreError(f"no upload with id {ingest_id}")
    touched: list[str] = []
    with transaction(con, touched=touched):
        orphans = [
            r[0]
            for r in con.execute(
                """
                SELECT paper_id FROM paper_sources WHERE ingest_id = $id
                EXCEPT SELECT paper_id FROM paper_sources WHERE ingest_id <> $id
                """,
                {"id": ingest_id},
            ).fetchall()
        ]
        touched.extend(orphans)  # the papers that stay keep their facts rows as they are
        con.execute("DELETE FROM paper_sources WHERE ingest_id = ?", [ingest_id])
        con.execute("DELETE FROM ingests WHERE id = ?", [ingest_id])
        if orphans:
            for table, column in (  # a paper's corrections go with it; those of papers that stay are kept
                ("corrections", "paper_id"),
                ("extractor_outputs", "paper_id"),
                ("points", "paper_id"),
                ("claims", "paper_id"),
                ("extractions", "paper_id"),
                ("paper_topics", "paper_id"),
                ("papers", "id"),
            ):
                con.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT unnest($ids))", {"ids": orphans})
            con.execute("DELETE FROM embeddings WHERE text_key NOT IN (SELECT text_key FROM papers)")
            con.execute(
                "UPDATE topics SET size = (SELECT count(*) FROM paper_topics pt "
                "WHERE pt.run_id = topics.run_id AND pt.topic_id = topics.topic_id)"
            )
    return len(orphans)


def replace_all_extractions(con: duckdb.DuckDBPyConnection, extractions: dict[str, dict],
                            outputs: dict[str, tuple[str, dict]] | None = None) -> None:
    """Swap every paper's extraction for a new one in one transaction (`reextract`). `outputs`: the new
    extractor's own output for corrected papers (their `extractions` already have the corrections applied)."""
    with transaction(con):
        con.execute("DELETE FROM points")
        con.execute("DELETE FROM claims")
        con.execute("DELETE FROM extractions")
        write_extractions(con, extractions)
        write_extractor_outputs(con, outputs or {})


def write_extractor_outputs(con: duckdb.DuckDBPyConnection, outputs: dict[str, tuple[str, dict]]) -> None:
    """Replace the kept extractor outputs {paper id: (version, extract() dict)} of corrected papers
    (corrections.py), inside the caller's transaction."""
    for pid, (version, output) in outputs.items():
        con.execute("DELETE FROM extractor_outputs WHERE paper_id = ?", [pid])
        con.execute("INSERT INTO extractor_outputs VALUES (?, ?, ?)", [pid, version, json.dumps(output)])


def known_text_keys(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT text_key FROM embeddings").fetchall()}


def load_embeddings(con: duckdb.DuckDBPyConnection) -> tuple[list[str], np.ndarray]:
    """(paper ids, matrix) for every paper that has a vector, in a stable order."""
    data = con.execute(
        "SELECT p.id, e.vector FROM papers p JOIN embeddings e USING (text_key) ORDER BY p.id"
    ).fetchnumpy()
    if len(data["id"]) == 0:
        return [], np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    return list(data["id"]), np.stack(data["vector"]).astype(np.float32)


def save_topic_run(
    con: duckdb.DuckDBPyConnection,
    paper_ids: list[str],
    labels: np.ndarray,
    coords: np.ndarray,
    topics: list[dict],
    centroids: np.ndarray,
    k_requested: int | None,
    params: dict,
) -> int:
    """Store a full clustering as a new topic run (the newest run is the one the pages show)."""
    with transaction(con):
        run_id = con.execute("SELECT coalesce(max(id), 0) + 1 FROM topic_runs").fetchone()[0]
        con.execute(
            "INSERT INTO topic_runs VALUES (?, current_timestamp, ?, ?, ?, ?)",
            [run_id, len(topics), k_requested, len(paper_ids), json.dumps(params)],
        )
        frame = pd.DataFrame(
            {
                "run_id": run_id,
                "topic_id": [int(t["topic_id"]) for t in topics],
                "label": [t["label"] for t in topics],
                "keywords": [list(t["keywords"]) for t in topics],
                "size": [int(t["size"]) for t in topics],
                "centroid": [centroids[int(t["topic_id"])] for t in topics],
            }
        )
        insert_frame(con, "topics", frame,
                     select=f"run_id, topic_id, label, keywords, size, centroid::FLOAT[{EMBEDDING_DIM}]")
        insert_frame(
            con,
            "paper_topics",
            pd.DataFrame(
                {
                    "run_id": run_id,
                    "paper_id": paper_ids,
                    "topic_id": np.asarray(labels, dtype=np.int64),
                    "x": np.asarray(coords[:, 0], dtype=np.float64),
                    "y": np.asarray(coords[:, 1], dtype=np.float64),
                }
            ),
        )
    return run_id


def current_topic_run(con: duckdb.DuckDBPyConnection) -> int | None:
    return con.execute("SELECT max(id) FROM topic_runs").fetchone()[0]


def topic_centroids(con: duckdb.DuckDBPyConnection, run_id: int) -> tuple[list[int], np.ndarray]:
    """The real topics' centres (never the 'unassigned' one)."""
    data = con.execute(
        "SELECT topic_id, centroid FROM topics WHERE run_id = ? AND topic_id >= 0 ORDER BY topic_id", [run_id]
    ).fetchnumpy()
    return list(data["topic_id"]), np.stack(data["centroid"]).astype(np.float32)


def topic_thresholds(con: duckdb.DuckDBPyConnection, run_id: int) -> np.ndarray | None:
    """Per topic (in topic_id order), the cosine below which a new paper is unassigned; None for runs
    clustered before thresholds were recorded (their new papers always join the nearest topic)."""
    row = con.execute("SELECT params FROM topic_runs WHERE id = ?", [run_id]).fetchone()
    values = json.loads(row[0]).get("outlier_cosine") if row and row[0] else None
    return np.asarray(values, dtype=np.float32) if values else None


def topic_coords(con: duckdb.DuckDBPyConnection, run_id: int) -> dict[str, tuple[float, float]]:
    rows = con.execute("SELECT paper_id, x, y FROM paper_topics WHERE run_id = ?", [run_id]).fetchall()
    return {pid: (x, y) for pid, x, y in rows}
