"""Trade-offs: efficiency gain (log x) against quality change, one point per paper, with the frontier."""
from __future__ import annotations

import streamlit as st

from ingest.queries import AXES
from ui import layout, state
from ui.components import selected_ids

st.title("Trade-offs")
f = layout.current_filters()
n = layout.match_count(f)
if n:
    c1, c2 = st.columns([3, 2])
    axis = c1.radio("Efficiency gain", list(AXES), horizontal=True, key="t_axis")
    colour = c2.radio("Colour by", ["domain", "topic"], horizontal=True, key="t_colour")
    points = state.query("tradeoff_points", f, axis)
    words = int(points["words_only"].sum()) if not points.empty else 0
    st.caption(
        f"{len(points):,} {'paper reports' if len(points) == 1 else 'papers report'} a {axis} gain and a quality change "
        f"({words:,} of them only say 'lossless' or 'negligible' and sit on the zero line as open diamonds). "
        "The dashed line is the Pareto frontier (no paper is both faster and better). "
        "Box- or lasso-select points to list them."
    )
    if points.empty:
        st.info(f"None of the matching papers has both a {axis} number and a quality number or word.")
    else:
        cap = state.settings().plot_points
        if len(points) > cap:
            st.caption(f"Drawing the frontier and a stable sample of {cap:,} of the {len(points):,} papers; filter to see them all.")
        event = st.plotly_chart(
            state.tradeoff_figure(f, axis, colour, cap),
            on_select="rerun",
            selection_mode=("box", "lasso"),
            key="tradeoff_chart",
            config={"displaylogo": False},
        )
        ids = selected_ids(event)
        if ids:
            chosen = points[points["id"].isin(ids)]
            st.markdown(f"**{len(chosen):,} selected papers**")
            st.dataframe(
                chosen[["title", "method", "domain", "topic_label", "gain", "quality_change", "quality_flag", "evidence"]],
                hide_index=True,
                key="tradeoff_selected",
                column_config={"gain": st.column_config.NumberColumn("gain (x)", format="%.2f")},
            )
    st.subheader("By domain")
    st.dataframe(
        state.query("domain_summary", f),
        hide_index=True,
        key="domain_summary",
        column_config={
            "median_speedup": st.column_config.NumberColumn("median speed-up", format="%.2fx"),
            "median_quality_change": st.column_config.NumberColumn("median quality change", format="%+.2f"),
        },
    )
