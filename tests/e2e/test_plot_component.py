"""The plots in a real browser, drawn by plotly.js' basic bundle through ui/plot.py's component.

Checks what the user meets: the trade-off plot and the topic map are drawn (every dot the page counts), by the
vendored basic bundle and never by Streamlit's 4.7 MB plotly chunk; a lasso lists the lassoed papers, a
double-click clears the list, and a selection does not outlive its figure (an axis change) or its page (a plot
that left the page is put back as drawn on a return, unless it had a selection).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ui import plot
from tests.e2e.test_browser import lasso_all, no_error, page, server, settle  # noqa: F401 - fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.slow,
              pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian chromium")]

SELECTED = re.compile(r"([\d,]+) selected points")


def drawn_dots(page) -> int:
    """Dots the browser's plotly drew with a paper id (traces of dots, not lines or legend entries)."""
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    return page.evaluate("() => document.querySelector('.js-plotly-plot')._fullData"
                         ".reduce((n, t) => n + (t.customdata ? t.customdata.length : 0), 0)")


def point_count(page) -> int:
    """The points the page says it draws ('N points from M papers')."""
    text = page.get_by_text(re.compile(r"[\d,]+ points? from [\d,]+ papers?")).first.inner_text()
    return int(re.search(r"([\d,]+) points? from", text).group(1).replace(",", ""))


def selected_count(page) -> int:
    page.get_by_text(SELECTED).first.wait_for()
    return int(SELECTED.search(page.get_by_text(SELECTED).first.inner_text()).group(1).replace(",", ""))


def open_recording_requests(page, url: str, settled_text: str) -> list[str]:
    """Open `url` and wait for the page; the list fills with every URL the page requests, so a test can say
    which bundle drew the plot (and that Streamlit's plotly chunk was never fetched)."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    settle(page, settled_text)
    no_error(page)
    return requests


def test_tradeoff_plot_is_drawn_by_the_basic_bundle_and_its_selection_lists_papers(server, page):
    requests = open_recording_requests(page, server + "/tradeoffs", "By domain")
    n = point_count(page)
    assert n > 0 and drawn_dots(page) == n
    assert page.evaluate("() => window.Plotly.version") == plot.PLOTLY_JS_VERSION
    assert any(u.endswith("/app/static/" + plot.BUNDLE) for u in requests)
    assert not [u for u in requests if "PlotlyChart" in u], "Streamlit's plotly chunk was loaded"
    # the page's look: Streamlit's font, a transparent background, the share-to-cloud button removed
    assert page.evaluate("() => document.querySelector('.js-plotly-plot')._fullLayout.paper_bgcolor").replace(" ", "") == "rgba(0,0,0,0)"
    assert page.locator('.modebar-btn[data-title="Share chart..."]').count() == 0

    lasso_all(page)
    settle(page, SELECTED)
    no_error(page)
    assert selected_count(page) == n  # every drawn dot, listed in the table under the plot
    assert drawn_dots(page) == n  # the rerun the selection caused did not redraw the plot away

    # a double-click in the plot clears the selection, and with it the list
    area = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
    page.mouse.dblclick(area["x"] + area["width"] / 2, area["y"] + area["height"] / 2)
    page.get_by_text(SELECTED).first.wait_for(state="detached")
    settle(page, "By domain")
    no_error(page)

    # a selection belongs to its figure: after an axis change it lists nothing
    lasso_all(page)
    settle(page, SELECTED)
    page.locator('[data-testid="stRadio"]').first.get_by_text("memory", exact=True).click()
    page.get_by_text(SELECTED).first.wait_for(state="detached")
    settle(page, "By domain")
    no_error(page)
    assert drawn_dots(page) == point_count(page)

    # away and back through the navigation: the same figure is put back as drawn (not drawn again) and still
    # answers a lasso ... (on the speed axis, which the return keeps like any choice)
    page.locator('[data-testid="stRadio"]').first.get_by_text("speed", exact=True).click()
    settle(page, "By domain")
    page.evaluate("() => { document.querySelector('.js-plotly-plot').__drawnBefore = true; }")
    away_and_back(page)
    assert drawn_dots(page) == point_count(page)
    assert page.evaluate("() => document.querySelector('.js-plotly-plot').__drawnBefore === true")
    lasso_all(page)
    settle(page, SELECTED)
    assert selected_count(page) == point_count(page)
    # ... but one left with a selection is drawn afresh: back on the page the selection is gone, so is its drawing
    away_and_back(page)
    assert page.get_by_text(SELECTED).count() == 0
    assert page.evaluate("() => document.querySelector('.js-plotly-plot').__drawnBefore === undefined")
    assert drawn_dots(page) == point_count(page)
    assert page.evaluate("() => (window.__atlasKeptPlots || []).length") <= 2


def away_and_back(page) -> None:
    """To Papers (no plot on the page) and back to Trade-offs through the navigation, in the same tab."""
    page.get_by_role("link", name="Papers").click()
    settle(page, re.compile(r"papers \(no filter\)"))
    assert page.locator(".js-plotly-plot").count() == 0
    page.get_by_role("link", name="Trade-offs").click()
    settle(page, "By domain")
    no_error(page)


def checked_axis(page) -> str:
    """The efficiency axis the Trade-offs radio shows as chosen."""
    radio = page.locator('[data-testid="stRadio"]').first
    return radio.locator("label:has(input:checked)").inner_text().strip()


def test_the_axis_choice_survives_a_visit_to_papers(server, page):
    page.goto(server + "/tradeoffs")
    settle(page, "By domain")
    assert checked_axis(page) == "speed"
    page.locator('[data-testid="stRadio"]').first.get_by_text("memory", exact=True).click()
    settle(page, "By domain")
    memory_points = point_count(page)
    away_and_back(page)
    assert checked_axis(page) == "memory" and "axis=memory" in page.url
    assert point_count(page) == memory_points and drawn_dots(page) == memory_points


def test_a_hovered_dot_shows_its_whole_hover_text(server, page):
    """The hover texts travel as line numbers into one table (plot.interned_hover); the browser joins them back."""
    open_recording_requests(page, server + "/tradeoffs", "By domain")
    drawn_dots(page)
    expected = page.evaluate("""() => {
        const gd = document.querySelector('.js-plotly-plot');
        const i = gd.data.findIndex((t) => t.customdata && t.hovertext);
        window.Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: 0}]);
        return gd.data[i].hovertext[0];
    }""")
    assert expected.startswith("<b>") and "<br>gain: " in expected and "hoverlines" not in expected
    label = page.locator(".hoverlayer .hovertext").first
    label.wait_for()
    shown = label.text_content()
    plain = re.sub(r"<[^>]+>", "", expected).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    assert shown.replace("\n", "").startswith(plain.replace("&quot;", '"')[:60])


def test_topic_map_is_drawn_by_the_basic_bundle(server, page):
    requests = open_recording_requests(page, server + "/topics", "Search papers")
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    traces = page.evaluate("() => document.querySelector('.js-plotly-plot')._fullData.map(t => [t.type, t.x.length])")
    assert traces and {kind for kind, _ in traces} == {"scatter"} and sum(n for _, n in traces) > 100
    assert not [u for u in requests if "PlotlyChart" in u], "Streamlit's plotly chunk was loaded"
