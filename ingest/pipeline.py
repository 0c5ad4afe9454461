"""Runs the stages in order for one upload: read -> extract -> embed -> store (one transaction) -> topics.

The CLI and the Upload page both call `add_files` / `add_results`; neither knows the stages' insides.
"""
from __future__ import annotations

import logging
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Protocol, Sequence

import duckdb
import numpy as np

from . import store
from .embedder import paper_text, text_key
from .errors import IngestError
from .extract import EXTRACTOR_VERSION, extract, extract_many
from .extract.derive import derive
from .extract.plot_points import plotted_points
from .records import ReadResult

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "data" / "samples"
NEIGHBOURS_FOR_PLACEMENT = 5

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class EmbedderLike(Protocol):
    name: str

    def embed(self, texts: list[str], progress: Callable[[int, int], None] | None = None) -> np.ndarray: ...


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def extraction_row(title: str, abstract: str) -> dict:
    """extract() plus the derived plot numbers: one row of the `extractions` table."""
    return _with_derived(extract(title, abstract), abstract)


def _with_derived(ex: dict, abstract: str) -> dict:
    return {**ex, **derive(ex), "n_claims": len(ex["claims"]), "extractor_version": EXTRACTOR_VERSION,
            "plotted_points": plotted_points(abstract or "", ex["claims"], ex.get("points") or [], ex["quality_note"])}


EXTRACT_CHUNK = 500  # abstracts extracted together (extract_many) between two progress reports


def extraction_rows(items: Sequence[tuple[str, str, str]], progress: Progress = _no_progress) -> dict[str, dict]:
    """{id: extraction row} for (id, title, abstract) items, extracted a chunk at a time (extract_many)."""
    out: dict[str, dict] = {}
    for i in range(0, len(items), EXTRACT_CHUNK):
        progress("extract", i, len(items))
        chunk = items[i:i + EXTRACT_CHUNK]
        for (pid, _t, abstract), ex in zip(chunk, extract_many([t for _p, t, _a in chunk], [a for _p, _t, a in chunk])):
            out[pid] = _with_derived(ex, abstract)
    progress("extract", len(items), len(items))
    return out


def read_files(paths: Sequence[str | os.PathLike], fmt: str | None = None) -> tuple[list[ReadResult], list[str]]:
    """Parse every file before anything is written; a ParseError aborts the whole upload."""
    from .readers import read_bytes

    results, hashes = [], []
    for path in paths:
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IngestError(f"{path.name}: cannot read the file ({exc.strerror or exc})") from exc
        results.append(read_bytes(data, path.name, fmt))
        hashes.append(store.sha256_hex(data))
    return results, hashes


def add_files(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[str | os.PathLike],
    fmt: str | None = None,
    embedder: EmbedderLike | None = None,
    progress: Progress = _no_progress,
) -> list[store.IngestSummary]:
    results, hashes = read_files(paths, fmt)
    return add_results(con, results, hashes, embedder, progress)


def add_results(
    con: duckdb.DuckDBPyConnection,
    results: list[ReadResult],
    hashes: list[str],
    embedder: EmbedderLike | None = None,
    progress: Progress = _no_progress,
) -> list[store.IngestSummary]:
    """Store parsed files as one upload. With an embedder, new papers are embedded and join topics."""
    started_at = datetime.now(timezone.utc).replace(tzinfo=None)
    planned = store.plan(results, store.existing_identities(con))
    new = [p for p in planned if p.is_new]

    extractions = extraction_rows([(p.paper_id, p.record.title, p.record.abstract) for p in new], progress)

    texts = {p.paper_id: paper_text(p.record.title, p.record.abstract) for p in new}
    text_keys = {pid: text_key(t) for pid, t in texts.items()}
    batch = store.UploadBatch(results, hashes, planned, extractions, text_keys)
    if embedder is not None and new:
        _embed_new(con, batch, texts, embedder, progress)
        _join_topics(con, batch)
    summaries = store.write_upload(con, batch, started_at)
    progress("store", 1, 1)
    refresh_search_index(con)
    return summaries


def remove_upload(con: duckdb.DuckDBPyConnection, ingest_id: int) -> int:
    """Remove an upload (its papers go unless another upload also has them); the search index follows."""
    removed = store.remove_ingest(con, ingest_id)
    refresh_search_index(con)
    return removed


def refresh_search_index(con: duckdb.DuckDBPyConnection) -> None:
    """After a write that changed the papers: renew the BM25 index beside the database (built in the
    background; lexical.wait() joins it). The write has committed, so a failure here only logs: a reader
    builds a missing or stale index itself (lexical.for_database)."""
    from . import lexical

    try:
        lexical.refresh(con)
    except Exception as exc:  # noqa: BLE001 - never turn a committed write into an error
        logging.getLogger(__name__).warning("BM25 index not refreshed: %s", exc)


def _embed_new(con, batch: store.UploadBatch, texts: dict[str, str], embedder: EmbedderLike, progress: Progress) -> None:
    """Embed only texts the database has never seen (keyed by text hash)."""
    seen = store.known_text_keys(con)
    todo: dict[str, str] = {}
    for pid, text in texts.items():
        key = batch.text_keys[pid]
        if key not in seen and key not in todo:
            todo[key] = text
    if todo:
        vectors = embedder.embed(list(todo.values()), progress=lambda d, t: progress("embed", d, t))
        batch.vectors = dict(zip(todo, vectors))
    batch.model_name = embedder.name


def _join_topics(con, batch: store.UploadBatch) -> None:
    """New papers join the nearest topic of the current run at once, placed among their neighbours."""
    from .topics import UNASSIGNED, assign_or_unassigned, place_among

    run_id = store.current_topic_run(con)
    if run_id is None:
        return
    topic_ids, centroids = store.topic_centroids(con, run_id)
    known_ids, matrix = store.load_embeddings(con)
    coords = store.topic_coords(con, run_id)
    placed = [i for i, pid in enumerate(known_ids) if pid in coords]
    if not placed:
        return
    vectors = {**_stored_vectors(con, batch), **batch.vectors}
    new_ids = [p.paper_id for p in batch.planned if p.is_new]
    new_matrix = np.stack([vectors[batch.text_keys[pid]] for pid in new_ids]).astype(np.float32)
    nearest = assign_or_unassigned(new_matrix, centroids, store.topic_thresholds(con, run_id))
    xy = place_among(new_matrix, matrix[placed], np.array([coords[known_ids[i]] for i in placed]),
                     NEIGHBOURS_FOR_PLACEMENT)
    batch.topic_run_id = run_id
    batch.topics = {
        pid: (UNASSIGNED if t == UNASSIGNED else int(topic_ids[t]), float(x), float(y))
        for pid, t, (x, y) in zip(new_ids, nearest, xy)
    }


def _stored_vectors(con, batch: store.UploadBatch) -> dict[str, np.ndarray]:
    """Vectors already stored for new papers' texts (the same text under another id, say)."""
    keys = [k for k in batch.text_keys.values() if k not in batch.vectors]
    if not keys:
        return {}
    data = con.execute(
        "SELECT text_key, vector FROM embeddings WHERE text_key IN (SELECT unnest($keys))", {"keys": keys}
    ).fetchnumpy()
    return dict(zip(data["text_key"], data["vector"]))


# ---------------------------------------------------------------- whole-database steps

def recluster(con: duckdb.DuckDBPyConnection, k: int | None = None, progress: Progress = _no_progress) -> int:
    """A full re-clustering of every embedded paper into a new topic run; returns its id."""
    from .topics import cluster_topics

    ids, matrix = store.load_embeddings(con)
    if len(ids) < 2:
        raise IngestError("not enough embedded papers to cluster (add papers first)")
    progress("topics", 0, 1)
    texts = dict(con.execute("SELECT id, title || '. ' || abstract FROM papers").fetchall())
    model = cluster_topics(matrix, [texts[i] for i in ids], k=k)
    run_id = store.save_topic_run(
        con, ids, model.labels, model.coords, model.topics, model.centroids, k,
        {"k": len(model.topics), "outlier_cosine": [round(float(v), 6) for v in model.thresholds]},
    )
    progress("topics", 1, 1)
    return run_id


def embed_missing(con: duckdb.DuckDBPyConnection, embedder: EmbedderLike, progress: Progress = _no_progress) -> int:
    """Embed papers stored without a vector (e.g. added with --no-embed). Returns how many."""
    rows = con.execute(
        "SELECT DISTINCT text_key, title, abstract FROM papers WHERE text_key NOT IN (SELECT text_key FROM embeddings)"
    ).fetchall()
    todo = {key: paper_text(title, abstract) for key, title, abstract in rows}
    if not todo:
        return 0
    vectors = embedder.embed(list(todo.values()), progress=lambda d, t: progress("embed", d, t))
    with store.transaction(con, touched=[]):  # vectors are not in paper_facts
        store.write_embeddings(con, dict(zip(todo, vectors)), embedder.name)
    return len(todo)


def reextract(con: duckdb.DuckDBPyConnection, progress: Progress = _no_progress) -> int:
    """Re-run the current extractor over every stored paper, in one transaction. Returns papers done."""
    return reextract_report(con, progress)[0]


def reextract_report(con: duckdb.DuckDBPyConnection, progress: Progress = _no_progress):
    """reextract, returning (papers done, corrections.Reapplied): every correction is applied over the new
    output, and the report says which ones the new extractor now agrees with."""
    from . import corrections

    rows = con.execute("SELECT id, title, abstract FROM papers").fetchall()
    extractions = extraction_rows(rows, progress)
    extractions, outputs, reapplied = corrections.over_reextraction(con, extractions, {p: a for p, _t, a in rows})
    store.replace_all_extractions(con, extractions, outputs)
    return len(rows), reapplied


def sample_files() -> list[Path]:
    return sorted(SAMPLES_DIR.glob("*.txt"))


def build_sample_database(
    con: duckdb.DuckDBPyConnection, embedder: EmbedderLike | None, progress: Progress = _no_progress
) -> list[store.IngestSummary]:
    """First start: fill an empty database from the bundled sample dumps, then cluster it."""
    summaries = add_files(con, sample_files(), embedder=embedder, progress=progress)
    if embedder is not None:
        recluster(con, progress=progress)
    return summaries


def is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM ingests").fetchone()[0] == 0
