"""The extractor: one abstract in, the annotation of ../shared/gold/GUIDELINES.md out.

Pure functions over the text (the learned decisions read their small JSON model files in models/ once):
`extract(title, abstract)` is safe to map over any batch of records.
Bump EXTRACTOR_VERSION whenever the output can change; `python -m ingest reextract` uses it.
"""
from __future__ import annotations

from .claim_model import extract_claims
from .context import claim_context
from .domains import classify_domains
from .method import find_method
from .points import find_points
from .note_model import find_note
from .tradeoffs import find_tradeoffs

EXTRACTOR_VERSION = "12"

FIELDS = ("method", "domains", "tradeoffs", "quality_note", "claims", "points")


def extract(title: str, abstract: str, models: dict | None = None) -> dict:
    """Return {method, domains, tradeoffs, quality_note, claims, points} for one paper (keys in that order).

    `models` ({component: model}, see training.py) replaces the shipped models: cross-validation scores
    models trained without the papers it extracts."""
    models = models or {}
    title = title or ""
    abstract = abstract or ""
    claims = claims_with_context(abstract, extract_claims(abstract, models.get("claims")), models.get("context"))
    out = {
        "method": find_method(title, abstract, models.get("method")),
        "domains": classify_domains(title, abstract, models.get("domains")),
        "tradeoffs": find_tradeoffs(title, abstract),
        "quality_note": find_note(abstract, models.get("quality_note"), claims),
        "claims": claims,
    }
    out["points"] = find_points(abstract, out["claims"], out["quality_note"])
    return out


def claims_with_context(abstract: str, claims: list[dict], model: dict | None = None) -> list[dict]:
    """Each claim with its metric, dataset, baseline, hardware and model (context.py) after its own keys."""
    return [{**c, **ctx} for c, ctx in zip(claims, claim_context(abstract, claims, model))]


def extract_many(titles: list[str | None], abstracts: list[str | None], models: dict | None = None) -> list[dict]:
    """[extract(t, a) for t, a in zip(titles, abstracts)], one field at a time over the whole batch.

    Same output, ~10% faster: running each finder over every abstract before the next keeps its patterns and
    code in the CPU caches, where going record by record swaps five finders in and out for every abstract."""
    models = models or {}
    titles = [t or "" for t in titles]
    abstracts = [a or "" for a in abstracts]
    claims_model, context_model = models.get("claims"), models.get("context")
    method_model, domains_model = models.get("method"), models.get("domains")
    claims = [claims_with_context(a, extract_claims(a, claims_model), context_model) for a in abstracts]
    fields = ([find_method(t, a, method_model) for t, a in zip(titles, abstracts)],
              [classify_domains(t, a, domains_model) for t, a in zip(titles, abstracts)],
              list(map(find_tradeoffs, titles, abstracts)),
              [find_note(a, models.get("quality_note"), c) for a, c in zip(abstracts, claims)], claims)
    fields += (list(map(find_points, abstracts, fields[4], fields[3])),)
    return [dict(zip(FIELDS, values)) for values in zip(*fields)]


def extract_batch(records: list[dict]) -> list[dict]:
    """Extract dicts with `title` and `abstract` (the shape a Ray Data map_batches step wants)."""
    return extract_many([r.get("title") for r in records], [r.get("abstract") for r in records])
