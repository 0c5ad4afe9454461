"""The efficiency axes of the trade-off plot and the per-paper column that holds each.

One table read by the extractor's derived numbers (`extract.derive` fills the reduction columns) and by the
queries (`queries.AXES`), so neither keeps a copy in step by hand. It lives outside `ingest.extract` so that
the pages can import it without loading the extractor.
"""
from __future__ import annotations

# Axes given as a percentage saved -> the `papers`/`paper_facts` column of a paper's best such saving.
AXIS_COLUMNS = {
    "memory": "memory_reduction",
    "compute": "compute_reduction",
    "size": "size_reduction",
    "tokens": "token_reduction",
    "energy": "energy_reduction",
    "cost": "cost_reduction",
}
# Every axis of the plot, speed (a factor) first.
AXES = {"speed": "best_speedup", **AXIS_COLUMNS}
