"""The hand-annotated gold sets (GUIDELINES.md): loading them for training and scoring predictions with the
gold's own score.py (imported, never re-implemented), so a figure here is the figure the scorer prints."""
from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import random
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

GOLD_DIR = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "gold"
SETS = ("seeds", "arxiv")


def load(name: str, gold_dir: Path = GOLD_DIR) -> list[dict]:
    """The papers of one gold set in file order: each input row (id, title, abstract, ...) merged over its
    gold row."""
    gold_dir = Path(gold_dir)
    inputs = _jsonl(gold_dir / f"{name}.jsonl")
    gold = {row["id"]: row for row in _jsonl(gold_dir / f"{name}.gold.jsonl")}
    missing = [row["id"] for row in inputs if row["id"] not in gold]
    if missing:
        raise ValueError(f"{name}: {len(missing)} inputs have no gold row (first: {missing[0]})")
    return [{**gold[row["id"]], **row, "abstract": row.get("abstract") or ""} for row in inputs]


def _jsonl(path: Path) -> list[dict]:
    if not path.exists():
        raise FileNotFoundError(f"gold file {path} is missing (copy it from ../shared/gold/)")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@lru_cache(maxsize=1)
def scorer(gold_dir: Path = GOLD_DIR):
    """The gold's own score.py as a module (its phrase matching is reused, never re-implemented)."""
    spec = importlib.util.spec_from_file_location("gold_score", gold_dir / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def score(papers: list[dict], predictions: list[dict], details: bool = False) -> dict:
    """score.py's summary figures (claims_f1, method_acc, domain_acc, points_f1, ...) for `predictions`
    (dicts with id, title and the extracted fields) against `papers`; "report" holds its full text."""
    with tempfile.TemporaryDirectory() as tmp:
        g, p = Path(tmp) / "gold.jsonl", Path(tmp) / "pred.jsonl"
        g.write_text("".join(json.dumps({k: v for k, v in x.items() if k != "abstract"}) + "\n" for x in papers),
                     encoding="utf-8")
        p.write_text("".join(json.dumps(x) + "\n" for x in predictions), encoding="utf-8")
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            scorer().main(str(g), str(p), details=details)
    report = buf.getvalue()
    summary = next(line for line in report.splitlines() if line.startswith("claims_f1="))
    out: dict = {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", summary)}
    out["report"] = report
    return out


def dealt(n: int, folds: int = 5, seed: int = 0) -> list[set[int]]:
    """The papers (indexes into the sets' papers, in SETS order) held out by each fold: dealt at random with a fixed
    seed, the one split every cross-validated figure (evaluate-extractor, the benchmarks, context_train) uses."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [set(order[k::folds]) for k in range(folds)]


def k_fold(sets: dict[str, list[dict]], fit_predict: Callable[[list[dict], list[dict]], list[dict]],
           folds: int = 5, seed: int = 0, progress: Optional[Callable[[int], None]] = None
           ) -> dict[str, tuple[list[dict], list[dict]]]:
    """{set name: (its papers, their predictions)}, each paper predicted by `fit_predict(train, test)` trained
    without its fold (`dealt` over the papers of every set); `progress(k)` is called before fold k is trained."""
    everyone = [(name, p) for name, papers in sets.items() for p in papers]
    preds: dict[int, dict] = {}
    for k, test in enumerate(dealt(len(everyone), folds, seed)):
        if progress:
            progress(k)
        idx = sorted(test)
        train = [p for i, (_n, p) in enumerate(everyone) if i not in test]
        preds.update(zip(idx, fit_predict(train, [everyone[i][1] for i in idx])))
    return {name: ([p for n, p in everyone if n == name], [preds[i] for i, (n, _p) in enumerate(everyone) if n == name])
            for name in sets}
