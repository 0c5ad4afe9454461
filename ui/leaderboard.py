"""The leaderboard table: what it shows, in which order, and the file that exports exactly that.

Why pure functions: the page and its download must agree cell for cell, so both come from `shown` (the
rows and columns on screen, in the chosen order); `labelled` renames its columns to the headers the reader
sees, and the file is that frame through the shared export code (spreadsheet-safe CSV and Excel).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ingest import export
from . import tables
from .plaintext import plain

SHOWN = ["title", "gain", "axis", "y", "y_kind", "baseline", "hardware", "model", "quality_text", "method", "year"]
# "quality_text" because a quality change in another unit ("0.5 higher TEP") has no number in "y": its row says it in words.
# The columns up to the model are what a reader compares, so they fit the page at 1280 px without scrolling (the
# title truncated, whole on a click and in the download); the rest follow to the right.
AT_A_GLANCE = SHOWN[:SHOWN.index("model") + 1]
WIDTHS = {"title": 160, "gain": 70, "axis": 70, "baseline": 135, "hardware": 70, "model": 105}
SORTS = {  # name -> (columns, ascending); ties broken by title, then paper id
    "largest gain": (["gain", "y"], [False, False]),
    "best quality change": (["y", "gain"], [False, False]),
    "newest": (["year", "gain"], [False, False]),
    "title": (["title"], [True]),
}
FORMATS = {"csv": "CSV", "xlsx": "Excel"}


def shown(rows: pd.DataFrame, sort: str = "largest gain") -> pd.DataFrame:
    """The table as the page shows it: SHOWN columns, titles as plain text, sorted by `sort` (NaN last)."""
    columns, ascending = SORTS.get(sort, SORTS["largest gain"])
    out = rows.assign(title=rows["title"].map(lambda t: plain(t) if isinstance(t, str) else t))
    out = out.sort_values(columns + ["title", "id"], ascending=ascending + [True, True], na_position="last",
                          kind="stable")
    return out[SHOWN].reset_index(drop=True)


def labelled(table: pd.DataFrame) -> pd.DataFrame:
    """The shown table with the headers the reader sees ("Gain (x)", "Baseline", ...)."""
    return table.rename(columns={c: tables.label(c) for c in table.columns})


@st.cache_data(max_entries=16, show_spinner=False)
def file_bytes(fmt: str, table: pd.DataFrame) -> bytes:
    """The download of exactly `table` (as shown, with its headers): CSV or an Excel workbook."""
    if fmt not in FORMATS:
        raise ValueError(f"the leaderboard exports as {', '.join(FORMATS)}, not {fmt!r}")
    return export.claims_bytes(fmt, labelled(table), "leaderboard")


def file_name(dataset: str, metric: str, fmt: str) -> str:
    return export.export_filename([("dataset", dataset), ("metric", metric)], fmt, "leaderboard")
