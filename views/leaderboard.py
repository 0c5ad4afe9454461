"""Leaderboard: for one dataset and metric, every paper's efficiency gain next to its quality change."""
from __future__ import annotations

import streamlit as st

from ingest.export import MIME
from ui import layout, leaderboard, state, tables
from ui.like_with_like import n_points
from ui.page_params import keep_offered

st.title("Leaderboard")
st.caption("Papers measured on the same dataset with the same quality metric, side by side: the efficiency gain "
           "each reports, the quality change of that same setting, and what it was compared against, on which "
           "hardware and model.")
f = layout.current_filters()
n = layout.match_count(f)
if n:
    pairs = state.query("leaderboard_choices", f)
    if pairs.empty:
        st.info("None of the matching papers names both the dataset and the metric of a quality change that goes "
                "with an efficiency gain; clear some filters or upload more papers.")
        st.stop()
    datasets = list(dict.fromkeys(pairs["dataset"]))  # the most measured first: the default is the top pair
    per_dataset = pairs.groupby("dataset", sort=False)["points"].sum()
    c1, c2, c3 = st.columns([2, 2, 1])
    keep_offered(st.session_state, "lb_dataset", datasets)
    dataset = c1.selectbox("Dataset", datasets, key="lb_dataset", persist_state="session",
                           format_func=lambda d: f"{d} ({n_points(per_dataset[d])})")
    on_dataset = pairs[pairs["dataset"] == dataset]
    metrics = list(on_dataset["metric"])
    metric_points = dict(zip(on_dataset["metric"], on_dataset["points"]))
    keep_offered(st.session_state, "lb_metric", metrics)
    metric = c2.selectbox("Metric", metrics, key="lb_metric", persist_state="session",
                          format_func=lambda m: f"{m} ({n_points(metric_points[m])})")
    sort = c3.selectbox("Sort by", list(leaderboard.SORTS), key="lb_sort", persist_state="session",
                        help="Sorted here first, so the download has the same order; click a header to re-sort the view.")
    rows = state.query("leaderboard", f, dataset, metric)
    table = leaderboard.shown(rows, sort)
    papers = rows["id"].nunique()
    settings = f"{len(table):,} {'setting' if len(table) == 1 else 'settings'}"
    source = f"{papers:,} {'paper reports' if papers == 1 else 'papers report'}"
    st.caption(f"{settings} from {source} a quality change in {metric} on {dataset}. Gain is a factor (x) on the axis "
               "named; blank cells are context the abstract does not name.")
    tables.show(table, widths=leaderboard.WIDTHS, key="leaderboard_table")
    for fmt, words in leaderboard.FORMATS.items():
        st.download_button(
            f"Download this table ({words})", data=leaderboard.file_bytes(fmt, table),
            file_name=leaderboard.file_name(dataset, metric, fmt), mime=MIME[fmt],
            key=f"download_leaderboard_{fmt}",
        )
