"""Draw a plotly figure with plotly.js' basic bundle (scatter, bar, pie; 1.2 MB) instead of Streamlit's plotly element.

Why: st.plotly_chart loads Streamlit's 4.7 MB plotly chunk (react-plotly and every plotly.js trace) in each tab,
and evaluating it takes one main-thread task of 1.7-4.9 s on this machine; the page's first commit waits for
it, so opening /tradeoffs by link took ~3 s. This module mounts a custom component (st.components.v2: inline
JavaScript in the page itself, no iframe) that loads `static/plotly-basic-<version>.min.js` (served by
Streamlit's static file serving, `.streamlit/config.toml`) once per tab with a <script> tag and draws with
Plotly.react. The figures are still built by the plotly Python package (ui/charts.py).

A box or lasso selection comes back as the component's state, shaped like st.plotly_chart's selection event
(`.selection.points[i]["customdata"]`), tagged with the figure it was made on so a selection of an older
figure (another axis, other filters) is not read against the new one.

A figure with a trace type the basic bundle lacks (scattergl: more than charts.SVG_MAX_POINTS dots, the topic
map at scale) goes to st.plotly_chart as before.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

PLOTLY_JS_VERSION = "4.1.1"
BUNDLE = f"plotly-basic-{PLOTLY_JS_VERSION}.min.js"
BUNDLE_PATH = Path(__file__).resolve().parent.parent / "static" / BUNDLE
BASIC_TRACES = frozenset({"scatter", "bar", "pie"})  # what plotly.js-basic-dist-min registers (its README)

# The component's JavaScript: called by Streamlit on every render of the element (each rerun); it keeps one
# plot <div> per element and redraws only when the figure's bytes changed, so a rerun caused by a selection
# leaves the drawn selection in place.
_JS = """
const BUNDLE = "BUNDLE_NAME";

// Loads the bundle once per tab (a <script> tag: the file is a UMD bundle that sets window.Plotly).
function loadPlotly() {
  if (window.__atlasPlotly) return window.__atlasPlotly;
  window.__atlasPlotly = new Promise((resolve, reject) => {
    // Streamlit's entry script is BASE/static/js/index.*.js, the app's static files BASE/app/static/.
    const entry = document.querySelector('script[type="module"][src*="/static/js/index."]');
    const tag = document.createElement("script");
    tag.src = new URL("../../app/static/" + BUNDLE, entry ? entry.src : location.href).href;
    tag.onload = () => resolve(window.Plotly);
    tag.onerror = () => { window.__atlasPlotly = null; reject(new Error("plotly.js did not load: " + tag.src)); };
    document.head.appendChild(tag);
  });
  return window.__atlasPlotly;
}

function themed(layout, style) {
  // Streamlit's look (`style`: the host's computed style): its font and text colour, transparent backgrounds,
  // faint grid lines.
  const text = style.color || "#31333f";
  const grid = text.replace(/^rgb\\((.*)\\)$/, "rgba($1, 0.12)");
  const muted = text.replace(/^rgb\\((.*)\\)$/, "rgba($1, 0.6)");
  const axis = (a) => Object.assign({gridcolor: grid, linecolor: grid, zerolinecolor: grid, automargin: true,
                                     tickfont: {color: muted}}, a || {});
  return Object.assign({}, layout, {
    font: Object.assign({family: style.fontFamily, color: text}, layout.font || {}),
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", autosize: true,
    xaxis: axis(layout.xaxis), yaxis: axis(layout.yaxis),
    modebar: {bgcolor: "rgba(0,0,0,0)", color: muted, activecolor: text},
    hoverlabel: Object.assign({align: "left"}, layout.hoverlabel || {}),
  });
}

// Margins the figure ended up with, by what decides them (its width and margin_shape()). Plotly draws a
// figure, then grows the margins to fit the tick labels, axis titles and legend (automargin) and draws it all
// again: about half of a draw's time. Starting from the margins a figure of the same shape got before makes
// the second pass a no-op; the margins still grow if this figure needs more.
const MARGINS_KEPT = 64;

function marginKey(spec, width) {
  return JSON.stringify([width, spec.shape]);  // spec.shape: margin_shape() of ui/plot.py
}

// The memo lives in localStorage too, so a new tab of the app (a link opened) starts from it as well.
function marginMemo() {
  if (!window.__atlasMargins) {
    let stored = [];
    try { stored = JSON.parse(localStorage.getItem("atlas-margins") || "[]"); } catch (e) { stored = []; }
    window.__atlasMargins = new Map(Array.isArray(stored) ? stored : []);
  }
  return window.__atlasMargins;
}

function keptMargins(key) {
  return marginMemo().get(key);
}

function keepMargins(key, size) {
  const kept = marginMemo();
  const margins = {l: size.l, r: size.r, t: size.t, b: size.b};
  const old = kept.get(key);
  if (old && ["l", "r", "t", "b"].every((side) => old[side] === margins[side])) return;
  kept.delete(key);
  kept.set(key, margins);
  if (kept.size > MARGINS_KEPT) kept.delete(kept.keys().next().value);  // the oldest
  try { localStorage.setItem("atlas-margins", JSON.stringify(Array.from(kept.entries()))); } catch (e) { /* full or off */ }
}

function selection(event, figureId) {
  const points = ((event && event.points) || []).map((p) => ({
    curve_number: p.curveNumber, point_number: p.pointNumber, point_index: p.pointIndex,
    x: p.x, y: p.y, customdata: p.customdata === undefined ? null : p.customdata,
  }));
  const range = event && event.range ? [event.range] : [];
  const lasso = event && event.lassoPoints ? [event.lassoPoints] : [];
  return {figure: figureId, points: points, box: range, lasso: lasso};
}

function listen(plot, Plotly) {
  if (plot.__atlasListening) return;
  plot.__atlasListening = true;
  // Follow the column's width (the sidebar opening or closing does not resize the window); the first
  // report comes at once and changes nothing, so it is skipped.
  let widthSeen = plot.clientWidth;
  new ResizeObserver(() => {
    if (plot.clientWidth !== widthSeen && plot.clientWidth > 0) { widthSeen = plot.clientWidth; Plotly.Plots.resize(plot); }
  }).observe(plot);
  plot.on("plotly_selected", (event) => {
    plot.__atlasSelected = true;
    if (plot.__atlasSelectable) plot.__atlasSend("selection", selection(event, plot.__atlasFigureId));
  });
  plot.on("plotly_deselect", () => {
    plot.__atlasSelected = false;
    if (plot.__atlasSelectable) plot.__atlasSend("selection", selection(null, plot.__atlasFigureId));
  });
}

// Plots that left the page (another page opened), drawn and without a selection, kept for a return to the same
// figure: put back as they are instead of drawn again. At most PLOTS_KEPT; the oldest beyond it is freed, so
// plotly's window listeners do not outlive it. One with a selection is freed at once: back on its page the
// selection is gone (Streamlit forgets a widget's state when its page is left), so its drawing would lie.
const PLOTS_KEPT = 2;

function keepOrFree(plot) {
  if (plot.isConnected || !window.Plotly) return;
  const kept = window.__atlasKeptPlots || (window.__atlasKeptPlots = []);
  if (kept.includes(plot)) return;
  if (plot.__atlasSelected || !plot._fullLayout) { window.Plotly.purge(plot); return; }
  kept.push(plot);
  while (kept.length > PLOTS_KEPT) window.Plotly.purge(kept.shift());
}

function takeKept(text, colour) {
  const kept = window.__atlasKeptPlots || [];
  const i = kept.findIndex((p) => p.__atlasText === text && p.__atlasColour === colour);
  return i < 0 ? null : kept.splice(i, 1)[0];
}

// The hover texts come as line numbers into one table of distinct lines (interned_hover in ui/plot.py).
function withHoverTexts(figure) {
  const lines = figure.hoverlines || [];
  for (const trace of figure.data || []) {
    if (!trace.hoverlines) continue;
    trace.hovertext = trace.hoverlines.map((ids) => ids.map((i) => lines[i]).join("<br>"));
    delete trace.hoverlines;
  }
  return figure;
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  const text = new TextDecoder().decode(data);
  const style = getComputedStyle(parentElement);  // one live view of the host's style, read where needed
  let plot = parentElement.querySelector(".atlas-plot");
  if (!plot) {
    plot = takeKept(text, style.color);
    if (!plot) {
      plot = document.createElement("div");
      plot.className = "atlas-plot";
    }
    parentElement.appendChild(plot);
  }
  plot.__atlasSend = setStateValue;
  // Called before the next render and when the element goes (another page): only then is the plot kept or freed.
  const cleanup = () => setTimeout(() => keepOrFree(plot), 0);
  if (plot.__atlasText === text) return cleanup;  // same figure: keep the drawing and its selection
  plot.__atlasText = text;
  const spec = JSON.parse(text);
  withHoverTexts(spec.figure);
  loadPlotly().then((Plotly) => {
    if (plot.__atlasText !== text) return;  // a newer figure arrived while the bundle loaded
    plot.__atlasFigureId = spec.id;
    plot.__atlasSelectable = spec.selectable;
    plot.__atlasSelected = false;
    plot.__atlasColour = style.color;
    const layout = themed(spec.figure.layout || {}, style);
    delete layout.template;  // plotly.py's default look; Streamlit's is set by themed()
    const key = marginKey(spec, plot.clientWidth);
    const margins = keptMargins(key);
    if (margins) layout.margin = Object.assign({}, layout.margin, margins);
    return Plotly.react(plot, spec.figure.data || [], layout, spec.config).then(() => {
      keepMargins(key, plot._fullLayout._size);
      listen(plot, Plotly);
    });
  }).catch((error) => {
    plot.textContent = String(error);
  });
  return cleanup;
}
"""

_CSS = ".atlas-plot { width: 100%; }"


def _without_comments(js: str) -> str:
    """The component's JavaScript as sent to each tab: its whole-line comments (for readers of this file) left out."""
    return "\n".join(line for line in js.splitlines() if not line.lstrip().startswith("//"))


_component = st.components.v2.component(
    "atlas_plot", js=_without_comments(_JS.replace("BUNDLE_NAME", BUNDLE)), css=_CSS, isolate_styles=False,
)


@dataclass(frozen=True)
class Selection:
    """The points of a box or lasso selection, as st.plotly_chart's event has them (ui.components.selected_ids)."""

    points: list[dict] = field(default_factory=list)
    box: list = field(default_factory=list)
    lasso: list = field(default_factory=list)


@dataclass(frozen=True)
class PlotEvent:
    selection: Selection


@dataclass(frozen=True)
class Payload:
    """A figure as the component receives it: its JSON (figure, config, selectable, id) and that id."""

    body: bytes
    figure_id: str


def basic_bundle_draws(fig: go.Figure) -> bool:
    """Whether every trace of the figure is of a type the basic bundle has (the default type is scatter)."""
    return all((trace.type or "scatter") in BASIC_TRACES for trace in fig.data)


def margin_shape(fig: go.Figure) -> str:
    """What decides the margins plotly grows the figure to (legend entries, axis titles and ticks, height, the
    widest y tick label): figures of one shape end with the same margins, so the browser starts a figure from
    the margins the last one of its shape got and skips plotly's second drawing pass (see _JS)."""
    layout = fig.layout
    ys = [np.asarray(t.y, dtype=float) for t in fig.data if getattr(t, "y", None) is not None and len(t.y)]
    ys = np.concatenate(ys) if ys else np.array([])
    ys = ys[np.isfinite(ys)]
    digits = [bool(ys.min() < 0), len(str(int(abs(ys.min())))), len(str(int(abs(ys.max()))))] if ys.size else []
    legend = [t.name for t in fig.data if t.showlegend is not False and t.name]
    parts = [layout.height, layout.showlegend, legend, layout.xaxis.title.text, layout.yaxis.title.text,
             layout.xaxis.ticktext, layout.yaxis.type, digits]
    return hashlib.sha1(json.dumps(parts, default=list).encode()).hexdigest()[:16]


HOVER_BREAK = "<br>"


def interned_hover(figure: dict) -> dict:
    """Each trace's hover texts as lists of line numbers into one table of distinct lines (`hoverlines`).

    The dots' hover lines repeat (method, gain, quality; a paper's title and context on each of its dots), so
    the table is sent once: the 100,000-paper /tradeoffs figure's JSON 664 -> 383 kB (README). The browser joins them
    back (withHoverTexts in the component's JavaScript; expanded_hover here), so a hover shows the same text."""
    lines: dict[str, int] = {}
    for trace in figure.get("data", []):
        texts = trace.get("hovertext")
        if isinstance(texts, list) and all(isinstance(t, str) for t in texts):
            del trace["hovertext"]
            trace["hoverlines"] = [[lines.setdefault(line, len(lines)) for line in t.split(HOVER_BREAK)] for t in texts]
    if lines:
        figure["hoverlines"] = list(lines)
    return figure


def expanded_hover(figure: dict) -> dict:
    """interned_hover undone, as the component's JavaScript does before drawing (for tests and readers)."""
    table = figure.pop("hoverlines", [])
    for trace in figure.get("data", []):
        if "hoverlines" in trace:
            trace["hovertext"] = [HOVER_BREAK.join(table[i] for i in ids) for ids in trace.pop("hoverlines")]
    return figure


def payload(fig: go.Figure, config: dict, selectable: bool) -> Payload:
    """The bytes sent to the browser: plotly's own JSON (base64 typed arrays, as st.plotly_chart sends).

    The id is a hash of the figure and options, so the same figure gives the same bytes and the browser
    skips the redraw."""
    figure = json.dumps(interned_hover(json.loads(fig.to_json(validate=False, pretty=False, remove_uids=False))),
                        separators=(",", ":"), ensure_ascii=False)
    figure_id = hashlib.sha1(f"{figure}{sorted(config.items())}{selectable}".encode()).hexdigest()[:16]
    body = ('{"id": "%s", "selectable": %s, "shape": "%s", "config": %s, "figure": %s}' % (
        figure_id, "true" if selectable else "false", margin_shape(fig), json.dumps(config, separators=(",", ":")),
        figure)).encode()
    return Payload(body, figure_id)


def event_for(state: object, figure_id: str) -> PlotEvent:
    """The selection event of the figure shown now: a selection made on an earlier figure counts as none."""
    chosen = state if isinstance(state, dict) and state.get("figure") == figure_id else {}
    return PlotEvent(Selection(list(chosen.get("points") or []), list(chosen.get("box") or []),
                               list(chosen.get("lasso") or [])))


def _ignore() -> None:
    """The selection's change callback: the rerun itself is the reaction (Streamlit needs one per state key)."""


def show(fig: go.Figure, key: str, config: dict | None = None, selectable: bool = False) -> PlotEvent | None:
    """Draw `fig` with the basic plotly.js bundle; with `selectable`, return the box/lasso selection event.

    Falls back to st.plotly_chart (Streamlit's full plotly.js) for a figure the basic bundle cannot draw."""
    config = {"displaylogo": False, "showSendToCloud": False, "responsive": True, **(config or {})}
    if not basic_bundle_draws(fig):
        if selectable:
            return st.plotly_chart(fig, on_select="rerun", selection_mode=("box", "lasso"), key=key, config=config)
        st.plotly_chart(fig, key=key, config=config, width="stretch")
        return None
    body = _payload_cached(fig, tuple(sorted(config.items())), selectable)
    result = _component(key=key, data=body.body, on_selection_change=_ignore)
    return event_for(getattr(result, "selection", None), body.figure_id) if selectable else None


def _payload_cached(fig: go.Figure, config: tuple, selectable: bool) -> Payload:
    """payload() once per figure object: the cached figures of ui/state.py are shared, unchanged objects, so
    their JSON is kept beside them instead of being serialised again on every rerun."""
    cache = fig.__dict__.setdefault("_atlas_payloads", {})
    if (config, selectable) not in cache:
        cache[(config, selectable)] = payload(fig, dict(config), selectable)
    return cache[(config, selectable)]
