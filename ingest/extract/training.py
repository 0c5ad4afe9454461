"""Train the extractor's learned parts from the gold, and measure how they do on text they were not trained on.

`python -m ingest train-extractor` writes one small JSON model per component (ingest/extract/models/);
`python -m ingest evaluate-extractor` reports the scores the README quotes: in-sample, cross-source (trained
on one gold set, scored on the other) and k-fold over both. The cross-source figure is the one that counts.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from . import claim_model, context, context_train, domain_model, gold, method_model, note_model, tfidf_linear


@dataclass(frozen=True)
class Component:
    """One learned part: how to train it, how to load what training wrote, where the shipped file lives."""
    name: str
    train: Callable[[list[dict]], dict]
    load: Callable[[dict], object]
    path: Path


COMPONENTS: tuple[Component, ...] = (
    Component("claims", claim_model.train, claim_model.ClaimModel, claim_model.MODEL_PATH),
    Component("quality_note", note_model.train, note_model.NoteModel, note_model.MODEL_PATH),
    Component("domains", domain_model.train, tfidf_linear.prepare, tfidf_linear.MODELS_DIR / "domains.json"),
    Component("method", method_model.train, tfidf_linear.prepare, tfidf_linear.MODELS_DIR / "method.json"),
    Component("context", context_train.train, dict, context.MODEL_PATH),
)

METRICS = ("claims_f1", "claims_p", "claims_r", "method_acc", "domain_acc", "points_f1", "context_f1")


def train_all(papers: list[dict], progress: Optional[Callable[[str], None]] = None) -> dict[str, dict]:
    """{component name: JSON-able model} trained on `papers` (gold rows with their abstracts)."""
    out = {}
    for comp in COMPONENTS:
        if progress:
            progress(comp.name)
        out[comp.name] = comp.train(papers)
    return out


def loaded(trained: dict[str, dict]) -> dict[str, object]:
    """The model objects `extract(..., models=...)` takes, from train_all's output."""
    by_name = {c.name: c for c in COMPONENTS}
    return {name: by_name[name].load(data) for name, data in trained.items()}


def write_models(trained: dict[str, dict]) -> list[Path]:
    """Write each model as sorted, compact JSON (the same training data gives the same bytes)."""
    paths = []
    for comp in COMPONENTS:
        comp.path.parent.mkdir(parents=True, exist_ok=True)
        comp.path.write_text(json.dumps(trained[comp.name], sort_keys=True, separators=(",", ":")) + "\n",
                             encoding="utf-8")
        paths.append(comp.path)
    return paths


def predict(papers: list[dict], models: Optional[dict] = None) -> list[dict]:
    from . import extract_many

    rows = extract_many([p.get("title") for p in papers], [p.get("abstract") for p in papers], models=models)
    return [{"id": p["id"], "title": p.get("title"), **r} for p, r in zip(papers, rows)]


def _figures(papers: list[dict], predictions: list[dict]) -> dict:
    scored = gold.score(papers, predictions)
    return {k: scored.get(k) for k in METRICS}


def evaluate(gold_dir: Path = gold.GOLD_DIR, folds: int = 5, seed: int = 0,
             progress: Optional[Callable[[str], None]] = None) -> list[dict]:
    """Rows of {setting, set, metrics...}: in-sample, cross-source and k-fold (papers dealt to folds at
    random with a fixed seed; each paper scored by the model trained without its fold)."""
    say = progress or (lambda _msg: None)
    sets = {name: gold.load(name, gold_dir) for name in gold.SETS}
    rows = []
    say("in-sample: training on both sets")
    both = loaded(train_all(sets["seeds"] + sets["arxiv"]))
    for name, papers in sets.items():
        rows.append({"setting": "in-sample (trained on both)", "set": name, **_figures(papers, predict(papers, both))})
    for train_name, test_name in (("seeds", "arxiv"), ("arxiv", "seeds")):
        say(f"cross-source: training on {train_name}")
        models = loaded(train_all(sets[train_name]))
        rows.append({"setting": f"cross-source (trained on {train_name} only)", "set": test_name,
                     **_figures(sets[test_name], predict(sets[test_name], models))})
    scored = gold.k_fold(sets, lambda train, test: predict(test, loaded(train_all(train))), folds, seed,
                         progress=lambda k: say(f"{folds}-fold: fold {k + 1}"))
    for name, (papers, preds) in scored.items():
        rows.append({"setting": f"{folds}-fold over both sets", "set": name, **_figures(papers, preds)})
    return rows


def markdown(rows: list[dict]) -> str:
    head = "| setting | set | claims F1 (P / R) | method | primary domain | points F1 | context F1 |\n"
    head += "|---|---|---|---:|---:|---:|---:|\n"
    body = "".join(
        f"| {r['setting']} | {r['set']} | {r['claims_f1']:.3f} ({r['claims_p']:.3f} / {r['claims_r']:.3f}) | "
        f"{r['method_acc']:.3f} | {r['domain_acc']:.3f} | {r['points_f1']:.3f} | {r['context_f1']:.3f} |\n"
        for r in rows)
    return head + body
