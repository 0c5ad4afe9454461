"""Trade-off points F1 on the gold sets, with the gold claims or the extractor's own claims as input.

    python benchmarks/score_points.py [--claims gold|extractor|both] [--sets seeds,arxiv] [--details]
    python benchmarks/score_points.py --unseen [--details seeds|arxiv]

With gold claims the pairing is measured alone (each gold claim's `text` is located in its abstract for the
offsets `find_points` reads); with the extractor's claims it is measured as the product ships it. Scored by
the gold set's own `score.py` (tests/fixtures/gold, a copy of ../shared/gold); prints points F1 / P / R as a
markdown table and writes it to benchmarks/results/points.md (`--unseen`: points-unseen.md).

`--unseen` scores points on text the learned parts were not trained on, in seconds rather than the minutes of
`python -m ingest evaluate-extractor`: only what the pairing reads is trained (the claims and quality-note
models, and a points model if one is registered), cross-source (trained on one set, scored on the other) and
5-fold over both with the same folds as evaluate-extractor; its points figures equal that command's.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import re
from collections import Counter
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOLD = ROOT / "tests" / "fixtures" / "gold"

from ingest.extract import claim_model, extract_many, gold, note_model  # noqa: E402
from ingest.extract.points import find_points, locate_claims  # noqa: E402


def _scorer():
    spec = importlib.util.spec_from_file_location("gold_score", GOLD / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def predictions(name: str, claims: str) -> list[dict]:
    """One prediction per paper of the gold set `name`: its claims (gold or extracted), note and points."""
    papers = _rows(GOLD / f"{name}.jsonl")
    if claims == "gold":
        gold = {g["id"]: g for g in _rows(GOLD / f"{name}.gold.jsonl")}
        out = []
        for p in papers:
            g = gold[p["id"]]
            located = locate_claims(p["abstract"], g["claims"])
            out.append({"id": p["id"], "title": p["title"], "claims": located, "quality_note": g.get("quality_note"),
                        "points": find_points(p["abstract"], located, g.get("quality_note"))})
        return out
    got = extract_many([p["title"] for p in papers], [p["abstract"] for p in papers])
    out = []
    for p, e in zip(papers, got):
        points = e.get("points")
        if points is None:  # an extractor without the points field: pair its claims here
            points = find_points(p["abstract"], e["claims"], e.get("quality_note"))
        out.append({"id": p["id"], "title": p["title"], **e, "points": points})
    return out


def score(name: str, claims: str, details: bool = False) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for row in predictions(name, claims):
            f.write(json.dumps(row) + "\n")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        _scorer().main(str(GOLD / f"{name}.gold.jsonl"), f.name, details=details)
    Path(f.name).unlink()
    report = buf.getvalue()
    summary = next(line for line in report.splitlines() if line.startswith("claims_f1="))
    metrics = {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", summary)}
    metrics["report"] = report
    return metrics


def _fit_predict(train: list[dict], papers: list[dict]) -> list[dict]:
    """Predictions for `papers` with the claims and quality-note models trained on `train` only (what pairing reads)."""
    claims_m = claim_model.ClaimModel(claim_model.train(train))
    note_m = note_model.NoteModel(note_model.train(train))
    out = []
    for p in papers:
        text = p.get("abstract") or ""
        claims = claim_model.extract_claims(text, claims_m)
        note = note_model.find_note(text, note_m, claims)
        out.append({"id": p["id"], "title": p.get("title"), "claims": claims, "quality_note": note,
                    "points": find_points(text, claims, note)})
    return out


def unseen(details_for: str | None = None, folds: int = 5, seed: int = 0) -> list[tuple[str, dict, Counter]]:
    """[(setting, score, error kinds)] for cross-source both ways and k-fold over both sets (evaluate-extractor's folds)."""
    sets = {name: gold.load(name) for name in gold.SETS}
    rows = []
    for train_name, test_name in (("seeds", "arxiv"), ("arxiv", "seeds")):
        preds = _fit_predict(sets[train_name], sets[test_name])
        rows.append((f"{train_name} -> {test_name}", gold.score(sets[test_name], preds, details_for in ("all", test_name)),
                     error_kinds(sets[test_name], preds)))
    for name, (papers, got) in gold.k_fold(sets, _fit_predict, folds, seed).items():
        rows.append((f"{folds}-fold {name}", gold.score(papers, got), error_kinds(papers, got)))
    return rows


def _claim_map(gold_claims: list[dict], pred_claims: list[dict], match) -> dict[int, int]:
    """{predicted claim index: gold claim index}, one to one in score.py's order."""
    used: dict[int, int] = {}
    for gi, gc in enumerate(gold_claims):
        hit = next((i for i, c in enumerate(pred_claims) if i not in used and match(c, gc)), None)
        if hit is not None:
            used[hit] = gi
    return used


def error_kinds(papers: list[dict], preds: list[dict]) -> Counter:
    """Why points are lost, told apart: a claim (or the note) not found or not wanted, against a pairing
    mistake between claims that are both right. Only the "pairing" kinds are the pairing's own."""
    match = gold.scorer().claim_match
    kinds: Counter = Counter()
    for g, p in zip(papers, preds):
        to_gold = _claim_map(g.get("claims") or [], p.get("claims") or [], match)
        found = set(to_gold.values())
        gold_pts = {(x["gain"], x["quality"]) for x in g.get("points") or []}
        pred_pts = {(to_gold.get(x["gain"]), x["quality"] if x["quality"] == "note" else to_gold.get(x["quality"]))
                    for x in p.get("points") or []}
        for gi, q in gold_pts - pred_pts:
            q_found = bool(p.get("quality_note")) if q == "note" else q in found
            kinds["missed: " + ("pairing" if gi in found and q_found else
                                "gain claim not found" if gi not in found else
                                "note not found" if q == "note" else "quality claim not found")] += 1
        for gi, q in pred_pts - gold_pts:
            q_right = bool(g.get("quality_note")) if q == "note" else q is not None
            kinds["extra: " + ("pairing" if gi is not None and q_right else
                               "gain claim not gold" if gi is None else
                               "note not gold" if q == "note" else "quality claim not gold")] += 1
        kinds["gold points"] += len(gold_pts)
        kinds["gold points with both ends found"] += sum(
            1 for gi, q in gold_pts if gi in found and (bool(p.get("quality_note")) if q == "note" else q in found))
    return kinds


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", choices=["gold", "extractor", "both"], default="both")
    ap.add_argument("--sets", default="seeds,arxiv")
    ap.add_argument("--details", nargs="?", const="all", choices=["all", *gold.SETS],
                    help="print every missed and extra point (with --unseen: of this cross-source test set)")
    ap.add_argument("--unseen", action="store_true", help="cross-source and 5-fold, claims models retrained")
    args = ap.parse_args(argv)
    if args.unseen:
        table = ["| unseen text | points F1 | P | R | claims F1 | quality-note F1 |", "|---|---:|---:|---:|---:|---:|"]
        kinds_by = {}
        for setting, m, kinds in unseen(args.details):
            kinds_by[setting] = kinds
            if "PT " in m["report"]:
                print("\n".join(line for line in m["report"].splitlines() if "PT " in line))
            table.append(f"| {setting} | {m['points_f1']:.3f} | {m['points_p']:.3f} | {m['points_r']:.3f} | "
                         f"{m['claims_f1']:.3f} | {m['quality_note_f1']:.3f} |")
        names = sorted({k for kinds in kinds_by.values() for k in kinds})
        table += ["", "| points lost, by kind | " + " | ".join(kinds_by) + " |", "|---|" + "---:|" * len(kinds_by)]
        table += [f"| {k} | " + " | ".join(str(kinds[k]) for kinds in kinds_by.values()) + " |" for k in names]
        print("\n".join(table))
        (ROOT / "benchmarks" / "results" / "points-unseen.md").write_text(
            "# Trade-off points F1 on unseen text (`python benchmarks/score_points.py --unseen`)\n\n" +
            "\n".join(table) + "\n", encoding="utf-8")
        return
    kinds = ["gold", "extractor"] if args.claims == "both" else [args.claims]
    table = ["| set | claims | points F1 | P | R | claims F1 |", "|---|---|---:|---:|---:|---:|"]
    for name in args.sets.split(","):
        for kind in kinds:
            m = score(name, kind, args.details in ("all", name))
            if args.details in ("all", name):
                print("\n".join(line for line in m["report"].splitlines() if "PT " in line))
            table.append(f"| {name} | {kind} | {m['points_f1']:.3f} | {m['points_p']:.3f} | {m['points_r']:.3f} | "
                         f"{m['claims_f1']:.3f} |")
    print("\n".join(table))
    out = ROOT / "benchmarks" / "results" / "points.md"
    out.write_text("# Trade-off points F1 (`python benchmarks/score_points.py`)\n\n" + "\n".join(table) + "\n",
                   encoding="utf-8")


if __name__ == "__main__":
    main()
