"""Per-paper numbers the dashboard plots, derived from the extracted claims.

Every figure is put on one scale per axis so papers can be compared: speed as a factor (2x), the other
efficiency axes as a percentage saved, quality as points gained (+) or lost (-).
"""
from __future__ import annotations

import re

from ..axes import AXIS_COLUMNS

_LOSSLESS = re.compile(r"lossless|no (?:accuracy |performance |quality )?loss|without (?:any )?loss", re.I)


def speedup_factor(claim: dict) -> float | None:
    """A speed claim as a factor: '2.7x faster' -> 2.7, '40% faster' -> 1.4, '40% lower latency' -> 1.67."""
    if claim.get("category") != "speed":
        return None
    value, unit, direction = claim.get("value"), claim.get("unit"), claim.get("direction")
    if value is None or value <= 0:
        return None
    if direction == "increase":
        if unit == "x":
            return value
        if unit == "%":
            return 1 + value / 100
    if direction == "reduction":
        if unit == "x":
            return value
        if unit == "%" and value < 100:
            return 1 / (1 - value / 100)
    return None


def reduction_percent(claim: dict) -> float | None:
    """An efficiency saving in percent: '75.8% less memory' -> 75.8, '4x fewer FLOPs' -> 75.0."""
    if claim.get("direction") != "reduction":
        return None
    value, unit = claim.get("value"), claim.get("unit")
    if value is None or value <= 0:
        return None
    if unit == "%" and value <= 100:
        return value
    if unit == "x" and value >= 1:
        return (1 - 1 / value) * 100
    return None


def quality_points(claim: dict) -> float | None:
    """A quality claim in points: drops negative, gains positive; 'from 71.2% to 75.0%' -> +3.8."""
    if claim.get("category") != "quality" or claim.get("unit") not in ("%", "pp"):
        return None
    value = claim.get("value")
    if value is None:
        return None
    if claim.get("from") is not None:
        change = abs(value - claim["from"])
    else:
        change = abs(value)
    if claim.get("direction") == "drop":
        return -change
    if claim.get("direction") == "gain":
        return change
    return None


def quality_flag(quality_note: str | None) -> str | None:
    """'lossless' or 'negligible' when the abstract keeps quality only in words."""
    if not quality_note:
        return None
    return "lossless" if _LOSSLESS.search(quality_note) else "negligible"


def _best(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def derive(extraction: dict) -> dict:
    """The plotted numbers for one paper's extraction (keys match the `extractions` table columns)."""
    claims = extraction.get("claims") or []
    out: dict = {"best_speedup": _best([speedup_factor(c) for c in claims])}
    for axis, column in AXIS_COLUMNS.items():
        out[column] = _best([reduction_percent(c) for c in claims if c.get("category") == axis])
    points = [p for p in (quality_points(c) for c in claims) if p is not None]
    drops = [p for p in points if p < 0]
    # The price paid matters most on a trade-off plot: report the worst drop, else the best gain.
    out["quality_change"] = min(drops) if drops else (max(points) if points else None)
    out["quality_flag"] = None if points else quality_flag(extraction.get("quality_note"))
    return out
