"""The database schema as a list of named migrations (sqlite-utils style).

Each migration runs once, inside a transaction, and is recorded in `_migrations`. Add new ones at the end;
never edit one that has shipped, so users' databases upgrade without losing data.
"""
from __future__ import annotations

from typing import Callable

import duckdb

from . import facts

EMBEDDING_DIM = 384

Migration = Callable[[duckdb.DuckDBPyConnection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(name: str) -> Callable[[Migration], Migration]:
    def register(fn: Migration) -> Migration:
        MIGRATIONS.append((name, fn))
        return fn

    return register


@migration("001_papers_and_ingests")
def _papers(con: duckdb.DuckDBPyConnection) -> None:
    # No PRIMARY KEY constraints: the store enforces identity itself, and DuckDB's index constraints
    # make delete+insert in one transaction (re-extract, removal) needlessly fragile.
    con.execute(
        """
        CREATE TABLE papers (
            id VARCHAR NOT NULL,          -- stable: hash of arXiv id, else DOI, else normalised title
            title VARCHAR NOT NULL,
            abstract VARCHAR NOT NULL,
            authors VARCHAR[],
            date VARCHAR,
            year INTEGER,
            arxiv_id VARCHAR,
            doi VARCHAR,
            url VARCHAR,
            categories VARCHAR[],
            title_key VARCHAR NOT NULL,   -- normalised title, the duplicate key of last resort
            text_key VARCHAR NOT NULL,    -- sha256 of the embedded text (title + abstract)
            added_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        )
        """
    )
    con.execute(
        """
        CREATE TABLE ingests (
            id INTEGER NOT NULL,
            file_name VARCHAR NOT NULL,   -- shown to users only; never used as a path
            format VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL,
            started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP NOT NULL,
            n_records INTEGER NOT NULL,   -- records read (good + skipped)
            n_new INTEGER NOT NULL,
            n_duplicates INTEGER NOT NULL,
            n_skipped INTEGER NOT NULL,
            skipped JSON                  -- [{index, reason, title}]
        )
        """
    )
    con.execute(
        """
        CREATE TABLE paper_sources (
            paper_id VARCHAR NOT NULL,
            ingest_id INTEGER NOT NULL,
            record_index INTEGER NOT NULL  -- 1-based position in the uploaded file
        )
        """
    )


@migration("002_extraction")
def _extraction(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE TABLE extractions (
            paper_id VARCHAR NOT NULL,
            extractor_version VARCHAR NOT NULL,
            method VARCHAR,
            domains VARCHAR[],
            tradeoffs VARCHAR[],
            quality_note VARCHAR,
            n_claims INTEGER NOT NULL,
            best_speedup DOUBLE,          -- factor; a 40% latency cut is 1/(1-0.4) = 1.67x
            memory_reduction DOUBLE,      -- percent
            compute_reduction DOUBLE,
            size_reduction DOUBLE,
            token_reduction DOUBLE,
            energy_reduction DOUBLE,
            cost_reduction DOUBLE,
            quality_change DOUBLE,        -- points; drop negative, gain positive
            quality_flag VARCHAR          -- 'lossless' / 'negligible' when only words say so
        )
        """
    )
    con.execute(
        """
        CREATE TABLE claims (
            paper_id VARCHAR NOT NULL,
            idx INTEGER NOT NULL,
            category VARCHAR NOT NULL,
            value DOUBLE NOT NULL,
            low DOUBLE,
            from_value DOUBLE,
            unit VARCHAR NOT NULL,
            direction VARCHAR,
            bound VARCHAR,
            text VARCHAR NOT NULL,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL
        )
        """
    )


@migration("003_embeddings")
def _embeddings(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""
        CREATE TABLE embeddings (
            text_key VARCHAR NOT NULL,    -- one vector per distinct text, so nothing is embedded twice
            model VARCHAR NOT NULL,
            vector FLOAT[{EMBEDDING_DIM}] NOT NULL
        )
        """
    )


@migration("004_topics")
def _topics(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE TABLE topic_runs (
            id INTEGER NOT NULL,
            created_at TIMESTAMP NOT NULL,
            k INTEGER NOT NULL,
            k_requested INTEGER,          -- NULL when the number of topics was chosen automatically
            n_papers INTEGER NOT NULL,
            params JSON
        )
        """
    )
    con.execute(
        f"""
        CREATE TABLE topics (
            run_id INTEGER NOT NULL,
            topic_id INTEGER NOT NULL,
            label VARCHAR NOT NULL,
            keywords VARCHAR[],
            size INTEGER NOT NULL,
            centroid FLOAT[{EMBEDDING_DIM}] NOT NULL
        )
        """
    )
    con.execute(
        """
        CREATE TABLE paper_topics (
            run_id INTEGER NOT NULL,
            paper_id VARCHAR NOT NULL,
            topic_id INTEGER NOT NULL,
            x DOUBLE NOT NULL,
            y DOUBLE NOT NULL
        )
        """
    )


@migration("005_data_version")
def _data_version(con: duckdb.DuckDBPyConnection) -> None:
    # Bumped by every write transaction (store.transaction), so caches keyed on it never serve a stale
    # result: counts alone repeat after a removal and do not move at all on a re-extraction.
    con.execute("CREATE TABLE data_version (n BIGINT NOT NULL)")
    con.execute("INSERT INTO data_version VALUES (0)")


@migration("006_paper_facts")
def _paper_facts(con: duckdb.DuckDBPyConnection) -> None:
    # The dashboard's flat per-paper table (see facts.py), rebuilt by every write transaction from now on.
    facts.refresh(con)


@migration("007_points")
def _points(con: duckdb.DuckDBPyConnection) -> None:
    # Trade-off points (extract/points.py): one efficiency claim paired with the quality outcome reported for
    # the same setting, with where the plot draws it (extract/plot_points.py). Stored rather than derived at
    # read time because the pairing reads the abstract. Papers stored before this migration get theirs from
    # their stored claims right here, so an upgraded database plots points without a re-extraction.
    con.execute(
        """
        CREATE TABLE points (
            paper_id VARCHAR NOT NULL,
            idx INTEGER NOT NULL,         -- order of the point within its paper
            gain_idx INTEGER NOT NULL,    -- claims.idx of the efficiency claim
            quality_idx INTEGER,          -- claims.idx of the quality claim; NULL when paired with the note
            with_note BOOLEAN NOT NULL,   -- paired with extractions.quality_note ("lossless", ...)
            same_baseline BOOLEAN,        -- false: the two ends are measured against different references
            axis VARCHAR NOT NULL,        -- the efficiency claim's category (speed, memory, ...)
            x DOUBLE,                     -- gain as a factor (x); NULL when the claim has no such reading
            y DOUBLE,                     -- quality change; NULL when in a unit the points axis cannot show
            y_kind VARCHAR NOT NULL,      -- points | percent | lossless | negligible | other
            gain_text VARCHAR NOT NULL,   -- the two evidence spans, as written in the abstract
            quality_text VARCHAR
        )
        """
    )
    from .extract.plot_points import plotted_points
    from .extract.points import find_points
    from .frames import insert_frame
    from .points_rows import point_rows

    # the claims' own baselines tell the pairing whether both ends share a reference; they exist only where
    # 008_claim_context already ran (a database migrated in another order)
    has_baseline = con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'claims' AND column_name = 'baseline'"
    ).fetchone()[0]
    baseline = "c.baseline" if has_baseline else "NULL::VARCHAR"
    rows = con.execute(
        f"""
        SELECT p.id, p.abstract, e.quality_note,
               list({{'category': c.category, 'value': c.value, 'low': c.low, 'from': c.from_value, 'unit': c.unit,
                     'direction': c.direction, 'bound': c.bound, 'text': c.text, 'start': c.start_char,
                     'end': c.end_char, 'baseline': {baseline}}} ORDER BY c.idx) AS claims
        FROM papers p JOIN extractions e ON e.paper_id = p.id JOIN claims c ON c.paper_id = p.id
        GROUP BY p.id, p.abstract, e.quality_note
        """
    ).fetchall()
    frame = point_rows({
        pid: plotted_points(abstract, claims, find_points(abstract, claims, note), note)
        for pid, abstract, note, claims in rows
    })
    insert_frame(con, "points", frame)


@migration("008_claim_context")
def _claim_context(con: duckdb.DuckDBPyConnection) -> None:
    # What each claim compares (extract/context.py): per field the phrase, its offsets and its canonical name.
    # Rows written before stay NULL until `python -m ingest reextract` refills them.
    for field in ("metric", "dataset", "baseline", "hardware", "model"):
        for suffix, kind in (("", "VARCHAR"), ("_start", "INTEGER"), ("_end", "INTEGER"), ("_canonical", "VARCHAR")):
            con.execute(f"ALTER TABLE claims ADD COLUMN {field}{suffix} {kind}")


@migration("009_corrections")
def _corrections(con: duckdb.DuckDBPyConnection) -> None:
    # People's corrections of the extractor (corrections.py): data applied over the extractor's output, never an
    # overwrite of it. `extractor_outputs` keeps, for each corrected paper, what the extractor said, so undo and
    # re-extraction start again from it; `paper_facts` gains the `corrected` and `checked` marks.
    con.execute(
        """
        CREATE TABLE corrections (
            id INTEGER NOT NULL,
            paper_id VARCHAR NOT NULL,
            field VARCHAR NOT NULL,       -- method | domains | quality_note | points | claim | checked
            target VARCHAR NOT NULL,      -- a claim's span 'start:end' (field 'claim'); '' otherwise
            before JSON,                  -- the value the editor saw (null: no such claim)
            after JSON,                   -- the value it set (null: claim deleted)
            author VARCHAR NOT NULL,      -- a free-text name, remembered in the session
            made_at TIMESTAMP NOT NULL,
            note VARCHAR,
            undone_at TIMESTAMP,          -- set by undo; an undone correction no longer applies
            undone_by VARCHAR
        )
        """
    )
    con.execute(
        """
        CREATE TABLE extractor_outputs (
            paper_id VARCHAR NOT NULL,
            extractor_version VARCHAR NOT NULL,
            output JSON NOT NULL          -- extract()'s dict for the paper, before any correction
        )
        """
    )
    facts.refresh(con)


@migration("010_context_facts")
def _context_facts(con: duckdb.DuckDBPyConnection) -> None:
    # paper_facts gains the context facets (facets.py) and point_facts appears (each point with the context of
    # its two ends): both rebuilt from the stored claims, so an upgraded database needs no re-extraction.
    facts.refresh(con)


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations this database lacks; return their names."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    done = {row[0] for row in con.execute("SELECT name FROM _migrations").fetchall()}
    applied = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            fn(con)
            con.execute("INSERT INTO _migrations VALUES (?, current_timestamp)", [name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


def pending_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The migrations this database lacks, without writing (works on a read-only connection)."""
    try:
        done = {row[0] for row in con.execute("SELECT name FROM _migrations").fetchall()}
    except duckdb.CatalogException:
        done = set()
    return [name for name, _ in MIGRATIONS if name not in done]


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """Number of migrations applied: the schema version users and tests can compare."""
    return con.execute("SELECT count(*) FROM _migrations").fetchone()[0]
