"""The whole extractor against the hand-annotated gold sets (tests/fixtures/gold, a copy of ../shared/gold).

Runs `extract_many()` over both sets (281 seed abstracts, 300 arXiv abstracts of 2026), scores the output with
the gold's own score.py (through ingest.extract.gold, imported, not re-implemented) and holds the thresholds
of issue 13: claims F1 >= 0.90, method accuracy >= 0.85, primary-domain accuracy >= 0.80 on each.
These are in-sample figures (the shipped models are trained on both sets); the cross-source and k-fold
figures that tell how the extractor does on unseen text come from `python -m ingest evaluate-extractor`.
"""
from __future__ import annotations

import pytest

from ingest.extract import FIELDS, extract, gold, training


@pytest.fixture(scope="module", params=gold.SETS)
def scored(request) -> dict:
    papers = gold.load(request.param)
    return gold.score(papers, training.predict(papers))


def test_claims_f1(scored):
    assert scored["claims_f1"] >= 0.90, scored["report"]


def test_method_accuracy(scored):
    assert scored["method_acc"] >= 0.85, scored["report"]


def test_primary_domain_accuracy(scored):
    assert scored["domain_acc"] >= 0.80, scored["report"]


def test_output_shape_on_gold():
    for p in gold.load("seeds") + gold.load("arxiv"):
        got = extract(p["title"], p["abstract"])
        assert tuple(got) == FIELDS and FIELDS[-2:] == ("claims", "points")
        for c in got["claims"]:
            assert p["abstract"][c["start"]:c["end"]] == c["text"]
        for pt in got["points"]:
            assert got["claims"][pt["gain"]]["category"] != "quality"
            assert pt["quality"] == "note" or got["claims"][pt["quality"]]["category"] == "quality"
