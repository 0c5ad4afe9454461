"""Hybrid search: the BM25 ranking (lexical.py) and the embedding ranking fused by reciprocal rank fusion.

Why RRF: BM25 scores and cosine similarities live on unrelated scales; fusing ranks needs no calibration
and rewards papers both methods place high. `RRF_K` and `POOL` were chosen on
benchmarks/search_eval (nDCG@10, see the README); the filters apply to both rankings before fusion.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import duckdb
import numpy as np
import pandas as pd

from . import queries
from .lexical import LexicalIndex
from .queries import Filters

RRF_K = 60
POOL = 100  # how deep each ranking is read before fusing


def rrf(rankings: Iterable[Sequence[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: each id scores sum(1 / (k + rank)) over the rankings it appears in
    (rank from 1); ties keep the order of first appearance in the earlier ranking."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, pid in enumerate(ranking, start=1):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (k + rank)
    order = {pid: i for i, pid in enumerate(scores)}
    return sorted(scores.items(), key=lambda item: (-item[1], order[item[0]]))


def embedding_ranking(con: duckdb.DuckDBPyConnection, vector: np.ndarray | None, f: Filters, limit: int = POOL) -> list[str]:
    if vector is None:
        return []
    return list(queries.semantic_search(con, vector, limit, f)["id"])


def lexical_ranking(con: duckdb.DuckDBPyConnection, index: LexicalIndex | None, text: str, f: Filters, limit: int = POOL) -> list[str]:
    if index is None or not text.strip():
        return []
    allowed = None if f.is_empty() else queries.filtered_ids(con, f)
    return index.ranking(text, allowed, limit)


def hybrid_search(
    con: duckdb.DuckDBPyConnection,
    index: LexicalIndex | None,
    text: str,
    vector: np.ndarray | None,
    f: Filters | None = None,
    top_k: int = 20,
) -> pd.DataFrame:
    """The filtered papers best matching `text` by words and by meaning; either side may be missing
    (no model: words only; no word in common: meaning only). Columns as queries.papers_by_ids plus
    `rank_score` (the fused score), `bm25_rank` and `embedding_rank` (1-based, empty when not ranked)."""
    f = f or Filters()
    words = lexical_ranking(con, index, text, f)
    meaning = embedding_ranking(con, vector, f)
    return _frame(con, rrf([words, meaning])[:top_k], words, meaning)


def similar_papers(con: duckdb.DuckDBPyConnection, index: LexicalIndex | None, paper_id: str, top_k: int = 5) -> pd.DataFrame:
    """Papers like `paper_id`: its title and abstract as the query, its own vector for the meaning side."""
    row = con.execute(
        "SELECT coalesce(p.title, '') || '. ' || coalesce(p.abstract, ''), e.vector FROM papers p "
        "LEFT JOIN embeddings e USING (text_key) WHERE p.id = $id", {"id": paper_id}
    ).fetchone()
    if row is None:
        return _frame(con, [], [], [])
    text, vector = row
    vector = None if vector is None else np.asarray(vector, dtype=np.float32)
    words = [p for p in lexical_ranking(con, index, text, Filters(), POOL + 1) if p != paper_id]
    meaning = [p for p in embedding_ranking(con, vector, Filters(), POOL + 1) if p != paper_id]
    return _frame(con, rrf([words, meaning])[:top_k], words, meaning)


def _frame(con, fused: list[tuple[str, float]], words: list[str], meaning: list[str]) -> pd.DataFrame:
    ids = [pid for pid, _ in fused]
    out = queries.papers_by_ids(con, ids)
    out["rank_score"] = [score for _, score in fused]
    for column, ranking in (("bm25_rank", words), ("embedding_rank", meaning)):
        where = {pid: i for i, pid in enumerate(ranking, start=1)}
        out[column] = pd.array([where.get(pid) for pid in ids], dtype="Int64")
    return out
