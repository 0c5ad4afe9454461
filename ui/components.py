"""Page parts used by more than one page: the paper panel (abstract, claims, similar papers)."""
from __future__ import annotations

import streamlit as st

from . import state, tables
from .highlight import highlight_html, legend_html
from .plaintext import plain


def paper_panel(paper_id: str) -> None:
    """Abstract with claims marked in place, the claims as a table, and the nearest papers."""
    paper = state.query("paper_detail", paper_id)
    if paper is None:
        st.warning("That paper is no longer in the database.")
        return
    st.divider()
    st.subheader("Selected paper")
    st.text(plain(paper["title"]))  # st.text: user text shown verbatim, never parsed as markdown or HTML
    meta = [str(paper.get(k)) for k in ("arxiv_id", "doi", "year") if paper.get(k) not in (None, "") and str(paper.get(k)) != "nan"]
    marks = [w for w, on in (("✓ checked by a person", paper.get("checked")), ("✎ corrected by a person", paper.get("corrected"))) if on is True]
    if meta or marks:
        st.caption(" · ".join(meta + marks))
    claims = state.query("claims_for", paper_id)
    st.html(highlight_html(paper["abstract"] or "", claims.to_dict("records")))
    st.html(legend_html())
    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Extracted claims**")
        if claims.empty:
            st.caption("No quantified claims were found in this abstract.")
        else:
            shown = claims.assign(text=claims["text"].map(plain))
            tables.show(shown, ["text", "category", "value", "unit", "direction"], key=f"claims_{paper_id}")
    with right:
        st.markdown("**Similar papers**")
        similar = state.similar(paper_id, 5)
        if similar.empty:
            st.caption("No paper shares enough words or meaning with this one.")
        else:
            similar = similar.assign(title=similar["title"].map(plain))
            tables.show(similar, ["title", "topic_label"], key=f"similar_{paper_id}")
    from .curate import editor

    editor(paper_id, paper["abstract"] or "")


def selected_ids(event) -> list[str]:
    """Paper ids of the points selected in a plotly chart (carried in customdata)."""
    if event is None:
        return []
    try:
        points = event.selection.points
    except AttributeError:
        return []
    ids = []
    for p in points or []:
        data = p.get("customdata")
        if isinstance(data, (list, tuple)):
            data = data[0] if data else None
        if data is not None:
            ids.append(str(data))
    return ids
