"""A linear classifier over feature strings, trained with scikit-learn and kept as plain JSON.

Training (`fit`) imports scikit-learn; predicting does not: `LinearModel` sums the weights of the features
it knows, so the extractor loads in milliseconds and gives the same answer on every machine.
"""
from __future__ import annotations

import math
from typing import Iterable, Sequence


class LinearModel:
    """Multinomial (or binary) logistic regression: `scores(features)` -> {class: log-odds-like score}."""

    def __init__(self, data: dict):
        self.classes: list[str] = list(data["classes"])
        self.intercept: list[float] = list(data["intercept"])
        # one row of per-class weights per feature
        self.weights: dict[str, list[float]] = {k: list(v) for k, v in data["weights"].items()}
        self._diff = None
        if len(self.classes) == 2:
            self._diff = {k: v[1] - v[0] for k, v in self.weights.items()}
            self._diff_b = self.intercept[1] - self.intercept[0]

    def scores(self, feats: Iterable[str]) -> list[float]:
        if self._diff is not None:  # binary: one sum, not one per class
            t = sum(self._diff.get(f, 0.0) for f in feats) + self._diff_b
            return [-t / 2, t / 2]
        s = list(self.intercept)
        w = self.weights
        n = len(s)
        for f in feats:
            row = w.get(f)
            if row is not None:
                for k in range(n):
                    s[k] += row[k]
        return s

    def proba(self, feats: Iterable[str]) -> dict[str, float]:
        s = self.scores(feats)
        m = max(s)
        e = [math.exp(v - m) for v in s]
        t = sum(e)
        return {c: v / t for c, v in zip(self.classes, e)}

    def predict(self, feats: Iterable[str], allowed: Sequence[str] | None = None) -> str:
        s = self.scores(feats)
        best, best_s = None, -math.inf
        for c, v in zip(self.classes, s):
            if (allowed is None or c in allowed) and v > best_s:
                best, best_s = c, v
        return best if best is not None else self.classes[0]


def fit(rows: Sequence[Sequence[str]], labels: Sequence[str], c: float = 1.0, min_count: int = 2,
        class_weight=None) -> dict:
    """Train on feature-string rows; returns the JSON-able model (weights rounded, zero rows dropped).

    lbfgs on a fixed, sorted vocabulary: the same data gives the same file."""
    from sklearn.linear_model import LogisticRegression
    from scipy.sparse import csr_matrix

    counts: dict[str, int] = {}
    for r in rows:
        for f in set(r):
            counts[f] = counts.get(f, 0) + 1
    vocab = sorted(f for f, n in counts.items() if n >= min_count)
    index = {f: i for i, f in enumerate(vocab)}
    data, ind, ptr = [], [], [0]
    for r in rows:
        seen = {}
        for f in r:
            j = index.get(f)
            if j is not None:
                seen[j] = seen.get(j, 0) + 1.0
        ind.extend(seen)
        data.extend(seen.values())
        ptr.append(len(ind))
    x = csr_matrix((data, ind, ptr), shape=(len(rows), len(vocab)))
    classes = sorted(set(labels))
    if len(classes) == 1:
        return {"classes": classes, "intercept": [0.0], "weights": {}}
    clf = LogisticRegression(C=c, max_iter=2000, class_weight=class_weight)
    clf.fit(x, list(labels))
    coef = clf.coef_
    intercept = clf.intercept_
    if len(clf.classes_) == 2:  # binary: sklearn keeps one row for the second class
        coef = [[-v / 2 for v in coef[0]], [v / 2 for v in coef[0]]]
        coef = list(map(list, zip(*coef)))
        intercept = [-intercept[0] / 2, intercept[0] / 2]
    else:
        coef = coef.T.tolist()
    weights = {}
    for f, row in zip(vocab, coef):
        row = [round(float(v), 4) for v in row]
        if any(row):
            weights[f] = row
    return {"classes": [str(k) for k in clf.classes_], "intercept": [round(float(v), 4) for v in intercept],
            "weights": weights}
