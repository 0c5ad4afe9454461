"""Learn which of the rules' candidate names is the paper's own method (scikit-learn, training only).

method.method_candidates proposes names (each rule's pick, name-like tokens, parenthesised names) with
features; a logistic regression learns from the gold whether a candidate is the annotated name. find_method
takes the best-scoring candidate, or None when no candidate reaches the bar (surveys and analyses name
nothing). The model is plain JSON (tfidf_linear.py scores it without scikit-learn).

    python -m ingest.extract.method_model [--write]   # cross-source figures; --write saves models/method.json
"""
from __future__ import annotations

import json
import math
import sys

from . import tfidf_linear as linear
from .method import method_candidates
from .validation import GOLD_SETS, cross_source, format_report, load_gold

PARAMS = {"C": 0.3, "threshold": 0.2}  # threshold: the probability the best candidate needs to be named
DIGITS = 4


def norm_name(s: str | None) -> str | None:
    """score.py's comparison: lower-case, letters and digits only."""
    return "".join(ch for ch in (s or "").lower() if ch.isalnum()) or None


def train(papers: list[dict], params: dict | None = None) -> dict:
    """Fit the candidate scorer on `papers` (input rows merged with gold rows); return the JSON model."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    p = {**PARAMS, **(params or {})}
    rows, y = [], []
    for x in papers:
        gold = norm_name(x.get("method"))
        for name, feats in method_candidates(x["title"], x["abstract"]):
            rows.append(feats)
            y.append(1 if norm_name(name) == gold else 0)
    if len(set(y)) < 2:
        raise ValueError("method_model.train needs papers whose candidates include right and wrong names")
    names = sorted({k for feats in rows for k in feats})
    col = {k: i for i, k in enumerate(names)}
    data, indices, indptr = [], [], [0]
    for feats in rows:
        for k, v in feats.items():
            if v:
                indices.append(col[k])
                data.append(v)
        indptr.append(len(indices))
    X = csr_matrix((data, indices, indptr), shape=(len(rows), len(names)))
    clf = LogisticRegression(C=p["C"], max_iter=3000, tol=1e-6)
    clf.fit(X, y)
    w = clf.coef_[0]
    # two classes "other" / "method" with opposite halves of the logit, so linear.decision scores both
    W = [v for wi in w for v in (round(float(-wi / 2), DIGITS), round(float(wi / 2), DIGITS))]
    b = float(clf.intercept_[0])
    return {"kind": "method", "params": p, "classes": ["other", "method"], "terms": {}, "dense": names,
            "W": W, "b": [round(-b / 2, DIGITS), round(b / 2, DIGITS)],
            "bar": round(math.log(p["threshold"] / (1 - p["threshold"])), DIGITS)}


def predict(model: dict, paper: dict) -> str | None:
    """The name the model gives one paper, or None."""
    from .method import find_method
    return find_method(paper["title"], paper["abstract"], model=model)


def score(preds: list, papers: list[dict]) -> dict:
    """score.py's method accuracy (over papers whose gold names a method), the names given where gold has none,
    and the accuracy over all papers counting those as errors."""
    ok = n = fp = none = 0
    for pred, x in zip(preds, papers):
        g, q = norm_name(x.get("method")), norm_name(pred)
        if g:
            n += 1
            ok += g == q
        else:
            none += 1
            fp += q is not None
    return {"acc": ok / n if n else 1.0, "named_when_none": f"{fp}/{none}",
            "acc_all": (ok + none - fp) / (n + none) if n + none else 1.0}


def report(params: dict | None = None) -> dict:
    """The cross-source figures (validation.cross_source) on the gold sets in tests/fixtures/gold."""
    sets = {name: load_gold(name) for name in GOLD_SETS}
    return cross_source(lambda ps: train(ps, params), predict, score, sets)


if __name__ == "__main__":
    print(format_report("method", report()))
    if "--write" in sys.argv:
        everything = [p for name in GOLD_SETS for p in load_gold(name)]
        path = linear.MODELS_DIR / "method.json"
        path.write_text(json.dumps(train(everything), separators=(",", ":"), sort_keys=True), encoding="utf-8")
        print(f"wrote {path} ({path.stat().st_size} bytes)")
