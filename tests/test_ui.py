"""The UI's pure helpers: charts, highlighting, URL filters, upload checks (no Streamlit runtime)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from hypothesis import given, settings
from hypothesis import strategies as hs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.queries import Filters, pareto_frontier  # noqa: E402
from ui import charts, filters, highlight, upload  # noqa: E402


def points(n: int = 50, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    gain = rng.uniform(1, 10, n)
    y = rng.uniform(-5, 2, n)
    words = rng.random(n) < 0.2
    return pd.DataFrame({
        "id": [f"p{i}" for i in range(n)], "title": ["<b>T</b> & co"] * n, "method": ["m"] * n,
        "domain": rng.choice(["nlp", "vision"], n), "topic_label": "t", "gain": gain,
        "y": np.where(words, 0.0, y), "words_only": words, "y_kind": np.where(words, "lossless", "points"),
        "same_baseline": pd.array([None] * n, dtype="boolean"), "gain_text": "2x faster",
        "quality_text": np.where(words, "lossless", "1 point drop"),
    })


def test_tradeoff_figure_is_valid_plotly_and_escaped():
    pts = points()
    fig = charts.tradeoff_figure(pts)
    go.Figure(fig.to_dict())  # full validation: the unvalidated fast path built a legal figure
    drawn = [t for t in fig.data if t.customdata is not None]
    assert sum(len(t.x) for t in drawn) == len(pts)
    assert all("&lt;b&gt;T&lt;/b&gt; &amp; co" in h for t in drawn for h in t.hovertext)
    frontier = next(t for t in fig.data if t.name == "Pareto frontier")
    assert len(frontier.x) == len(pareto_frontier(pts["gain"], pts["y"]))  # words-only papers count at zero
    words = [v for t in drawn for v, symbol in zip(t.y, charts.dot_symbols(t)) if symbol == "diamond-open"]
    assert len(words) == pts["words_only"].sum() and all(v == 0 for v in words)
    assert len(drawn) == pts["domain"].nunique()  # one trace per colour, the shape per dot


def test_tradeoff_hover_reads_as_text_not_latex():
    pts = points(2).assign(title=["\\textbf{Fast} nets", "B"], method=["", "m"],
                           gain_text=["up to 90\\% fewer FLOPs", "3.0$\\times$ faster"], quality_text="**no** loss")
    hover = [h for t in charts.tradeoff_figure(pts).data if t.customdata is not None for h in t.hovertext]
    text = " ".join(hover)
    assert "90% fewer FLOPs" in text and "3.0× faster" in text and "<b>Fast nets</b>" in text and "no loss" in text
    assert "\\" not in text and "$" not in text and "**" not in text
    assert sum("method:" in h for h in hover) == 1  # no empty 'method:' line


def test_tradeoff_figure_marks_kinds_joins_settings_and_toggles_the_frontier():
    pts = pd.DataFrame({
        "id": ["a", "a", "b", "c", "d"], "title": ["A", "A", "B", "C", "D"], "method": "m", "domain": "nlp",
        "topic_label": "t", "gain": [2.0, 4.0, 10.0, 3.0, 5.0], "y": [-1.0, -5.7, 29.0, 3.0, np.nan],
        "y_kind": ["points", "points", "percent", "points", "other"],
        "same_baseline": pd.array([True, True, False, None, None], dtype="boolean"),
        "words_only": False, "gain_text": "g", "quality_text": "q",
    })
    fig = charts.tradeoff_figure(pts)
    go.Figure(fig.to_dict())
    dots = [t for t in fig.data if t.customdata is not None]
    assert sorted(v for t in dots for v in t.x) == [2.0, 3.0, 4.0, 10.0]  # the 'other'-unit point is not drawn
    symbol = {x: s for t in dots for x, s in zip(t.x, charts.dot_symbols(t))}
    assert symbol == {2.0: "circle", 4.0: "circle", 3.0: "circle", 10.0: "triangle-up-open"}
    line = next(t for t in fig.data if t.name == "one paper's settings")
    assert list(line.x) == [2.0, 4.0, None] and list(line.y) == [-1.0, -5.7, None]
    names = [t.name for t in fig.data]
    assert charts.HOLLOW_NOTE in names and any(n.startswith("% change") for n in names)
    hover = next(h for t in dots for x, h in zip(t.x, t.hovertext) if x == 10.0)
    assert "different references" in hover
    front = next(t for t in fig.data if t.name.startswith("Pareto frontier"))
    assert list(front.x) == [10.0]  # +29 at 10x beats every other dot
    front = next(t for t in charts.tradeoff_figure(pts, frontier_all=False).data if t.name.startswith("Pareto"))
    assert list(front.x) == [3.0, 4.0]


def test_log_ticks_are_tidy():
    assert charts.log_ticks(1.1, 8) == [1.0, 2.0, 5.0, 10.0]
    assert charts.log_ticks(1.5, 60) == [1.0, 2.0, 5.0, 10.0, 20.0, 50.0]
    assert charts.log_ticks(0.4, 3) == [0.5, 1.0, 2.0]
    wide = charts.log_ticks(1, 5000)
    assert len(wide) <= 10 and all(str(t).rstrip("0").rstrip(".").lstrip("0.")[0] in "1235" for t in wide)


def test_frontier_caption_speaks_each_axis():
    assert "faster" in charts.frontier_caption("speed")
    assert "faster" not in charts.frontier_caption("memory") and "memory" in charts.frontier_caption("memory")


def test_capped_tradeoff_keeps_the_frontier():
    pts = points(500)
    kept = charts.drawn_points(pts, 40)
    assert len(kept) == 40
    front = set(pts.index[pareto_frontier(pts["gain"], pts["y"])])
    assert front <= set(kept.index)
    assert list(charts.drawn_points(pts, 40).index) == list(kept.index)  # stable across reruns


def test_dots_are_svg_up_to_the_limit_and_webgl_above(monkeypatch):
    """One trace type per figure (a single WebGL trace would pay for the WebGL context anyway)."""
    monkeypatch.setattr(charts, "SVG_MAX_POINTS", 50)
    types = lambda fig: {t.type for t in fig.data if t.customdata is not None}  # noqa: E731
    assert types(charts.tradeoff_figure(points(50))) == {"scatter"}
    assert types(charts.tradeoff_figure(points(51))) == {"scattergl"}
    ring = points(51).assign(corrected=True)  # the corrected-by-a-person rings follow their dots
    assert {t.type for t in charts.tradeoff_figure(ring).data if t.name == charts.CORRECTED_NOTE} == {"scattergl"}
    pts = pd.DataFrame({"title": "t", "topic_label": "A", "x": np.arange(51.0), "y": np.arange(51.0)})
    assert {t.type for t in charts.topic_map_figure(pts).data} == {"scattergl"}
    assert {t.type for t in charts.topic_map_figure(pts.iloc[:50]).data} == {"scatter"}


def test_topic_map_figure_and_empty_figures():
    pts = pd.DataFrame({"id": ["a", "b", "c"], "title": ["<x>", "y", "z"], "topic_label": ["A", "A", "B"],
                        "x": [0.0, 1, 2], "y": [0.0, 1, 2], "topic_id": [0, 0, 1]})
    fig = charts.topic_map_figure(pts)
    go.Figure(fig.to_dict())
    assert [len(t.x) for t in fig.data] == [2, 1] and fig.data[0].hovertext[0] == "&lt;x&gt;"
    assert not charts.topic_map_figure(pts.iloc[:0]).data
    assert not charts.tradeoff_figure(points().iloc[:0]).data


def test_highlight_marks_claims_and_escapes_everything_else():
    text = "Ours <script>x</script> is 2x faster & 1% worse."
    claims = [
        {"start_char": text.index("2x"), "end_char": text.index("2x") + 9, "category": "speed", "value": 2.0, "unit": "x"},
        {"start_char": text.index("1%"), "end_char": text.index("1%") + 2, "category": "quality", "value": 1.0, "unit": "%"},
        {"start_char": 0, "end_char": 999, "category": "bad", "value": 1.0, "unit": ""},  # out of range: dropped
        {"start_char": text.index("2x"), "end_char": text.index("2x") + 3, "category": "dup", "value": 1.0, "unit": ""},
    ]
    out = highlight.highlight_html(text, claims)
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp; " in out
    assert out.count("<mark") == 2 and ">2x faster<sub" in out


def test_url_round_trip_and_garbage():
    f = Filters(q="low rank", domains=("nlp", "vision"), topics=(3,), categories=("speed",), both_numbers=True,
                speedup_min=1.5, quality_max=-0.5, ingests=(2,), year_min=2023)
    params = filters.params_from_filters(f)
    assert filters.filters_from_state(filters.state_from_params(params)) == f
    junk = filters.state_from_params({"topic": ["x", "4"], "smin": ["nan-ish"], "ymin": ["20x"], "both": ["0"], "zzz": ["1"]})
    assert filters.filters_from_state(junk) == Filters(topics=(4,))
    assert filters.params_from_filters(Filters()) == {}


def test_upload_checks():
    assert upload.password_ok("anything", "") and upload.password_ok("pw", "pw") and not upload.password_ok("pw ", "pw")
    assert upload.safe_name("../../etc/passwd") == "passwd" and upload.safe_name("a\\b\\c\x00.txt") == "c.txt"
    parsed = upload.parse_uploads([("big.txt", b"x" * (2 * 1024 * 1024))], None, 1, 10)
    assert parsed.errors == ["big.txt: 2.1 MB is over the 1 MB upload limit"] and not parsed.ok
    parsed = upload.parse_uploads([("empty.txt", b"  \n")], None, 1, 10)
    assert "empty" in parsed.errors[0]


@settings(max_examples=60, deadline=None)
@given(hs.text(max_size=40))
def test_any_search_text_is_safe(text):
    import duckdb

    from ingest import queries as Q

    con = duckdb.connect()
    con.execute("CREATE TABLE papers (id VARCHAR, title VARCHAR, abstract VARCHAR)")
    con.execute("INSERT INTO papers VALUES ('p', $a, 'plain')", {"a": "x" + text + "x"})
    where, params = Q.where_clause(Filters(q=text))
    n = con.execute(f"SELECT count(*) FROM papers {where}", params).fetchone()[0]
    assert n == 1
