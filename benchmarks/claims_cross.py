"""Claims-only cross-source and k-fold figures, for iterating on the claims model (the full
`python -m ingest evaluate-extractor` trains every component; this trains only the claims one).

    python benchmarks/claims_cross.py [--folds] [--deals N] [--details seeds|arxiv]

Cross-source: the claims model trained on one gold set, scored on the other with the gold's score.py. The 5-fold
figures are also given for the papers of both sets whose primary domain is systems or theory.
`--deals N` repeats the 5-fold figures over N dealings of the papers (seeds 0..N-1) and prints their mean: one
claim moves a 5-fold figure by ~0.003, and a change of features moves a few claims either way by chance.
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


def kfold(sets: dict, folds: int = 5, seed: int = 0) -> dict[str, float]:
    scored = gold.k_fold(sets, lambda train, test: _predict(test, claim_model.ClaimModel(claim_model.train(train))),
                         folds, seed)
    f1 = {}
    for name, (papers, preds) in scored.items():
        s = _score(papers, preds)
        f1[name] = s["claims_f1"]
        print(f"{folds}-fold {name}{f' (deal {seed})' if seed else ''}: F1 {s['claims_f1']:.3f} "
              f"(P {s['claims_p']:.3f} / R {s['claims_r']:.3f})")
    rows = [(p, pred) for papers, preds in scored.values() for p, pred in zip(papers, preds)
            if (p.get("domains") or [None])[0] in SYSTEMS_THEORY]
    s = _score([p for p, _ in rows], [pred for _, pred in rows])
    f1["systems/theory"] = s["claims_f1"]
    print(f"{folds}-fold systems/theory papers ({len(rows)}){f' (deal {seed})' if seed else ''}: F1 "
          f"{s['claims_f1']:.3f} (P {s['claims_p']:.3f} / R {s['claims_r']:.3f})")
    return f1


# The gold papers nearest the held-out systems/theory set (GPU/HPC systems and theory): by their primary domain.
SYSTEMS_THEORY = ("systems", "theory")


def kfold_deals(sets: dict, deals: int, folds: int = 5) -> None:
    runs = [kfold(sets, folds, seed) for seed in range(deals)]
    for name in runs[0]:
        print(f"{folds}-fold {name}, mean of {deals} deals: F1 {sum(r[name] for r in runs) / deals:.4f}")


def in_sample(sets: dict) -> None:
    model = claim_model.ClaimModel(claim_model.train(sets["seeds"] + sets["arxiv"]))
    for name, papers in sets.items():
        s = _score(papers, _predict(papers, model))
        print(f"in-sample {name}: F1 {s['claims_f1']:.3f} (P {s['claims_p']:.3f} / R {s['claims_r']:.3f})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", action="store_true", help="also 5-fold over both sets and in-sample")
    ap.add_argument("--deals", type=int, default=1, help="with --folds: 5-fold over this many dealings, and the mean")
    ap.add_argument("--details", choices=gold.SETS, help="print score.py --details for this test set")
    args = ap.parse_args()
    sets = {name: gold.load(name) for name in gold.SETS}
    cross(sets, args.details)
    if args.folds:
        if args.deals > 1:
            kfold_deals(sets, args.deals)
        else:
            kfold(sets)
        in_sample(sets)


if __name__ == "__main__":
    main()
