"""Papers: the sortable table of filtered papers; a selected row opens its abstract and claims."""
from __future__ import annotations

import streamlit as st

from ingest.queries import SORTS
from ui import layout, state
from ui.components import paper_panel

st.title("Papers")
f = layout.current_filters()
n = layout.match_count(f)
if n:
    limit = state.settings().table_rows
    sort = st.selectbox("Sort by", list(SORTS), key="papers_sort", help="Sorted on the server first; click a column header to re-sort what is shown.")
    table = state.query("papers_table", f, sort, limit)
    if n > limit:
        st.caption(f"Showing the first {limit:,} of {n:,} by {sort}; narrow the filters to see the rest.")
    event = st.dataframe(
        table,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="papers_table",
        column_order=["title", "method", "domains", "topic_label", "best_speedup", "quality_change", "quality_note", "n_claims", "year"],
        column_config={
            "title": st.column_config.TextColumn("Title", width="large"),
            "method": "Method",
            "domains": st.column_config.ListColumn("Domains"),
            "topic_label": "Topic",
            "best_speedup": st.column_config.NumberColumn("Best speed-up", format="%.2fx"),
            "quality_change": st.column_config.NumberColumn("Quality change (pts)", format="%+.2f"),
            "quality_note": "Quality note",
            "n_claims": st.column_config.NumberColumn("Claims"),
            "year": st.column_config.NumberColumn("Year", format="%d"),
        },
    )
    rows = event.selection.rows if event is not None else []
    if rows:
        st.session_state["selected_paper"] = str(table.iloc[rows[0]]["id"])
    selected = st.session_state.get("selected_paper")
    if selected and selected in set(table["id"]):
        paper_panel(selected)
    else:
        st.caption("Select a row to read its abstract with the extracted claims highlighted.")
