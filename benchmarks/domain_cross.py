"""Domains-only held-out figures, for judging every change to the primary-domain decision the same way (the
full `python -m ingest evaluate-extractor` trains every component; this trains only the domain model).

    python benchmarks/domain_cross.py [--params '{"C": 3}'] [--confusion] [--in-sample] [--seed 1]

Settings: cross-source (trained on one gold set, scored on the other) both ways, and the shared k-fold split
(gold.k_fold) over both sets. Per setting: primary-domain accuracy as score.py prints it (its own code, via
gold.score), the label-set F1 (micro over the 1-3 labels; score.py scores only the first), and the primary
errors split into "order" (the predicted first label is one gold lists, not first) and "label" (gold lists it
nowhere). --confusion adds the gold -> predicted primary pairs of the k-fold errors.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.extract import domain_model, gold  # noqa: E402
from ingest.extract.domains import classify_domains  # noqa: E402


def _predict(papers: list[dict], model: dict) -> list[dict]:
    return [{"id": p["id"], "title": p.get("title"), "domains": classify_domains(p["title"], p["abstract"], model)}
            for p in papers]


def figures(papers: list[dict], preds: list[dict]) -> dict:
    """Primary accuracy (score.py), label-set F1 and the order / label split of the primary errors."""
    golds = [{"id": p["id"], "title": p.get("title"), "domains": p.get("domains")} for p in papers]
    acc = gold.score(golds, preds)["domain_acc"]
    tp = fp = fn = order = label = 0
    for g, p in zip(golds, preds):
        gd, pd = g["domains"] or [], p["domains"] or []
        tp += len(set(gd) & set(pd))
        fp += len(set(pd) - set(gd))
        fn += len(set(gd) - set(pd))
        if gd and pd and pd[0] != gd[0]:
            order += pd[0] in gd
            label += pd[0] not in gd
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {"acc": acc, "f1": f1, "order": order, "label": label, "n": len(golds)}


def confusion(papers: list[dict], preds: list[dict]) -> Counter:
    """(gold primary, predicted primary) -> count, over the papers whose primary is wrong."""
    return Counter((p["domains"][0], q["domains"][0]) for p, q in zip(papers, preds)
                   if p.get("domains") and q["domains"][0] != p["domains"][0])


def run(params: dict | None, folds: int = 5, in_sample: bool = False, seed: int = 0) -> tuple[list[tuple[str, dict]], Counter]:
    """[(setting, figures)] for the cross-source runs and the k-fold parts, and the k-fold confusion."""
    sets = {name: gold.load(name) for name in gold.SETS}
    rows = []
    for train_name, test_name in (("seeds", "arxiv"), ("arxiv", "seeds")):
        model = domain_model.train(sets[train_name], params)
        rows.append((f"{train_name} -> {test_name}", figures(sets[test_name], _predict(sets[test_name], model))))
    scored = gold.k_fold(sets, lambda train, test: _predict(test, domain_model.train(train, params)), folds, seed)
    conf: Counter = Counter()
    for name, (papers, preds) in scored.items():
        rows.append((f"{folds}-fold, {name} part", figures(papers, preds)))
        conf.update(confusion(papers, preds))
    if in_sample:
        model = domain_model.train(sets["seeds"] + sets["arxiv"], params)
        rows += [(f"in-sample, {name}", figures(ps, _predict(ps, model))) for name, ps in sets.items()]
    return rows, conf


def table(rows: list[tuple[str, dict]]) -> str:
    out = "| setting | primary domain | label-set F1 | primary errors: order / label |\n|---|---:|---:|---:|\n"
    return out + "".join(f"| {s} | {f['acc']:.3f} | {f['f1']:.3f} | {f['order']} / {f['label']} |\n" for s, f in rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--params", default="{}", help="JSON overriding domain_model.PARAMS")
    ap.add_argument("--confusion", action="store_true", help="the k-fold errors as gold -> predicted pairs")
    ap.add_argument("--seed", type=int, default=0, help="another dealing of the k-fold split (0: the shared one)")
    ap.add_argument("--in-sample", action="store_true", help="also trained and scored on both sets")
    args = ap.parse_args(argv)
    rows, conf = run(json.loads(args.params), in_sample=args.in_sample, seed=args.seed)
    print(table(rows))
    if args.confusion:
        print("k-fold primary errors, gold -> predicted (count):")
        print("\n".join(f"  {g} -> {p}: {n}" for (g, p), n in conf.most_common()))


if __name__ == "__main__":
    main()
