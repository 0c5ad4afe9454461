"""What a batch build already has, checked in DuckDB rather than held in Python.

A build skips the papers the database already stores (not extracted) and the texts it already has vectors
for (not embedded). Holding every stored key in a Python set, in the driver and again in every worker, made
the memory of a build's start grow with the database. Instead the driver has DuckDB write the stored keys to
two Parquet files in the staging folder (`write_known`), and each parse task checks the records of its part
against them in one in-memory DuckDB join (`known_positions`): Python holds one part's keys, never the
database's.

The keys are `store.keys_of`'s. DuckDB writes them for papers whose arXiv id and DOI are ASCII (where its
`lower()` is Python's); the few others get theirs from Python, so the check equals `existing_identities`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from . import store
from .build_plan import ascii_sql, keys_sql
from .frames import registered


@dataclass(frozen=True)
class KnownFiles:
    """The stored identity keys (`keys`) and, when the build embeds, the stored text keys (`texts`)."""

    keys: str
    texts: str | None = None


def write_known(con: duckdb.DuckDBPyConnection, folder: Path, texts: bool) -> KnownFiles:
    """Write the database's identity keys (and text keys of stored vectors) to Parquet files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    keys, text_file = folder / "known-keys.parquet", folder / "known-texts.parquet"
    others = pd.DataFrame({"key": list(store.existing_identities(con, f"WHERE NOT {ascii_sql('arxiv_id', 'doi')}"))},
                          dtype=object)
    with registered(con, others) as python_keys:
        con.execute(
            f"""COPY (SELECT DISTINCT unnest({keys_sql('arxiv_id', 'doi', 'title_key')}) AS key FROM papers
                      WHERE {ascii_sql('arxiv_id', 'doi')}
                      UNION SELECT key::VARCHAR FROM {python_keys}) TO {store.sql_literal(str(keys))} (FORMAT parquet)"""
        )
    if not texts:
        return KnownFiles(str(keys))
    con.execute(f"COPY (SELECT text_key FROM embeddings) TO {store.sql_literal(str(text_file))} (FORMAT parquet)")
    return KnownFiles(str(keys), str(text_file))


def known_positions(known: KnownFiles | None, positions: list[int], keys: list[list[str]],
                    text_keys: list[str]) -> tuple[set[int], set[int]]:
    """(positions whose record has a stored identity key, positions whose text has a stored vector), for
    one part's records: `keys[i]` and `text_keys[i]` belong to `positions[i]`."""
    if known is None or not positions:
        return set(), set()
    con = duckdb.connect(config={"threads": 1})  # in memory; a parse task has one CPU
    try:
        frame = pd.DataFrame({"position": pd.Series([p for p, ks in zip(positions, keys) for _ in ks], dtype="int64"),
                              "key": pd.Series([k for ks in keys for k in ks], dtype=object)})
        stored = _matches(con, frame, known.keys, "key")
        if known.texts is None:
            return stored, set()
        frame = pd.DataFrame({"position": pd.Series(positions, dtype="int64"), "key": pd.Series(text_keys, dtype=object)})
        return stored, _matches(con, frame, known.texts, "text_key")
    finally:
        con.close()


def _matches(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, parquet: str, stored_column: str) -> set[int]:
    """The positions of `frame` (position, key) whose key is in the Parquet file's `stored_column`."""
    with registered(con, frame) as part:
        rows = con.execute(
            f"SELECT DISTINCT position FROM {part} WHERE key IN (SELECT {stored_column} FROM read_parquet($file))",
            {"file": parquet},
        ).fetchall()
    return {int(p) for p, in rows}
