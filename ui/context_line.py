"""One line per trade-off point saying what it compares, for the plot's hover:
"2.7x vs FlashAttention-2 · A100 · LLaMA-2-7B | −0.4 top-1 accuracy on ImageNet".

Pure text (the chart escapes it): the efficiency end, then its baseline, hardware and model where the abstract
names them, then the quality end with its metric and dataset; unknown parts are left out, not shown as blanks.
"""
from __future__ import annotations

import math

import pandas as pd

MINUS = "\u2212"  # a real minus sign, as in print
CONTEXT_COLUMNS = ("baseline", "hardware", "model", "quality_metric", "quality_dataset")


def _named(value: object) -> str:
    return value.strip() if isinstance(value, str) and value.strip() else ""


def _number(value: float, suffix: str = "") -> str:
    text = f"{value:+.3g}{suffix}"
    return text.replace("-", MINUS, 1) if text.startswith("-") else text


def quality_words(y: object, y_kind: object) -> str:
    """The quality end as a reader says it: '−0.4', '+2%', 'lossless', 'negligible' ('' when not drawable)."""
    if y_kind in ("lossless", "negligible"):
        return str(y_kind)
    if y is None or (isinstance(y, float) and math.isnan(y)):
        return ""
    return _number(float(y), "%" if y_kind == "percent" else "")


def context_line(gain: float, y: object, y_kind: object, baseline: object = None, hardware: object = None,
                 model: object = None, metric: object = None, dataset: object = None) -> str:
    """The line for one point (see the module docstring)."""
    efficiency = f"{gain:.3g}x" + (f" vs {_named(baseline)}" if _named(baseline) else "")
    setting = " · ".join([efficiency] + [_named(v) for v in (hardware, model) if _named(v)])
    quality = " ".join(p for p in (quality_words(y, y_kind), _named(metric)) if p)
    if _named(dataset):
        quality += f" on {_named(dataset)}"
    return f"{setting} | {quality}" if quality else setting


def context_lines(points: pd.DataFrame) -> pd.Series:
    """context_line for every row of a `queries.tradeoff_points` frame (missing context columns read as unknown)."""
    def column(name: str) -> list:
        return points[name].tolist() if name in points else [None] * len(points)

    rows = zip(points["gain"].tolist(), points["y"].tolist(), points["y_kind"].tolist(),
               *(column(c) for c in CONTEXT_COLUMNS))
    return pd.Series([context_line(*row) for row in rows], index=points.index, dtype="object")
