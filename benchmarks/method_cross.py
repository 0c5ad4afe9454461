"""Method-only held-out figures, for judging every change to the method decision the same way (the full
`python -m ingest evaluate-extractor` trains every component; this trains only the method model, ~10 s).

    python benchmarks/method_cross.py [--params '{"bar": -1}'] [--seed 1] [--in-sample] [--misses]

Settings: cross-source (trained on one gold set, scored on the other) both ways, and the shared k-fold split
(gold.k_fold, the one evaluate-extractor uses) over both sets. Per setting: score.py's method accuracy (exact
normalised name over the papers whose gold names one), the names given where gold has none, and the accuracy
over all papers counting those as errors. --misses lists the k-fold papers whose name is wrong.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.extract import gold, method_model  # noqa: E402
from ingest.extract.method import find_method  # noqa: E402


def _predict(papers: list[dict], model: dict) -> list[str | None]:
    return [find_method(p["title"], p["abstract"], model=model) for p in papers]


def run(params: dict, folds: int = 5, in_sample: bool = False, seed: int = 0
        ) -> tuple[list[tuple[str, dict]], list[tuple[dict, str | None]]]:
    """[(setting, method_model.score figures)] and the k-fold (paper, predicted name) pairs."""
    sets = {name: gold.load(name) for name in gold.SETS}
    rows = []
    for train_name, test_name in (("seeds", "arxiv"), ("arxiv", "seeds")):
        model = method_model.train(sets[train_name], params)
        rows.append((f"{train_name} -> {test_name}", method_model.score(_predict(sets[test_name], model),
                                                                        sets[test_name])))
    scored = gold.k_fold(sets, lambda train, test: _predict(test, method_model.train(train, params)), folds, seed)
    pairs = []
    for name, (papers, preds) in scored.items():
        rows.append((f"{folds}-fold, {name} part", method_model.score(preds, papers)))
        pairs += zip(papers, preds)
    if in_sample:
        model = method_model.train(sets["seeds"] + sets["arxiv"], params)
        rows += [(f"in-sample, {name}", method_model.score(_predict(ps, model), ps)) for name, ps in sets.items()]
    return rows, pairs


def table(rows: list[tuple[str, dict]]) -> str:
    out = "| setting | method | named where gold has none | accuracy over all papers |\n|---|---:|---:|---:|\n"
    return out + "".join(f"| {s} | {f['acc']:.3f} | {f['named_when_none']} | {f['acc_all']:.3f} |\n" for s, f in rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--params", default="{}", help="JSON overriding method_model.PARAMS")
    ap.add_argument("--seed", type=int, default=0, help="another dealing of the k-fold split (0: the shared one)")
    ap.add_argument("--in-sample", action="store_true", help="also trained and scored on both sets")
    ap.add_argument("--misses", action="store_true", help="the k-fold papers whose name is wrong")
    args = ap.parse_args(argv)
    rows, pairs = run(json.loads(args.params), in_sample=args.in_sample, seed=args.seed)
    print(table(rows))
    if args.misses:
        for paper, pred in pairs:
            if method_model.norm_name(pred) != method_model.norm_name(paper.get("method")):
                print(f"gold {paper.get('method')!r}, given {pred!r}: {paper['title'][:90]}")


if __name__ == "__main__":
    main()
