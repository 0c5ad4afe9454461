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


def escaped(values: pd.Series, n: int) -> pd.Series:
    """Vectorised _short: cut to n characters, then escape &, <, > (100,000 titles in ~20 ms)."""
    s = values.astype("string").fillna("")
    cut = s.str.slice(0, n - 1) + "…"
    s = s.where(s.str.len() <= n, cut)
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        s = s.str.replace(raw, entity, regex=False)
    return s


def _groups(values: pd.Series) -> pd.Series:
    """Keep the most common groups, fold the rest into 'other' so the legend stays readable."""
    top = values.value_counts().index[:MAX_COLOUR_GROUPS]
    return values.where(values.isin(top), "other")


def _legend_order(groups: pd.Series) -> list[str]:
    """Group names alphabetically, 'other' last."""
    return sorted(groups.unique(), key=lambda g: (g == "other", g))


def drawn_points(points: pd.DataFrame, max_points: int | None, frontier: list[int] | None = None) -> pd.DataFrame:
    """At most `max_points` rows: every frontier paper plus a stable sample of the rest.

    The sample is the first rows in id order: ids are sha256 prefixes, so that order is already a
    stable pseudo-random one (the same papers on every rerun, no clustering by date or source).
    """
    if max_points is None or len(points) <= max_points:
        return points
    if frontier is None:
        frontier = pareto_frontier(points["gain"].to_numpy(), points["y"].to_numpy())
    keep = np.zeros(len(points), dtype=bool)
    keep[frontier] = True
    by_id = np.argsort(points["id"].to_numpy(dtype=str), kind="stable")
    rest = by_id[~keep[by_id]][: max(max_points - int(keep.sum()), 0)]
    keep[rest] = True
    return points[keep]


def tradeoff_figure(
    points: pd.DataFrame, axis: str = "speed", colour_by: str = "domain", max_points: int | None = None
) -> go.Figure:
    """Gain (log x) against quality change (y); words-only papers as open diamonds at y=0; frontier line.

    The frontier is computed from every point; with `max_points`, only a stable sample (always
    including the frontier papers) is drawn, so the browser is not sent megabytes of hover text.
    """
    layout = dict(
        height=560,
        xaxis=dict(type="log", title=dict(text=AXIS_LABELS.get(axis, axis))),
        yaxis=dict(title=dict(text="quality change (points; below zero = drop)"), zeroline=True,
                   zerolinecolor="grey", zerolinewidth=1),
        legend=dict(title=dict(text=colour_by)),
        showlegend=True,
        dragmode="lasso",
        margin=dict(l=10, r=10, t=30, b=10),
    )
    if points.empty:
        return go.Figure(layout=layout)
    column = "domain" if colour_by == "domain" else "topic_label"
    full = points.reset_index(drop=True)
    front = pareto_frontier(full["gain"].to_numpy(), full["y"].to_numpy())
    points = drawn_points(full, max_points, front).reset_index(drop=True)
    groups = _groups(points[column].fillna("unknown").astype(str))
    hover = (
        "<b>" + escaped(points["title"], 90) + "</b><br>method: " + escaped(points["method"], 40)
        + "<br>" + escaped(points["evidence"], 160)
    )
    ids, texts = points["id"].to_numpy(dtype=object), hover.to_numpy(dtype=object)
    gain, y = points["gain"].to_numpy(), points["y"].to_numpy()
    members = pd.Series(range(len(points))).groupby([groups.to_numpy(), points["words_only"].to_numpy()]).indices
    traces: list[dict] = []
    for i, name in enumerate(_legend_order(groups)):
        for words_only in (False, True):
            idx = members.get((name, words_only))
            if idx is None:
                continue
            traces.append(
                dict(
                    type="scattergl",
                    x=gain[idx],
                    y=y[idx],
                    mode="markers",
                    name=_short(name, 40) + (" (lossless / negligible, words only)" if words_only else ""),
                    legendgroup=_short(name, 40),
                    customdata=ids[idx].tolist(),
                    hovertext=texts[idx].tolist(),
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
    # The frontier over every paper, words-only ones at zero as drawn: 'lossless at 20x' is a claim
    # of no quality cost, so it can bound the trade-off as much as a measured +0.0.
    if front:
        fp = full.iloc[front]
        traces.append(
            dict(
                type="scatter", x=fp["gain"].to_numpy(), y=fp["y"].to_numpy(), mode="lines+markers",
                name="Pareto frontier", line=dict(color="black", width=1.5, dash="dash", shape="vh"),
                marker=dict(color="black", size=4), hoverinfo="skip",
            )
        )
    # Built from plain dicts without validation: 3-4x faster than go.Scattergl for 20,000 points,
    # and every key here is a documented plotly attribute (tests check the figure round-trips).
    return go.Figure(data=traces, layout=layout, _validate=False)


def topic_map_figure(points: pd.DataFrame) -> go.Figure:
    """The 2-D topic map: one WebGL trace per topic, hover shows the (escaped) title."""
    layout = dict(
        height=600, xaxis=dict(visible=False), yaxis=dict(visible=False),
        margin=dict(l=10, r=10, t=30, b=10), legend=dict(title=dict(text="topic")), showlegend=True,
    )
    if points.empty:
        return go.Figure(layout=layout)
    points = points.reset_index(drop=True)
    groups = _groups(points["topic_label"].fillna("unclustered").astype(str))
    texts = escaped(points["title"], 90).to_numpy(dtype=object)
    x, y = points["x"].to_numpy(), points["y"].to_numpy()
    members = pd.Series(range(len(points))).groupby(groups.to_numpy()).indices
    traces = []
    for i, name in enumerate(_legend_order(groups)):
        idx = members[name]
        # No customdata: the map has no selection, and every string here is copied twice per rerun.
        traces.append(
            dict(
                type="scattergl", x=x[idx], y=y[idx], mode="markers", name=_short(name, 40),
                hovertext=texts[idx].tolist(), hovertemplate="%{hovertext}<extra>" + _short(name, 30) + "</extra>",
                marker=dict(color=PALETTE[i % len(PALETTE)], size=5, opacity=0.75),
            )
        )
    return go.Figure(data=traces, layout=layout, _validate=False)
