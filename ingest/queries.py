"""Every read the dashboard makes, as named functions over a `Filters` value.

Why one module: the pages never write SQL, so there is one place to check that user text only ever
reaches DuckDB as a bound parameter (never spliced into the statement), and one place to tune for
100,000 papers. Each function takes a cursor (or connection) and returns plain pandas/python values,
so Streamlit can cache the results and tests can call them without a UI.
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Sequence

import duckdb
import numpy as np
import pandas as pd

from . import facets
from .axes import AXES
from .schema import EMBEDDING_DIM

CATEGORIES = ("speed", "memory", "compute", "size", "tokens", "energy", "cost", "quality")
AXIS_LABELS = {
    "speed": "speed-up (x)",
    "memory": "memory gain (x, from % saved)",
    "compute": "compute gain (x, from % saved)",
    "size": "size gain (x, from % saved)",
    "tokens": "token gain (x, from % saved)",
    "energy": "energy gain (x, from % saved)",
    "cost": "cost gain (x, from % saved)",
}


@dataclass(frozen=True)
class Filters:
    """The sidebar filters shared by every page. Frozen and made of tuples so it can key a cache."""

    q: str = ""
    domains: tuple[str, ...] = ()
    topics: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    both_numbers: bool = False
    speedup_min: float | None = None
    speedup_max: float | None = None
    quality_min: float | None = None
    quality_max: float | None = None
    ingests: tuple[int, ...] = ()
    year_min: int | None = None
    year_max: int | None = None
    # context facets (facets.FACETS): names a claim of the paper compares on
    metrics: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    baselines: tuple[str, ...] = ()
    hardware: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    only_checked: bool = False  # papers a person marked checked (corrections.py)
    only_corrected: bool = False  # papers with at least one active correction

    def is_empty(self) -> bool:
        return self == Filters()

    def with_(self, **changes: Any) -> "Filters":
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# The base relation: one row per paper with its extraction and its place in the current topic run,
# precomputed by every write (facts.py) so no read pays for the joins. `_BASE_WITH_ABSTRACT` adds the
# abstract, which only the detail view and the exports need.
_BASE = """
WITH run AS (SELECT max(id) AS id FROM topic_runs),
base AS (SELECT * FROM paper_facts)
"""
_BASE_WITH_ABSTRACT = """
WITH run AS (SELECT max(id) AS id FROM topic_runs),
base AS (SELECT f.*, p.abstract FROM paper_facts f JOIN papers p ON p.id = f.id)
"""


def search_terms(q: str | None) -> list[str]:
    """Whitespace-separated words of the search box; a paper must contain every one (at most 10)."""
    return [t for t in (q or "").split() if t][:10]


def where_clause(f: Filters) -> tuple[str, dict[str, Any]]:
    """The WHERE clause for `f` over `base`: fixed SQL fragments, every value a named parameter."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    for i, term in enumerate(search_terms(f.q)):
        # A bound parameter holding an escaped, case-insensitive literal pattern: quotes, %, _ or
        # regex syntax in user text match themselves. RE2 with (?i) is ~3x faster than lower().
        parts.append(f"id IN (SELECT id FROM papers WHERE regexp_matches(title, $q{i}) OR regexp_matches(abstract, $q{i}))")
        params[f"q{i}"] = "(?i)" + re.escape(term)
    if f.domains:
        parts.append("list_has_any(coalesce(domains, []::VARCHAR[]), $domains)")
        params["domains"] = list(f.domains)
    if f.topics:
        parts.append("topic_id IN (SELECT unnest($topics))")
        params["topics"] = [int(t) for t in f.topics]
    if f.categories:
        parts.append(
            "id IN (SELECT paper_id FROM claims WHERE category IN (SELECT unnest($categories)))"
        )
        params["categories"] = list(f.categories)
    if f.both_numbers:
        parts.append("best_speedup IS NOT NULL AND quality_change IS NOT NULL")
    for column, lo, hi, name in (
        ("best_speedup", f.speedup_min, f.speedup_max, "sp"),
        ("quality_change", f.quality_min, f.quality_max, "qc"),
    ):
        if lo is not None:
            parts.append(f"{column} >= ${name}_lo")
            params[f"{name}_lo"] = float(lo)
        if hi is not None:
            parts.append(f"{column} <= ${name}_hi")
            params[f"{name}_hi"] = float(hi)
    if f.ingests:
        parts.append(
            "id IN (SELECT paper_id FROM paper_sources WHERE ingest_id IN (SELECT unnest($ingests)))"
        )
        params["ingests"] = [int(i) for i in f.ingests]
    if f.year_min is not None:
        parts.append("year >= $year_min")
        params["year_min"] = int(f.year_min)
    if f.year_max is not None:
        parts.append("year <= $year_max")
        params["year_max"] = int(f.year_max)
    facet_parts, facet_params = facets.where_parts(f)
    parts += facet_parts
    params.update(facet_params)
    if f.only_checked:
        parts.append("checked")
    if f.only_corrected:
        parts.append("corrected")
    return ("WHERE " + " AND ".join(parts)) if parts else "", params


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    return con.execute(sql, params or {}).df()


# ---------------------------------------------------------------- cheap state

def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """Bumped by every committed write (upload, removal, re-extraction, re-clustering): the cache key."""
    return int(con.execute("SELECT n FROM data_version").fetchone()[0])


def total_papers(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT count(*) FROM papers").fetchone()[0])


def count_papers(con: duckdb.DuckDBPyConnection, f: Filters) -> int:
    where, params = where_clause(f)
    return int(con.execute(f"{_BASE} SELECT count(*) FROM base {where}", params).fetchone()[0])


def filter_options(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """What the sidebar widgets can offer: domains, topics, uploads, and the ranges of the numbers."""
    domains = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT d FROM (SELECT unnest(domains) AS d FROM extractions) WHERE d IS NOT NULL ORDER BY d"
        ).fetchall()
    ]
    topics = con.execute(
        "SELECT topic_id, label FROM topics WHERE run_id = (SELECT max(id) FROM topic_runs) ORDER BY topic_id"
    ).fetchall()
    ingest_rows = con.execute("SELECT id, file_name FROM ingests ORDER BY id").fetchall()
    y_lo, y_hi = con.execute("SELECT min(year), max(year) FROM papers").fetchone()
    s_lo, s_hi, q_lo, q_hi = con.execute(
        "SELECT min(best_speedup), max(best_speedup), min(quality_change), max(quality_change) FROM extractions"
    ).fetchone()
    return {
        "domains": domains,
        "topics": {int(t): label for t, label in topics},
        "ingests": {int(i): name for i, name in ingest_rows},
        "years": (y_lo, y_hi),
        "speedup": (s_lo, s_hi),
        "quality": (q_lo, q_hi),
    }


# ---------------------------------------------------------------- papers

PAPER_TABLE_COLUMNS = [
    "id", "title", "method", "domains", "topic_label", "best_speedup", "quality_change",
    "quality_note", "n_claims", "year", "corrected", "checked",
]
SORTS = {
    "best speed-up": "best_speedup DESC NULLS LAST, title",
    "quality change": "quality_change DESC NULLS LAST, title",
    "number of claims": "n_claims DESC, title",
    "newest": "year DESC NULLS LAST, title",
    "title": "title",
}


def papers_table(
    con: duckdb.DuckDBPyConnection, f: Filters, sort: str = "best speed-up", limit: int | None = None
) -> pd.DataFrame:
    """The Papers table: one row per filtered paper, in a known order (sort names are from SORTS)."""
    where, params = where_clause(f)
    order = SORTS.get(sort, SORTS["best speed-up"])
    sql = f"{_BASE} SELECT {', '.join(PAPER_TABLE_COLUMNS)} FROM base {where} ORDER BY {order}, id"
    if limit is not None:
        sql += " LIMIT $limit"
        params["limit"] = int(limit)
    return _frame(con, sql, params)


def paper_detail(con: duckdb.DuckDBPyConnection, paper_id: str) -> dict[str, Any] | None:
    rows = _frame(con, f"{_BASE_WITH_ABSTRACT} SELECT * EXCLUDE (x, y, claim_list) FROM base WHERE id = $id", {"id": paper_id})
    if rows.empty:
        return None
    return rows.iloc[0].to_dict()


def claims_for(con: duckdb.DuckDBPyConnection, paper_id: str) -> pd.DataFrame:
    return _frame(
        con,
        "SELECT idx, category, value, low, from_value, unit, direction, bound, text, start_char, end_char "
        "FROM claims WHERE paper_id = $id ORDER BY start_char, idx",
        {"id": paper_id},
    )


# ---------------------------------------------------------------- trade-offs

def tradeoff_points(con: duckdb.DuckDBPyConnection, f: Filters, axis: str = "speed") -> pd.DataFrame:
    """One row per trade-off point (table `points`) of the filtered papers whose gain is on `axis`.

    A point is what the paper reports for one setting: an efficiency claim and the quality outcome of that same
    setting (see extract/points.py), so a paper with two settings has two rows. Columns: id, title, method,
    domain (first), topic_label, point (its index in the paper), gain (factor), y (quality change; NaN when
    stated in a unit the points axis cannot show), y_kind (points | percent | lossless | negligible | other),
    same_baseline, words_only (a note drawn at zero), gain_text, quality_text, evidence, and the context of the
    setting (table `point_facts`): gain_metric, baseline, hardware, model, quality_metric, quality_dataset.
    """
    if axis not in AXES:
        raise ValueError(f"unknown axis {axis!r}; one of {', '.join(AXES)}")
    where, params = where_clause(f)
    params["axis"] = axis
    df = _frame(
        con,
        f"""{_BASE}
        SELECT b.id, b.title, b.method, coalesce(b.domains[1], 'unknown') AS domain,
               coalesce(b.topic_label, 'unclustered') AS topic_label, pt.idx AS point, pt.x AS gain, pt.y AS y,
               pt.y_kind, pt.same_baseline, pt.gain_text, pt.quality_text, pt.gain_metric, pt.baseline,
               pt.hardware, pt.model, pt.quality_metric, pt.quality_dataset, b.corrected, b.checked
        FROM point_facts pt JOIN (SELECT * FROM base {where}) b ON b.id = pt.paper_id
        WHERE pt.axis = $axis AND pt.x > 0
        ORDER BY b.id, pt.idx
        """,
        params,
    )
    df["words_only"] = df["y_kind"].isin(["lossless", "negligible"])
    df["evidence"] = df["gain_text"].fillna("") + " | " + df["quality_text"].fillna("")
    return df.reset_index(drop=True)


def _lonely_gains_where(f: Filters, axis: str) -> tuple[str, dict[str, Any]]:
    """where_clause(f) narrowed to the papers with a claim on `axis` but no trade-off point on it."""
    if axis not in AXES:
        raise ValueError(f"unknown axis {axis!r}; one of {', '.join(AXES)}")
    where, params = where_clause(f)
    params["axis"] = axis
    extra = ("len(list_filter(claim_list, lambda c: c.category = $axis)) > 0 "
             "AND id NOT IN (SELECT paper_id FROM points WHERE axis = $axis AND x > 0)")
    return (f"{where} AND {extra}" if where else f"WHERE {extra}"), params


def gains_without_quality(con: duckdb.DuckDBPyConnection, f: Filters, axis: str = "speed",
                          limit: int | None = None) -> pd.DataFrame:
    """Filtered papers with a claim on `axis` but no trade-off point on it: a gain reported without a quality
    outcome of the same setting. Listed under the plot rather than drawn at a made-up quality. Columns: id,
    title, evidence (the axis claims, in reading order); by title, the first `limit` when given (at a million
    papers there are 166,667: a page lists a few and says how many with `count_gains_without_quality`)."""
    where, params = _lonely_gains_where(f, axis)
    sql = f"""{_BASE}
        SELECT id, title,
               array_to_string(list_transform(list_filter(claim_list, lambda c: c.category = $axis),
                                              lambda c: c.text), ' | ') AS evidence
        FROM base {where}
        ORDER BY title, id
        """
    if limit is not None:
        sql += " LIMIT $limit"
        params["limit"] = int(limit)
    return _frame(con, sql, params)


def count_gains_without_quality(con: duckdb.DuckDBPyConnection, f: Filters, axis: str = "speed") -> int:
    """How many papers `gains_without_quality` lists without a limit."""
    where, params = _lonely_gains_where(f, axis)
    return int(con.execute(f"{_BASE} SELECT count(*) FROM base {where}", params).fetchone()[0])


def pareto_frontier(x: Sequence[float], y: Sequence[float]) -> list[int]:
    """Indices of the points no other point beats on both axes (more gain AND more quality), by x.

    Pure function so it can be tested without a database: sort by gain descending, keep a point when
    its quality is strictly better than every point with more gain.
    """
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    ok = np.flatnonzero(np.isfinite(xs) & np.isfinite(ys))
    order = ok[np.lexsort((-ys[ok], -xs[ok]))]
    best_before = np.maximum.accumulate(np.concatenate(([-math.inf], ys[order])))[:-1]
    frontier = order[ys[order] > best_before]
    return [int(i) for i in frontier[np.lexsort((ys[frontier], xs[frontier]))]]


def domain_summary(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per domain of the filtered papers: how many, median speed-up, median quality change."""
    where, params = where_clause(f)
    return _frame(
        con,
        f"""{_BASE},
        d AS (SELECT unnest(coalesce(domains, ['unknown'])) AS domain, best_speedup, quality_change
              FROM base {where})
        SELECT domain, count(*) AS papers, median(best_speedup) AS median_speedup,
               median(quality_change) AS median_quality_change,
               count(best_speedup) AS with_speedup, count(quality_change) AS with_quality
        FROM d GROUP BY domain ORDER BY papers DESC, domain
        """,
        params,
    )


# ---------------------------------------------------------------- topics

def topic_list(con: duckdb.DuckDBPyConnection, f: Filters | None = None) -> pd.DataFrame:
    """Topics of the current run: label, size, keywords and how many of them match the filter."""
    where, params = where_clause(f or Filters())
    return _frame(
        con,
        f"""{_BASE},
        m AS (SELECT topic_id, count(*) AS matching FROM base {where} GROUP BY topic_id)
        SELECT t.topic_id, t.label, t.size, array_to_string(t.keywords, ', ') AS keywords,
               coalesce(m.matching, 0) AS matching
        FROM topics t LEFT JOIN m USING (topic_id)
        WHERE t.run_id = (SELECT id FROM run)
        ORDER BY t.size DESC, t.topic_id
        """,
        params,
    )


def topic_map(con: duckdb.DuckDBPyConnection, f: Filters, limit: int | None = None) -> pd.DataFrame:
    """x, y of the filtered papers placed in the current topic run.

    With `limit`, a stable sample of that many: the first in id order (ids are sha256 prefixes, so that
    order is pseudo-random yet the same on every rerun): a map of 100,000 titles would be megabytes sent
    to the browser per click.
    """
    where, params = where_clause(f)
    extra = "x IS NOT NULL"
    where = f"{where} AND {extra}" if where else f"WHERE {extra}"
    sql = (
        f"{_BASE} SELECT id, title, topic_id, coalesce(topic_label, 'unclustered') AS topic_label, x, y "
        f"FROM base {where}"
    )
    if limit is not None:
        sql = f"SELECT * FROM ({sql} ORDER BY id LIMIT $limit)"
        params["limit"] = int(limit)
    return _frame(con, f"{sql} ORDER BY topic_id, id", params)


def count_mapped(con: duckdb.DuckDBPyConnection, f: Filters) -> int:
    """How many filtered papers have a place on the current topic map."""
    where, params = where_clause(f)
    extra = "x IS NOT NULL"
    where = f"{where} AND {extra}" if where else f"WHERE {extra}"
    return int(con.execute(f"{_BASE} SELECT count(*) FROM base {where}", params).fetchone()[0])


def _vector_param(vec: np.ndarray) -> list[float]:
    v = np.asarray(vec, dtype=np.float32).reshape(-1)
    if v.shape[0] != EMBEDDING_DIM:
        raise ValueError(f"query vector has {v.shape[0]} dimensions, expected {EMBEDDING_DIM}")
    return v.tolist()


def semantic_search(
    con: duckdb.DuckDBPyConnection, query_vec: np.ndarray, top_k: int = 20, f: Filters | None = None
) -> pd.DataFrame:
    """Papers ranked by cosine similarity to `query_vec` (stored vectors are normalised)."""
    where, params = where_clause(f or Filters())
    params.update({"vec": _vector_param(query_vec), "k": int(top_k)})
    return _frame(
        con,
        f"""{_BASE}
        SELECT b.id, b.title, b.method, b.topic_label, b.best_speedup, b.quality_change,
               array_inner_product(e.vector, $vec::FLOAT[{EMBEDDING_DIM}]) AS score
        FROM (SELECT * FROM base {where}) b JOIN embeddings e USING (text_key)
        ORDER BY score DESC, b.id LIMIT $k
        """,
        params,
    )


def filtered_ids(con: duckdb.DuckDBPyConnection, f: Filters) -> list[str]:
    """Ids of the papers matching `f` (what hybrid search may return)."""
    where, params = where_clause(f)
    return [r[0] for r in con.execute(f"{_BASE} SELECT id FROM base {where}", params).fetchall()]


SEARCH_COLUMNS = ["id", "title", "method", "topic_label", "best_speedup", "quality_change"]


def papers_by_ids(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> pd.DataFrame:
    """The search-result columns of these papers, in the order given."""
    df = _frame(
        con,
        f"{_BASE} SELECT id, title, method, topic_label, best_speedup, quality_change "
        "FROM base WHERE id IN (SELECT unnest($ids))",
        {"ids": list(ids)},
    )
    return df.set_index("id").reindex(list(ids)).reset_index()[SEARCH_COLUMNS]


# ---------------------------------------------------------------- uploads and export

def ingests(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The upload history, newest first, with how many papers each still holds."""
    return _frame(
        con,
        """
        SELECT i.id, i.file_name, i.format, i.finished_at, i.n_records, i.n_new, i.n_duplicates,
               i.n_skipped, coalesce(s.papers, 0) AS papers_now
        FROM ingests i
        LEFT JOIN (SELECT ingest_id, count(DISTINCT paper_id) AS papers FROM paper_sources GROUP BY ingest_id) s
               ON s.ingest_id = i.id
        ORDER BY i.id DESC
        """,
    )


EXPORT_COLUMNS = [
    "id", "title", "arxiv_id", "doi", "url", "year", "date", "authors", "method", "domains", "tradeoffs",
    "topic_id", "topic_label", "best_speedup", "memory_reduction", "compute_reduction", "size_reduction",
    "token_reduction", "energy_reduction", "cost_reduction", "quality_change", "quality_flag",
    "quality_note", "n_claims", "corrected", "checked", "abstract",
]


def export_papers(con: duckdb.DuckDBPyConnection, f: Filters | None = None) -> pd.DataFrame:
    """The filtered papers, one row each, with every column a user may want in a spreadsheet."""
    where, params = where_clause(f or Filters())
    return _frame(
        con, f"{_BASE_WITH_ABSTRACT} SELECT {', '.join(EXPORT_COLUMNS)} FROM base {where} ORDER BY id", params
    )


def export_claims(con: duckdb.DuckDBPyConnection, f: Filters | None = None) -> pd.DataFrame:
    """The claims of the filtered papers, one row per claim."""
    where, params = where_clause(f or Filters())
    return _frame(
        con,
        f"""{_BASE}
        SELECT c.paper_id, c.idx, c.category, c.value, c.low, c.from_value, c.unit, c.direction, c.bound,
               c.text, c.start_char, c.end_char
        FROM claims c WHERE c.paper_id IN (SELECT id FROM base {where})
        ORDER BY c.paper_id, c.idx
        """,
        params,
    )


def export_corrections(con: duckdb.DuckDBPyConnection, f: Filters | None = None) -> pd.DataFrame:
    """People's corrections of the filtered papers, undone ones included (an audit trail), oldest first."""
    where, params = where_clause(f or Filters())
    return _frame(
        con,
        f"""{_BASE}
        SELECT c.paper_id, c.id AS correction, c.made_at, c.author, c.field, c.target, c.before::VARCHAR AS before,
               c.after::VARCHAR AS after, c.note, c.undone_at, c.undone_by
        FROM corrections c WHERE c.paper_id IN (SELECT id FROM base {where})
        ORDER BY c.id
        """,
        params,
    )


def recent_corrections(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """The audit list: the newest corrections first (undone ones too), each with its paper's title."""
    return _frame(
        con,
        """
        SELECT c.id, c.made_at, c.author, c.paper_id, p.title, c.field, c.target, c.before::VARCHAR AS before,
               c.after::VARCHAR AS after, c.note, c.undone_at, c.undone_by
        FROM corrections c LEFT JOIN papers p ON p.id = c.paper_id ORDER BY c.id DESC LIMIT $limit
        """,
        {"limit": int(limit)},
    )


def export_points(con: duckdb.DuckDBPyConnection, f: Filters | None = None) -> pd.DataFrame:
    """The trade-off points of the filtered papers, one row per point: which claims it pairs, where it is
    drawn (gain as a factor, quality change and its kind) and what it was measured on (point_facts: the
    setting's baseline, hardware and model, the quality side's metric and dataset)."""
    where, params = where_clause(f or Filters())
    return _frame(
        con,
        f"""{_BASE}
        SELECT pt.paper_id, pt.idx, pt.axis, pt.gain_idx, pt.quality_idx, pt.with_note, pt.same_baseline,
               pt.x AS gain_factor, pt.y AS quality_change, pt.y_kind AS quality_kind, pt.gain_text, pt.quality_text,
               pt.gain_metric, pt.baseline, pt.hardware, pt.model, pt.quality_metric, pt.quality_dataset
        FROM point_facts pt WHERE pt.paper_id IN (SELECT id FROM base {where})
        ORDER BY pt.paper_id, pt.idx
        """,
        params,
    )
