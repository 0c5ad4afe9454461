"""Inference builds only the candidate phrases that can win (context_prune.py); these tests state what makes
that safe: its numpy estimates are the rankers' scores, and the phrases it keeps decide every field the way the
full candidate list does, on every gold claim (tests/fixtures/gold, both sets)."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from ingest.extract.canonical import default_vocab
from ingest.extract.context import LEARNED_FIELDS, _locate, default_model, hardware, rankers, top_two
from ingest.extract.context_features import candidates, claim_tokens, tokenize
from ingest.extract.context_prune import AbstractPhrases

GOLD_DIR = Path(__file__).resolve().parent / "fixtures" / "gold"


def _gold_claims():
    """(phrases, ci, cj, category, claim starts, full candidate list, claim span) for every gold claim."""
    vocab, scorer = default_vocab(), rankers(default_model())
    for name in ("seeds", "arxiv"):
        papers = map(json.loads, open(GOLD_DIR / f"{name}.jsonl", encoding="utf-8"))
        golds = map(json.loads, open(GOLD_DIR / f"{name}.gold.jsonl", encoding="utf-8"))
        for paper, gold in zip(papers, golds):
            a, claims = paper["abstract"], gold.get("claims") or []
            toks = tokenize(a)
            if not toks or not claims:
                continue
            starts, counts = [t.start for t in toks], Counter(t.low for t in toks)
            spans = [_locate(a, {"text": c.get("text")}, 0) for c in claims]
            claim_starts = [s[0] for s in spans if s]
            phrases = AbstractPhrases(toks, vocab, counts, scorer)
            for c, span in zip(claims, spans):
                if span:
                    ci, cj = claim_tokens(toks, starts, *span)
                    cat = c.get("category") or ""
                    full = candidates(a, toks, ci, cj, cat, claim_starts, vocab, counts)
                    yield phrases, ci, cj, cat, claim_starts, full, span


@pytest.fixture(scope="module")
def gold_claims():
    return list(_gold_claims())


def test_the_estimates_are_the_rankers_scores(gold_claims):
    """Every candidate's numpy estimate equals the summed weights of its feature strings (the cued phrases
    aside: their cue-rule marks are left out of the estimate, and they are always built)."""
    scorer, vocab, n = rankers(default_model()), default_vocab(), 0
    for phrases, ci, cj, cat, starts, full, _span in gold_claims:
        sel, _ctx, estimate = phrases.estimates(ci, cj, cat, starts, vocab)
        assert [(int(phrases.i[k]), int(phrases.j[k])) for k in sel] == [(c.i, c.j) for c in full]
        exact = scorer.scores(full, {})
        plain = np.array([not c.rules for c in full], bool)
        np.testing.assert_allclose(estimate[plain], exact[plain], rtol=0, atol=1e-9)
        n += int(plain.sum())
    assert n > 10_000


def test_the_pruned_candidates_decide_what_all_candidates_decide(gold_claims):
    """The kept candidates are some of the full list, built the same; each field's best, its score and the
    runner-up's score, and the hardware rule's pick are those of the full list."""
    scorer, vocab, pruned_away = rankers(default_model()), default_vocab(), 0
    for phrases, ci, cj, cat, starts, full, span in gold_claims:
        kept, scores = phrases.ranked(ci, cj, cat, starts, vocab)
        by_span = {(c.i, c.j): c for c in full}
        assert [(c.static, c.rel) for c in kept] == [(by_span[c.i, c.j].static, by_span[c.i, c.j].rel) for c in kept]
        assert [(c.i, c.j) for c in kept] == sorted((c.i, c.j) for c in kept)
        full_scores = scorer.scores(full, {})
        for col, _field in enumerate(LEARNED_FIELDS):
            k, s1, s2 = top_two(scores[:, col])
            fk, f1, f2 = top_two(full_scores[:, col])
            assert ((kept[k].i, kept[k].j), s1, s2) == ((full[fk].i, full[fk].j), f1, f2)
        hw, full_hw = hardware(kept, cat, span), hardware(full, cat, span)
        assert (hw and (hw.i, hw.j)) == (full_hw and (full_hw.i, full_hw.j))
        pruned_away += len(full) - len(kept)
    assert pruned_away > 10_000  # it does prune
