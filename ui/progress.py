"""Pipeline progress (stage, done, total) -> one Streamlit progress bar across all stages."""
from __future__ import annotations

from typing import Callable

STAGE_SPAN = {"extract": (0.0, 0.2), "embed": (0.2, 0.85), "store": (0.85, 0.9), "topics": (0.9, 1.0)}
STAGE_TEXT = {"extract": "extracting claims", "embed": "embedding", "store": "storing", "topics": "clustering topics"}


def overall_fraction(stage: str, done: int, total: int) -> float:
    lo, hi = STAGE_SPAN.get(stage, (0.0, 1.0))
    return min(max(lo + (hi - lo) * (done / total if total else 1.0), 0.0), 1.0)


def progress_callback(bar) -> Callable[[str, int, int], None]:
    def update(stage: str, done: int, total: int) -> None:
        bar.progress(overall_fraction(stage, done, total), text=f"{STAGE_TEXT.get(stage, stage)}: {done:,} of {total:,}")

    return update
