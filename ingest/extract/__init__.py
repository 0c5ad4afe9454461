"""The extractor: one abstract in, the annotation of ../shared/gold/GUIDELINES.md out.

Pure functions, no I/O, no model: `extract(title, abstract)` is safe to map over any batch of records.
Bump EXTRACTOR_VERSION whenever the output can change; `python -m ingest reextract` uses it.
"""
from __future__ import annotations

from .claims import extract_claims
from .context import claim_context
from .domains import classify_domains
from .method import find_method
from .quality_note import find_quality_note
from .tradeoffs import find_tradeoffs

EXTRACTOR_VERSION = "2"

FIELDS = ("method", "domains", "tradeoffs", "quality_note", "claims")


def extract(title: str, abstract: str) -> dict:
    """Return {method, domains, tradeoffs, quality_note, claims} for one paper (keys in that order)."""
    title = title or ""
    abstract = abstract or ""
    return {
        "method": find_method(title, abstract),
        "domains": classify_domains(title, abstract),
        "tradeoffs": find_tradeoffs(title, abstract),
        "quality_note": find_quality_note(abstract),
        "claims": claims_with_context(abstract, extract_claims(abstract)),
    }


def claims_with_context(abstract: str, claims: list[dict]) -> list[dict]:
    """Each claim with its metric, dataset, baseline, hardware and model (context.py) after its own keys."""
    return [{**c, **ctx} for c, ctx in zip(claims, claim_context(abstract, claims))]


def extract_many(titles: list[str | None], abstracts: list[str | None]) -> list[dict]:
    """[extract(t, a) for t, a in zip(titles, abstracts)], one field at a time over the whole batch.

    Same output, ~10% faster: running each finder over every abstract before the next keeps its patterns and
    code in the CPU caches, where going record by record swaps five finders in and out for every abstract."""
    titles = [t or "" for t in titles]
    abstracts = [a or "" for a in abstracts]
    fields = (list(map(find_method, titles, abstracts)), list(map(classify_domains, titles, abstracts)),
              list(map(find_tradeoffs, titles, abstracts)), list(map(find_quality_note, abstracts)),
              list(map(claims_with_context, abstracts, map(extract_claims, abstracts))))
    return [dict(zip(FIELDS, values)) for values in zip(*fields)]


def extract_batch(records: list[dict]) -> list[dict]:
    """Extract dicts with `title` and `abstract` (the shape a Ray Data map_batches step wants)."""
    return extract_many([r.get("title") for r in records], [r.get("abstract") for r in records])
