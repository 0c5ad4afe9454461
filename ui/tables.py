"""Every table the pages show, with human column labels (units in the header) and blank empty cells.

Why one place: the queries name their columns for SQL (`best_speedup`, `n_duplicates`); readers want
"Best speed-up (x)". Keeping the label of every column here means a new table cannot forget its labels
(`show` refuses a column it has no label for) and one test can check every page for raw names.
"""
from __future__ import annotations

from typing import Any, Sequence

import pandas as pd
import streamlit as st

cc = st.column_config

# column name -> its column config (label, units, format). Names shared by several tables mean the same
# thing everywhere, so one entry serves them all.
COLUMNS: dict[str, Any] = {
    # papers
    "id": cc.TextColumn("Id"),
    "title": cc.TextColumn("Title", width=360),
    "method": cc.TextColumn("Method"),
    "domains": cc.ListColumn("Domains"),
    "tradeoffs": cc.ListColumn("Trade-off axes"),
    "authors": cc.ListColumn("Authors"),
    "topic_id": cc.NumberColumn("Topic #", format="%d"),
    "topic_label": cc.TextColumn("Topic"),
    "best_speedup": cc.NumberColumn("Best speed-up (x)", format="%.2fx", width=130),
    "quality_change": cc.NumberColumn("Quality change (pts)", format="%+.2f", width=150),
    "quality_flag": cc.TextColumn("Quality claim in words"),
    "quality_note": cc.TextColumn("Quality note"),
    "memory_reduction": cc.NumberColumn("Memory saved (%)", format="%.1f%%"),
    "compute_reduction": cc.NumberColumn("Compute saved (%)", format="%.1f%%"),
    "size_reduction": cc.NumberColumn("Size saved (%)", format="%.1f%%"),
    "token_reduction": cc.NumberColumn("Tokens saved (%)", format="%.1f%%"),
    "energy_reduction": cc.NumberColumn("Energy saved (%)", format="%.1f%%"),
    "cost_reduction": cc.NumberColumn("Cost saved (%)", format="%.1f%%"),
    "n_claims": cc.NumberColumn("Claims", format="%d", width="small"),
    "year": cc.NumberColumn("Year", format="%d", width="small"),
    "date": cc.TextColumn("Date"),
    "arxiv_id": cc.TextColumn("arXiv id"),
    "doi": cc.TextColumn("DOI"),
    "url": cc.LinkColumn("Link"),
    "paper_link": cc.LinkColumn("Paper", display_text="open on Papers", width="small"),
    "abstract": cc.TextColumn("Abstract", width="large"),
    "score": cc.NumberColumn("Similarity (cosine)", format="%.2f", width="small"),
    "rank_score": cc.NumberColumn("Match (fused rank)", format="%.3f", width="small"),
    # trade-off points and the per-domain summary
    "domain": cc.TextColumn("Domain"),
    "gain": cc.NumberColumn("Gain (x)", format="%.2fx", width="small"),
    "y": cc.NumberColumn("Quality change", format="%+.2f", width=120),  # its header whole at 1280 px
    "y_kind": cc.TextColumn("Stated as", width="small",
                            help="How the quality change is stated: in points, percent, another unit, or only in words "
                                 "(lossless, negligible)"),
    "gain_text": cc.TextColumn("Gain as written", width="medium"),
    "quality_text": cc.TextColumn("Quality as written", width="medium"),
    "evidence": cc.TextColumn("Gain as written", width="large"),
    "papers": cc.NumberColumn("Papers", format="%d", width="small"),
    # what a point compares (claim context) and the leaderboard
    "axis": cc.TextColumn("Gain in", width="small"),
    "baseline": cc.TextColumn("Baseline", width="medium"),
    "hardware": cc.TextColumn("Hardware", width="small"),
    "model": cc.TextColumn("Model", width="small"),
    "gain_metric": cc.TextColumn("Gain measured as", width="small"),
    "quality_metric": cc.TextColumn("Quality metric", width=105),  # its header whole
    "quality_dataset": cc.TextColumn("Dataset", width=90),
    "points": cc.NumberColumn("Points", format="%d", width="small"),
    "median_speedup": cc.NumberColumn("Median speed-up (x)", format="%.2fx"),
    "median_quality_change": cc.NumberColumn("Median quality change (pts)", format="%+.2f"),
    "with_speedup": cc.NumberColumn("With a speed-up", format="%d"),
    "with_quality": cc.NumberColumn("With a quality figure", format="%d"),
    # claims
    "category": cc.TextColumn("Category"),
    "value": cc.NumberColumn("Value", format="%g"),
    "unit": cc.TextColumn("Unit"),
    "direction": cc.TextColumn("Direction"),
    "text": cc.TextColumn("Claim as written", width="large"),
    # topics
    "label": cc.TextColumn("Topic", width="medium"),
    "size": cc.NumberColumn("Papers", format="%d", width="small"),
    "matching": cc.NumberColumn("Matching filter", format="%d", width=120),
    "keywords": cc.TextColumn("Keywords", width=380),  # whole at 1280 px beside the row markers
    # uploads
    "file_name": cc.TextColumn("File"),
    "format": cc.TextColumn("Format"),
    "finished_at": cc.DatetimeColumn("Finished", format="YYYY-MM-DD HH:mm"),
    "n_records": cc.NumberColumn("Records", format="%d"),
    "n_new": cc.NumberColumn("New papers", format="%d"),
    "n_duplicates": cc.NumberColumn("Duplicates", format="%d"),
    "n_skipped": cc.NumberColumn("Skipped", format="%d"),
    "papers_now": cc.NumberColumn("Papers held now", format="%d"),
    "index": cc.NumberColumn("Record # in file", format="%d"),
    "reason": cc.TextColumn("Why skipped", width="medium"),
    # people's corrections (ingest/corrections.py)
    "marks": cc.TextColumn("Curated", width="small", help="✓ checked by a person · ✎ corrected by a person"),
    "corrected": cc.CheckboxColumn("Corrected", width="small"),
    "checked": cc.CheckboxColumn("Checked", width="small"),
    "correction": cc.NumberColumn("Correction #", format="%d", width="small"),
    "made_at": cc.DatetimeColumn("When", format="YYYY-MM-DD HH:mm"),
    "author": cc.TextColumn("Who", width="small"),
    "paper_id": cc.TextColumn("Paper id", width="small"),
    "field": cc.TextColumn("Field", width="small"),
    "target": cc.TextColumn("Claim span", width="small"),
    "before": cc.TextColumn("Before", width="medium"),
    "after": cc.TextColumn("After", width="medium"),
    "note": cc.TextColumn("Note"),
    "undone_at": cc.DatetimeColumn("Undone", format="YYYY-MM-DD HH:mm"),
    "undone_by": cc.TextColumn("Undone by", width="small"),
    "change": cc.TextColumn("Change", width="large"),
    # settings
    "name": cc.TextColumn("Setting"),
    "default": cc.TextColumn("Default"),
    "meaning": cc.TextColumn("Meaning", width="large"),
}

# What the grid draws for Streamlit's named widths (px), and the main column's width at a 1280 px wide window
# with the sidebar open (1280 - 300 sidebar - 2 x 80 padding, minus the grid's 2 px border): a table's key
# columns must fit in it (tests/test_ui_tables.py sums them, tests/e2e/test_table_widths.py looks in Chromium).
NAMED_WIDTHS = {"small": 75, "medium": 200, "large": 400}
MAIN_WIDTH_1280 = 818
ROW_MARKERS = 32  # the selection column of a table with on_select

# The Trade-offs page's table of selected points: what a reader compares (up to the baseline) fits at 1280 px
# without scrolling, the title truncated (whole on a click); the rest follows to the right.
SELECTED_POINTS = ["title", "gain", "y", "y_kind", "quality_metric", "quality_dataset", "baseline", "hardware",
                   "model", "marks", "gain_text", "quality_text", "method", "domain", "topic_label"]
SELECTED_POINTS_AT_A_GLANCE = SELECTED_POINTS[:SELECTED_POINTS.index("baseline") + 1]
SELECTED_POINTS_WIDTHS = {"title": 170, "baseline": 135}

# Wide previews (Export) lead with what a reader scans for; the rest follow in the query's order.
PREVIEW_FIRST = ["title", "best_speedup", "quality_change", "method", "domains", "topic_label", "year"]


def label(column: str) -> str:
    """The header a reader sees for `column`."""
    return COLUMNS[column]["label"]


def config(columns: Sequence[str], widths: dict[str, int] | None = None) -> dict[str, Any]:
    """Column configs for `columns`, with `widths` (px) where a table needs narrower columns than the shared
    ones to fit its key columns at 1280 px; a column without a label is a bug, said plainly."""
    missing = [c for c in columns if c not in COLUMNS]
    if missing:
        raise KeyError(f"no reader-facing label for column(s) {', '.join(missing)}: add them to ui/tables.COLUMNS")
    widths = widths or {}
    return {c: {**COLUMNS[c], "width": widths[c]} if c in widths else COLUMNS[c] for c in columns}


def pixel_width(column: str, widths: dict[str, int] | None = None) -> int | None:
    """The width `column` is drawn at (px), or None when the grid sizes it to its content."""
    width = (widths or {}).get(column, COLUMNS[column].get("width"))
    return NAMED_WIDTHS.get(width, width) if width is not None else None


def marks(frame: pd.DataFrame) -> pd.Series:
    """'✓' for checked, '✎' for corrected papers (both: '✓ ✎'), from the `checked` / `corrected` columns."""
    checked = frame["checked"].fillna(False).astype(bool) if "checked" in frame else False
    corrected = frame["corrected"].fillna(False).astype(bool) if "corrected" in frame else False
    return (pd.Series("", index=frame.index).where(~checked, "✓") + pd.Series("", index=frame.index).where(~corrected, " ✎")).str.strip()


def show(frame: pd.DataFrame, columns: Sequence[str] | None = None, widths: dict[str, int] | None = None,
         **kwargs: Any) -> Any:
    """st.dataframe with labelled headers, no index and empty cells left blank (not "None")."""
    columns = list(columns if columns is not None else frame.columns)
    return st.dataframe(
        frame, hide_index=True, column_order=columns, column_config=config(columns, widths), placeholder="", **kwargs
    )
