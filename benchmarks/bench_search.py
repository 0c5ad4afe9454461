"""Search quality: BM25, embeddings and their RRF fusion on real arXiv abstracts -> benchmarks/results/search.md.

The corpus is the real third-party dumps in tests/fixtures/corpora/ (copies of ../shared/corpora/: two arXiv
daily listings, an arXiv API feed and single records; 1,441 distinct papers), stored through the real
pipeline with the shipped MiniLM model. The queries (benchmarks/search_eval/queries.jsonl) are what
researchers type; the judgments (judgments.jsonl) were made by reading the titles (and abstracts where the
title left it open) of the pooled top 20 of each of the three methods: grade 2 = about the query,
1 = partly (the topic is one ingredient), 0 = not. Papers outside the pool count as 0; the table says
how many unjudged papers reached a top 10.

Usage:
  python benchmarks/bench_search.py --pool     # write search_eval/pool.jsonl: what to judge
  python benchmarks/bench_search.py            # nDCG@10 / recall@10 per method -> results/search.md
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EVAL = ROOT / "benchmarks" / "search_eval"
CORPORA = ROOT / "tests" / "fixtures" / "corpora"
FILES = ["arxiv-api-checkerboard.atom.xml", "arxiv-api-search-testing.atom.xml", "arxiv-daily-2026-05-19.jsonl",
         "arxiv-daily-2026-06-02.jsonl", "arxiv-kaggle-snapshot-record.jsonl", "semantic-scholar-paper.json"]
METHODS = ("BM25", "embeddings", "hybrid (RRF)")
SENSITIVITY = (10, 30, 120)  # other RRF constants, reported beside the default search.RRF_K (not pooled)
K = 10
POOL_DEPTH = 20


def database(path: Path):
    """The evaluation database, built once through the real pipeline (cached under data/cache/)."""
    from ingest import pipeline, store
    from ingest.embedder import get_embedder

    fresh = not path.exists()
    con = store.connect(path)
    if fresh:
        print(f"building {path} from {len(FILES)} corpus files ...", file=sys.stderr)
        pipeline.add_files(con, [CORPORA / f for f in FILES], embedder=get_embedder())
    return con


def rankings(con, queries: list[dict], depth: int) -> dict[str, dict[str, list[str]]]:
    """query id -> method -> paper ids, best first."""
    from ingest import lexical, search
    from ingest.embedder import get_embedder
    from ingest.queries import Filters

    index = lexical.for_database(con)
    model = get_embedder()
    vectors = model.embed([q["query"] for q in queries])
    out = {}
    for q, vector in zip(queries, vectors):
        words = search.lexical_ranking(con, index, q["query"], Filters(), search.POOL)
        meaning = search.embedding_ranking(con, vector, Filters(), search.POOL)
        fused = [pid for pid, _ in search.rrf([words, meaning])]
        out[q["id"]] = {"BM25": words[:depth], "embeddings": meaning[:depth], "hybrid (RRF)": fused[:depth]}
        for k in SENSITIVITY:
            out[q["id"]][f"hybrid, RRF k={k}"] = [pid for pid, _ in search.rrf([words, meaning], k=k)][:depth]
    return out


def ndcg(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    gain = sum((2 ** grades.get(pid, 0) - 1) / math.log2(i + 2) for i, pid in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return gain / best if best else 0.0


def recall(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    relevant = {pid for pid, g in grades.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def search_k() -> int:
    from ingest.search import RRF_K

    return RRF_K


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_pool(con, queries: list[dict], ranked: dict) -> None:
    titles = dict(con.execute("SELECT id, title FROM papers").fetchall())
    with (EVAL / "pool.jsonl").open("w", encoding="utf-8") as f:
        for q in queries:
            pooled = list(dict.fromkeys(pid for m in METHODS for pid in ranked[q["id"]][m]))
            for pid in pooled:
                f.write(json.dumps({"query_id": q["id"], "paper_id": pid, "title": titles[pid]}, ensure_ascii=False) + "\n")
    print(f"pool written: {EVAL / 'pool.jsonl'}", file=sys.stderr)


def evaluate(queries: list[dict], ranked: dict, judgments: list[dict]) -> tuple[str, dict]:
    grades: dict[str, dict[str, int]] = {}
    for j in judgments:
        grades.setdefault(j["query_id"], {})[j["paper_id"]] = int(j["grade"])
    judged = {qid: set(g) for qid, g in grades.items()}
    rows, means = [], {}
    for m in (*METHODS, *(f"hybrid, RRF k={k}" for k in SENSITIVITY)):
        n = [ndcg(ranked[q["id"]][m], grades.get(q["id"], {})) for q in queries]
        r = [recall(ranked[q["id"]][m], grades.get(q["id"], {})) for q in queries]
        unjudged = sum(pid not in judged.get(q["id"], set()) for q in queries for pid in ranked[q["id"]][m][:K])
        means[m] = (sum(n) / len(n), sum(r) / len(r))
        name = f"{m} (k={search_k()})" if m == "hybrid (RRF)" else m
        rows.append(f"| {name} | {means[m][0]:.3f} | {means[m][1]:.3f} | {unjudged} |")
    relevant = sum(1 for j in judgments if j["grade"] > 0)
    per_query = {m: [ndcg(ranked[q["id"]][m], grades.get(q["id"], {})) for q in queries] for m in METHODS}
    bm25, emb, hybrid = (per_query[m] for m in METHODS)
    vs_bm25 = (sum(h > b for b, h in zip(bm25, hybrid)), sum(h < b for b, h in zip(bm25, hybrid)))
    vs_emb = (sum(h > e for e, h in zip(emb, hybrid)), sum(h < e for e, h in zip(emb, hybrid)))
    table = "\n".join([
        f"{len(queries)} queries, {len(judgments):,} judged (query, paper) pairs, {relevant:,} relevant "
        f"(grade 1 or 2); mean over queries.",
        "",
        "| method | nDCG@10 | recall@10 | unjudged in top 10 |",
        "|---|---:|---:|---:|",
        *rows,
        "",
        f"Per query (nDCG@10), hybrid beats BM25 on {vs_bm25[0]} and loses on {vs_bm25[1]} of {len(queries)}; "
        f"it beats embeddings on {vs_emb[0]} and loses on {vs_emb[1]}. "
        f"The sensitivity rows re-fuse the same two rankings with another RRF constant; their papers were not "
        f"all in the judged pool, so unjudged ones count as not relevant.",
    ])
    return table, means


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pool", action="store_true", help="write the pooled top 20 of each method for judging")
    ap.add_argument("--db", default=str(ROOT / "data" / "cache" / "search-eval.duckdb"))
    args = ap.parse_args()
    Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    con = database(Path(args.db))
    queries = load_jsonl(EVAL / "queries.jsonl")
    t = time.perf_counter()
    ranked = rankings(con, queries, POOL_DEPTH)
    per_query_ms = (time.perf_counter() - t) * 1000 / len(queries)
    if args.pool:
        write_pool(con, queries, ranked)
        return
    table, means = evaluate(queries, ranked, load_jsonl(EVAL / "judgments.jsonl"))
    out = ROOT / "benchmarks" / "results" / "search.md"
    out.write_text(f"# Search quality\n\n{table}\n\n(rankings for all {len(queries)} queries took {per_query_ms:.0f} ms "
                   "per query, embedding included)\n", encoding="utf-8")
    print(table)
    best_single = max(means["BM25"][0], means["embeddings"][0])
    print(f"\nhybrid nDCG@10 {means['hybrid (RRF)'][0]:.3f} vs best single {best_single:.3f}")


if __name__ == "__main__":
    main()
