"""Score tf-idf and dense features with a linear model stored as plain JSON (domains and method decisions).

Training (domain_model.py, method_model.py) uses scikit-learn; inference must not, so a model is a dict of
lists: `terms` maps a sparse text feature to [row, idf] (tf-idf, rows L2-normalised together), `dense` names
the features used as given, `W` holds one row per feature (terms first, then dense) and one column per
class, `b` the intercepts. Models ship in models/NAME.json and are read once, at first use.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

MODELS_DIR = Path(__file__).with_name("models")


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """The shipped model models/NAME.json, read and prepared once."""
    path = MODELS_DIR / f"{name}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"extractor model {path} is missing: run `python -m ingest train-extractor`")
    return prepare(raw)


_PREPARED: dict[int, tuple[dict, dict]] = {}  # id(model) -> (model, prepared): for models passed in by callers


def prepare(model: dict) -> dict:
    """The model with the numpy arrays inference needs (a new dict, cached per model: the JSON form stays
    untouched and serialisable)."""
    if "_W" in model:
        return model
    hit = _PREPARED.get(id(model))
    if hit is not None and hit[0] is model:
        return hit[1]
    out = dict(model)
    out["_W"] = np.asarray(model["W"], dtype=np.float64).reshape(-1, len(model["classes"]))
    out["_b"] = np.asarray(model["b"], dtype=np.float64)
    n_terms = len(model["terms"])
    out["_row"] = {term: hit[0] for term, hit in model["terms"].items()}
    out["_idf"] = np.zeros(n_terms)
    for row, idf in model["terms"].values():
        out["_idf"][row] = idf
    out["_dense_row"] = {name: n_terms + i for i, name in enumerate(model["dense"])}
    if len(_PREPARED) >= 8:
        _PREPARED.clear()
    _PREPARED[id(model)] = (model, out)
    return out


def vectorise(model: dict, counts: dict[str, int], dense: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Rows and values of one example: sublinear tf-idf of the known terms (L2-normalised), then the dense
    features the model knows. (Training builds its matrix with this too, so both sides see the same numbers.)"""
    m = prepare(model)
    row_of = m["_row"]
    hits = list(filter(row_of.__contains__, counts))  # (filtered in C: most words of a text are not terms)
    rows = np.fromiter(map(row_of.__getitem__, hits), dtype=np.intp, count=len(hits))
    vals = (1.0 + np.log(np.fromiter(map(counts.__getitem__, hits), dtype=np.float64, count=len(hits))))
    vals *= m["_idf"][rows]
    norm = math.sqrt(float(vals @ vals))
    if norm > 0:
        vals /= norm
    dense_row = m["_dense_row"]
    names = [name for name in dense if dense[name] and name in dense_row]
    if names:
        rows = np.concatenate([rows, np.fromiter(map(dense_row.__getitem__, names), dtype=np.intp,
                                                 count=len(names))])
        vals = np.concatenate([vals, np.fromiter(map(dense.__getitem__, names), dtype=np.float64,
                                                 count=len(names))])
    return rows, vals


def decision(model: dict, counts: dict[str, int], dense: dict[str, float]) -> np.ndarray:
    """One score per class (higher is likelier)."""
    m = prepare(model)
    rows, vals = vectorise(m, counts, dense)
    return vals @ m["_W"][rows] + m["_b"]


def margin_weights(model: dict) -> tuple[dict[str, float], float]:
    """For a two-class model of dense features only: {feature: weight} and the intercept of the log-odds of
    the second class, so that one example costs a few dict look-ups instead of a numpy call."""
    model = prepare(model)
    if "_margin" not in model:
        W = model["_W"]
        model["_margin"] = ({name: float(W[r, 1] - W[r, 0]) for name, r in model["_dense_row"].items()},
                            float(model["_b"][1] - model["_b"][0]))
    return model["_margin"]
