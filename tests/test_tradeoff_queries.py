"""The Trade-offs page's SQL reductions (ingest/tradeoff_queries.py) give what pandas gives over every point.

Each read is checked against the pandas code it replaces, run on the whole `queries.tradeoff_points` frame:
on the hand-made database (tests/dashboard_data.py: like-with-like contexts, words-only notes, other units) and
on random points written straight into `point_facts`, with many ties in gain and quality, NaN and NULL
qualities, infinite gains and mixed references, so the frontier's tie rules are exercised.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest import context_queries as C  # noqa: E402
from ingest import queries as Q  # noqa: E402
from ingest import store  # noqa: E402
from ingest import tradeoff_queries as T  # noqa: E402
from tests.dashboard_data import make_db  # noqa: E402
from ui import charts  # noqa: E402


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    c = store.connect(make_db(tmp_path_factory.mktemp("tq") / "atlas.duckdb", 60))
    yield c
    c.close()


def expected_drawn(points: pd.DataFrame, cap: int, frontier_all: bool, metric=None, dataset=None) -> pd.DataFrame:
    """What the page drew before: narrow in pandas, keep drawable rows, frontier + stable sample (charts.py)."""
    points, _ = C.measured_on(points, metric, dataset)
    full = points[points["y"].notna() & (points["gain"] > 0)].reset_index(drop=True)
    differs = full["same_baseline"].astype("boolean").fillna(True).to_numpy() == False  # noqa: E712
    counted = np.arange(len(full)) if frontier_all else np.flatnonzero(~differs)
    front = [int(counted[i]) for i in Q.pareto_frontier(full["gain"].to_numpy()[counted], full["y"].to_numpy()[counted])]
    return charts.drawn_points(full, cap, front).reset_index(drop=True)


def same_rows(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    assert list(zip(got["id"], got["point"])) == list(zip(want["id"], want["point"]))
    plain = lambda df: df.reset_index(drop=True).astype(object).pipe(lambda d: d.where(d.notna(), None))  # noqa: E731
    pd.testing.assert_frame_equal(plain(got), plain(want))  # missing is missing, whatever pandas' dtype


CHOICES = [(None, None), ("top-1 accuracy", None), ("top-1 accuracy", "ImageNet-1K"), ("BLEU", None), ("nope", None)]


FILTERS = [Q.Filters(), Q.Filters(domains=("nlp",))]  # nothing filtered reads point_facts without a join


@pytest.mark.parametrize("f", FILTERS)
@pytest.mark.parametrize("metric, dataset", CHOICES)
@pytest.mark.parametrize("axis", ["speed", "memory"])
def test_summary_counts_what_the_page_counted_in_pandas(con, axis, metric, dataset, f):
    points = Q.tradeoff_points(con, f, axis)
    kept, left = C.measured_on(points, metric, dataset)
    drawn = kept[kept["y"].notna()]
    got = T.plot_summary(con, f, axis, metric, dataset)
    assert (got.points, got.papers, got.words_only, got.other_units) == (
        len(drawn), drawn["id"].nunique(), int(drawn["words_only"].sum()), int(kept["y"].isna().sum()))
    assert got.left_out == left
    pd.testing.assert_frame_equal(got.metrics, C.metric_choices(points), check_dtype=False)
    if metric:
        pd.testing.assert_frame_equal(got.datasets, C.dataset_choices(points, metric), check_dtype=False)


@pytest.mark.parametrize("metric, dataset", CHOICES[:3])
@pytest.mark.parametrize("frontier_all", [True, False])
@pytest.mark.parametrize("cap", [3, 8, 10_000])
@pytest.mark.parametrize("f", FILTERS)
def test_drawn_rows_are_the_frontier_and_the_same_sample(con, f, cap, frontier_all, metric, dataset):
    points = Q.tradeoff_points(con, f, "speed")
    got = T.drawn_points(con, f, "speed", cap, frontier_all, metric, dataset)
    same_rows(got, expected_drawn(points, cap, frontier_all, metric, dataset))


def test_selected_rows_are_tradeoff_points_rows(con):
    points = Q.tradeoff_points(con, Q.Filters(), "speed")
    ids = list(points["id"].unique()[::3])
    want = points[points["id"].isin(ids) & points["y"].notna()]
    same_rows(T.points_of(con, Q.Filters(), ids, "speed"), want)
    same_rows(T.points_of(con, Q.Filters(), ids, "speed", "top-1 accuracy"),
              C.measured_on(want, "top-1 accuracy")[0])


def test_an_unknown_axis_is_refused(con):
    with pytest.raises(ValueError, match="unknown axis"):
        T.plot_summary(con, Q.Filters(), "vibes")


# ---------------------------------------------------------------- random points, many ties

@pytest.fixture(scope="module")
def random_con(tmp_path_factory):
    """A database whose point_facts hold random points: gains and qualities on coarse grids (ties everywhere),
    NULL and NaN qualities, infinite gains, NULL / false / true same_baseline, three metrics."""
    c = store.connect(tmp_path_factory.mktemp("tqr") / "atlas.duckdb")
    rng = np.random.default_rng(7)
    n_papers, rows = 300, []
    for p in range(n_papers):
        for idx in range(int(rng.integers(1, 4))):
            y = float(rng.integers(-6, 4)) / 2
            rows.append({
                "paper_id": f"r{rng.permutation(n_papers)[0]:04d}{p:04d}", "idx": idx, "axis": "speed",
                "x": float(rng.choice([1.5, 2.0, 2.0, 3.0, 4.0, 8.0, np.inf])),
                "y": rng.choice([y, y, y, np.nan, None]), "y_kind": str(rng.choice(["points", "lossless", "other"])),
                "same_baseline": rng.choice([True, False, None]),
                "quality_metric": rng.choice(["BLEU", "top-1 accuracy", None]),
                "quality_dataset": rng.choice(["WMT14", None]),
                "gain_text": f"g{p}", "quality_text": f"q{p}",
            })
    frame = pd.DataFrame(rows).astype({"y": float, "same_baseline": "boolean"})
    c.register("rand", frame)
    c.execute("INSERT INTO point_facts BY NAME SELECT * FROM rand")
    c.execute("INSERT INTO paper_facts BY NAME SELECT DISTINCT paper_id AS id, 'title ' || paper_id AS title FROM rand")
    c.unregister("rand")
    yield c
    c.close()


@pytest.mark.parametrize("metric", [None, "BLEU"])
@pytest.mark.parametrize("frontier_all", [True, False])
@pytest.mark.parametrize("cap", [1, 25, 100, 10_000])
def test_random_points_with_ties_give_the_pandas_frontier_and_sample(random_con, cap, frontier_all, metric):
    points = Q.tradeoff_points(random_con, Q.Filters(), "speed")
    assert points["y"].isna().any() and np.isinf(points["gain"]).any() and points.duplicated(["gain", "y"]).any()
    same_rows(T.drawn_points(random_con, Q.Filters(), "speed", cap, frontier_all, metric),
              expected_drawn(points, cap, frontier_all, metric))


@pytest.mark.parametrize("metric", [None, "BLEU"])
def test_other_unit_rows_are_the_first_rows_without_y(random_con, metric):
    points, _ = C.measured_on(Q.tradeoff_points(random_con, Q.Filters(), "speed"), metric)
    others = points[points["y"].isna()]
    assert len(others) > 5
    same_rows(T.other_unit_points(random_con, Q.Filters(), "speed", metric), others)
    same_rows(T.other_unit_points(random_con, Q.Filters(), "speed", metric, limit=5), others.iloc[:5])


@pytest.mark.parametrize("frontier_all", [True, False])
def test_the_figure_draws_the_same_frontier_from_the_reduced_rows(random_con, frontier_all):
    points = Q.tradeoff_points(random_con, Q.Filters(), "speed")
    rows = T.drawn_points(random_con, Q.Filters(), "speed", 40, frontier_all)

    def frontier(fig):
        trace = next(t for t in fig.data if t.name.startswith("Pareto"))
        return list(zip(trace.x, trace.y))

    old = charts.tradeoff_figure(points, max_points=40, frontier_all=frontier_all)
    new = charts.tradeoff_figure(rows, max_points=40, frontier_all=frontier_all)
    assert frontier(new) == frontier(old) and frontier(new)
    dots = lambda fig: sorted((c, x, y) for t in fig.data if t.customdata is not None and not t.name.startswith("corrected")  # noqa: E731
                              for c, x, y in zip(t.customdata, t.x, t.y))
    assert dots(new) == dots(old)
