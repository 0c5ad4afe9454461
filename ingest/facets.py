"""Context facets: filter papers by what their claims compare (metric, dataset, baseline, hardware, model).

Why a registry: the five facets share one shape (a field of the claim context, a list column of
`paper_facts` holding the paper's distinct names for it, a `Filters` attribute and a URL key), so the
write side (facts.py), the filter SQL (queries.where_clause), the counts and the sidebar all loop over
`FACETS` instead of keeping five hand-written copies in step. A claim's name for a field is its canonical
name where the vocabulary knows one, else the phrase as the abstract spells it (`label_sql`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb


@dataclass(frozen=True)
class Facet:
    field: str      # the claim context field (claims.<field>, claims.<field>_canonical)
    attr: str       # the Filters attribute holding the chosen names
    url: str        # the URL query key
    label: str      # the sidebar label

    @property
    def column(self) -> str:
        """The paper_facts column: the paper's distinct names for this field, sorted."""
        return f"{self.field}_names"


FACETS: tuple[Facet, ...] = (
    Facet("metric", "metrics", "metric", "Metric"),
    Facet("dataset", "datasets", "dataset", "Dataset"),
    Facet("baseline", "baselines", "baseline", "Baseline"),
    Facet("hardware", "hardware", "hw", "Hardware"),
    Facet("model", "models", "model", "Model"),
)
FACET_BY_FIELD = {facet.field: facet for facet in FACETS}


def label_sql(field: str, alias: str = "") -> str:
    """SQL for a claim's name for `field`: canonical where known, else its own words (NULL when unnamed)."""
    p = f"{alias}." if alias else ""
    return f"coalesce(nullif(trim({p}{field}_canonical), ''), nullif(trim({p}{field}), ''))"


def facts_columns_sql() -> str:
    """The per-paper aggregate columns for facts.py's claims CTE: one sorted, distinct list per facet."""
    return ", ".join(f"list_sort(list_distinct(list({label_sql(facet.field)}))) AS {facet.column}" for facet in FACETS)


def where_parts(f: Any) -> tuple[list[str], dict[str, Any]]:
    """WHERE fragments over `paper_facts` for the facets set in `f`: a paper matches a facet when one of its
    claims has one of the chosen names. Values travel as bound parameters only."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    for facet in FACETS:
        chosen = getattr(f, facet.attr, ())
        if chosen:
            parts.append(f"list_has_any(coalesce({facet.column}, []::VARCHAR[]), $facet_{facet.field})")
            params[f"facet_{facet.field}"] = list(chosen)
    return parts, params


def facet_counts(con: duckdb.DuckDBPyConnection, f: Any) -> dict[str, dict[str, int]]:
    """{field: {name: papers}} over the papers matching `f` with that facet's own choice left out (so the
    other names of a facet stay offered, with the number of papers picking them would give), most first.

    One statement: the papers matching every filter but the facets are found once (text search is the costly
    part), then each facet counts its names among them under the other facets' choices."""
    from .queries import _BASE, where_clause  # queries imports this module

    where, params = where_clause(f.with_(**{facet.attr: () for facet in FACETS}))
    branches: list[str] = []
    for facet in FACETS:
        parts, own = where_parts(f.with_(**{facet.attr: ()}))
        params.update(own)  # a parameter names the same value in every branch
        others = ("WHERE " + " AND ".join(parts)) if parts else ""
        branches.append(f"SELECT '{facet.field}' AS field, unnest({facet.column}) AS name FROM matching {others}")
    rows = con.execute(
        f"""{_BASE},
        matching AS MATERIALIZED (SELECT {", ".join(facet.column for facet in FACETS)} FROM base {where})
        SELECT field, name, count(*) AS papers FROM ({" UNION ALL ".join(branches)})
        WHERE name IS NOT NULL GROUP BY field, name ORDER BY field, papers DESC, name
        """,
        params,
    ).fetchall()
    out: dict[str, dict[str, int]] = {facet.field: {} for facet in FACETS}
    for field, name, n in rows:
        out[field][name] = int(n)
    return out
