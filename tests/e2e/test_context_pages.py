"""Compare like with like in a real browser: context facets, the like-with-like plot and the leaderboard.

The app serves a private copy of the sample database (data/samples through the real pipeline). What the
pages should show is read from that file before the server opens it (stored points and facets), so every
assertion compares the browser's figure, URL and downloads with the store. Saves the like-with-like plot and
the leaderboard into docs/screenshots/ for the README.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from ingest import context_queries, facets, store
from ingest import queries as Q
from ui import leaderboard, tables
from tests.e2e.test_browser import no_error, page, paper_count, server, settle, shot  # noqa: F401 - fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.slow,
              pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian chromium")]


@pytest.fixture
def stored(sample_db_path: Path) -> dict:
    """What the store says, read before the server holds the file: facet counts, points, the leaderboard."""
    con = store.connect(sample_db_path, read_only=True)
    try:
        points = con.execute("SELECT paper_id, axis, x, y, quality_metric FROM point_facts "
                             "WHERE y IS NOT NULL AND x > 0").df()
        choices = context_queries.leaderboard_choices(con, Q.Filters())
        top = choices.iloc[0]
        return {
            "metric_counts": facets.facet_counts(con, Q.Filters())["metric"],
            "points": points,
            "pair": (top["dataset"], top["metric"]),
            "leaderboard": context_queries.leaderboard(con, Q.Filters(), top["dataset"], top["metric"]),
        }
    finally:
        con.close()


def plotted(page) -> list[dict]:
    """The traces of the page's plotly figure as the browser draws them (plotly's decoded `_fullData`)."""
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    return page.evaluate(
        "() => document.querySelector('.js-plotly-plot')._fullData.map(t => ({name: t.name, type: t.type,"
        " x: Array.from(t.x || []), y: Array.from(t.y || []), ids: Array.from(t.customdata || [])}))"
    )


def first_dot(page) -> tuple[float, float]:
    """Where the first dot is on the screen (plotly's own axis mapping, log axis included)."""
    return tuple(page.evaluate(
        "() => { const gd = document.querySelector('.js-plotly-plot'); const r = gd.getBoundingClientRect();"
        " const t = gd._fullData.find(t => t.customdata && t.customdata.length); const xa = gd._fullLayout.xaxis,"
        " ya = gd._fullLayout.yaxis; return [r.left + xa._offset + xa.d2p(t.x[0]), r.top + ya._offset + ya.d2p(t.y[0])]; }"
    ))


def url_has(page, key: str) -> None:
    """Wait until the address bar carries `key` (Streamlit rewrites it in place, with no navigation event)."""
    page.wait_for_function("k => new URLSearchParams(location.search).has(k)", arg=key, polling=200)


def pick(page, label: str, option: str) -> None:
    """Choose `option` in the Streamlit selectbox or multiselect labelled `label`. A rerun that lands while the
    list is open (the app's start-up work finishing) redraws the widget and closes the list, so the list is
    opened again, up to three times, until the option can be clicked."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    widget = page.locator('[data-testid="stSelectbox"], [data-testid="stMultiSelect"]').filter(
        has=page.get_by_text(label, exact=True))
    choice = page.get_by_role("option", name=option, **({"exact": True} if isinstance(option, str) else {}))
    for attempt in range(3):
        widget.first.click()  # opens the list (the input alone does not)
        try:
            choice.click(timeout=15_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.screenshot(path=f"/tmp/pick-retry-{attempt}.png")  # what the list showed, for a failure report
            page.keyboard.press("Escape")
            page.wait_for_timeout(1_000)
    page.keyboard.press("Escape")  # closes a multiselect's list, so its choice is sent even on a slow rerun


def test_facets_change_counts_and_url(stored, server, page):
    metric, papers = next(iter(stored["metric_counts"].items()))  # the most used metric
    page.goto(server + "/")
    settle(page, re.compile(r"papers \(no filter\)"))
    total = paper_count(page)
    page.get_by_text("Compared on: metric, dataset, baseline, hardware, model").click()
    pick(page, "Metric", f"{metric} ({papers:,})")
    url_has(page, "metric")
    settle(page, re.compile(r"of [\d,]+ papers match"))
    no_error(page)
    assert paper_count(page) == papers < total
    page.goto(server + "/tradeoffs?metric=" + metric)  # a shared link opens the same facet
    settle(page, "By domain")
    assert paper_count(page) == papers


def test_like_with_like_plot_draws_only_the_chosen_metric_and_its_frontier(stored, server, page):
    on = stored["points"][stored["points"]["quality_metric"].notna()]
    axis, metric = on.groupby(["axis", "quality_metric"]).size().sort_values(ascending=False).index[0]
    page.goto(server + f"/tradeoffs?axis={axis}")
    settle(page, "By domain")
    pick(page, "Compare like with like: quality measured as", re.compile(re.escape(metric) + r" \(\d+ points?\)"))
    url_has(page, "qmetric")
    settle(page, "left out")
    no_error(page)
    want = on[(on["axis"] == axis) & (on["quality_metric"] == metric)].reset_index(drop=True)
    traces = plotted(page)
    dots = {(pid, round(x, 4), round(y, 4)) for t in traces if t["ids"]
            for pid, x, y in zip(t["ids"], t["x"], t["y"])}
    assert dots == {(r.paper_id, round(r.x, 4), round(r.y, 4)) for r in want.itertuples()}
    front = next(t for t in traces if (t["name"] or "").startswith("Pareto frontier"))
    corners = sorted((round(x, 4), round(y, 4)) for x, y in zip(front["x"], front["y"]))
    frontier = Q.pareto_frontier(want["x"].to_numpy(), want["y"].to_numpy())
    assert corners == sorted((round(want["x"][i], 4), round(want["y"][i], 4)) for i in frontier)
    others = len(stored["points"][stored["points"]["axis"] == axis]) - len(want)
    assert page.get_by_text(re.compile(rf"^{others} points? left out, not {re.escape(metric)}")).count() == 1
    page.set_viewport_size({"width": 1280, "height": 1400})  # the choice, the caption and the plot in one picture
    page.wait_for_timeout(1000)
    page.mouse.move(*first_dot(page))  # its hover: the point's context in one line
    page.locator(".hoverlayer .hovertext").first.wait_for()
    shot(page, "tradeoffs-like-with-like")


def test_leaderboard_exports_what_it_shows(stored, server, page):
    dataset, metric = stored["pair"]
    page.goto(server + "/leaderboard")
    settle(page, re.compile(r"reports? a quality change in"))
    no_error(page)
    assert page.get_by_text(re.compile(rf"settings? from \d+ papers? reports? a quality change in {re.escape(metric)} "
                                       rf"on {re.escape(dataset)}")).count() == 1
    grid = page.locator('[data-testid="stDataFrame"] [role="grid"]').first
    shown_rows = int(grid.get_attribute("aria-rowcount")) - 1  # minus the header row
    shot(page, "leaderboard")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download this table (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    expected = leaderboard.shown(stored["leaderboard"])  # the page's default order
    assert len(rows) == shown_rows == len(expected)
    assert list(rows[0]) == [tables.label(c) for c in leaderboard.SHOWN]
    for column in ("gain", "y"):  # a quality change in another unit has no number: blank on screen and in the file
        assert [round(float(r[tables.label(column)]), 6) if r[tables.label(column)] else None for r in rows] == \
            [None if pd.isna(v) else round(float(v), 6) for v in expected[column]]
    for column in ("axis", "baseline", "hardware", "model", "quality_text"):
        assert [r[tables.label(column)] for r in rows] == [v if isinstance(v, str) else "" for v in expected[column]]
    assert "None" not in {v for r in rows for v in r.values()}
