"""Plotted trade-off points -> rows of the `points` table (one shape for uploads, re-extraction, migration)."""
from __future__ import annotations

import pandas as pd

POINT_COLUMNS = [
    "paper_id", "idx", "gain_idx", "quality_idx", "with_note", "same_baseline", "axis", "x", "y", "y_kind",
    "gain_text", "quality_text",
]


def point_rows(plotted: dict[str, list[dict]]) -> pd.DataFrame:
    """{paper id: plot_points.plotted_points(...)} -> a frame with POINT_COLUMNS, in that order."""
    rows = []
    for pid, points in plotted.items():
        for idx, p in enumerate(points or []):
            note = p["quality"] == "note"
            rows.append((pid, idx, int(p["gain"]), None if note else int(p["quality"]), note,
                         p.get("same_baseline"), p["axis"], p.get("x"), p.get("y"), p["y_kind"],
                         p.get("gain_text") or "", p.get("quality_text")))
    frame = pd.DataFrame(rows, columns=POINT_COLUMNS)
    # Fixed dtypes, so an all-NULL column (no note pairs, no known baselines) still inserts as the right type.
    return frame.astype({"idx": "int64", "gain_idx": "int64", "quality_idx": "Int64", "with_note": "bool",
                         "same_baseline": "boolean", "x": "float64", "y": "float64"})
