"""Trade-offs' "compare like with like" choice: one quality metric (and optionally one dataset) for the y axis.

Why: a top-1 drop and a perplexity change on one axis, with one frontier over both, compare nothing. The
choice narrows the page's points (context_queries.measured_on), the plot and its frontier follow, and the
page says how many points were left out and why. Choices are offered with their point counts and kept in the
URL (page_params: qmetric, qdataset); "" means any.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ingest.context_queries import dataset_choices, describe_left_out, measured_on, metric_choices

from .page_params import keep_offered


def _options(choices: pd.DataFrame, column: str) -> tuple[list[str], dict[str, int]]:
    counts = dict(zip(choices[column], choices["points"]))
    return [""] + list(counts), counts


def n_points(n: int) -> str:
    """'1 point', '2,000 points'."""
    return f"{n:,} {'point' if n == 1 else 'points'}"


def choose(points: pd.DataFrame) -> tuple[str, str]:
    """Draw the metric and dataset pickers for these points; return the chosen (metric, dataset), '' for any."""
    c1, c2 = st.columns(2)
    metrics, metric_counts = _options(metric_choices(points), "metric")
    keep_offered(st.session_state, "t_metric", metrics)
    metric = c1.selectbox(
        "Compare like with like: quality measured as", metrics, key="t_metric",
        format_func=lambda m: "any metric (every point)" if not m else f"{m} ({n_points(metric_counts[m])})",
        help="Draw only the points whose quality change was measured with this metric, and their own frontier.",
    )
    datasets, dataset_counts = _options(dataset_choices(points, metric), "dataset")
    keep_offered(st.session_state, "t_dataset", datasets)
    dataset = c2.selectbox(
        "on dataset", datasets, key="t_dataset", disabled=not metric,
        format_func=lambda d: "any dataset" if not d else f"{d} ({n_points(dataset_counts[d])})",
    )
    return metric or "", (dataset or "") if metric else ""


def narrow(points: pd.DataFrame, metric: str, dataset: str) -> pd.DataFrame:
    """The points on the chosen metric (and dataset), with a caption saying how many were left out and why."""
    if not metric:
        return points
    kept, left = measured_on(points, metric, dataset or None)
    st.caption(describe_left_out(left, metric, dataset or None))
    return kept
