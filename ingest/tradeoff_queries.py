"""The Trade-offs page's reads, reduced inside DuckDB so the page holds at a million papers.

Why: at 1,000,000 papers the speed axis alone has 333,334 trade-off points. Fetching them all with their titles
and texts (`queries.tradeoff_points`) costs 1.5-3 s in pandas, and caching that frame another 0.3-0.8 s per hit.
The page needs far less: counts (its caption and the like-with-like choices), the dots it draws (the Pareto
frontier plus a stable sample, at most `cap`) and the few rows it lists. So these reads count with SQL
aggregates, and only those rows ever leave DuckDB with their text. Each one is the SQL twin of pandas code run on
the whole `tradeoff_points` frame (named in its docstring); tests/test_tradeoff_queries.py holds them equal.

Like with like: `metric` (and `dataset`) narrow every read to the points whose quality end was measured so;
None (or "") means any metric, as `context_queries.measured_on` does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import duckdb
import pandas as pd

from .queries import _BASE, AXES, Filters, where_clause

# The columns of one listed or drawn point: those of queries.tradeoff_points, from point_facts `pt` and paper_facts `b`.
# The rows' text is joined from `paper_facts` itself, not from `base`: DuckDB materialises a CTE read twice, and
# copying every paper's row cost ~0.45 s at a million papers.
_ROW_COLUMNS = """
b.id, b.title, b.method, coalesce(b.domains[1], 'unknown') AS domain,
coalesce(b.topic_label, 'unclustered') AS topic_label, pt.idx AS point, pt.x AS gain, pt.y AS y, pt.y_kind,
pt.same_baseline, pt.gain_text, pt.quality_text, pt.gain_metric, pt.baseline, pt.hardware, pt.model,
pt.quality_metric, pt.quality_dataset, b.corrected, b.checked
"""
# A point on the chosen metric (and dataset); a NULL choice means any.
_ON_CHOICE = ("($metric::VARCHAR IS NULL OR quality_metric = $metric::VARCHAR) "
              "AND ($dataset::VARCHAR IS NULL OR quality_dataset = $dataset::VARCHAR)")


def _keys(where: str) -> str:
    """The CTE `keys`: the filtered papers' points on $axis without their text, and what the page asks of each:
    drawable (a quality change on the points axis), counted by the same-reference frontier, words only.
    Unfiltered, no join: every point's paper has its row in paper_facts (facts.py refreshes both together),
    and joining a million ids cost ~0.1 s per read."""
    papers = f"JOIN (SELECT id FROM base {where}) b ON b.id = pt.paper_id" if where else ""
    return f"""keys AS MATERIALIZED (
        SELECT pt.paper_id AS id, pt.idx AS point, pt.x AS gain, pt.y,
               pt.y IS NOT NULL AND NOT isnan(pt.y) AS drawable,
               coalesce(pt.same_baseline, true) AS same_baseline,
               coalesce(pt.y_kind IN ('lossless', 'negligible'), false) AS words_only,
               pt.quality_metric, pt.quality_dataset
        FROM point_facts pt {papers}
        WHERE pt.axis = $axis AND pt.x > 0
    )"""


def _params(f: Filters, axis: str, metric: str | None, dataset: str | None) -> tuple[str, dict[str, Any]]:
    """where_clause(f) plus $axis (checked), $metric and $dataset ("" read as any; a dataset only with a metric)."""
    if axis not in AXES:
        raise ValueError(f"unknown axis {axis!r}; one of {', '.join(AXES)}")
    where, params = where_clause(f)
    metric = metric or None
    params.update(axis=axis, metric=metric, dataset=(dataset or None) if metric else None)
    return where, params


@dataclass(frozen=True)
class PlotSummary:
    """What the page says about the points before drawing any: the caption's counts, the like-with-like
    choices with their point counts, and how many drawable points the choice left out, by why."""

    points: int  # drawable points on the choice (a quality change on the points axis)
    papers: int  # papers with at least one of them
    words_only: int  # of them, 'lossless' / 'negligible' in words (drawn at zero)
    other_units: int  # points on the choice whose quality change is in another unit (not drawn)
    metrics: pd.DataFrame = field(compare=False)  # metric, points: context_queries.metric_choices
    datasets: pd.DataFrame = field(compare=False)  # dataset, points: context_queries.dataset_choices(metric)
    left_out: dict[str, int] = field(default_factory=dict)  # context_queries.measured_on's second value


def plot_summary(con: duckdb.DuckDBPyConnection, f: Filters, axis: str = "speed", metric: str | None = None,
                 dataset: str | None = None) -> PlotSummary:
    """The page's counts in one scan, equal to pandas over `tradeoff_points`: the drawable rows of
    `measured_on(points, metric, dataset)` (count, distinct papers, words_only), its rows with no y, the
    `metric_choices(points)` and `dataset_choices(points, metric)` frames and the left-out counts."""
    where, params = _params(f, axis, metric, dataset)
    row = con.execute(
        f"""{_BASE}, {_keys(where)}
        SELECT count(*) FILTER (WHERE drawable AND {_ON_CHOICE}) AS points,
               count(DISTINCT id) FILTER (WHERE drawable AND {_ON_CHOICE}) AS papers,
               count(*) FILTER (WHERE drawable AND words_only AND {_ON_CHOICE}) AS words_only,
               count(*) FILTER (WHERE NOT drawable AND {_ON_CHOICE}) AS other_units,
               count(*) FILTER (WHERE drawable AND quality_metric <> $metric::VARCHAR) AS other_metric,
               count(*) FILTER (WHERE drawable AND $metric::VARCHAR IS NOT NULL AND quality_metric IS NULL)
                   AS metric_unknown,
               count(*) FILTER (WHERE drawable AND quality_metric = $metric::VARCHAR
                                AND quality_dataset <> $dataset::VARCHAR) AS other_dataset,
               count(*) FILTER (WHERE drawable AND quality_metric = $metric::VARCHAR
                                AND $dataset::VARCHAR IS NOT NULL AND quality_dataset IS NULL) AS dataset_unknown,
               (SELECT list({{'name': quality_metric, 'points': n}} ORDER BY n DESC, quality_metric)
                FROM (SELECT quality_metric, count(*) AS n FROM keys
                      WHERE drawable AND quality_metric IS NOT NULL GROUP BY ALL)) AS metrics,
               (SELECT list({{'name': quality_dataset, 'points': n}} ORDER BY n DESC, quality_dataset)
                FROM (SELECT quality_dataset, count(*) AS n FROM keys
                      WHERE drawable AND quality_metric = $metric::VARCHAR AND quality_dataset IS NOT NULL
                      GROUP BY ALL)) AS datasets
        FROM keys
        """,
        params,
    ).fetchone()
    points, papers, words, other_units, other_metric, metric_unknown, other_dataset, dataset_unknown = map(int, row[:8])
    return PlotSummary(
        points, papers, words, other_units, _choices(row[8], "metric"), _choices(row[9], "dataset"),
        {"other metric": other_metric, "metric unknown": metric_unknown,
         "other dataset": other_dataset, "dataset unknown": dataset_unknown},
    )


def _choices(pairs: list[dict] | None, column: str) -> pd.DataFrame:
    return pd.DataFrame({column: [p["name"] for p in pairs or []],
                         "points": pd.array([p["points"] for p in pairs or []], dtype="int64")})


def drawn_points(con: duckdb.DuckDBPyConnection, f: Filters, axis: str = "speed", cap: int = 10_000,
                 frontier_all: bool = True, metric: str | None = None, dataset: str | None = None) -> pd.DataFrame:
    """The dots the plot draws, in `tradeoff_points`' columns and order: every point on the Pareto frontier plus
    the first of the others in (id, point) order, at most `cap` in all (fewer when the frontier alone is longer).

    Equal to `charts.drawn_points(drawable, cap, pareto_frontier(...))` over the drawable narrowed rows of
    `tradeoff_points` (the frontier over the same-reference ones only when `frontier_all` is false).
    `queries.pareto_frontier` sorts by gain, then quality, both descending, stable on (id, point), and keeps a
    point whose quality is strictly above every one before it. So a point is on it exactly when its quality is
    the best at its gain and strictly above the best of every larger gain, and it is the first such point in
    (id, point) order (ties of equal gain and quality keep one); non-finite numbers are never on it. The SQL
    reads it that way: the best per gain, a running maximum over the distinct gains, then the first point at
    each step, so no window sorts every point by its string id. A subset holding the whole frontier has the same
    frontier, so the chart code finds the same one in these rows.
    """
    where, params = _params(f, axis, metric, dataset)
    params.update(cap=int(cap), frontier_all=bool(frontier_all))
    return con.execute(
        f"""{_BASE}, {_keys(where)},
        choice AS (
            SELECT id, point, gain, y, (same_baseline OR $frontier_all) AND isfinite(gain) AND isfinite(y) AS counted
            FROM keys WHERE drawable AND {_ON_CHOICE}
        ),
        steps AS (  -- per gain, the best quality; a step of the frontier when above every larger gain's best
            SELECT gain, best FROM (
                SELECT gain, best, max(best) OVER (ORDER BY gain DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                           AS above
                FROM (SELECT gain, max(y) AS best FROM choice WHERE counted GROUP BY gain))
            WHERE best > coalesce(above, '-infinity'::DOUBLE)
        ),
        front AS MATERIALIZED (  -- of the points at a step, the first in (id, point) order
            SELECT unnest(min({{'id': c.id, 'point': c.point}}))
            FROM steps s JOIN choice c ON c.counted AND c.gain = s.gain AND c.y = s.best GROUP BY s.gain
        ),
        kept AS (  -- a LIMIT, not a row_number() window: the window took 25 s over 333,334 points
            SELECT id, point FROM front
            UNION ALL
            (SELECT id, point FROM choice c WHERE NOT EXISTS (SELECT 1 FROM front WHERE front.id = c.id AND front.point = c.point)
             ORDER BY id, point LIMIT greatest($cap - (SELECT count(*) FROM front), 0))
        )
        SELECT {_ROW_COLUMNS}
        FROM kept k JOIN point_facts pt ON pt.paper_id = k.id AND pt.idx = k.point JOIN paper_facts b ON b.id = k.id
        ORDER BY b.id, pt.idx
        """,
        params,
    ).df().pipe(_with_evidence)


def points_of(con: duckdb.DuckDBPyConnection, f: Filters, ids: Sequence[str], axis: str = "speed",
              metric: str | None = None, dataset: str | None = None) -> pd.DataFrame:
    """The drawable points on the choice of these papers (the ones a box or lasso selected), in
    `tradeoff_points`' columns and order: its rows with y known, narrowed, whose id is in `ids`."""
    where, params = _params(f, axis, metric, dataset)
    params["ids"] = list(ids)
    return con.execute(
        f"""{_BASE}, {_keys(where)}
        SELECT {_ROW_COLUMNS}
        FROM (SELECT id, point FROM keys WHERE drawable AND {_ON_CHOICE} AND id IN (SELECT unnest($ids))) k
        JOIN point_facts pt ON pt.paper_id = k.id AND pt.idx = k.point JOIN paper_facts b ON b.id = k.id
        ORDER BY b.id, pt.idx
        """,
        params,
    ).df().pipe(_with_evidence)


def other_unit_points(con: duckdb.DuckDBPyConnection, f: Filters, axis: str = "speed", metric: str | None = None,
                      dataset: str | None = None, limit: int = 1_000) -> pd.DataFrame:
    """The first `limit` points on the choice whose quality change is in another unit (no y), in
    `tradeoff_points`' columns and order (`PlotSummary.other_units` says how many there are in all)."""
    where, params = _params(f, axis, metric, dataset)
    params["limit"] = int(limit)
    return con.execute(
        f"""{_BASE}, {_keys(where)}
        SELECT {_ROW_COLUMNS}
        FROM (SELECT id, point FROM keys WHERE NOT drawable AND {_ON_CHOICE} ORDER BY id, point LIMIT $limit) k
        JOIN point_facts pt ON pt.paper_id = k.id AND pt.idx = k.point JOIN paper_facts b ON b.id = k.id
        ORDER BY b.id, pt.idx
        """,
        params,
    ).df().pipe(_with_evidence)


def _with_evidence(df: pd.DataFrame) -> pd.DataFrame:
    """The two derived columns `queries.tradeoff_points` adds: words_only and evidence."""
    df["words_only"] = df["y_kind"].isin(["lossless", "negligible"])
    df["evidence"] = df["gain_text"].fillna("") + " | " + df["quality_text"].fillna("")
    return df.reset_index(drop=True)
