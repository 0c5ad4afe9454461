"""ui/plot.py's Python side: what the browser keys its remembered margins on."""
from __future__ import annotations

import plotly.graph_objects as go

from ui import plot


def test_margin_shape_follows_what_decides_the_margins():
    """ui/plot.margin_shape: the browser reuses the margins of a figure of the same shape, so the shape must
    change with the legend and with the widest y tick label, and not with the dots' x positions."""
    def fig(names, ys, xs=(1, 2)):
        return go.Figure([go.Scatter(x=list(xs), y=list(ys), name=n) for n in names], layout={"height": 500})

    base = plot.margin_shape(fig(["a", "b"], [1, 2]))
    assert plot.margin_shape(fig(["a", "b"], [1, 2], xs=(3, 4))) == base
    assert plot.margin_shape(fig(["a", "b", "c"], [1, 2])) != base
    assert plot.margin_shape(fig(["a", "b"], [1, 200])) != base
    assert plot.margin_shape(fig(["a", "b"], [-1, 2])) != base
    assert plot.margin_shape(go.Figure()) == plot.margin_shape(go.Figure())
