"""Load a finished batch build's Parquet shards into the database in one transaction.

The rules are `add`'s: records are planned in file order against the stored papers (`store.Planner`), one
`ingests` row per input file, a `paper_sources` row per (paper, file), extraction, claims and vectors for
new papers only. DuckDB reads the shards itself (`read_parquet`) and works on keys: temp tables hold the
narrow columns (identity and text keys, part, position, and where each row lies in the shards), the duplicate
plan is made on them (`build_plan`), and each INSERT reads the wide columns (abstracts, claim JSON) from the
shards itself, joined to the plan. A memory limit on the connection for the load makes sorts and joins spill
beside the database instead of growing with the build.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

import duckdb
import pandas as pd

from . import build_plan, staging, store
from .errors import IngestError
from .frames import insert_frame
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
    """_rows: the narrow columns of one row per (spec, position) of every shard, and where it lies
    (shard: its file's number in _shards, row: its row in that file), so the wide columns are read from the
    shards by the inserts themselves. A shard written twice is counted once: the first file holding it wins."""
    con.execute("CREATE OR REPLACE TEMP TABLE _shards AS SELECT unnest($files) AS filename, "
                "generate_subscripts($files, 1) AS shard", {"files": files})
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _rows AS
        SELECT s.shard, w.file_row_number AS row, w.spec, w.file_index, w.position, w.kind, w.reason, w.notes,
               CASE WHEN w.kind = 'skipped' THEN w.title END AS title, w.arxiv_id, w.doi, w.title_key, w.text_key,
               w.extractor_version IS NOT NULL AS extracted
        FROM read_parquet($files, filename = true, file_row_number = true) w JOIN _shards s USING (filename)
        QUALIFY row_number() OVER (PARTITION BY w.spec, w.position ORDER BY w.kind, s.shard) = 1""",
        {"files": files},
    )


def _from_new(columns: str, where: str = "") -> str:
    """SELECT the new papers' ids and `columns` (of the shard rows, alias w) straight from the shards."""
    return (f"SELECT n.paper_id, {columns} FROM read_parquet($files, filename = true, file_row_number = true) w "
            f"JOIN _shards s USING (filename) JOIN _new n ON n.shard = s.shard AND n.row = w.file_row_number {where}")


def _check_complete(con: duckdb.DuckDBPyConnection, names: Sequence[str], n_parts: int) -> None:
    errors = con.execute("SELECT file_index, reason FROM _rows WHERE kind = 'error' ORDER BY spec").fetchall()
    if errors:
        raise IngestError("; ".join(f"{names[i]}: {reason}" for i, reason in errors))
    finished = con.execute("SELECT count(DISTINCT spec) FROM _rows WHERE kind = 'meta'").fetchone()[0]
    if finished != n_parts:
        raise IngestError(f"the build is incomplete ({finished} of {n_parts} parts finished); run it again to resume")


def _summaries(con: duckdb.DuckDBPyConnection, names: Sequence[str], next_id: int) -> list[store.IngestSummary]:
    per_file = {
        i: (fmt, notes) for i, fmt, notes in con.execute(
            "SELECT file_index, first(reason ORDER BY spec), flatten(list(notes ORDER BY spec)) "
            "FROM _rows WHERE kind = 'meta' GROUP BY file_index"
        ).fetchall()
    }
    counts = dict(
        (i, (n, new)) for i, n, new in con.execute(
            "SELECT file_index, count(*), count(*) FILTER (WHERE is_new) FROM _plan GROUP BY file_index"
        ).fetchall()
    )
    skipped: dict[int, list[store.Skipped]] = {}
    for i, position, reason, title in con.execute(
        "SELECT file_index, position, reason, title FROM _rows WHERE kind = 'skipped' ORDER BY file_index, position"
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


LOAD_MEMORY_LIMIT = "4GB"  # DuckDB's share while loading; beyond it, sorts and joins spill beside the database


def load_staging(
    con: duckdb.DuckDBPyConnection, staging_dir: Path, names: Sequence[str], hashes: Sequence[str],
    n_parts: int, started_at: datetime, embedded: bool, memory_limit: str = LOAD_MEMORY_LIMIT,
) -> list[store.IngestSummary]:
    """Write the staged build as one upload (one transaction); returns one summary per input file."""
    files = [str(p) for p in staging.shard_files(staging_dir)]
    if not files:
        raise IngestError("the build has no finished shards; run it again")
    with _memory_capped(con, memory_limit):
        try:
            return _load(con, files, names, hashes, n_parts, started_at, embedded)
        finally:
            for table in ("_shards", "_rows", "_plan", "_new"):
                con.execute(f"DROP TABLE IF EXISTS {table}")


@contextmanager
def _memory_capped(con: duckdb.DuckDBPyConnection, limit: str) -> Iterator[None]:
    """SET memory_limit for the load, restored afterwards (to the 0.1 GiB DuckDB shows). Spills go beside the
    database file: DuckDB's default there, set only where the connection has none, and kept (DuckDB refuses
    to switch a spill folder it has used)."""
    before = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    if path and not con.execute("SELECT current_setting('temp_directory')").fetchone()[0]:
        con.execute(f"SET temp_directory = {store.sql_literal(path + '.tmp')}")
    con.execute(f"SET memory_limit = {store.sql_literal(limit)}")
    try:
        yield
    finally:
        con.execute(f"SET memory_limit = {store.sql_literal(before)}")


def _load(con, files, names, hashes, n_parts, started_at, embedded) -> list[store.IngestSummary]:
    """Narrow tables and the plan first (nothing written yet), then every write in one transaction."""
    _stage(con, files)
    _check_complete(con, names, n_parts)
    build_plan.plan(con)
    next_id = con.execute("SELECT coalesce(max(id), 0) + 1 FROM ingests").fetchone()[0]
    summaries = _summaries(con, names, next_id)
    con.execute("CREATE OR REPLACE TEMP TABLE _new AS SELECT p.shard, p.row, p.file_index, p.position, p.paper_id, "
                "r.text_key, r.extracted FROM _plan p JOIN _rows r USING (shard, row) WHERE p.is_new")
    with store.transaction(con, touched="SELECT paper_id FROM _new"):
        _insert_ingests(con, summaries, hashes, started_at)
        missing = con.execute("SELECT count(*) FROM _new WHERE NOT extracted").fetchone()[0]
        if missing:
            raise IngestError(f"{missing} new papers were not extracted (the database changed while the build "
                              "ran: papers were removed); run the build again")
        _insert_new_papers(con, files, started_at)
        con.execute(
            "INSERT INTO paper_sources SELECT paper_id, $first + file_index, min(position) FROM _plan "
            "GROUP BY paper_id, file_index", {"first": next_id}
        )
        _load_points(con, files)
        if embedded:
            _load_vectors(con, files)
            _join_topics(con)
    return summaries


def _insert_ingests(con, summaries: list[store.IngestSummary], hashes: Sequence[str], started_at: datetime) -> None:
    finished_at = datetime.now(timezone.utc).replace(tzinfo=None)
    ingests = pd.DataFrame([
        {"id": s.ingest_id, "file_name": s.file_name, "format": s.format, "sha256": digest, "started_at": started_at,
         "finished_at": finished_at, "n_records": s.n_records, "n_new": s.n_new, "n_duplicates": s.n_duplicates,
         "n_skipped": len(s.skipped), "skipped": json.dumps([x.__dict__ for x in s.skipped])}
        for s, digest in zip(summaries, hashes)
    ])
    insert_frame(con, "ingests", ingests)


def _insert_new_papers(con: duckdb.DuckDBPyConnection, files: list[str], started_at: datetime) -> None:
    """papers, extractions and claims of the new papers, each read from the shards by its own INSERT."""
    con.execute(
        "INSERT INTO papers " + _from_new(
            "w.title, w.abstract, w.authors, w.date, w.year, w.arxiv_id, w.doi, w.url, w.categories, w.title_key, "
            "w.text_key, $at", "ORDER BY n.file_index, n.position"),
        {"files": files, "at": started_at},
    )
    con.execute(
        "INSERT INTO extractions " + _from_new(
            "w.extractor_version, w.method, w.domains, w.tradeoffs, w.quality_note, w.n_claims, w.best_speedup, "
            "w.memory_reduction, w.compute_reduction, w.size_reduction, w.token_reduction, w.energy_reduction, "
            "w.cost_reduction, w.quality_change, w.quality_flag"),
        {"files": files},
    )
    con.execute(
        f"""INSERT INTO claims (paper_id, idx, category, value, low, from_value, unit, direction, bound, text,
                                start_char, end_char, {", ".join(CONTEXT_COLUMNS)})
        SELECT paper_id, idx - 1, c.category, c.value, c.low, c."from", c.unit, c.direction, c.bound, c.text,
               c.start, c."end", {", ".join("c." + k for k in CONTEXT_COLUMNS)}
        FROM (SELECT paper_id, unnest(cl) AS c, generate_subscripts(cl, 1) AS idx
              FROM ({_from_new(f"from_json(w.claims, '{CLAIMS_JSON}') AS cl", "WHERE w.n_claims > 0")}))""",
        {"files": files},
    )


POINTS_SHARDS = 64  # shards whose trade-off points are read into Python at once


def _load_points(con: duckdb.DuckDBPyConnection, files: list[str]) -> None:
    """The new papers' trade-off points, as `add` writes them (point_rows over the staged lists), a few
    shards at a time so Python never holds more than theirs."""
    for first in range(0, len(files), POINTS_SHARDS):
        rows = con.execute(_from_new("w.points", "WHERE w.points IS NOT NULL AND w.points <> '[]'"),
                           {"files": files[first:first + POINTS_SHARDS]}).fetchall()
        insert_frame(con, "points", point_rows({pid: json.loads(points) for pid, points in rows}))


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
