"""Corrections: the audit list of people's corrections, newest first; selecting one opens its paper (and its
editor, where edits are allowed)."""
from __future__ import annotations

import json

import streamlit as st

from ingest import corrections as C
from ui import state, tables
from ui.components import paper_panel
from ui.plaintext import plain


def _change(row) -> str:
    before, after = (C.show(None if v is None else json.loads(v)) for v in (row["before"], row["after"]))
    return f"{C.describe_field(row['field'], row['target'])}: {before} → {after}"


st.title("Corrections")
recent = state.query("recent_corrections", 500)
if recent.empty:
    st.info("Nobody has corrected a paper yet. Select a paper on the Papers page and open 'Correct this paper'.")
    st.stop()
st.caption(f"The {len(recent):,} most recent corrections, newest first (undone ones say when). Select a row to "
           "open its paper. `python -m ingest export-gold` writes the corrected papers as gold for the extractor.")
shown = recent.assign(title=recent["title"].map(lambda t: plain(t) if isinstance(t, str) else "(paper removed)"),
                      change=[_change(r) for r in recent.to_dict("records")],
                      paper_link="papers?paper=" + recent["paper_id"].astype(str))  # the Papers page opens it
event = tables.show(shown, ["made_at", "author", "title", "paper_link", "change", "note", "undone_at"], on_select="rerun",
                    selection_mode="single-row", key="corrections_table")
rows = event.selection.rows if event is not None else []
if rows:
    paper_panel(str(shown.iloc[rows[0]]["paper_id"]))
