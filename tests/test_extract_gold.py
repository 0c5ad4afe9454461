"""The whole extractor against the hand-annotated gold set (tests/fixtures/gold, a copy of ../shared/gold).

Runs `extract()` over the 281 seed abstracts, scores the output with the gold set's own score.py (imported, not
re-implemented) and holds the thresholds the project promised: claims F1 >= 0.90, method accuracy >= 0.85,
primary-domain accuracy >= 0.80.
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
from pathlib import Path

import pytest

from ingest.extract import extract

GOLD_DIR = Path(__file__).resolve().parent / "fixtures" / "gold"


def _load_scorer():
    spec = importlib.util.spec_from_file_location("gold_score", GOLD_DIR / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("gold") / "pred.jsonl"
    with open(GOLD_DIR / "seeds.jsonl", encoding="utf-8") as f, open(out, "w", encoding="utf-8") as w:
        for line in f:
            r = json.loads(line)
            w.write(json.dumps({"id": r["id"], "title": r["title"], **extract(r["title"], r["abstract"])}) + "\n")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        _load_scorer().main(str(GOLD_DIR / "seeds.gold.jsonl"), str(out))
    report = buf.getvalue()
    summary = next(line for line in report.splitlines() if line.startswith("claims_f1="))
    metrics = {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", summary)}
    metrics["report"] = report
    return metrics


def test_claims_f1(scored):
    assert scored["claims_f1"] >= 0.90, scored["report"]


def test_method_accuracy(scored):
    assert scored["method_acc"] >= 0.85, scored["report"]


def test_primary_domain_accuracy(scored):
    assert scored["domain_acc"] >= 0.80, scored["report"]


def test_output_shape_on_gold():
    with open(GOLD_DIR / "seeds.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            got = extract(r["title"], r["abstract"])
            assert list(got) == ["method", "domains", "tradeoffs", "quality_note", "claims", "points"]
            for p in got["points"]:
                assert got["claims"][p["gain"]]["category"] != "quality"
                assert p["quality"] == "note" or got["claims"][p["quality"]]["category"] == "quality"
            for c in got["claims"]:
                assert r["abstract"][c["start"]:c["end"]] == c["text"]
