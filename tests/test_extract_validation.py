"""`validation.cross_source`: the four figures every learned extractor decision reports (issue 13)."""
from __future__ import annotations

from collections import Counter

import pytest

from ingest.extract.validation import cross_source, folds, load_gold


def _majority(papers):
    return {"label": Counter(p["y"] for p in papers).most_common(1)[0][0]}


def _accuracy(preds, papers):
    return {"acc": sum(p == x["y"] for p, x in zip(preds, papers)) / len(papers)}


def test_each_figure_scores_papers_the_model_never_saw():
    a = [{"y": "x", "source": "a"}] * 6 + [{"y": "z", "source": "a"}] * 2
    b = [{"y": "z", "source": "b"}] * 5
    got = cross_source(_majority, lambda m, p: m["label"], _accuracy, {"a": a, "b": b}, k=4)
    assert got["a->b"] == {"acc": 0.0}   # a's majority is x, b is all z
    assert got["b->a"] == {"acc": 0.25}  # b's majority z is right for 2 of a's 8
    assert set(got["cv4"]) == {"all", "a", "b"}
    # in-sample: one model on both (7 z against 6 x)
    assert got["in_sample"]["a"] == {"acc": 0.25} and got["in_sample"]["b"] == {"acc": 1.0}


def test_folds_are_disjoint_and_cover_everything():
    parts = folds(list(range(23)), 5)
    assert sorted(i for part in parts for i in part) == list(range(23))
    assert all(parts)


def test_a_missing_gold_file_says_what_to_copy(tmp_path):
    with pytest.raises(FileNotFoundError, match="copy it from"):
        load_gold("seeds", tmp_path)


def test_gold_rows_are_merged_with_their_inputs():
    papers = load_gold("seeds")
    assert len(papers) == 281
    assert all(p["abstract"] and p["domains"] and p["source"] == "seeds" for p in papers)
