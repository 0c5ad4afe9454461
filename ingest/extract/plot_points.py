"""Where each trade-off point is drawn: x = the efficiency gain as a factor, y = the quality change, with its kind.

x, one scale for every efficiency axis: a speed-up factor as stated ("2.7x faster" -> 2.7, "40% faster" -> 1.4),
a saving as the factor it buys ("75% less memory" -> 4x, "40% lower latency" -> 1.67x), a price paid below 1
("twice as slow" -> 0.5), "from 21 to 8 seconds" -> 2.63x.

y keeps absolute points and relative percentages apart (the y axis is in points):
- `points`: a change stated in points ("+2.1 mAP", "3.4 points"), or worked out from the two scores the abstract
  gives ("from 80.0 to 74.3" -> -5.7; "92.9% of the 14B model's performance (74.3% vs 80.0%)" -> -5.7);
- `percent`: a percentage the abstract does not turn into points ("retains 92.9% of the accuracy", "1.9%
  relative accuracy", "improves accuracy by 5%"): drawn at its value with its own marker;
- `lossless` / `negligible`: the quality note, drawn at zero;
- `other`: a change in another unit (dB, a perplexity delta, "1.3x gFID"), not drawable on a points axis: y is None.
"""
from __future__ import annotations

import re

from .derive import quality_flag

# "(74.3% vs 80.0%)" or "(50.4\% vs 52.1\%)" shortly after a claim, in its sentence: ours, then the reference.
_PAIR = re.compile(r"(?:(?!\.\s)[^();]){0,80}?[(\[]\s*(\d+(?:\.\d+)?)\s*\\?%?\s*(?:vs\.?|versus|against|"
                   r"compared\s+(?:to|with))\s*(\d+(?:\.\d+)?)\s*\\?%?")
_POINT_WORDS = re.compile(r"\b(?:points?|pp|p\.p\.|percentage\s+points?|%p|absolute)\b|%p\b", re.I)
_LOWER_IS_BETTER = re.compile(r"loss|perplexity|ppl|error|fid|wer|cer|mse|mae|rmse|latency|distance", re.I)


def gain_factor(claim: dict) -> float | None:
    """An efficiency claim as a factor (> 1 a gain, < 1 a price paid), or None when it has no such reading."""
    value, unit, direction = claim.get("value"), claim.get("unit"), claim.get("direction")
    if value is None or value <= 0:
        return None
    if claim.get("from") is not None and claim["from"] > 0:
        ratio = claim["from"] / value if direction == "reduction" else value / claim["from"]
        return ratio if direction != "overhead" else min(ratio, 1 / ratio)
    if unit == "x":
        return 1 / value if direction == "overhead" else value
    if unit != "%":
        return None
    if direction == "overhead":
        return 1 / (1 + value / 100)
    if direction == "increase":
        return 1 + value / 100
    if direction == "reduction" and value < 100:
        return 1 / (1 - value / 100)
    return None


def quality_y(claim: dict, abstract: str = "") -> tuple[float | None, str]:
    """(y, kind) of a quality claim: see the module docstring."""
    value, unit, direction = claim.get("value"), claim.get("unit"), claim.get("direction")
    sign = -1.0 if direction == "drop" else 1.0
    if value is None or direction not in ("gain", "drop"):
        return None, "other"
    ref = claim.get("from")
    text = claim.get("text") or ""
    if ref is None and unit == "%" and claim.get("end") is not None and abstract:
        m = _PAIR.match(abstract, claim["end"])
        ours, theirs = (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)
        # "92.9% of the 14B model's performance (74.3% vs 80.0%)": the abstract's own scores, taken only when
        # they give the claim's relative change (80.0 -> 74.3 is 7.1% less), so an unrelated pair is never used.
        if theirs > 0 and abs(abs(theirs - ours) / theirs * 100 - value) <= max(0.15 * value, 0.2):
            return sign * abs(ours - theirs), "points"
    if ref is not None:
        if unit == "%" or (unit == "other" and 1 < max(value, ref) <= 100 and not _LOWER_IS_BETTER.search(text)):
            return sign * abs(value - ref), "points"
        if unit == "other" and max(value, ref) <= 1 and not _LOWER_IS_BETTER.search(text):
            return sign * abs(value - ref) * 100, "points"  # "F1 of 0.65 vs 0.47": 18 F1 points
        return None, "other"
    if unit == "pp" or (unit == "%" and _POINT_WORDS.search(text)):
        return sign * value, "points"
    if unit == "%":
        return sign * value, "percent"
    return None, "other"


def plotted_points(abstract: str, claims: list[dict], points: list[dict], quality_note: str | None) -> list[dict]:
    """Each point with what the plot needs: axis, x, y, y_kind and both evidence texts."""
    out = []
    for p in points:
        gain = claims[p["gain"]]
        if p["quality"] == "note":
            y, kind, qtext = 0.0, quality_flag(quality_note) or "negligible", quality_note
        else:
            q = claims[p["quality"]]
            (y, kind), qtext = quality_y(q, abstract), q.get("text")
        x = gain_factor(gain)
        out.append({**p, "axis": gain.get("category"), "x": None if x is None else round(x, 6),
                    "y": None if y is None else round(y, 6), "y_kind": kind,
                    "gain_text": gain.get("text"), "quality_text": qtext})
    return out
