"""Score features with a linear model stored as plain JSON (the learned decisions of the extractor).

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
    out["_dense_row"] = {name: n_terms + i for i, name in enumerate(model["dense"])}
    if len(_PREPARED) >= 8:
        _PREPARED.clear()
    _PREPARED[id(model)] = (model, out)
    return out


def vectorise(model: dict, counts: dict[str, int], dense: dict[str, float]) -> tuple[list[int], list[float]]:
    """Rows and values of one example: sublinear tf-idf of the known terms (L2-normalised), then the dense
    features the model knows."""
    terms = model["terms"]
    rows: list[int] = []
    vals: list[float] = []
    for term, c in counts.items():
        hit = terms.get(term)
        if hit is not None:
            rows.append(hit[0])
            vals.append((1.0 + math.log(c)) * hit[1])
    norm = math.sqrt(sum(v * v for v in vals))
    if norm > 0:
        vals = [v / norm for v in vals]
    dense_row = prepare(model)["_dense_row"]
    for name, v in dense.items():
        r = dense_row.get(name)
        if r is not None and v:
            rows.append(r)
            vals.append(v)
    return rows, vals


def decision(model: dict, counts: dict[str, int], dense: dict[str, float]) -> np.ndarray:
    """One score per class (higher is likelier)."""
    model = prepare(model)
    rows, vals = vectorise(model, counts, dense)
    if not rows:
        return model["_b"].copy()
    return np.asarray(vals) @ model["_W"][rows] + model["_b"]
