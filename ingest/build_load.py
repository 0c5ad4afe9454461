"""Load a finished batch build's Parquet shards into the database in one transaction.

The rules are `add`'s: records are planned in file order against the stored papers (`store.Planner`), one
`ingests` row per input file, a `paper_sources` row per (paper, file), extraction, claims and vectors for
new papers only. DuckDB reads the shards itself (`read_parquet`); Python only walks the identity columns.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

import duckdb
import pandas as pd

from . import staging, store
from .errors import IngestError
from .points_rows import point_rows
from .schema import EMBEDDING_DIM

_CONTEXT_TYPES = {"": "VARCHAR", "_start": "INTEGER", "_end": "INTEGER", "_canonical": "VARCHAR"}
CONTEXT_COLUMNS = [f + suffix for f in ("metric", "dataset", "baseline", "hardware", "model") for suffix in _CONTEXT_TYPES]
CLAIMS_JSON = (
    '[{"category": "VARCHAR", "value": "DOUBLE", "low": "DOUBLE", "from": "DOUBLE", "unit": "VARCHAR", '
    '"direction": "VARCHAR", "bound": "VARCHAR", "text": "VARCHAR", "start": "INTEGER", "end": "INTEGER", '
    + ", ".join(f'"{f}{suffix}": "{kind}"' for f in ("metric", "dataset", "baseline", "hardware", "model")
                for suffix, kind in _CONTEXT_TYPES.items())
    + '}]'
)


def _stage(con: duckdb.DuckDBPyConnection, files: list[str]) -> None:
    """_staged: one row per (spec, position) of every shard, vectors left on disk."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _staged AS SELECT * EXCLUDE (vector) FROM read_parquet($files) "
        "QUALIFY row_number() OVER (PARTITION BY spec, position ORDER BY kind) = 1",
        {"files": files},
    )


def _check_complete(con: duckdb.DuckDBPyConnection, names: Sequence[str], n_parts: int) -> None:
    errors = con.execute("SELECT file_index, reason FROM _staged WHERE kind = 'error' ORDER BY spec").fetchall()
    if errors:
        raise IngestError("; ".join(f"{names[i]}: {reason}" for i, reason in errors))
    finished = con.execute("SELECT count(DISTINCT spec) FROM _staged WHERE kind = 'meta'").fetchone()[0]
    if finished != n_parts:
        raise IngestError(f"the build is incomplete ({finished} of {n_parts} parts finished); run it again to resume")


def _plan(con: duckdb.DuckDBPyConnection, known: dict[str, str]) -> pd.DataFrame:
    """paper_id and is_new for every staged record, by the same rule and order as `add`."""
    rows = con.execute(
        "SELECT file_index, position, arxiv_id, doi, title_key FROM _staged WHERE kind = 'record' "
        "ORDER BY file_index, position"
    ).fetchnumpy()
    planner = store.Planner(known)
    placed = [planner.place(store.keys_of(a, d, t)) for a, d, t in zip(rows["arxiv_id"], rows["doi"], rows["title_key"])]
    return pd.DataFrame(
        {"file_index": rows["file_index"], "position": rows["position"],
         "paper_id": [p for p, _ in placed], "is_new": [n for _, n in placed]}
    )


def _summaries(con: duckdb.DuckDBPyConnection, names: Sequence[str], next_id: int) -> list[store.IngestSummary]:
    per_file = {
        i: (fmt, notes) for i, fmt, notes in con.execute(
            "SELECT file_index, first(reason ORDER BY spec), flatten(list(notes ORDER BY spec)) "
            "FROM _staged WHERE kind = 'meta' GROUP BY file_index"
        ).fetchall()
    }
    counts = dict(
        (i, (n, new)) for i, n, new in con.execute(
            "SELECT s.file_index, count(*), count(*) FILTER (WHERE p.is_new) FROM _staged s "
            "JOIN _plan p USING (file_index, position) WHERE s.kind = 'record' GROUP BY s.file_index"
        ).fetchall()
    )
    skipped: dict[int, list[store.Skipped]] = {}
    for i, position, reason, title in con.execute(
        "SELECT file_index, position, reason, title FROM _staged WHERE kind = 'skipped' ORDER BY file_index, position"
    ).fetchall():
        skipped.setdefault(i, []).append(store.Skipped(position, reason, title))
    out = []
    for i, name in enumerate(names):
        fmt, notes = per_file[i]
        n, new = counts.get(i, (0, 0))
        notes = list(dict.fromkeys(notes or []))
        if n == 0 and not skipped.get(i) and "no paper records found" not in notes:
            notes.append("no paper records found")
        out.append(store.IngestSummary(next_id + i, name, fmt, n + len(skipped.get(i, [])), new, n - new,
                                       skipped.get(i, []), notes))
    return out


def load_staging(
    con: duckdb.DuckDBPyConnection, staging_dir: Path, names: Sequence[str], hashes: Sequence[str],
    n_parts: int, started_at: datetime, embedded: bool,
) -> list[store.IngestSummary]:
    """Write the staged build as one upload (one transaction); returns one summary per input file."""
    files = [str(p) for p in staging.shard_files(staging_dir)]
    if not files:
        raise IngestError("the build has no finished shards; run it again")
    _stage(con, files)
    _check_complete(con, names, n_parts)
    plan = _plan(con, store.existing_identities(con))
    con.register("_plan_frame", plan)
    con.execute("CREATE OR REPLACE TEMP TABLE _plan AS SELECT * FROM _plan_frame")
    con.unregister("_plan_frame")
    next_id = con.execute("SELECT coalesce(max(id), 0) + 1 FROM ingests").fetchone()[0]
    summaries = _summaries(con, names, next_id)
    finished_at = datetime.now(timezone.utc).replace(tzinfo=None)
    ingests = pd.DataFrame([
        {"id": s.ingest_id, "file_name": s.file_name, "format": s.format, "sha256": digest, "started_at": started_at,
         "finished_at": finished_at, "n_records": s.n_records, "n_new": s.n_new, "n_duplicates": s.n_duplicates,
         "n_skipped": len(s.skipped), "skipped": json.dumps([x.__dict__ for x in s.skipped])}
        for s, digest in zip(summaries, hashes)
    ])
    with store.transaction(con, touched="SELECT paper_id FROM _new"):
        con.register("_ingests", ingests)
        con.execute("INSERT INTO ingests BY NAME SELECT * FROM _ingests")
        con.unregister("_ingests")
        con.execute("CREATE OR REPLACE TEMP TABLE _new AS SELECT s.*, p.paper_id FROM _staged s "
                    "JOIN _plan p USING (file_index, position) WHERE p.is_new")
        missing = con.execute("SELECT count(*) FROM _new WHERE extractor_version IS NULL").fetchone()[0]
        if missing:
            raise IngestError(f"{missing} new papers were not extracted (the database changed while the build "
                              "ran: papers were removed); run the build again")
        con.execute(
            "INSERT INTO papers SELECT paper_id, title, abstract, authors, date, year, arxiv_id, doi, url, categories, "
            "title_key, text_key, $at FROM _new ORDER BY file_index, position", {"at": started_at}
        )
        con.execute(
            "INSERT INTO paper_sources SELECT paper_id, $first + file_index, min(position) FROM _plan "
            "GROUP BY paper_id, file_index", {"first": next_id}
        )
        con.execute(
            "INSERT INTO extractions SELECT paper_id, extractor_version, method, domains, tradeoffs, quality_note, "
            "n_claims, best_speedup, memory_reduction, compute_reduction, size_reduction, token_reduction, "
            "energy_reduction, cost_reduction, quality_change, quality_flag FROM _new"
        )
        con.execute(
            f"""INSERT INTO claims (paper_id, idx, category, value, low, from_value, unit, direction, bound, text,
                                    start_char, end_char, {", ".join(CONTEXT_COLUMNS)})
            SELECT paper_id, idx - 1, c.category, c.value, c.low, c."from", c.unit, c.direction, c.bound, c.text,
                   c.start, c."end", {", ".join("c." + k for k in CONTEXT_COLUMNS)}
            FROM (SELECT paper_id, unnest(cl) AS c, generate_subscripts(cl, 1) AS idx
                  FROM (SELECT paper_id, from_json(claims, '{CLAIMS_JSON}') AS cl FROM _new WHERE n_claims > 0))"""
        )
        _load_points(con)
        if embedded:
            _load_vectors(con, files)
            _join_topics(con)
    return summaries


def _load_points(con: duckdb.DuckDBPyConnection) -> None:
    """The new papers' trade-off points, as `add` writes them (store.point_rows over the staged lists)."""
    rows = con.execute("SELECT paper_id, points FROM _new WHERE points IS NOT NULL AND points <> '[]'").fetchall()
    frame = point_rows({pid: json.loads(points) for pid, points in rows})
    if not frame.empty:
        con.register("_points_frame", frame)
        try:
            con.execute("INSERT INTO points BY NAME SELECT * FROM _points_frame")
        finally:
            con.unregister("_points_frame")


JOIN_ANCHORS = 50_000  # papers of the current map that new papers are placed among (a sample beyond this)
JOIN_CHUNK = 50_000


def _join_topics(con: duckdb.DuckDBPyConnection) -> None:
    """New papers join the current topic run as in `add` (nearest topic, or 'unassigned'; placed among
    their nearest mapped papers), a chunk of vectors at a time."""
    import numpy as np

    from .topics import UNASSIGNED, assign_or_unassigned, place_among

    run_id = store.current_topic_run(con)
    if run_id is None:
        return
    topic_ids, centroids = store.topic_centroids(con, run_id)
    thresholds = store.topic_thresholds(con, run_id)
    anchors = con.execute(
        "SELECT e.vector, pt.x, pt.y FROM paper_topics pt JOIN papers p ON p.id = pt.paper_id "
        "JOIN embeddings e USING (text_key) WHERE pt.run_id = ? AND pt.topic_id >= 0 "
        f"ORDER BY hash(pt.paper_id) LIMIT {JOIN_ANCHORS}", [run_id]
    ).fetchnumpy()
    if len(anchors["x"]) == 0:
        return
    matrix = np.stack(anchors["vector"]).astype(np.float32)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    anchor_xy = np.column_stack([anchors["x"], anchors["y"]])
    reader = con.sql(
        "SELECT n.paper_id, e.vector FROM _new n JOIN embeddings e USING (text_key) ORDER BY n.paper_id"
    ).to_arrow_reader(JOIN_CHUNK)
    members = []
    for batch in reader:
        ids = batch.column("paper_id").to_pylist()
        vectors = np.asarray(batch.column("vector").flatten(), dtype=np.float32).reshape(len(ids), -1)
        nearest = assign_or_unassigned(vectors, centroids, thresholds)
        xy = place_among(vectors, matrix, anchor_xy, 5)
        topics = [UNASSIGNED if t == UNASSIGNED else int(topic_ids[t]) for t in nearest]
        members.append(pd.DataFrame({"run_id": run_id, "paper_id": ids, "topic_id": topics,
                                     "x": xy[:, 0].astype(np.float64), "y": xy[:, 1].astype(np.float64)}))
    if members:
        store.write_topic_members(con, run_id, pd.concat(members, ignore_index=True))


def _load_vectors(con: duckdb.DuckDBPyConnection, files: list[str]) -> None:
    """One vector per new text the database lacks, straight from the shards; every new paper must end with one."""
    con.execute(
        f"""INSERT INTO embeddings
        SELECT text_key, first(model), first(vector)::FLOAT[{EMBEDDING_DIM}] FROM read_parquet($files)
        WHERE vector IS NOT NULL AND text_key IN (SELECT text_key FROM _new)
          AND text_key NOT IN (SELECT text_key FROM embeddings)
        GROUP BY text_key""",
        {"files": files},
    )
    missing = con.execute(
        "SELECT count(*) FROM _new WHERE text_key NOT IN (SELECT text_key FROM embeddings)"
    ).fetchone()[0]
    if missing:
        raise IngestError(f"{missing} new papers have no vector (the database changed while the build ran); run it again")
