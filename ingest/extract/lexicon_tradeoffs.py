"""Words that name each trade-off axis (GUIDELINES.md, `tradeoffs`).  Regex fragments, matched case-insensitively
on letter boundaries; longer terms are preferred where two overlap ("computational cost" -> compute)."""
from __future__ import annotations

AXIS_TERMS: list[tuple[str, str]] = [
    # compute before cost/efficiency so that "computational cost" is compute
    (r"computational (?:cost|complexity|budget|demands?|overhead|efficiency)s?|compute|computation(?:al)?|"
     r"complexity|flops|inference[- ]compute|training[- ]compute", "compute"),
    (r"accuracy|accurate|performance|effectiveness|capabilit(?:y|ies)|utility|errors?|loss|"
     r"benefits?|precision|recall|task performance|model performance|predictive power|generali[sz]ation",
     "accuracy"),
    (r"quality|fidelity", "quality"),
    (r"efficiency|efficient|sample[- ]efficiency", "efficiency"),
    (r"costs?|price|expenses?|spending|budgets?", "cost"),
    (r"latency|delays?|response time", "latency"),
    (r"speed|training[- ]time|inference[- ]time(?![- ]\w)|run[- ]?time|wall[- ]clock", "speed"),
    (r"memory|storage|footprint", "memory"),
    (r"model[- ]size|size|parameters?|parameter count|compression", "size"),
    (r"energy|power consumption|power", "energy"),
    (r"communication|bandwidth", "communication"),
    (r"throughput", "throughput"),
    (r"fairness|fair|equality|equity|equitable", "fairness"),
    (r"privacy|private", "privacy"),
    (r"robustness|robust", "robustness"),
    (r"diversity", "diversity"),
    (r"exploration", "exploration"),
    (r"interpretability|explainability|transparency", "interpretability"),
]
