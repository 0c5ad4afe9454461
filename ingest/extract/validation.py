"""Cross-source validation of a learned extractor decision: the figures that say whether it generalises.

A decision learned from one annotated set can look perfect on that set and fail on the next source. So every
learned component reports four figures: trained on seeds -> scored on arxiv, trained on arxiv -> scored on
seeds, k-fold cross-validation over both (each paper scored by a model that never saw it), and in-sample
(trained and scored on both; the optimistic one). The gold sets are JSONL pairs (inputs, annotations) as in
../shared/gold and tests/fixtures/gold.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from . import gold

GOLD_SETS = gold.SETS
FIXTURES = gold.GOLD_DIR


def load_gold(name: str, folder: Path | str = FIXTURES) -> list[dict]:
    """The inputs of gold set `name` merged with their annotations (gold.load), each tagged with its `source`."""
    return [{**p, "source": name} for p in gold.load(name, Path(folder))]


def folds(papers: list[dict], k: int) -> list[list[int]]:
    """k disjoint index sets, interleaved by position (deterministic, and every fold mixes both sources when
    the papers of the sources are concatenated)."""
    return [list(range(i, len(papers), k)) for i in range(k)]


Train = Callable[[list[dict]], dict]
Score = Callable[[dict, list[dict]], dict]  # (model, papers) -> {"acc": ..., ...}


def cross_source(train: Train, predict: Callable[[dict, dict], object], score: Callable[[list, list[dict]], dict],
                 sets: dict[str, list[dict]], k: int = 5) -> dict[str, dict]:
    """The four figures for one learned component.

    `predict(model, paper)` gives one prediction; `score(predictions, papers)` turns predictions into figures.
    Returns {"seeds->arxiv": {...}, "arxiv->seeds": {...}, "cv5": {...per source and all...}, "in_sample": {...}}.
    """
    out: dict[str, dict] = {}
    names = list(sets)
    for a in names:
        for b in names:
            if a != b:
                model = train(sets[a])
                out[f"{a}->{b}"] = score([predict(model, p) for p in sets[b]], sets[b])
    everything = [p for name in names for p in sets[name]]
    preds: list = [None] * len(everything)
    for test in folds(everything, k):
        held = set(test)
        model = train([p for i, p in enumerate(everything) if i not in held])
        for i in test:
            preds[i] = predict(model, everything[i])
    cv: dict[str, dict] = {"all": score(preds, everything)}
    for name in names:
        idx = [i for i, p in enumerate(everything) if p["source"] == name]
        cv[name] = score([preds[i] for i in idx], [everything[i] for i in idx])
    out[f"cv{k}"] = cv
    model = train(everything)
    out["in_sample"] = {name: score([predict(model, p) for p in sets[name]], sets[name]) for name in names}
    return out


def format_report(title: str, figures: dict[str, dict]) -> str:
    """A few lines for the terminal and the README."""
    lines = [title]
    for key, val in figures.items():
        if all(isinstance(v, dict) for v in val.values()):
            lines.append(f"  {key:14} " + "  ".join(f"{n}: {_fmt(v)}" for n, v in val.items()))
        else:
            lines.append(f"  {key:14} {_fmt(val)}")
    return "\n".join(lines)


def _fmt(figs: dict) -> str:
    return ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in figs.items())
