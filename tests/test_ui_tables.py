"""The key columns of the wide tables fit the main column at 1280 px by their configured widths.

A cheap guard beside tests/e2e/test_table_widths.py (which looks in Chromium): a width change in
ui/tables.py that would push the leaderboard's model or the selected points' baseline off screen fails here.
"""
from __future__ import annotations

import pytest

from ui import leaderboard, tables


@pytest.mark.parametrize("key, widths", [
    (leaderboard.AT_A_GLANCE, leaderboard.WIDTHS),
    (tables.SELECTED_POINTS_AT_A_GLANCE, tables.SELECTED_POINTS_WIDTHS),
])
def test_key_columns_fit_1280_px(key, widths):
    sizes = {c: tables.pixel_width(c, widths) for c in key}
    assert None not in sizes.values(), f"a key column sized by its content may grow off screen: {sizes}"
    assert sum(sizes.values()) <= tables.MAIN_WIDTH_1280, sizes


def test_topic_list_fits_beside_its_row_markers():
    widths = [tables.pixel_width(c) for c in ("label", "size", "matching", "keywords")]
    assert tables.ROW_MARKERS + sum(widths) <= tables.MAIN_WIDTH_1280


def test_width_overrides_keep_the_label():
    config = tables.config(["title", "gain"], {"title": 170})
    assert config["title"]["width"] == 170 and config["title"]["label"] == "Title"
    assert config["gain"] is tables.COLUMNS["gain"] and tables.COLUMNS["title"]["width"] == 360

