"""The app's shared resources: ONE read-write DuckDB connection per process, the model, cached reads.

Why one connection: DuckDB lets one process hold the file read-write. Every page reads through its own
`cursor()` (cheap, sees only committed data); every write (upload, removal, re-cluster) takes
`Store.lock`, so two users uploading at once are queued, never failed, and a reader never sees half an
upload because each upload is one transaction. Query results are cached with `st.cache_data` keyed on
`queries.data_version` (a counter every write transaction bumps), so any write invalidates them without bookkeeping;
each cached read checks the version inside its own read transaction, so no result is filed under another state.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

import duckdb
import streamlit as st

from ingest import context_queries, facets, queries, store, tradeoff_queries

from .settings import Settings, get_settings


@dataclass
class Store:
    path: str
    con: duckdb.DuckDBPyConnection
    read_only: bool
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reader(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()


@st.cache_resource(show_spinner=False)
def _open_store(path: str, read_only: bool) -> Store:
    return Store(path, store.connect(path, read_only=read_only), read_only)


def settings() -> Settings:
    return get_settings()


def get_store() -> Store:
    """The process-wide store for the configured database (raises StoreError with a clear message)."""
    s = settings()
    return _open_store(str(s.db_path), s.read_only)


@st.cache_resource(show_spinner="Loading the embedding model ...")
def get_model() -> Any:
    from ingest.embedder import get_embedder

    return get_embedder()


_preload_started = threading.Event()


def preload_model() -> None:
    """Load the model in the background once per process, so the first search (or upload) does not wait
    the ~3-5 s it takes; a caller that needs it meanwhile waits on the same cache entry."""
    if _preload_started.is_set():
        return
    _preload_started.set()

    def run() -> None:
        try:
            get_model()
        except Exception:  # noqa: BLE001 - the page that needs the model says why it cannot load
            pass

    threading.Thread(target=run, name="model-preload", daemon=True).start()


def version() -> int:
    """The current data version (one tiny query) - part of every cache key."""
    cur = get_store().reader()
    try:
        return queries.data_version(cur)
    finally:
        cur.close()


class _Stale(RuntimeError):
    """A write committed between reading the data version and running the query: retry with the new one."""

    def __init__(self) -> None:
        super().__init__("the database changed while this page was reading it; reload the page")


@contextmanager
def _snapshot(db: Store, data_version: int | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor inside one read transaction, so every query through it sees one committed state. With
    `data_version`, raise _Stale when that state is newer than the version the caller keys its cache on,
    so a result is never cached under the key of another state (st.cache_data does not cache exceptions)."""
    cur = db.reader()
    try:
        cur.execute("BEGIN TRANSACTION")
        if data_version is not None and queries.data_version(cur) != data_version:
            raise _Stale
        yield cur
    finally:
        cur.execute("ROLLBACK")
        cur.close()


@st.cache_data(max_entries=256, show_spinner=False)
def _cached(path: str, data_version: int, name: str, args: tuple) -> Any:
    with _snapshot(get_store(), data_version) as cur:
        return READS[name](cur, *args)


def _fresh(cached_fn: Any, *args: Any) -> Any:
    """`cached_fn(path, version, *args)`, retried while writes keep moving the version under it."""
    for _ in range(5):
        try:
            return cached_fn(get_store().path, version(), *args)
        except _Stale:
            continue
    return cached_fn(get_store().path, version(), *args)


def query(name: str, *args: Any) -> Any:
    """`queries.<name>(cursor, *args)`, cached until the database changes."""
    if name not in READS:
        raise ValueError(f"not a dashboard query: {name}")
    return _fresh(_cached, name, tuple(args))


QUERY_NAMES = {
    "count_papers", "total_papers", "filter_options", "papers_table", "paper_detail", "claims_for",
    "tradeoff_points", "domain_summary", "topic_list", "topic_map", "count_mapped", "ingests",
    "export_papers", "export_claims", "export_points", "gains_without_quality",
    "count_gains_without_quality",
    "export_corrections", "recent_corrections",
}
# every read a page may make by name: the queries above, the context facets and the leaderboard
READS = {name: getattr(queries, name) for name in QUERY_NAMES} | {
    "facet_counts": facets.facet_counts,
    "leaderboard_choices": context_queries.leaderboard_choices,
    "leaderboard": context_queries.leaderboard,
    # the Trade-offs page: counts, drawn dots and listed rows reduced in DuckDB (tradeoff_queries.py)
    "tradeoff_summary": tradeoff_queries.plot_summary,
    "tradeoff_drawn": tradeoff_queries.drawn_points,
    "tradeoff_selected": tradeoff_queries.points_of,
    "tradeoff_other_units": tradeoff_queries.other_unit_points,
}


@st.cache_resource(max_entries=2, show_spinner="Preparing the word index ...")
def _lexical(path: str, data_version: int):
    from ingest import lexical

    with _snapshot(get_store(), data_version) as cur:
        return lexical.for_database(cur)


def _query_vector(text: str):
    """The query embedded with the app's model; None when there is no model (search then uses words only)."""
    try:
        return get_model().embed([text])[0]
    except Exception:  # noqa: BLE001 - a missing/broken model must not take word search down with it
        return None


@st.cache_data(max_entries=64, show_spinner="Searching ...")
def _search(path: str, data_version: int, text: str, f: queries.Filters, top_k: int):
    from ingest import search

    index = _lexical(path, data_version)
    vector = _query_vector(text)
    with _snapshot(get_store(), data_version) as cur:
        return search.hybrid_search(cur, index, text, vector, f, top_k)


def search(text: str, f: queries.Filters, top_k: int = 20):
    """Hybrid search within the filters: BM25 and embedding rankings fused (ingest/search.py)."""
    return _fresh(_search, text[:2000], f, top_k)


@st.cache_data(max_entries=64, show_spinner=False)
def _similar(path: str, data_version: int, paper_id: str, top_k: int):
    from ingest import search

    index = _lexical(path, data_version)
    with _snapshot(get_store(), data_version) as cur:
        return search.similar_papers(cur, index, paper_id, top_k)


def similar(paper_id: str, top_k: int = 5):
    """Papers like this one, by words and by meaning."""
    return _fresh(_similar, paper_id, top_k)


@st.cache_data(max_entries=16, show_spinner=False)
def _export_file(path: str, data_version: int, fmt: str, f: queries.Filters, what: str) -> bytes:
    return build_export(get_store(), fmt, f, what, data_version)


def export_file(fmt: str, f: queries.Filters, what: str = "papers") -> bytes:
    """The export bytes for the filtered papers (or their claims), cached until the data changes."""
    return _fresh(_export_file, fmt, f, what)


def build_export(db: Store, fmt: str, f: queries.Filters, what: str, data_version: int | None = None) -> bytes:
    """The same bytes as export_file, without Streamlit (runs in the download's own thread).
    Papers and claims are read in one snapshot, so they agree even while an upload commits."""
    from ingest import export

    with _snapshot(db, data_version) as cur:
        if what == "claims":
            return export.claims_bytes(fmt, queries.export_claims(cur, f))
        if what == "points":
            return export.claims_bytes(fmt, queries.export_points(cur, f), "points")
        if what == "corrections":
            return export.claims_bytes(fmt, queries.export_corrections(cur, f), "corrections")
        nested = fmt in ("xlsx", "json")
        claims = queries.export_claims(cur, f) if nested else None
        points = queries.export_points(cur, f) if nested else None
        corrections = queries.export_corrections(cur, f) if nested else None
        return export.export_bytes(fmt, queries.export_papers(cur, f), claims, points, corrections)


def deferred_export(fmt: str, f: queries.Filters, what: str = "papers"):
    """A callable for st.download_button: large files are built only when the user clicks."""
    db = get_store()
    return lambda: build_export(db, fmt, f, what)


# Figures are cached as shared objects (cache_resource: no pickling); Streamlit only reads them
# (plotly_chart serialises a copy), so sharing across sessions is safe and saves ~100 ms a run.
@st.cache_resource(max_entries=32, show_spinner=False)
def _tradeoff_figure(path: str, data_version: int, f: queries.Filters, axis: str, colour: str, cap: int,
                     frontier_all: bool = True, metric: str | None = None, dataset: str | None = None):
    from . import charts

    # at most `cap` rows: the frontier and a stable sample, on the like-with-like choice (tradeoff_queries.py)
    points = _cached(path, data_version, "tradeoff_drawn", (f, axis, cap, frontier_all, metric or None, dataset or None))
    return charts.tradeoff_figure(points, axis, colour, cap, frontier_all)


@st.cache_resource(max_entries=32, show_spinner=False)
def _topic_figure(path: str, data_version: int, f: queries.Filters, cap: int):
    from . import charts

    fig = charts.topic_map_figure(_cached(path, data_version, "topic_map", (f, cap)))
    # legend under the map, so the map gets the page's whole width instead of sharing it with the names
    fig.update_layout(height=720, legend=dict(orientation="h", x=0, y=-0.02, xanchor="left", yanchor="top"))
    return fig


def tradeoff_figure(f: queries.Filters, axis: str, colour: str, cap: int, frontier_all: bool = True,
                    metric: str | None = None, dataset: str | None = None):
    """The trade-off figure for these filters (on one quality metric and dataset when given), built once per
    data version."""
    return _fresh(_tradeoff_figure, f, axis, colour, cap, frontier_all, metric, dataset)


def topic_figure(f: queries.Filters, cap: int):
    """The topic map for these filters, built once per data version."""
    return _fresh(_topic_figure, f, cap)


def warm() -> None:
    """Fill the caches for the unfiltered views right after a write, so the next visitor of each page
    does not pay the one-off cold cost (~0.4 s at 100,000 papers); the writer already waits seconds."""
    s = settings()
    f = queries.Filters()
    for name, args in (("filter_options", ()), ("total_papers", ()), ("papers_table", (f, "best speed-up", s.table_rows)),
                       ("domain_summary", (f,)), ("topic_list", (f,)),
                       ("tradeoff_summary", (f, "speed", None, None)), ("count_gains_without_quality", (f, "speed")),
                       ("gains_without_quality", (f, "speed", s.table_rows))):
        query(name, *args)
    tradeoff_figure(f, "speed", "domain", s.plot_points)
    topic_figure(f, s.map_points)
