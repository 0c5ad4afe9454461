"""The numbers that matter are on screen without scrolling, in Chromium at 1280x900 with the sidebar open.

Streamlit's grid draws on a canvas, but it keeps an accessible table beside it with a header cell for each
column it draws, and it draws only the columns that reach into its visible width. So a table's key columns
are whole on screen when each of them has a header cell and so does the column after the last of them (it
starts where that one ends), or, when the key columns are the whole table, nothing is left to scroll to.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ui import leaderboard, tables
from tests.e2e.test_browser import lasso_all, no_error, page, server, settle  # noqa: F401 - fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.slow,
              pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian chromium")]

PAPERS = ["title", "best_speedup", "quality_change", "marks", "method"]  # views/papers.py's first columns
TOPICS = ["label", "size", "matching", "keywords"]  # views/topics.py's topic list, every column

DRAWN = """(first) => {
  const grid = Array.from(document.querySelectorAll('[data-testid="stDataFrame"]')).find(g =>
    Array.from(g.querySelectorAll('[role="columnheader"]')).some(h => h.innerText.trim() === first));
  if (!grid) return null;
  const scroller = grid.querySelector('.dvn-scroller');
  return {headers: Array.from(grid.querySelectorAll('[role="columnheader"]')).map(h => h.innerText.trim()).filter(Boolean),
          right: grid.getBoundingClientRect().right, client: scroller.clientWidth, scroll: scroller.scrollWidth};
}"""


def drawn(page, first_label: str) -> dict:
    """The header cells Chromium's grid draws for the table whose first column is `first_label`, with its widths."""
    page.wait_for_function(f"() => ({DRAWN})({first_label!r}) !== null", timeout=60_000)
    page.wait_for_timeout(500)  # the grid measures its columns once it is on screen
    return page.evaluate(DRAWN, first_label)


def assert_whole_on_screen(page, columns: list[str], key: list[str]) -> None:
    """The `key` columns (the first of `columns`, in order) are drawn whole inside the window."""
    labels = [tables.label(c) for c in columns]
    grid = drawn(page, labels[0])
    assert grid["right"] <= 1280, grid
    missing = [tables.label(c) for c in key if tables.label(c) not in grid["headers"]]
    assert not missing, f"off screen at 1280 px: {missing} (drawn: {grid['headers']})"
    if len(key) < len(labels):
        assert labels[len(key)] in grid["headers"], f"{labels[len(key) - 1]!r} is cut off: {grid}"
    else:
        assert grid["scroll"] <= grid["client"], f"the table scrolls sideways: {grid}"


def test_key_columns_fit_at_1280_px(server, page):
    page.goto(server + "/")
    settle(page, re.compile(r"papers \(no filter\)"))
    assert_whole_on_screen(page, PAPERS, PAPERS[:4])

    page.goto(server + "/leaderboard")
    settle(page, re.compile(r"reports? a quality change in"))
    no_error(page)
    assert_whole_on_screen(page, leaderboard.SHOWN, leaderboard.AT_A_GLANCE)

    page.goto(server + "/topics")
    settle(page, "Search papers")
    assert_whole_on_screen(page, TOPICS, TOPICS)

    page.goto(server + "/tradeoffs")
    settle(page, "By domain")
    lasso_all(page)
    settle(page, re.compile(r"\d+ selected points"))
    no_error(page)
    assert_whole_on_screen(page, tables.SELECTED_POINTS, tables.SELECTED_POINTS_AT_A_GLANCE)
