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


def test_hover_lines_are_sent_once_and_joined_back_to_the_same_texts():
    """The payload sends each distinct hover line once (most dots repeat their method, gain and quality lines);
    undone as the browser does, every dot's hover text is the figure's own."""
    import json

    texts = [f"<b>Paper {i}</b><br>2x | negligible<br>method: pruning<br>gain: a 2x speedup" for i in range(50)]
    fig = go.Figure([go.Scatter(x=list(range(50)), y=list(range(50)), mode="markers", customdata=list(range(50)),
                                hovertext=texts, hovertemplate="%{hovertext}<extra></extra>"),
                     go.Scatter(x=[0, 1], y=[0, 1], mode="lines", hoverinfo="skip")])
    sent = json.loads(plot.payload(fig, {}, True).body)["figure"]
    assert "hovertext" not in sent["data"][0] and len(sent["hoverlines"]) == 50 + 3
    assert sum(line.count("<br>") for line in sent["hoverlines"]) == 0
    assert plot.expanded_hover(sent)["data"][0]["hovertext"] == texts
    assert "hoverlines" not in sent and "hovertext" not in sent["data"][1]
