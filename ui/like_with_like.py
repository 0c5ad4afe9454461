"""Trade-offs' "compare like with like" choice: one quality metric (and optionally one dataset) for the y axis.

Why: a top-1 drop and a perplexity change on one axis, with one frontier over both, compare nothing. The
choice narrows the page's reads (a WHERE condition of tradeoff_queries), the plot and its frontier follow, and
the page says how many points were left out and why. Choices are offered with their point counts and kept in the
URL (page_params: qmetric, qdataset); "" means any.
"""
from __future__ import annotations

from typing import Callable

import pandas as pd
import streamlit as st

from ingest.context_queries import describe_left_out
from ingest.tradeoff_queries import PlotSummary

from .page_params import keep_offered


def _options(choices: pd.DataFrame, column: str) -> tuple[list[str], dict[str, int]]:
    counts = dict(zip(choices[column], choices["points"]))
    return [""] + list(counts), counts


def n_points(n: int) -> str:
    """'1 point', '2,000 points'."""
    return f"{n:,} {'point' if n == 1 else 'points'}"


def choose(summary_for: Callable[[str | None, str | None], PlotSummary]) -> tuple[str, str, PlotSummary]:
    """Draw the metric and dataset pickers; return the chosen (metric, dataset), '' for any, and the summary of
    the points on that choice. `summary_for(metric, dataset)` is the (cached) tradeoff_queries.plot_summary."""
    c1, c2 = st.columns(2)
    summary = summary_for(None, None)
    metrics, metric_counts = _options(summary.metrics, "metric")
    keep_offered(st.session_state, "t_metric", metrics)
    metric = c1.selectbox(
        "Compare like with like: quality measured as", metrics, key="t_metric", persist_state="session",
        format_func=lambda m: "any metric (every point)" if not m else f"{m} ({n_points(metric_counts[m])})",
        help="Draw only the points whose quality change was measured with this metric, and their own frontier.",
    )
    if metric:
        summary = summary_for(metric, None)
    datasets, dataset_counts = _options(summary.datasets, "dataset")
    keep_offered(st.session_state, "t_dataset", datasets)
    dataset = c2.selectbox(
        "on dataset", datasets, key="t_dataset", persist_state="session", disabled=not metric,
        format_func=lambda d: "any dataset" if not d else f"{d} ({n_points(dataset_counts[d])})",
    )
    dataset = (dataset or "") if metric else ""
    if dataset:
        summary = summary_for(metric, dataset)
    return metric or "", dataset, summary


def say_left_out(summary: PlotSummary, metric: str, dataset: str) -> None:
    """A caption saying how many drawable points the like-with-like choice left out and why (none: no choice)."""
    if metric:
        st.caption(describe_left_out(summary.left_out, metric, dataset or None))
