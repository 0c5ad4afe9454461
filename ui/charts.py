"""Pure functions from query frames to plotly figures (no Streamlit, so tests inspect the traces).

Dots are SVG (`scatter`) up to SVG_MAX_POINTS and WebGL (`scattergl`) above (see dot_type); hover text is
HTML-escaped because plotly renders a subset of HTML in hover labels and titles are user text. Paper ids
travel in `customdata` so a box/lasso selection maps back to papers without relying on point order: a trace
with customdata is a trace of dots, every other one is a line or a legend entry.
"""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ingest.queries import AXIS_LABELS, pareto_frontier

from .context_line import context_lines
from .plaintext import plain_values

PALETTE = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
    "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354",
]
MAX_COLOUR_GROUPS = 17  # the rest share one "other" colour
# Up to this many dots a figure draws them as SVG: a WebGL trace first makes a WebGL context and compiles its
# shaders, ~0.1 s on a GPU and 2-5 s in a browser without one (software WebGL, as headless Chromium here),
# while a few thousand SVG dots draw in well under that. Above it, WebGL: SVG slows with every dot.
SVG_MAX_POINTS = 5_000


def dot_type(n_dots: int) -> str:
    """The trace type for a figure's dots: one type for all, since a single WebGL trace pays the context."""
    return "scatter" if n_dots <= SVG_MAX_POINTS else "scattergl"


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
    """At most `max_points` rows: every frontier point plus a stable sample of the rest.

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


def log_ticks(lo: float, hi: float) -> list[float]:
    """Tidy ticks for a log axis over [lo, hi]: 1, 2, 5, 10, 20, 50, ... (0.5, 0.2 below 1); thinned to 1, 10,
    100 ... when the range is wide, so labels never crowd."""
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo <= 0 or hi <= 0:
        return [1.0, 2.0, 5.0, 10.0]
    lo, hi = min(lo, hi), max(lo, hi)
    k0, k1 = int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi)))
    for steps in ((1, 2, 5), (1, 3), (1,)):
        ticks = [float(f"{m}e{k}") for k in range(k0, k1 + 1) for m in steps]
        ticks = [t for t in ticks if lo / 1.6 <= t <= hi * 1.6]
        if len(ticks) <= 10:
            return ticks
    return ticks[:: max(1, len(ticks) // 10)]


def _tick_text(v: float) -> str:
    return f"{v:g}x"


# How a dot looks says what its y is (legend entries in grey spell it out); hollow = different references.
KINDS = {
    "points": ("circle", "quality change in points"),
    "percent": ("triangle-up", "% change, not stated in points (relative or unstated): not converted"),
    "lossless": ("diamond", "'lossless' / 'negligible' in words, drawn at zero"),
    "negligible": ("diamond", None),
}
HOLLOW_NOTE = "hollow: gain and quality measured against different references"
AXIS_BETTER = {
    "speed": "faster", "memory": "leaner in memory", "compute": "cheaper in compute", "size": "smaller",
    "tokens": "leaner in tokens", "energy": "more frugal in energy", "cost": "cheaper",
}


def frontier_caption(axis: str) -> str:
    """What the frontier means, in this axis' own words."""
    return (f"The dashed line is the Pareto frontier: no dot is both {AXIS_BETTER.get(axis, 'more efficient')} "
            "and better in quality than a dot on it.")


def _hover(points: pd.DataFrame) -> pd.Series:
    differs = points["same_baseline"].astype("boolean").fillna(True).to_numpy() == False  # noqa: E712
    method = escaped(points["method"], 40)
    return (
        "<b>" + escaped(plain_values(points["title"]), 90) + "</b><br>" + escaped(context_lines(points), 200)
        + method.where(method == "", "<br>method: " + method)
        + "<br>gain: " + escaped(plain_values(points["gain_text"]), 120)
        + "<br>quality: " + escaped(plain_values(points["quality_text"]), 120)
        + pd.Series(np.where(differs, "<br><i>measured against different references</i>", ""), index=points.index)
    )


def _dot_style(kinds: np.ndarray, hollow: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per dot: its marker symbol (shape by what y is, see KINDS; open when hollow or words-only), size and
    outline width (open markers are drawn larger, with a 2 px outline, so they read as clearly as filled ones)."""
    shape = np.array([KINDS[k][0] for k in kinds], dtype=object)
    is_open = hollow | (kinds == "lossless")
    return shape + np.where(is_open, "-open", ""), np.where(is_open, 12, 9), np.where(is_open, 2, 0)


def dot_symbols(trace) -> list[str]:
    """The marker symbol of each dot of a trace, whether the trace gives one for all or one per dot."""
    symbol = trace["marker"]["symbol"]
    return [symbol] * len(trace["x"]) if isinstance(symbol, str) else list(symbol)


CORRECTED_NOTE = "corrected by a person (ring)"


def _corrected_ring(x: np.ndarray, y: np.ndarray, ids: np.ndarray, texts: np.ndarray, kind: str) -> dict:
    """A black ring around each dot of a paper people corrected: visible whatever the dot's colour and shape."""
    return dict(type=kind, x=x, y=y, mode="markers", name=CORRECTED_NOTE, customdata=ids.tolist(),
                hovertext=texts.tolist(), hovertemplate="%{hovertext}<br><i>corrected by a person</i><extra></extra>",
                marker=dict(symbol="circle-open", size=17, color="black", line=dict(width=2, color="black")))


def tradeoff_figure(
    points: pd.DataFrame, axis: str = "speed", colour_by: str = "domain", max_points: int | None = None,
    frontier_all: bool = True,
) -> go.Figure:
    """One dot per trade-off point: gain (log x) against quality change (y), marker by what y is (see KINDS),
    hollow when the two ends have different references; a paper's settings joined by a thin grey line; the
    dashed Pareto frontier over the dots (without the hollow ones when `frontier_all` is false).

    Rows whose y is NaN (a quality change in another unit) are not drawn. The frontier is computed from every
    drawable point; with `max_points`, only a stable sample (always including the frontier) is drawn.
    """
    layout = dict(
        height=640,
        xaxis=dict(type="log", title=dict(text=AXIS_LABELS.get(axis, axis))),
        yaxis=dict(title=dict(text="quality change (points; below zero = drop)"), zeroline=True,
                   zerolinecolor="grey", zerolinewidth=1),
        # Below the plot, so the long marker explanations do not squeeze it.
        legend=dict(title=dict(text=colour_by), orientation="h", yanchor="top", y=-0.14, x=0),
        showlegend=True,
        dragmode="lasso",
        margin=dict(l=10, r=10, t=30, b=10),
    )
    if not points.empty:
        points = points[points["y"].notna() & (points["gain"] > 0)]
    if points.empty:
        return go.Figure(layout=layout)
    full = points.reset_index(drop=True)
    differs = full["same_baseline"].astype("boolean").fillna(True).to_numpy() == False  # noqa: E712
    counted = np.flatnonzero(~differs) if not frontier_all else np.arange(len(full))
    front = [int(counted[i]) for i in pareto_frontier(full["gain"].to_numpy()[counted], full["y"].to_numpy()[counted])]
    points = drawn_points(full, max_points, front).reset_index(drop=True)
    ticks = log_ticks(float(points["gain"].min()), float(points["gain"].max()))
    layout["xaxis"].update(tickvals=ticks, ticktext=[_tick_text(t) for t in ticks])
    column = "domain" if colour_by == "domain" else "topic_label"
    groups = _groups(points[column].fillna("unknown").astype(str))
    kinds = points["y_kind"].where(points["y_kind"].isin(list(KINDS)), "points").replace({"negligible": "lossless"})
    hollow = points["same_baseline"].astype("boolean").fillna(True).to_numpy() == False  # noqa: E712
    ids, texts = points["id"].to_numpy(dtype=object), _hover(points).to_numpy(dtype=object)
    gain, y = points["gain"].to_numpy(), points["y"].to_numpy()
    symbols, sizes, widths = _dot_style(kinds.to_numpy(dtype=str), hollow)
    members = pd.Series(range(len(points))).groupby(groups.to_numpy()).indices
    kind_of_trace = dot_type(len(points))
    traces: list[dict] = []
    for i, name in enumerate(_legend_order(groups)):
        colour, label, idx = PALETTE[i % len(PALETTE)], _short(name, 40), members[name]
        # The group's legend entry is a plain filled dot whatever its dots look like; the marker shapes are
        # explained by the grey entries below.
        traces.append(dict(type="scatter", x=[None], y=[None], mode="markers", name=label, legendgroup=label,
                           hoverinfo="skip", marker=dict(color=colour, size=9, symbol="circle")))
        # One trace per colour, the shape per dot: plotly's cost grows with the number of traces (each one's
        # attributes are crawled, defaulted and drawn), ~3x the draw of 2,000 dots as 131 traces instead of 42.
        traces.append(
            dict(
                type=kind_of_trace, x=gain[idx], y=y[idx], mode="markers", name=label, legendgroup=label,
                showlegend=False, customdata=ids[idx].tolist(), hovertext=texts[idx].tolist(),
                hovertemplate="%{hovertext}<extra></extra>",
                marker=dict(color=colour, size=sizes[idx].tolist(), symbol=symbols[idx].tolist(), opacity=0.85,
                            line=dict(width=widths[idx].tolist(), color=colour)),
            )
        )
    # A paper's settings: one thin line through its dots, in gain order (None breaks the line between papers).
    lx: list = []
    ly: list = []
    several = points[points["id"].duplicated(keep=False)].sort_values(["id", "gain"], kind="stable")
    for _pid, rows in several.groupby("id", sort=False):  # only papers with two or more dots: a few
        lx += rows["gain"].tolist() + [None]
        ly += rows["y"].tolist() + [None]
    if lx:
        traces.insert(0, dict(type="scatter", x=lx, y=ly, mode="lines", name="one paper's settings",
                              line=dict(color="rgba(90,90,90,0.55)", width=1), hoverinfo="skip"))
    # Legend entries (no data) that say what each marker means.
    present = set(kinds) | ({"hollow"} if hollow.any() else set())
    for kind in ("points", "percent", "lossless"):
        if kind in present:
            traces.append(dict(type="scatter", x=[None], y=[None], mode="markers", name=KINDS[kind][1],
                               marker=dict(color="grey", size=9,
                                           symbol=KINDS[kind][0] + ("-open" if kind == "lossless" else "")),
                               hoverinfo="skip"))
    if "hollow" in present:
        traces.append(dict(type="scatter", x=[None], y=[None], mode="markers", name=HOLLOW_NOTE,
                           marker=dict(color="grey", size=9, symbol="circle-open", line=dict(width=2)),
                           hoverinfo="skip"))
    if "corrected" in points and (marked := points["corrected"].fillna(False).astype(bool).to_numpy()).any():
        traces.append(_corrected_ring(gain[marked], y[marked], ids[marked], texts[marked], kind_of_trace))
    # The frontier over every drawn kind, words-only ones at zero as drawn: 'lossless at 20x' is a claim
    # of no quality cost, so it can bound the trade-off as much as a measured +0.0.
    if front:
        fp = full.iloc[front]
        traces.append(
            dict(
                type="scatter", x=fp["gain"].to_numpy(), y=fp["y"].to_numpy(), mode="lines+markers",
                name="Pareto frontier" + ("" if frontier_all else " (same-reference dots only)"),
                line=dict(color="black", width=1.5, dash="dash", shape="vh"),
                marker=dict(color="black", size=4), hoverinfo="skip",
            )
        )
    # Built from plain dicts without validation: 3-4x faster than go.Scattergl for 20,000 points,
    # and every key here is a documented plotly attribute (tests check the figure round-trips).
    return go.Figure(data=traces, layout=layout, _validate=False)


def topic_map_figure(points: pd.DataFrame) -> go.Figure:
    """The 2-D topic map: one trace per topic (SVG or WebGL by dot_type), hover shows the (escaped) title."""
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
    kind = dot_type(len(points))
    traces = []
    for i, name in enumerate(_legend_order(groups)):
        idx = members[name]
        # No customdata: the map has no selection, and every string here is copied twice per rerun.
        traces.append(
            dict(
                type=kind, x=x[idx], y=y[idx], mode="markers", name=_short(name, 40),
                hovertext=texts[idx].tolist(), hovertemplate="%{hovertext}<extra>" + _short(name, 30) + "</extra>",
                marker=dict(color=PALETTE[i % len(PALETTE)], size=5, opacity=0.75),
            )
        )
    return go.Figure(data=traces, layout=layout, _validate=False)
