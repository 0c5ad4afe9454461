"""What each claim compares: its metric, dataset, baseline, hardware and model, as exact phrases of the abstract.

"2.7x faster" means little until one knows faster than what, on which hardware, for which model. For every
claim, `claim_context` scores the candidate phrases of the claim's sentence and the two before it
(`context_features.py`) with one linear model per field (a ranker's weights in `models/context.json`, learned by
`context_train.py` from the gold set) and keeps the best one when a second linear model, the verifier, says
the claim names that field at all; else the field is None. At inference the rankers of all fields score
all candidates of a claim at once (`Rankers`: one weight matrix, numpy), each phrase's claim-independent part
once per abstract. Each phrase comes with its offsets (so a page can highlight it) and its canonical name
(`canonical.py`: "Llama-2 7B" -> "LLaMA-2-7B"). Pure: no I/O beyond reading the model file once.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from functools import lru_cache
from itertools import chain, repeat
from pathlib import Path

import numpy as np

from .canonical import Vocab, default_vocab
from .context_features import (Candidate, Token, candidates, claim_anchors, claim_summary, tokenize,
                               verifier_features)
from .context_hardware import hardware_span

CONTEXT_FIELDS = ("metric", "dataset", "baseline", "hardware", "model")
LEARNED_FIELDS = ("metric", "dataset", "baseline", "model")
# Hardware is named for too few gold claims (4 of 467) to learn; it is a vocabulary rule (context_hardware.py).
MODEL_PATH = Path(__file__).resolve().parent / "models" / "context.json"


def context_keys() -> list[str]:
    """The keys `claim_context` gives each claim, in order: per field the phrase, its offsets, its canonical."""
    return [k for f in CONTEXT_FIELDS for k in (f, f"{f}_start", f"{f}_end", f"{f}_canonical")]


def load_model(path: str | Path = MODEL_PATH) -> dict:
    """Read a model written by `context_train.py` (per field: rank and verify weights, threshold)."""
    with open(path, encoding="utf-8") as f:
        model = json.load(f)
    missing = [k for k in LEARNED_FIELDS if k not in model.get("fields", {})]
    if missing:
        raise ValueError(f"{path}: context model lacks the fields {missing}; retrain with context_train.py")
    return model


@lru_cache(maxsize=1)
def default_model() -> dict:
    return load_model(MODEL_PATH)


def _empty() -> dict:
    return dict.fromkeys(context_keys())


def locate_all(abstract: str, claims: list) -> list[tuple[int, int] | None]:
    """`_locate` of each claim, each text searched from where the previous claim starts."""
    spans, after = [], 0
    for c in claims:
        span = _locate(abstract, c if isinstance(c, dict) else {}, after)
        spans.append(span)
        if span:
            after = span[0]
    return spans


def _locate(abstract: str, claim: dict, after: int) -> tuple[int, int] | None:
    """The claim's offsets: its own start/end when they quote the abstract, else where its text occurs."""
    s, e, text = claim.get("start"), claim.get("end"), claim.get("text")
    if isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(abstract):
        return s, e
    if not isinstance(text, str) or not text:
        return None
    i = abstract.find(text, after)
    if i < 0:
        i = abstract.find(text)
    return (i, i + len(text)) if i >= 0 else None


_ZEROS = repeat(0.0)
_NO_ROW = repeat(0)


def _score(linear: dict, feats: list[str]) -> float:
    return linear["bias"] + sum(map(linear["weights"].get, feats, _ZEROS))  # dict.get(f, 0.0), at C speed


def rank(linear: dict, cands: list[Candidate]) -> tuple[Candidate | None, float, float]:
    """The best candidate under one field's ranking weights, its score and the runner-up's (ties: the
    earliest). Training's form; inference scores every field at once with `Rankers` (the same sums)."""
    top, s1, s2 = None, -math.inf, -math.inf
    for c in cands:
        s = _score(linear, c.feats)
        if s > s1:
            top, s1, s2 = c, s, s1
        elif s > s2:
            s2 = s
    return top, s1, s2


class Rankers:
    """The rankers of every learned field as one matrix (a row per feature, a column per field), so that all
    candidates of a claim are scored for all fields at once: `rank` over each field's weights, vectorised.
    Each phrase's claim-independent part is summed once per abstract (`memo`)."""

    def __init__(self, model: dict):
        linears = [model["fields"][f]["rank"] for f in LEARNED_FIELDS]
        names = sorted({n for lin in linears for n in lin["weights"]})
        self.index = {n: k for k, n in enumerate(names, start=1)}  # row 0: a feature no ranker knows
        self.weights = np.zeros((len(names) + 1, len(linears)))
        for col, lin in enumerate(linears):
            for n, w in lin["weights"].items():
                self.weights[self.index[n], col] = w
        self.bias = np.array([lin["bias"] for lin in linears])

    def _sums(self, lists: list[list[str]]) -> np.ndarray:
        """The summed weight rows of each feature list (one row per list, one column per field)."""
        lengths = list(map(len, lists))
        rows = np.fromiter(map(self.index.get, chain.from_iterable(lists), _NO_ROW), np.intp, sum(lengths))
        return np.add.reduceat(self.weights[rows], np.cumsum([0, *lengths[:-1]]), axis=0)

    def scores(self, cands: list[Candidate], memo: dict, veto=None) -> np.ndarray:
        """(candidates x fields) scores; memo: (i, j) -> the phrase's static part, per abstract; veto(c): the
        fields (a bool row) a phrase may not fill whatever the claim, folded into its static part as -inf."""
        new = [c for c in cands if (c.i, c.j) not in memo]
        if new:
            static = self._sums([c.static for c in new])
            if veto is not None:
                static[np.array([veto(c) for c in new], dtype=bool)] = -math.inf
            memo.update(zip([(c.i, c.j) for c in new], static))
        static = np.array([memo[(c.i, c.j)] for c in cands])
        return (self.bias + static) + self._sums([c.rel for c in cands])


_RANKERS: dict[int, tuple[dict, Rankers]] = {}


def rankers(model: dict) -> Rankers:
    """The compiled rankers of `model`, built once per model object."""
    hit = _RANKERS.get(id(model))
    if hit is None or hit[0] is not model:
        if len(_RANKERS) > 8:
            _RANKERS.clear()
        hit = _RANKERS[id(model)] = (model, Rankers(model))
    return hit[1]


# What a phrase is, by the vocabulary: one that is listed only as hardware ("A100") is no dataset, metric or
# model, whatever the words around it suggest ("On a single A100, ..." reads like "On ImageNet, ...").
# The baseline is left out: a model, a device or a method can each be what a claim is compared with.
_TYPED_FIELDS = frozenset(("metric", "dataset", "hardware", "model"))
_NO_VETO = (False,) * len(LEARNED_FIELDS)


def other_kind(phrase: str, vocab: Vocab) -> tuple[bool, ...]:
    """Per learned field, whether the vocabulary lists the phrase under typed fields, none of them that one."""
    known = vocab.known_as(phrase) & _TYPED_FIELDS
    if not known:
        return _NO_VETO
    return tuple(f in _TYPED_FIELDS and f not in known for f in LEARNED_FIELDS)


def top_two(column: np.ndarray) -> tuple[int, float, float]:
    """`rank`'s answer from one field's scores: the earliest best index, its score and the runner-up's."""
    k = int(column.argmax())
    s2 = float(np.partition(column, -2)[-2]) if len(column) > 1 else -math.inf
    return k, float(column[k]), s2


def decide(field_model: dict, cands: list[Candidate], top: tuple[int, float, float] | None = None,
           summary: tuple[str, ...] | None = None) -> tuple[Candidate | None, float]:
    """The field's phrase for one claim and the probability that the claim names it at all: the ranker picks
    the likeliest phrase (`top`: its index and score and the runner-up's, when already ranked), the verifier
    (trained on held-out picks) judges whether to keep it."""
    if top is None:
        best, s1, s2 = rank(field_model["rank"], cands)
    else:
        best, s1, s2 = cands[top[0]], top[1], top[2]
    if best is None:
        return None, 0.0
    if summary is None:
        summary = claim_summary(cands)
    v = _score(field_model["verify"], verifier_features(best, s1, s2, summary))
    return best, 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, v))))


def hardware(toks: list[Token], ci: int, cj: int, category: str, vocab: Vocab,
             memo: dict | None = None) -> Candidate | None:
    """The hardware the claim at toks[ci..cj] was measured on, by the vocabulary rule of
    `context_hardware.py`, as a candidate-like span (only its offsets are read)."""
    hit = hardware_span(toks, ci, cj, category, vocab.names["hardware"], memo)
    return None if hit is None else Candidate(hit[0], hit[1], toks[hit[0]].start, toks[hit[1]].end, [], [])


def claim_context(abstract: str, claims: list[dict], model: dict | None = None,
                  vocab: Vocab | None = None) -> list[dict]:
    """For each claim (category, text, start, end ...), its five context fields as exact substrings of
    `abstract` or None, each with `<field>_start`, `<field>_end` and `<field>_canonical` (keys of
    `context_keys()`). A claim whose text cannot be found in the abstract gets all None."""
    if not claims:
        return []
    abstract = abstract if isinstance(abstract, str) else ""
    model = model or default_model()
    vocab = vocab or default_vocab()
    toks = tokenize(abstract)
    counts = Counter(t.low for t in toks)
    spans = locate_all(abstract, claims)
    anchors = claim_anchors(toks, spans)
    claim_starts = [s[0] for s in spans if s]
    cache: dict = {}                                   # phrase -> its claim-independent features
    memo: dict = {}                                    # phrase -> its claim-independent scores
    sentence_hardware: dict = {}                       # sentence -> its start and hardware phrases
    scorer = rankers(model)
    out = []
    for c, anchor in zip(claims, anchors):
        row = _empty()
        if anchor is None:
            out.append(row)
            continue
        ci, cj, vi, vj = anchor
        category = c.get("category") if isinstance(c, dict) and isinstance(c.get("category"), str) else ""
        cands = candidates(abstract, toks, ci, cj, category, claim_starts, vocab, counts, cache, (vi, vj))
        scores = scorer.scores(cands, memo, lambda c: other_kind(abstract[c.start:c.end], vocab)) if cands else None
        summary = claim_summary(cands)
        for field in CONTEXT_FIELDS:
            if field == "hardware":
                top = hardware(toks, ci, cj, category, vocab, sentence_hardware)
            elif scores is not None:
                fm = model["fields"][field]
                ranked = top_two(scores[:, LEARNED_FIELDS.index(field)])
                top, p = decide(fm, cands, ranked, summary) if ranked[1] > -math.inf else (None, 0.0)
                top = top if p >= fm["threshold"] else None
            else:
                top = None
            if top is not None:
                phrase = abstract[top.start:top.end]
                row.update({field: phrase, f"{field}_start": top.start, f"{field}_end": top.end,
                            f"{field}_canonical": vocab.canonical(field, phrase)})
        out.append(row)
    return out
