"""Trade-offs: one dot per trade-off point (an efficiency gain and the quality outcome of the same setting)."""
from __future__ import annotations

import streamlit as st

from ingest.queries import AXES
from ui import charts, filters, layout, like_with_like, plot, state, tables
from ui.components import paper_panel, selected_ids
from ui.page_params import keep_offered
from ui.plaintext import plain, plain_values


def _readable(frame, columns):
    """The columns a table shows, with titles and evidence as plain text (no raw LaTeX or markdown)."""
    out = frame[columns].copy()
    for c in ("title", "gain_text", "quality_text", "evidence"):
        if c in out:
            out[c] = plain_values(out[c])
    return out


def _selected(chosen):
    """The box- or lasso-selected papers' points as a table, and a picker that opens one of the papers."""
    st.markdown(f"**{len(chosen):,} selected points**")
    chosen = chosen.assign(marks=tables.marks(chosen))  # ✓ checked, ✎ corrected by a person
    cols = tables.SELECTED_POINTS
    tables.show(_readable(chosen, cols), cols, widths=tables.SELECTED_POINTS_WIDTHS, key="tradeoff_selected")
    titles = dict(zip(chosen["id"], chosen["title"].map(plain)))
    opened = st.selectbox("Open a selected paper (to read or correct it)", [None, *titles], key="tradeoff_open",
                          format_func=lambda i: "choose a paper ..." if i is None else titles[i])
    if opened:
        paper_panel(opened)


# The two lists under the plot are read and drawn only while their expander is open (on_change="rerun" makes the
# expander report it): closed, they cost ~0.3 s a run at 100,000 papers and a hidden table in the browser.
def _list_while_open(label, key, read, columns, total, more, table_key, widths=None):
    """An expander that reads its table (`read()`) and shows `columns` only while open; `more` says why fewer
    than `total` rows are listed."""
    box = st.expander(label, key=key, on_change="rerun")
    if not box.open:
        return
    with box:
        rows = read()
        if total > len(rows):
            st.caption(f"The first {len(rows):,} {more}; filter to list the others.")
        tables.show(_readable(rows, columns), widths=widths, key=table_key)


def _lonely_gains(f, axis, n_lonely):
    """The papers with a gain on `axis` but no quality figure for the same setting (not drawn)."""
    _list_while_open(f"{n_lonely:,} {'paper reports' if n_lonely == 1 else 'papers report'} a {axis} gain "
                     "without a quality figure for the same setting (not drawn)", "t_lonely_open",
                     lambda: state.query("gains_without_quality", f, axis, state.settings().table_rows),
                     ["title", "evidence"], n_lonely, "by title", "tradeoff_lonely")


def _other_unit_points(f, axis, metric, dataset, n_other):
    """The points whose quality change is in another unit (dB, perplexity, a factor): listed, not drawn."""
    _list_while_open(f"{n_other:,} {'point states' if n_other == 1 else 'points state'} the quality change in "
                     "another unit (dB, perplexity, a factor), not drawn on the points axis", "t_other_open",
                     lambda: state.query("tradeoff_other_units", f, axis, metric or None, dataset or None,
                                         state.settings().table_rows),
                     ["title", "gain", "gain_text", "quality_text"], n_other, "in a stable order",
                     "tradeoff_other_units", widths={"title": 300})  # its four columns in 818 px


# The plot and everything that follows its controls is one fragment: changing the axis, colour, frontier or
# like-with-like choice (or selecting dots) reruns only this part, not the sidebar and the By domain table, so
# the browser redraws the plot and its captions and nothing else. The sidebar does not run then, so the
# fragment mirrors the page's choices in the URL itself.
@st.fragment
def _plot_section(f) -> None:
    """The plot's controls, the plot, its selection and the lists of points it cannot draw."""
    c1, c2, c3 = st.columns([3, 2, 2])
    keep_offered(st.session_state, "t_axis", list(AXES))
    axis = c1.radio("Efficiency gain", list(AXES), horizontal=True, key="t_axis", persist_state="session")
    colour = c2.radio("Colour by", ["domain", "topic"], horizontal=True, key="t_colour", persist_state="session")
    frontier_all = c3.toggle("Frontier counts hollow dots", value=True, key="t_frontier_all", persist_state="session",
                             help="Hollow dots pair a gain and a quality change measured against different "
                                  "references; switch off to draw the frontier without them.")
    # Counts, drawn dots and listed rows come reduced from DuckDB (tradeoff_queries.py): at a million papers the
    # page never holds every point.
    metric, dataset, summary = like_with_like.choose(
        lambda m, d: state.query("tradeoff_summary", f, axis, m, d))
    like_with_like.say_left_out(summary, metric, dataset)
    n_drawn, papers, words = summary.points, summary.papers, summary.words_only
    st.caption(
        f"{n_drawn:,} {'point' if n_drawn == 1 else 'points'} from {papers:,} "
        f"{'paper' if papers == 1 else 'papers'}: each dot is a {axis} gain and the quality change the abstract "
        f"reports for the same setting; a paper with several settings has several dots, joined by a thin line. "
        f"{words:,} only say 'lossless' or 'negligible' and sit on the zero line as open diamonds. "
        + charts.frontier_caption(axis) + " Box- or lasso-select dots to list them."
    )
    if not n_drawn:
        st.info(f"None of the matching papers reports a {axis} gain together with the quality change of the same "
                "setting" + (f", measured as {metric}." if metric else "."))
    else:
        _plot(f, axis, colour, frontier_all, metric, dataset, n_drawn)
    n_lonely = state.query("count_gains_without_quality", f, axis)
    if n_lonely:
        _lonely_gains(f, axis, n_lonely)
    if summary.other_units:
        _other_unit_points(f, axis, metric, dataset, summary.other_units)
    filters.mirror_in_url(f)


def _plot(f, axis, colour, frontier_all, metric, dataset, n_drawn) -> None:
    """The plot (the frontier and a stable sample when there are too many dots), and the selected dots' table."""
    cap = state.settings().plot_points
    if n_drawn > cap:
        st.caption(f"Drawing the frontier and a stable sample of {cap:,} of the {n_drawn:,} points; "
                   "filter to see them all.")
    event = plot.show(state.tradeoff_figure(f, axis, colour, cap, frontier_all, metric, dataset),
                      key="tradeoff_chart", selectable=True)
    ids = selected_ids(event)
    if ids:
        _selected(state.query("tradeoff_selected", f, tuple(sorted(ids)), axis, metric or None, dataset or None))


st.title("Trade-offs")
f = layout.current_filters()
if layout.match_count(f):
    _plot_section(f)
    st.subheader("By domain")
    tables.show(state.query("domain_summary", f), key="domain_summary")
