"""The hand-annotated gold sets (GUIDELINES.md): loading them for training and scoring predictions with the
gold's own score.py (imported, never re-implemented), so a figure here is the figure the scorer prints."""
from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import tempfile
from functools import lru_cache
from pathlib import Path

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
