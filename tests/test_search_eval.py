"""The search evaluation set is well formed, and its metrics compute what they say."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "benchmarks" / "search_eval"
spec = importlib.util.spec_from_file_location("bench_search", ROOT / "benchmarks" / "bench_search.py")
bench = importlib.util.module_from_spec(spec)
sys.modules["bench_search"] = bench
spec.loader.exec_module(bench)


def test_the_judgments_cover_every_query_with_graded_pairs():
    queries = bench.load_jsonl(EVAL / "queries.jsonl")
    judgments = bench.load_jsonl(EVAL / "judgments.jsonl")
    assert len(queries) >= 30 and len({q["id"] for q in queries}) == len(queries)
    assert {j["grade"] for j in judgments} <= {0, 1, 2}
    for q in queries:
        mine = [j for j in judgments if j["query_id"] == q["id"]]
        assert len(mine) >= 20 and len({j["paper_id"] for j in mine}) == len(mine), q
        assert any(j["grade"] == 2 for j in mine) or any(j["grade"] == 1 for j in mine), q


def test_ndcg_and_recall():
    grades = {"a": 2, "b": 1, "c": 0}
    assert bench.ndcg(["a", "b", "x"], grades) == pytest.approx(1.0)
    assert bench.ndcg(["b", "a"], grades) < 1.0 and bench.ndcg(["x", "c"], grades) == 0.0
    assert bench.recall(["a", "x"], grades) == 0.5 and bench.recall([], {}) == 0.0
    assert json.loads((EVAL / "queries.jsonl").read_text().splitlines()[0])["query"]
