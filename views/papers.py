"""Papers: the sortable table of filtered papers; a selected row opens its abstract and claims."""
from __future__ import annotations

import streamlit as st

from ingest.queries import SORTS
from ui import layout, state, tables
from ui.components import paper_panel
from ui.plaintext import plain

st.title("Papers")
f = layout.current_filters()
n = layout.match_count(f)
if n:
    limit = state.settings().table_rows
    sort = st.selectbox("Sort by", list(SORTS), key="papers_sort", help="Sorted on the server first; click a column header to re-sort what is shown.")
    table = state.query("papers_table", f, sort, limit)
    table = table.assign(title=table["title"].map(plain), marks=tables.marks(table))  # LaTeX/markdown in titles read as text
    if n > limit:
        st.caption(f"Showing the first {limit:,} of {n:,} by {sort}; narrow the filters to see the rest.")
    event = tables.show(
        table,
        # the numbers that matter next to the title, so they fit at 1280 px without scrolling
        ["title", "best_speedup", "quality_change", "marks", "method", "domains", "topic_label", "quality_note", "n_claims", "year"],
        on_select="rerun",
        selection_mode="single-row",
        key="papers_table",
    )
    rows = event.selection.rows if event is not None else []
    if rows:
        st.session_state["selected_paper"] = str(table.iloc[rows[0]]["id"])
    selected = st.session_state.get("selected_paper")
    if selected:  # a selected row, or a link (?paper=ID) to a paper the table may not show
        if selected not in set(table["id"]):
            st.caption("The open paper is not among the rows above (another filter or sort, or opened by a link).")
        paper_panel(selected)
    else:
        st.caption("Select a row to read its abstract with the extracted claims highlighted.")
