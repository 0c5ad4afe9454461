"""pandas frames into DuckDB: the one way a module registers a DataFrame, reads or inserts from it, and lets go.

DuckDB scans a registered frame in place (the fast path; `executemany` is slow). Each registration gets a
name of its own, so two frames registered on one connection at once (a write inside a write, two threads of
the app) never read each other's rows, and the view is dropped even when the statement fails.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pandas as pd

_NUMBERS = itertools.count()


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> Iterator[str]:
    """`frame` as a view for the block's statements; yields the view's (unique) name."""
    name = f"_frame_{next(_NUMBERS)}"
    con.register(name, frame)
    try:
        yield name
    finally:
        con.unregister(name)


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, select: str | None = None) -> None:
    """INSERT the rows of `frame` into `table`: its columns by name, or the SELECT list `select` (read from the
    frame, in the table's column order: for casts such as `vector::FLOAT[384]`). An empty frame inserts nothing."""
    if frame.empty:
        return
    with registered(con, frame) as view:
        if select is None:
            columns = ", ".join(f'"{c}"' for c in frame.columns)
            con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {view}")
        else:
            con.execute(f"INSERT INTO {table} SELECT {select} FROM {view}")
