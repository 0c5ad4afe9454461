"""Corrected papers back into the extractor: the gold format of GUIDELINES.md (`python -m ingest export-gold`).

Writes NAME.jsonl (the inputs: id, title, abstract) and NAME.gold.jsonl (the annotation), the same pair as
the shipped gold sets, so `score.py NAME.gold.jsonl PRED.jsonl` scores an extractor against people's
corrections and `extract.gold.load` reads them for training. Each row is checked (`problems`) before
anything is written: a row the guidelines would reject is an error, not a silently bad training example.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from . import corrections
from .errors import IngestError
from .extract.claim_model import CATEGORIES
from .extract.context import CONTEXT_FIELDS
from .extract.domains import LABELS

CLAIM_OUT = ("category", "value", "low", "unit", "direction", "bound", "text")
OPTIONAL = ("low", "bound")  # omitted when empty, as in the shipped gold files


def gold_row(paper: dict, extraction: dict) -> dict:
    """One gold line: id, title (and arxiv_id), the extraction's fields, claims without offsets."""
    row = {"id": paper["id"], "title": paper["title"]}
    if paper.get("arxiv_id"):
        row["arxiv_id"] = paper["arxiv_id"]
    claims = [_gold_claim(c) for c in extraction.get("claims") or []]
    points = [{"gain": p["gain"], "quality": p["quality"], "same_baseline": p.get("same_baseline")}
              for p in extraction.get("points") or []]
    return {**row, "method": extraction.get("method"), "domains": list(extraction.get("domains") or []),
            "tradeoffs": list(extraction.get("tradeoffs") or []), "claims": claims,
            "quality_note": extraction.get("quality_note"), "points": points}


def _gold_claim(claim: dict) -> dict:
    out = {k: claim.get(k) for k in CLAIM_OUT if not (k in OPTIONAL and claim.get(k) is None)}
    return {**out, **{k: claim.get(k) for k in CONTEXT_FIELDS}}


def problems(row: dict, abstract: str) -> list[str]:
    """What in a gold row breaks GUIDELINES.md (empty: a valid row). The vocabularies are the extractor's own."""
    out = [f"domain {d!r} is not in the vocabulary" for d in row["domains"] if d not in LABELS]
    out += [f"trade-off {t!r} is not 'axis vs axis'" for t in row["tradeoffs"] if len(t.split(" vs ")) != 2]
    for i, c in enumerate(row["claims"]):
        out += [f"claim {i}: {p}" for p in _claim_problems(c, abstract)]
    if row["quality_note"] and row["quality_note"] not in abstract:
        out.append("the quality note is not a verbatim phrase of the abstract")
    n = len(row["claims"])
    for p in row["points"]:
        ok_q = p["quality"] == "note" and row["quality_note"] or isinstance(p["quality"], int) and 0 <= p["quality"] < n
        if not (isinstance(p["gain"], int) and 0 <= p["gain"] < n and ok_q):
            out.append(f"point {p} does not index this paper's claims (or its quality note)")
    return out


def _claim_problems(c: dict, abstract: str) -> list[str]:
    out = []
    if c["category"] not in CATEGORIES:
        out.append(f"category {c['category']!r} is not one of {', '.join(CATEGORIES)}")
    if c["unit"] not in corrections.UNITS:
        out.append(f"unit {c['unit']!r} is not one of {', '.join(corrections.UNITS)}")
    directions = corrections.DIRECTIONS.get(c["category"], corrections.EFFICIENCY_DIRECTIONS)
    if c.get("direction") not in directions:
        out.append(f"direction {c.get('direction')!r} is not one of {', '.join(directions)}")
    if c.get("bound") is not None and c["bound"] not in corrections.BOUNDS:
        out.append(f"bound {c['bound']!r} is not one of {', '.join(corrections.BOUNDS)}")
    if not c.get("text") or c["text"] not in abstract:
        out.append(f"text {c.get('text')!r} is not a verbatim substring of the abstract")
    return out


def corrected_papers(con: duckdb.DuckDBPyConnection, checked_only: bool = False) -> list[dict]:
    """id, title, arxiv_id, abstract of the papers people corrected or checked (only checked ones with
    `checked_only`), in the order they were first corrected."""
    mark = "checked" if checked_only else "corrected OR checked"
    return con.execute(
        f"""
        SELECT f.id, f.title, f.arxiv_id, p.abstract FROM paper_facts f JOIN papers p ON p.id = f.id
        JOIN (SELECT paper_id, min(id) AS first FROM corrections GROUP BY paper_id) c ON c.paper_id = f.id
        WHERE {mark} ORDER BY c.first
        """
    ).df().to_dict("records")


def export_gold(con: duckdb.DuckDBPyConnection, out: str | os.PathLike, checked_only: bool = False) -> tuple[int, Path, Path]:
    """Write OUT.jsonl and OUT.gold.jsonl for the corrected (or only the checked) papers; return (papers, paths).
    Refuses, writing nothing, when a row breaks the guidelines or there is nothing to write."""
    papers = corrected_papers(con, checked_only)
    if not papers:
        raise IngestError("no " + ("checked" if checked_only else "corrected or checked") + " papers to export yet")
    rows, errors = [], []
    for paper in papers:
        row = gold_row(paper, corrections.stored_extraction(con, paper["id"]))
        errors += [f"{paper['id']}: {p}" for p in problems(row, paper["abstract"])]
        rows.append(row)
    if errors:
        raise IngestError(f"{len(errors)} problems, nothing written; first: {errors[0]}")
    stem = str(out).removesuffix(".gold.jsonl").removesuffix(".jsonl")
    inputs, gold = Path(stem + ".jsonl"), Path(stem + ".gold.jsonl")
    inputs.parent.mkdir(parents=True, exist_ok=True)
    _write_jsonl(inputs, [{"id": p["id"], "title": p["title"], "abstract": p["abstract"],
                           **({"arxiv_id": p["arxiv_id"]} if p.get("arxiv_id") else {})} for p in papers])
    _write_jsonl(gold, rows)
    return len(rows), inputs, gold


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    """Written under a temporary name and renamed, so a reader never sees half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    tmp.replace(path)
