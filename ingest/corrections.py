"""People's corrections of the extractor, kept as data and applied over its output (never an overwrite).

A correction names one paper, one field (method, domains, quality_note, points, a claim by its span, or the
"checked" mark), the value the editor saw (`before`) and the value it sets (`after`). The extractor's own
output for a corrected paper is kept in `extractor_outputs`, so the stored extraction is always
`apply(extractor output, active corrections)`: undo drops one correction and applies the rest again, and a
re-extraction applies every correction over the new output (saying which ones it now agrees with).
A claim is named by its span in the abstract ('start:end'), which no extractor version can move.

The pure half (`apply`, `current_value`, `agrees`, `locate`, `make_claim`) needs no database; the store half
writes one transaction per change, refreshing the paper's `claims`, `points` and `paper_facts` rows in it.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import duckdb
import pandas as pd

from . import store
from .errors import IngestError
from .extract.claim_model import CATEGORIES
from .extract.derive import derive
from .extract.plot_points import plotted_points

FIELDS = ("method", "domains", "quality_note", "points", "claim", "checked")
CLAIM_KEYS = ("category", "value", "low", "unit", "direction", "bound", "text", "start", "end")
UNITS = ("x", "%", "pp", "other")
DIRECTIONS = {"quality": ("gain", "drop")}
EFFICIENCY_DIRECTIONS = ("reduction", "increase", "overhead")
BOUNDS = ("up_to", "at_least", "approx", "less_than")
ANONYMOUS = "anonymous"


class CorrectionError(IngestError):
    """A correction that cannot be made as asked (bad value, phrase not in the abstract, nothing changed)."""


class StaleEdit(CorrectionError):
    """The paper changed since the editor read it: the edit is refused and nothing is written."""


@dataclass(frozen=True)
class Correction:
    field: str
    target: str  # a claim's span 'start:end' for field 'claim', '' otherwise
    before: Any
    after: Any
    paper_id: str = ""
    author: str = ANONYMOUS
    note: str | None = None
    id: int | None = None
    made_at: datetime | None = None


# ---------------------------------------------------------------- pure: values of an extraction

def span_key(claim: dict) -> str:
    return f"{int(claim['start'])}:{int(claim['end'])}"


def claim_view(claim: dict | None) -> dict | None:
    """The editable part of a claim (what a correction of it compares), None for no claim."""
    if claim is None:
        return None
    return {k: claim.get(k) for k in CLAIM_KEYS}


def point_pairs(extraction: dict) -> list[list[str]]:
    """The trade-off points as [gain span, quality span or "note"] pairs, independent of claim order."""
    claims = extraction.get("claims") or []
    return [[span_key(claims[p["gain"]]), "note" if p["quality"] == "note" else span_key(claims[p["quality"]])]
            for p in extraction.get("points") or []]


def current_value(extraction: dict, field: str, target: str = "") -> Any:
    """The value a correction of (field, target) would replace in this (already corrected) extraction."""
    if field == "claim":
        return claim_view(next((c for c in extraction.get("claims") or [] if span_key(c) == target), None))
    if field == "points":
        return point_pairs(extraction)
    if field == "checked":
        return bool(extraction.get("checked"))
    if field in ("method", "domains", "quality_note"):
        value = extraction.get(field)
        return list(value or []) if field == "domains" else value
    raise CorrectionError(f"cannot correct {field!r}: one of {', '.join(FIELDS)}")


def same(a: Any, b: Any) -> bool:
    """Equal as stored: JSON round trip (tuples and lists alike), claims compared on their editable keys."""
    if isinstance(a, dict) or isinstance(b, dict):
        a, b = claim_view(a), claim_view(b)
    return json.loads(json.dumps(a)) == json.loads(json.dumps(b))


def agrees(correction: Correction, extraction: dict) -> bool:
    """Does this extraction (say, a newer extractor's) already say what the correction sets?"""
    return same(current_value(extraction, correction.field, correction.target), correction.after)


def apply(extraction: dict, corrections: list[Correction]) -> dict:
    """The extraction with the corrections applied in order: claims by span, points re-indexed to the new claims
    (a pair whose claim is gone goes with it). Pure; the input is not changed."""
    out = dict(extraction)
    claims = {span_key(c): dict(c) for c in extraction.get("claims") or []}
    pairs = _pairs_with_baseline(extraction)
    for c in corrections:
        if c.field == "claim":
            previous = claims.pop(c.target, None)
            if c.after is not None:  # an edit keeps what the editor does not show (context, 'from')
                claims[c.target] = {**(previous or {}), **c.after}
        elif c.field == "points":
            old = {(g, q): sb for g, q, sb in pairs}
            pairs = [(g, q, old.get((g, q))) for g, q in c.after]
        else:
            out[c.field] = c.after
    out["claims"] = sorted(claims.values(), key=lambda c: (int(c["start"]), int(c["end"])))
    index = {span_key(c): i for i, c in enumerate(out["claims"])}
    out["points"] = [{"gain": index[g], "quality": "note" if q == "note" else index[q], "same_baseline": sb}
                     for g, q, sb in pairs if g in index and (q == "note" or q in index)]
    return out


def _pairs_with_baseline(extraction: dict) -> list[tuple[str, str, bool | None]]:
    return [(g, q, p.get("same_baseline"))
            for (g, q), p in zip(point_pairs(extraction), extraction.get("points") or [])]


# ---------------------------------------------------------------- pure: making a claim from the abstract

def locate(abstract: str, phrase: str, occurrence: int | None = None) -> tuple[int, int]:
    """(start, end) of `phrase` in the abstract, exactly as written. Absent, or present more than once without
    saying which (`occurrence`, 1-based), is a CorrectionError that says so."""
    phrase = phrase.strip()
    if not phrase:
        raise CorrectionError("type or paste the claim's words exactly as the abstract has them")
    starts, at = [], abstract.find(phrase)
    while at >= 0:
        starts.append(at)
        at = abstract.find(phrase, at + 1)
    if not starts:
        raise CorrectionError(f"{phrase!r} is not in the abstract (copy it exactly, with the same spacing and symbols)")
    if occurrence is None and len(starts) > 1:
        raise CorrectionError(f"{phrase!r} appears {len(starts)} times in the abstract: pick which one")
    n = occurrence or 1
    if not 1 <= n <= len(starts):
        raise CorrectionError(f"{phrase!r} appears {len(starts)} times; there is no occurrence {n}")
    return starts[n - 1], starts[n - 1] + len(phrase)


def make_claim(abstract: str, start: int, end: int, category: str, value: float, unit: str,
               direction: str | None, low: float | None = None, bound: str | None = None) -> dict:
    """A claim dict in the extractor's shape, checked against GUIDELINES.md's vocabulary."""
    if not (0 <= start < end <= len(abstract)):
        raise CorrectionError("the claim's span is not inside the abstract")
    if category not in CATEGORIES:
        raise CorrectionError(f"category must be one of {', '.join(CATEGORIES)}")
    if unit not in UNITS:
        raise CorrectionError(f"unit must be one of {', '.join(UNITS)}")
    allowed = DIRECTIONS.get(category, EFFICIENCY_DIRECTIONS)
    if direction not in allowed:
        raise CorrectionError(f"a {category} claim's direction is one of {', '.join(allowed)}")
    if bound is not None and bound not in BOUNDS:
        raise CorrectionError(f"bound must be one of {', '.join(BOUNDS)}, or none")
    for name, number in (("value", value), ("low", low)):
        if number is not None and not math.isfinite(float(number)):
            raise CorrectionError(f"{name} must be a number")
    return {"category": category, "value": float(value), "low": None if low is None else float(low), "unit": unit,
            "direction": direction, "bound": bound, "text": abstract[start:end], "start": start, "end": end}


def check_value(field: str, target: str, after: Any, abstract: str) -> None:
    """Refuse a value GUIDELINES.md would reject, so every corrected paper stays valid gold."""
    from .extract.domains import LABELS

    if field == "claim" and after is not None:
        if span_key(after) != target or abstract[after["start"]:after["end"]] != after.get("text"):
            raise CorrectionError("a claim keeps its span; delete it and add the new words as a new claim")
        make_claim(abstract, after["start"], after["end"], after["category"], after["value"], after["unit"],
                   after.get("direction"), after.get("low"), after.get("bound"))
    elif field == "domains" and (not 1 <= len(after) <= 3 or any(d not in LABELS for d in after)):
        raise CorrectionError(f"pick one to three domains, the primary one first, from: {', '.join(LABELS)}")
    elif field == "quality_note" and after is not None and after not in abstract:
        raise CorrectionError(f"the quality note must be the abstract's own words; {after!r} is not in it")
    elif field in ("method", "quality_note") and after is not None and not str(after).strip():
        raise CorrectionError(f"an empty {describe_field(field)}: clear it instead (none)")


def extraction_row(extraction: dict, abstract: str, version: str) -> dict:
    """An extraction plus the numbers derived from it: one row of `extractions` (as the pipeline writes)."""
    claims = extraction.get("claims") or []
    return {**extraction, **derive(extraction), "n_claims": len(claims), "extractor_version": version,
            "plotted_points": plotted_points(abstract or "", claims, extraction.get("points") or [],
                                             extraction.get("quality_note"))}


# ---------------------------------------------------------------- store: reading

_CORRECTION_COLUMNS = "id, paper_id, field, target, before, after, author, note, made_at"


def _correction(row: tuple) -> Correction:
    cid, pid, field, target, before, after, author, note, made_at = row
    return Correction(field, target, _json(before), _json(after), pid, author, note, cid, made_at)


def _json(value: Any) -> Any:
    return None if value is None else json.loads(value)


def active(con: duckdb.DuckDBPyConnection, paper_id: str | None = None) -> list[Correction]:
    """The corrections that apply (not undone), oldest first; of one paper, or of every paper."""
    where = "undone_at IS NULL" + (" AND paper_id = $pid" if paper_id else "")
    rows = con.execute(f"SELECT {_CORRECTION_COLUMNS} FROM corrections WHERE {where} ORDER BY id",
                       {"pid": paper_id} if paper_id else {}).fetchall()
    return [_correction(r) for r in rows]


def stored_extraction(con: duckdb.DuckDBPyConnection, paper_id: str) -> dict:
    """The paper's extraction as stored (corrections included), in extract()'s shape, plus 'checked'."""
    row = con.execute("SELECT extractor_version, method, domains, tradeoffs, quality_note FROM extractions "
                      "WHERE paper_id = ?", [paper_id]).fetchone()
    if row is None:
        raise CorrectionError(f"no paper {paper_id!r} with an extraction (was it removed?)")
    version, method, domains, tradeoffs, note = row
    claims = con.execute("SELECT * EXCLUDE (paper_id, idx) FROM claims WHERE paper_id = ? ORDER BY idx",
                         [paper_id]).df()
    claims = claims.rename(columns={"from_value": "from", "start_char": "start", "end_char": "end"})
    points = con.execute("SELECT gain_idx, quality_idx, with_note, same_baseline FROM points WHERE paper_id = ? "
                         "ORDER BY idx", [paper_id]).fetchall()
    return {
        "method": method, "domains": list(domains or []), "tradeoffs": list(tradeoffs or []), "quality_note": note,
        "claims": [{k: _plain(v) for k, v in c.items()} for c in claims.to_dict("records")],
        "points": [{"gain": g, "quality": "note" if n else q, "same_baseline": sb} for g, q, n, sb in points],
        "extractor_version": version, "checked": _checked(con, paper_id),
    }


def _plain(value: Any) -> Any:
    """A DataFrame cell as JSON-ready Python: NaN/NA become None, numpy numbers Python ones."""
    if value is None or (not isinstance(value, (list, dict, str)) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _checked(con: duckdb.DuckDBPyConnection, paper_id: str) -> bool:
    row = con.execute("SELECT after FROM corrections WHERE paper_id = ? AND field = 'checked' AND undone_at IS NULL "
                      "ORDER BY id DESC LIMIT 1", [paper_id]).fetchone()
    return bool(row and json.loads(row[0]))


def extractor_output(con: duckdb.DuckDBPyConnection, paper_id: str) -> tuple[str, dict]:
    """(version, what the extractor said) for the paper: kept since its first correction, else as stored."""
    row = con.execute("SELECT extractor_version, output FROM extractor_outputs WHERE paper_id = ?", [paper_id]).fetchone()
    if row:
        return row[0], json.loads(row[1])
    ex = stored_extraction(con, paper_id)
    return ex.pop("extractor_version"), {k: v for k, v in ex.items() if k != "checked"}


# ---------------------------------------------------------------- store: writing (one transaction each)

def correct(con: duckdb.DuckDBPyConnection, paper_id: str, field: str, before: Any, after: Any, target: str = "",
            author: str = "", note: str | None = None) -> Correction:
    """Record one correction and apply it, in one transaction. Refused (StaleEdit, nothing written) when the
    paper's current value is no longer `before`: someone else or a re-extraction changed it meanwhile."""
    with store.transaction(con, touched=[paper_id]):
        now = stored_extraction(con, paper_id)
        current = current_value(now, field, target)
        if not same(current, before):
            raise StaleEdit(f"not saved: this paper's {describe_field(field, target)} changed since you opened it "
                            f"(it is now {show(current)}); reload the paper and make the edit again")
        if same(before, after):
            raise CorrectionError(f"nothing to save: the {describe_field(field, target)} is already {show(after)}")
        check_value(field, target, after, con.execute("SELECT abstract FROM papers WHERE id = ?", [paper_id]).fetchone()[0])
        _keep_extractor_output(con, paper_id)
        cid = con.execute("SELECT coalesce(max(id), 0) + 1 FROM corrections").fetchone()[0]
        made = _now()
        con.execute("INSERT INTO corrections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                    [cid, paper_id, field, target, json.dumps(before), json.dumps(after), author.strip() or ANONYMOUS,
                     made, note or None])
        _rewrite(con, paper_id)
    return Correction(field, target, before, after, paper_id, author.strip() or ANONYMOUS, note, cid, made)


def undo(con: duckdb.DuckDBPyConnection, correction_id: int, author: str = "") -> Correction:
    """Withdraw one correction (kept in the audit list as undone) and apply the others again over the
    extractor's output. Only the latest change of a field can be undone, and only while it still stands."""
    with store.transaction(con, touched=(touched := [])):
        row = con.execute(f"SELECT {_CORRECTION_COLUMNS} FROM corrections WHERE id = ? AND undone_at IS NULL",
                          [correction_id]).fetchone()
        if row is None:
            raise StaleEdit(f"correction {correction_id} is already undone (or does not exist); reload the paper")
        c = _correction(row)
        touched.append(c.paper_id)
        later = [x for x in active(con, c.paper_id) if (x.field, x.target) == (c.field, c.target) and x.id > c.id]
        if later:
            raise StaleEdit(f"not undone: the {describe_field(c.field, c.target)} was changed again later "
                            f"(by {later[-1].author}); undo that change first")
        con.execute("UPDATE corrections SET undone_at = ?, undone_by = ? WHERE id = ?",
                    [_now(), author.strip() or ANONYMOUS, correction_id])
        _rewrite(con, c.paper_id)
    return c


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _keep_extractor_output(con: duckdb.DuckDBPyConnection, paper_id: str) -> None:
    """Before a paper's first correction, keep what the extractor said (the stored rows are exactly that)."""
    if con.execute("SELECT 1 FROM extractor_outputs WHERE paper_id = ?", [paper_id]).fetchone():
        return
    store.write_extractor_outputs(con, {paper_id: extractor_output(con, paper_id)})


def _rewrite(con: duckdb.DuckDBPyConnection, paper_id: str) -> None:
    """The paper's extractions, claims and points rows again: the extractor's output with the active corrections."""
    version, output = extractor_output(con, paper_id)
    abstract = con.execute("SELECT abstract FROM papers WHERE id = ?", [paper_id]).fetchone()[0]
    effective = apply(output, [c for c in active(con, paper_id) if c.field != "checked"])
    for table in ("points", "claims", "extractions"):
        con.execute(f"DELETE FROM {table} WHERE paper_id = ?", [paper_id])
    store.write_extractions(con, {paper_id: extraction_row(effective, abstract, version)})


# ---------------------------------------------------------------- re-extraction

@dataclass
class Reapplied:
    """What a re-extraction did with the corrections: all kept; these now agree with the new extractor."""

    kept: list[Correction]
    agreeing: list[Correction]


def over_reextraction(con: duckdb.DuckDBPyConnection, rows: dict[str, dict],
                      abstracts: dict[str, str]) -> tuple[dict[str, dict], dict[str, tuple[str, dict]], Reapplied]:
    """For a re-extraction's rows: (rows with every correction applied, the new extractor outputs of corrected
    papers to keep, which corrections the new extractor agrees with). Reads only; the caller writes."""
    from .extract import FIELDS as EXTRACT_FIELDS

    kept = [c for c in active(con) if c.field != "checked" and c.paper_id in rows]
    by_paper: dict[str, list[Correction]] = {}
    for c in kept:
        by_paper.setdefault(c.paper_id, []).append(c)
    out, outputs = dict(rows), {}
    for pid, corrections in by_paper.items():
        output = {k: rows[pid][k] for k in EXTRACT_FIELDS}
        outputs[pid] = (rows[pid]["extractor_version"], output)
        out[pid] = extraction_row(apply(output, corrections), abstracts[pid], rows[pid]["extractor_version"])
    agreeing = [c for c in kept if agrees(c, outputs[c.paper_id][1])]
    return out, outputs, Reapplied(kept, agreeing)


# ---------------------------------------------------------------- words for people

def describe_field(field: str, target: str = "") -> str:
    return {"quality_note": "quality note", "points": "trade-off points", "checked": "checked mark",
            "claim": f"claim at {target}"}.get(field, field)


def show(value: Any) -> str:
    """A value as one short line: a claim as '2.5x speed increase (\'2.5x faster\')', none as 'none'."""
    if value is None or value == [] or value == "":
        return "none"
    if isinstance(value, dict):
        low = f"{value['low']:g}-" if value.get("low") is not None else ""
        bound = f"{value['bound'].replace('_', ' ')} " if value.get("bound") else ""
        return (f"{bound}{low}{value['value']:g}{value['unit'] if value['unit'] != 'other' else ''} {value['category']} "
                f"{value.get('direction') or ''} ({value.get('text')!r})").replace("  ", " ")
    if isinstance(value, list):
        return ", ".join(" with ".join(v) if isinstance(v, list) else str(v) for v in value)
    return str(value)
