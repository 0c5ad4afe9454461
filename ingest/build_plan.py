"""The duplicate plan of a staged build, on identity keys only (`add`'s rule, `store.Planner`, in file order).

A record none of whose keys another staged record or a stored paper also has is a new paper whose id hashes
its first key: DuckDB decides those in bulk (`sha256`, as `Planner` does). Only the records that share a key
go through `Planner` one by one, in file order, with the stored papers they meet, so Python holds the
tangled records, not the upload. Records whose arXiv id or DOI is not ASCII go the Python way too: there
`lower()` is Python's, exactly as `add` computes keys.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from . import store
from .frames import registered


def keys_sql(arxiv_id: str, doi: str, title_key: str) -> str:
    """store.keys_of in SQL (empty strings count as missing, the strongest key first)."""
    return (f"list_filter(['arxiv:' || lower(nullif({arxiv_id}, '')), 'doi:' || lower(nullif({doi}, '')), "
            f"'title:' || nullif({title_key}, '')], lambda k: k IS NOT NULL)")


def ascii_sql(*columns: str) -> str:
    text = " || ".join(f"coalesce({c}, '')" for c in columns)
    return f"(strlen({text}) = length({text}))"


def _stage_keys(con: duckdb.DuckDBPyConnection) -> None:
    """_keys: every staged record's keys; _tangled: the records a key ties to another record or a stored paper."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _keys AS
        SELECT shard, row, file_index, position, arxiv_id, doi, title_key, keys,
               {ascii_sql('arxiv_id', 'doi')} AND len(keys) > 0 AS plain
        FROM (SELECT *, {keys_sql('arxiv_id', 'doi', 'title_key')} AS keys FROM _rows WHERE kind = 'record')"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _tangled AS
        WITH upload AS (SELECT shard, row, unnest(keys) AS key FROM _keys),
             counts AS (SELECT key, count(*) AS n FROM upload GROUP BY key),
             stored AS (SELECT DISTINCT unnest({keys_sql('arxiv_id', 'doi', 'title_key')}) AS key FROM papers),
             shared AS (SELECT key FROM counts WHERE n > 1
                        UNION SELECT key FROM stored SEMI JOIN counts USING (key))
        SELECT DISTINCT shard, row FROM upload SEMI JOIN shared USING (key)
        UNION SELECT shard, row FROM _keys WHERE NOT plain"""
    )


def _stored_met(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Identity keys of the stored papers a tangled record may meet (and of every non-ASCII one)."""
    return store.existing_identities(
        con,
        f"""WHERE id IN (SELECT id FROM (SELECT id, unnest({keys_sql('arxiv_id', 'doi', 'title_key')}) AS key
                                       FROM papers)
                          SEMI JOIN (SELECT unnest(keys) AS key FROM _keys SEMI JOIN _tangled USING (shard, row))
                          USING (key))
               OR NOT {ascii_sql('arxiv_id', 'doi')}""",
    )


def _place_tangled(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The tangled records through store.Planner, in file order."""
    rows = con.execute(
        "SELECT shard, row, file_index, position, arxiv_id, doi, title_key FROM _keys "
        "SEMI JOIN _tangled USING (shard, row) ORDER BY file_index, position"
    ).fetchnumpy()
    planner = store.Planner(_stored_met(con))
    placed = [planner.place(store.keys_of(a, d, t)) for a, d, t in zip(rows["arxiv_id"], rows["doi"], rows["title_key"])]
    return pd.DataFrame({"shard": rows["shard"], "row": rows["row"], "file_index": rows["file_index"],
                         "position": rows["position"], "paper_id": pd.Series([p for p, _ in placed], dtype=object),
                         "is_new": pd.Series([n for _, n in placed], dtype=bool)})


def plan(con: duckdb.DuckDBPyConnection) -> None:
    """_plan (shard, row, file_index, position, paper_id, is_new): one row per staged record (`_rows`)."""
    _stage_keys(con)
    with registered(con, _place_tangled(con)) as tangled:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _plan AS
            SELECT shard, row, file_index, position, left(sha256(keys[1]), 16) AS paper_id, true AS is_new
            FROM _keys ANTI JOIN _tangled USING (shard, row)
            UNION ALL
            SELECT shard, row, file_index, position, paper_id::VARCHAR, is_new FROM {tangled}"""
        )
    con.execute("DROP TABLE _keys")
    con.execute("DROP TABLE _tangled")
