"""Reads that compare like with like: trade-off points on one quality metric (and dataset), and the leaderboard.

Why apart from queries.py: these read `point_facts` (each point with the context of its two ends, precomputed
by facts.py). The pure helpers below define the like-with-like choice over a frame of points
(`queries.tradeoff_points`); the Trade-offs page gets the same answers from SQL without fetching every point
(tradeoff_queries.py, tested equal to these).
"""
from __future__ import annotations

import duckdb
import pandas as pd

from .queries import _BASE, Filters, where_clause

ANY = None  # "any metric" / "any dataset": the whole plot, as before


def metric_choices(points: pd.DataFrame) -> pd.DataFrame:
    """The quality metrics of the drawable points (quality change known), most points first: metric, points."""
    drawable = points[points["y"].notna()] if not points.empty else points
    counts = drawable["quality_metric"].dropna().value_counts() if not drawable.empty else pd.Series(dtype=int)
    out = counts.rename_axis("metric").reset_index(name="points")
    return out.sort_values(["points", "metric"], ascending=[False, True], kind="stable").reset_index(drop=True)


def dataset_choices(points: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The datasets the drawable points on `metric` were measured on, most points first: dataset, points."""
    on = points[(points["quality_metric"] == metric) & points["y"].notna()] if not points.empty else points
    counts = on["quality_dataset"].dropna().value_counts() if not on.empty else pd.Series(dtype=int)
    out = counts.rename_axis("dataset").reset_index(name="points")
    return out.sort_values(["points", "dataset"], ascending=[False, True], kind="stable").reset_index(drop=True)


def measured_on(points: pd.DataFrame, metric: str | None, dataset: str | None = None) -> tuple[pd.DataFrame, dict[str, int]]:
    """The points whose quality end was measured on `metric` (and `dataset`), and how many drawable points were
    left out, by why: {'other metric', 'metric unknown', 'other dataset', 'dataset unknown'} (zero counts kept).
    With metric None every point is kept and nothing is left out."""
    left = {"other metric": 0, "metric unknown": 0, "other dataset": 0, "dataset unknown": 0}
    if metric is None or points.empty:
        return points, left
    drawable = points["y"].notna()
    m = points["quality_metric"]
    keep = m == metric
    left["metric unknown"] = int((drawable & m.isna()).sum())
    left["other metric"] = int((drawable & m.notna() & ~keep).sum())
    if dataset is not None:
        d = points["quality_dataset"]
        left["dataset unknown"] = int((drawable & keep & d.isna()).sum())
        left["other dataset"] = int((drawable & keep & d.notna() & (d != dataset)).sum())
        keep &= d == dataset
    return points[keep.fillna(False).astype(bool)], left


# ---------------------------------------------------------------- leaderboard

LEADERBOARD_COLUMNS = [
    "title", "axis", "gain", "y", "y_kind", "baseline", "hardware", "model", "method", "year", "gain_text",
    "quality_text", "id",
]


def leaderboard_choices(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The (dataset, metric) pairs the filtered papers' points were measured on: dataset, metric, points, papers,
    the most points first (the leaderboard's default is the first row)."""
    where, params = where_clause(f)
    return con.execute(
        f"""{_BASE}
        SELECT pt.quality_dataset AS dataset, pt.quality_metric AS metric, count(*) AS points,
               count(DISTINCT pt.paper_id) AS papers
        FROM point_facts pt JOIN (SELECT id FROM base {where}) b ON b.id = pt.paper_id
        WHERE pt.quality_dataset IS NOT NULL AND pt.quality_metric IS NOT NULL AND pt.x > 0
        GROUP BY ALL ORDER BY points DESC, papers DESC, dataset, metric
        """,
        params,
    ).df()


def leaderboard(con: duckdb.DuckDBPyConnection, f: Filters, dataset: str, metric: str) -> pd.DataFrame:
    """One row per trade-off point of the filtered papers measured with `metric` on `dataset`: the paper, its
    efficiency gain (factor, on which axis), the quality change, and the baseline, hardware and model of the
    setting (LEADERBOARD_COLUMNS), the largest gain first."""
    where, params = where_clause(f)
    params.update({"dataset": dataset, "metric": metric})
    return con.execute(
        f"""{_BASE}
        SELECT b.title, pt.axis, pt.x AS gain, pt.y, pt.y_kind, pt.baseline, pt.hardware, pt.model, b.method,
               b.year, pt.gain_text, pt.quality_text, b.id
        FROM point_facts pt JOIN (SELECT * FROM base {where}) b ON b.id = pt.paper_id
        WHERE pt.quality_dataset = $dataset AND pt.quality_metric = $metric AND pt.x > 0
        ORDER BY gain DESC, y DESC NULLS LAST, b.id, pt.idx
        """,
        params,
    ).df()


LEFT_OUT_WHY = {
    "other metric": "measured on another metric", "metric unknown": "whose metric the abstract does not name",
    "other dataset": "on another dataset", "dataset unknown": "whose dataset the abstract does not name",
}


def describe_left_out(left: dict[str, int], metric: str, dataset: str | None = None) -> str:
    """One sentence for the page: how many drawable points the like-with-like choice leaves out, and why."""
    total = sum(left.values())
    where = f"{metric} on {dataset}" if dataset else metric
    if not total:
        return f"No point left out: every drawable point of these papers is {where}."
    why = "; ".join(f"{n:,} {LEFT_OUT_WHY[reason]}" for reason, n in left.items() if n)
    return f"{total:,} {'point' if total == 1 else 'points'} left out, not {where}: {why}."
