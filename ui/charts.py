"""Pure functions from query frames to plotly figures (no Streamlit, so tests inspect the traces).

WebGL traces (Scattergl) keep 100,000 points responsive; hover text is HTML-escaped because plotly
renders a subset of HTML in hover labels and titles are user text. Paper ids travel in `customdata`
so a box/lasso selection maps back to papers without relying on point order.
"""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ingest.queries import AXIS_LABELS, pareto_frontier

PALETTE = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
    "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354",
]
MAX_COLOUR_GROUPS = 17  # the rest share one "other" colour


def _short(text: object, n: int) -> str:
    s = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
    return html.escape(s if len(s) <= n else s[: n - 1] + "…")


def _groups(values: pd.Series) -> pd.Series:
    """Keep the most common groups, fold the rest into 'other' so the legend stays readable."""
    top = values.value_counts().index[:MAX_COLOUR_GROUPS]
    return values.where(values.isin(top), "other")


def tradeoff_figure(points: pd.DataFrame, axis: str = "speed", colour_by: str = "domain") -> go.Figure:
    """Gain (log x) against quality change (y); words-only papers as open diamonds at y=0; frontier line."""
    fig = go.Figure()
    column = "domain" if colour_by == "domain" else "topic_label"
    if points.empty:
        fig.update_layout(height=520)
        return fig
    groups = _groups(points[column].fillna("unknown").astype(str))
    hover = (
        "<b>" + points["title"].map(lambda t: _short(t, 90)) + "</b><br>"
        + "method: " + points["method"].map(lambda m: _short(m, 40)) + "<br>"
        + points["evidence"].map(lambda e: _short(e, 160))
    )
    for i, name in enumerate(sorted(groups.unique(), key=lambda g: (g == "other", g))):
        mask = groups == name
        for words_only in (False, True):
            sub = mask & (points["words_only"] == words_only)
            if not sub.any():
                continue
            fig.add_trace(
                go.Scattergl(
                    x=points.loc[sub, "gain"].to_numpy(),
                    y=points.loc[sub, "y"].to_numpy(),
                    mode="markers",
                    name=name if not words_only else f"{name} (lossless / negligible, words only)",
                    legendgroup=name,
                    customdata=points.loc[sub, ["id"]].to_numpy(),
                    hovertext=hover[sub].to_numpy(),
                    hovertemplate="%{hovertext}<extra></extra>",
                    marker=dict(
                        color=PALETTE[i % len(PALETTE)],
                        size=11 if words_only else 8,
                        symbol="diamond-open" if words_only else "circle",
                        line=dict(width=2 if words_only else 0),
                        opacity=0.85,
                    ),
                )
            )
    numeric = points[~points["words_only"]]
    front = pareto_frontier(numeric["gain"].to_numpy(), numeric["y"].to_numpy())
    if front:
        fp = numeric.iloc[front]
        fig.add_trace(
            go.Scatter(
                x=fp["gain"].to_numpy(), y=fp["y"].to_numpy(), mode="lines", name="Pareto frontier",
                line=dict(color="black", width=1.5, dash="dash", shape="hv"), hoverinfo="skip",
            )
        )
    fig.add_hline(y=0, line=dict(color="grey", width=1))
    fig.update_layout(
        height=560,
        xaxis=dict(type="log", title=AXIS_LABELS.get(axis, axis)),
        yaxis=dict(title="quality change (points; below zero = drop)"),
        legend=dict(title=colour_by),
        dragmode="lasso",
        margin=dict(l=10, r=10, t=30, b=10),
    )
    return fig


def topic_map_figure(points: pd.DataFrame) -> go.Figure:
    """The 2-D topic map: one WebGL trace per topic, hover shows the title."""
    fig = go.Figure()
    if not points.empty:
        groups = _groups(points["topic_label"].fillna("unclustered").astype(str))
        for i, name in enumerate(sorted(groups.unique(), key=lambda g: (g == "other", g))):
            sub = points[groups == name]
            fig.add_trace(
                go.Scattergl(
                    x=sub["x"].to_numpy(), y=sub["y"].to_numpy(), mode="markers", name=_short(name, 40),
                    customdata=sub[["id"]].to_numpy(),
                    hovertext=sub["title"].map(lambda t: _short(t, 90)).to_numpy(),
                    hovertemplate="%{hovertext}<extra>" + _short(name, 30) + "</extra>",
                    marker=dict(color=PALETTE[i % len(PALETTE)], size=5, opacity=0.75),
                )
            )
    fig.update_layout(
        height=600, xaxis=dict(visible=False), yaxis=dict(visible=False),
        margin=dict(l=10, r=10, t=30, b=10), legend=dict(title="topic"),
    )
    return fig
