"""Claims-only cross-source and k-fold figures, for iterating on the claims model (the full
`python -m ingest evaluate-extractor` trains every component; this trains only the claims one).

    python benchmarks/claims_cross.py [--folds] [--details seeds|arxiv]

Cross-source: the claims model trained on one gold set, scored on the other with the gold's score.py.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.extract import claim_model, gold  # noqa: E402


def _predict(papers: list[dict], model: claim_model.ClaimModel) -> list[dict]:
    return [{"id": p["id"], "title": p.get("title"),
             "claims": claim_model.extract_claims(p.get("abstract") or "", model)} for p in papers]


def _score(papers: list[dict], preds: list[dict], details: bool = False) -> dict:
    golds = [{k: p.get(k) for k in ("id", "title", "claims")} for p in papers]
    return gold.score(golds, preds, details=details)


def cross(sets: dict, details_for: str | None = None) -> None:
    for train_name, test_name in (("seeds", "arxiv"), ("arxiv", "seeds")):
        model = claim_model.ClaimModel(claim_model.train(sets[train_name]))
        s = _score(sets[test_name], _predict(sets[test_name], model), details=details_for == test_name)
        print(f"{train_name}->{test_name}: F1 {s['claims_f1']:.3f} (P {s['claims_p']:.3f} / R {s['claims_r']:.3f})")
        if details_for == test_name:
            print(s["report"])


def kfold(sets: dict, folds: int = 5, seed: int = 0) -> None:
    scored = gold.k_fold(sets, lambda train, test: _predict(test, claim_model.ClaimModel(claim_model.train(train))),
                         folds, seed)
    for name, (papers, preds) in scored.items():
        s = _score(papers, preds)
        print(f"{folds}-fold {name}: F1 {s['claims_f1']:.3f} (P {s['claims_p']:.3f} / R {s['claims_r']:.3f})")


def in_sample(sets: dict) -> None:
    model = claim_model.ClaimModel(claim_model.train(sets["seeds"] + sets["arxiv"]))
    for name, papers in sets.items():
        s = _score(papers, _predict(papers, model))
        print(f"in-sample {name}: F1 {s['claims_f1']:.3f} (P {s['claims_p']:.3f} / R {s['claims_r']:.3f})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", action="store_true", help="also 5-fold over both sets and in-sample")
    ap.add_argument("--details", choices=gold.SETS, help="print score.py --details for this test set")
    args = ap.parse_args()
    sets = {name: gold.load(name) for name in gold.SETS}
    cross(sets, args.details)
    if args.folds:
        kfold(sets)
        in_sample(sets)


if __name__ == "__main__":
    main()
