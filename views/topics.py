"""Topics: the 2-D topic map, the topic list (click one to filter every page), hybrid search (words + meaning)."""
from __future__ import annotations

import streamlit as st

from ui import filters, layout, plot, state, tables
from ui.plaintext import plain

st.title("Topics")
f = layout.current_filters()
n = layout.match_count(f)
topics = state.query("topic_list", f)


def _pick_topic() -> None:
    """Row click on the topic list -> topic filter (a callback, so it runs before the sidebar is drawn)."""
    rows = st.session_state["topic_table"].selection.rows
    ids = st.session_state.get("_topic_rows", [])
    if rows and rows[0] < len(ids):
        filters.set_topic(ids[rows[0]])


if topics.empty:
    st.info("No topics yet: topics appear once papers are embedded and clustered (Upload page, Re-cluster).")
else:
    cap = state.settings().map_points
    points = state.query("topic_map", f, cap)
    if n and not points.empty:
        if len(points) >= cap:
            st.caption(f"Drawing a stable sample of {cap:,} of the {state.query('count_mapped', f):,} matching papers; filter to see them all.")
        plot.show(state.topic_figure(f, cap), key="topic_map")
    elif n:
        st.info("None of the matching papers is placed on the topic map yet.")
    st.markdown("**Topics** — click a row to show only that topic on every page.")
    st.session_state["_topic_rows"] = [int(t) for t in topics["topic_id"]]
    tables.show(
        topics, ["label", "size", "matching", "keywords"],
        on_select=_pick_topic, selection_mode="single-row", key="topic_table",
    )
    if f.topics:
        st.button("Show all topics", on_click=filters.set_topic, args=(None,), key="all_topics")

st.subheader("Search papers")
query = st.text_input("Words or a description of what you are looking for", key="semantic_q",
                      placeholder="e.g. speculative decoding, or: cheaper LLM serving without losing accuracy")
if query.strip():
    try:
        hits = state.search(query.strip(), f, 20)
    except Exception as exc:  # index or model broken: say so, no traceback
        st.error(f"Search is unavailable: {type(exc).__name__}: {str(exc)[:200]}")
    else:
        if hits.empty:
            st.info("No matching paper shares a word or enough meaning with your search.")
        else:
            st.caption(f"The {len(hits)} best matches within the filters, by words (BM25) and meaning (embeddings) together.")
            if hits["embedding_rank"].isna().all():
                st.caption("Ranked by words only: no meaning ranking was available (the model did not load, or no "
                           "matching paper is embedded yet).")
            hits = hits.assign(title=hits["title"].map(plain))
            tables.show(hits, ["title", "best_speedup", "quality_change", "method", "topic_label"], key="semantic_hits")
