"""`paper_facts`: one flat row per paper, everything the dashboard filters and draws, rebuilt on each write.

Why a table and not a view: every dashboard read used to join papers, extractions, the current topic
run and the topic labels; at 100,000 papers each such join costs 30-40 ms, and one page makes several
reads. Writes are rare and already slow (seconds of embedding), reads are constant, so the join is paid
once per write instead: `store.transaction` calls `refresh` just before COMMIT, inside the same
transaction, so the table can never disagree with the tables it is derived from (a rollback undoes both).
A full rebuild costs ~0.6 s at 100,000 papers and ~10 s at a million, so writes that know which papers
they touched (an upload, a batch build, a removal, new vectors) refresh only those rows (`refresh_papers`);
a new topic run or a re-extraction changes every row and rebuilds the table. The abstract stays in
`papers` (the largest column; only text search, the detail view and exports need it).

`point_facts` is the same idea for the trade-off points: each point with the context (metric, dataset,
baseline, hardware, model) of the two claims it pairs, refreshed by the same calls.
"""
from __future__ import annotations

from typing import Sequence

import duckdb
import pandas as pd

from .facets import FACETS, facts_columns_sql, label_sql
from .frames import registered

# The definition of the table; `claim_list` is each paper's claims in reading order, so the trade-off
# plot's hover text is a list filter rather than a GROUP BY over every claim at read time.
_FACTS_TEMPLATE = """
WITH run AS (SELECT max(id) AS id FROM topic_runs),
ps AS (SELECT * FROM papers /*papers_filter*/),
ex AS (SELECT * FROM extractions /*rows_filter*/),
pts AS (SELECT * FROM paper_topics WHERE run_id = (SELECT id FROM run) /*and_rows_filter*/),
claim_lists AS (
    SELECT paper_id, list({'category': category, 'text': text} ORDER BY start_char, idx) AS claim_list
    FROM claims /*rows_filter*/ GROUP BY paper_id
),
claim_context AS (  -- the facets: each paper's distinct names per context field (facets.py)
    SELECT paper_id, /*context_columns*/ FROM claims /*rows_filter*/ GROUP BY paper_id
),
marks AS (  -- people's corrections (corrections.py): any active one marks the paper corrected; the last 'checked' one says
    SELECT paper_id, bool_or(field <> 'checked') AS corrected,
           coalesce(arg_max(after::VARCHAR, id) FILTER (WHERE field = 'checked'), 'false') = 'true' AS checked
    FROM /*corrections*/ /*rows_filter*/ GROUP BY paper_id
)
SELECT p.id, p.title, p.year, p.date, p.arxiv_id, p.doi, p.url, p.authors,
       e.method, e.domains, e.tradeoffs, e.quality_note, coalesce(e.n_claims, 0) AS n_claims,
       e.best_speedup, e.memory_reduction, e.compute_reduction, e.size_reduction,
       e.token_reduction, e.energy_reduction, e.cost_reduction, e.quality_change, e.quality_flag,
       pt.topic_id, t.label AS topic_label, pt.x, pt.y, p.text_key, cl.claim_list,
       coalesce(m.corrected, false) AS corrected, coalesce(m.checked, false) AS checked,
       /*context_select*/
FROM ps p
LEFT JOIN ex e ON e.paper_id = p.id
LEFT JOIN pts pt ON pt.paper_id = p.id
LEFT JOIN topics t ON t.run_id = pt.run_id AND t.topic_id = pt.topic_id
LEFT JOIN claim_lists cl ON cl.paper_id = p.id
LEFT JOIN claim_context cc ON cc.paper_id = p.id
LEFT JOIN marks m ON m.paper_id = p.id
""".replace("/*context_select*/", ", ".join(f"cc.{facet.column}" for facet in FACETS))
FACTS_SELECT = _FACTS_TEMPLATE.replace("/*context_columns*/", facts_columns_sql())
# Before migration 008 gave claims their context columns (migration 006 builds the first table) the facets are
# empty lists of the same type; 010_context_facts then rebuilds the table with the real ones.
_FACTS_BEFORE_CONTEXT = _FACTS_TEMPLATE.replace(
    "/*context_columns*/", ", ".join(f"[]::VARCHAR[] AS {facet.column}" for facet in FACETS)
)

# `point_facts`: every trade-off point with the context of its two ends, so the plot's hover, the like-with-like
# choice and the leaderboard read one table instead of joining claims twice per rerun. Baseline, hardware and
# model describe the setting: the gain claim's, else the quality claim's. Metric and dataset of the quality
# axis are the quality claim's own (a note such as "lossless" names none).
POINT_FACTS_SELECT = f"""
SELECT pt.*, {label_sql("metric", "g")} AS gain_metric,
       coalesce({label_sql("baseline", "g")}, {label_sql("baseline", "q")}) AS baseline,
       coalesce({label_sql("hardware", "g")}, {label_sql("hardware", "q")}) AS hardware,
       coalesce({label_sql("model", "g")}, {label_sql("model", "q")}) AS model,
       {label_sql("metric", "q")} AS quality_metric, {label_sql("dataset", "q")} AS quality_dataset
FROM (SELECT * FROM points /*rows_filter*/) pt
LEFT JOIN (SELECT * FROM claims /*rows_filter*/) g ON g.paper_id = pt.paper_id AND g.idx = pt.gain_idx
LEFT JOIN (SELECT * FROM claims /*rows_filter*/) q ON q.paper_id = pt.paper_id AND q.idx = pt.quality_idx
"""


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild `paper_facts` and `point_facts` from the source tables (call inside the write's transaction)."""
    con.execute(f"CREATE OR REPLACE TABLE paper_facts AS {facts_select(con)}")
    if _has_context(con) and _has_table(con, "points"):
        con.execute(f"CREATE OR REPLACE TABLE point_facts AS {POINT_FACTS_SELECT}")


def refresh_papers(con: duckdb.DuckDBPyConnection, ids: Sequence[str] | str) -> None:
    """Refresh the rows of these papers only (call inside the write's transaction): each is deleted, then
    inserted again from its definition if the paper still exists. `ids` is a list of paper ids or a SQL
    query that returns them (e.g. 'SELECT paper_id FROM _new'). A table whose columns no longer match the
    definition (an upgraded schema) is rebuilt whole instead."""
    if not (_same_columns(con, "paper_facts", facts_select(con))
            and _same_columns(con, "point_facts", POINT_FACTS_SELECT)):
        refresh(con)
        return
    if isinstance(ids, str):
        _touch(con, ids)
    elif ids:
        with registered(con, pd.DataFrame({"id": list(ids)})) as frame:
            _touch(con, f"SELECT id FROM {frame}")
    else:
        return
    for table, key, definition in (("paper_facts", "id", facts_select(con)), ("point_facts", "paper_id", POINT_FACTS_SELECT)):
        con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT id FROM _touched)")
        con.execute(f"INSERT INTO {table} {_only_touched(definition)}")
    con.execute("DROP TABLE _touched")


def _touch(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """_touched: the distinct paper ids `query` returns."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _touched AS SELECT DISTINCT * FROM ({query}) t(id)")


def _only_touched(definition: str) -> str:
    """The definition with every source table cut down to the touched papers before the joins."""
    return (
        definition.replace("/*papers_filter*/", "WHERE id IN (SELECT id FROM _touched)")
        .replace("/*rows_filter*/", "WHERE paper_id IN (SELECT id FROM _touched)")
        .replace("/*and_rows_filter*/", "AND paper_id IN (SELECT id FROM _touched)")
    )


# Databases migrated up to 008 have no corrections table yet (006 builds paper_facts before 009 runs).
_ACTIVE_CORRECTIONS = "(SELECT * FROM corrections WHERE undone_at IS NULL)"
_NO_CORRECTIONS = "(SELECT NULL::VARCHAR AS paper_id, NULL::VARCHAR AS field, NULL::JSON AS after, 0 AS id WHERE false)"


def facts_select(con: duckdb.DuckDBPyConnection) -> str:
    """The table's definition for this database's schema: its claim context (empty facets before migration
    008) and its people's corrections (none before migration 009)."""
    select = FACTS_SELECT if _has_context(con) else _FACTS_BEFORE_CONTEXT
    corrections = _ACTIVE_CORRECTIONS if _has_table(con, "corrections") else _NO_CORRECTIONS
    return select.replace("/*corrections*/", corrections + " c")


def _has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = $t AND schema_name = 'main'",
                            {"t": table}).fetchone()[0])


def _has_context(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether claims has its context columns yet (migration 008_claim_context)."""
    return bool(con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = 'claims' "
                            "AND schema_name = 'main' AND column_name = 'metric_canonical'").fetchone()[0])


def _same_columns(con: duckdb.DuckDBPyConnection, table: str, definition: str) -> bool:
    have = [r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = $t "
                                      "AND schema_name = 'main' ORDER BY column_index", {"t": table}).fetchall()]
    want = [d[0] for d in con.execute(f"SELECT * FROM ({definition}) LIMIT 0").description]
    return have == want
