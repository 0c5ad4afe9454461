"""The candidate phrases of a claim that can win, found without building the features of those that cannot.

A claim has about 70 candidate phrases (`context_features.candidates`), and building each one's feature strings
in Python was most of the context stage. Yet a field's decision reads only its best candidate and the
runner-up's score (`context.decide`), the cue rules read the cued phrases and the hardware rule the phrases of
its vocabulary. So `AbstractPhrases.ranked` first scores every candidate in numpy from where it sits (its
relational features are a few table lookups: the same sums as the rankers', in another order), then builds, in
the usual order and exactly as `candidates` would, only the cued phrases, the hardware phrases and those whose
score comes within EPSILON of a field's runner-up, and scores those the usual way. The decisions are therefore
those of the full list (`test_the_pruned_candidates_decide_what_all_candidates_decide` holds them to it).
"""
from __future__ import annotations

from bisect import bisect_left

import numpy as np

from .canonical import Vocab
from .context_features import (DIRECTION, Candidate, Token, _bucket, _mark_nearest, claim_scope, phrase_spans,
                               phrase_static, window)

EPSILON = 1e-6  # far above the rounding of a sum of a few dozen weights, far below any weight
_BUCKETS = tuple(_bucket(d) for d in (0, 1, 2, 3, 5, 9, 17))  # the distance buckets, by code (`_bucket_codes`)


def _bucket_codes(dist: np.ndarray) -> np.ndarray:
    """`_bucket` as codes into _BUCKETS: 0, 1, 2, 3-4, 5-8, 9-16, 17+."""
    return np.minimum(dist, 3) + (dist >= 5) + (dist >= 9) + (dist >= 17)


def _rel_name(side: int, ds: int) -> str:
    """`_Context.features`' `rel`: 0 inside the claim, 1 before it, 2 after it, 3 overlapping it."""
    if side == 0:
        return "in"
    if side == 3:
        return "overlap"
    if side == 1:
        return "before" if ds == 0 else f"sent{ds}"
    return "after" if ds == 0 else f"sent+{ds}"


class AbstractPhrases:
    """Every phrase of one abstract that may be a candidate of some claim (`phrase_spans` over the whole
    abstract), with its claim-independent features and ranker sums worked out at most once."""

    def __init__(self, toks: list[Token], vocab: Vocab, counts: dict, scorer):
        self.toks, self.names, self.counts, self.scorer = toks, vocab.names, counts, scorer
        spans = list(phrase_spans(toks, 0, len(toks) - 1)) if toks else []
        self.i = np.array([s[0] for s in spans], np.intp)
        self.j = np.array([s[1] for s in spans], np.intp)
        self.keys = [s[2] for s in spans]
        self.named = np.array([s[3] for s in spans], bool)
        self.sent = np.array([toks[s[0]].sent for s in spans], np.intp)
        self.tok_start = np.array([t.start for t in toks], np.intp)
        self.tok_end = np.array([t.end for t in toks], np.intp)
        self.cache: dict = {}                                  # (i, j) -> phrase_static, as `candidates` keeps it
        self.sums = np.zeros((len(spans), scorer.weights.shape[1]))
        self.done = np.zeros(len(spans), bool)
        self.kept = np.zeros(len(spans), bool)                # cued or a hardware phrase: always built
        self.c1: list = [None] * len(spans)
        self.p1: list = [None] * len(spans)

    def _statics(self, sel: np.ndarray) -> None:
        """Work out the claim-independent part of the phrases `sel` not seen yet."""
        new = sel[~self.done[sel]]
        if not len(new):
            return
        lists = []
        for k in new.tolist():
            i, j = int(self.i[k]), int(self.j[k])
            st = self.cache.get((i, j))
            if st is None:
                st = self.cache[(i, j)] = phrase_static(self.toks, i, j, self.keys[k], self.names, self.counts)
            lists.append(st[0])
            self.c1[k], self.p1[k] = st[1], st[2]
            self.kept[k] = bool(st[3]) or "voc=hardware" in st[0]
        self.sums[new] = self.scorer._sums(lists)
        self.done[new] = True

    def ranked(self, ci: int, cj: int, category: str, other_starts: list[int], vocab: Vocab
               ) -> tuple[list[Candidate], np.ndarray | None]:
        """The candidates of `candidates(...)` for the claim of tokens ci..cj that can decide a field, in their
        order and with their features, and their (candidates x fields) ranker scores (None without any)."""
        sel, ctx, estimate = self.estimates(ci, cj, category, other_starts, vocab)
        if not len(sel):
            return [], None
        free = ~self.kept[sel]
        keep = ~free
        if free.sum() >= 2:
            runner_up = np.partition(estimate[free], -2, axis=0)[-2]
            keep |= free & (estimate >= runner_up - EPSILON).any(axis=1)
        else:
            keep |= free
        chosen = sel[keep].tolist()
        cands = [ctx.features(int(self.i[k]), int(self.j[k]), self.keys[k]) for k in chosen]
        _mark_nearest(cands, self.toks[ci].start, self.toks[cj].end)
        return cands, (self.scorer.bias + self.sums[chosen]) + self.scorer._sums([c.rel for c in cands])

    def estimates(self, ci: int, cj: int, category: str, other_starts: list[int], vocab: Vocab):
        """(the claim's candidate phrases as indexes into this abstract's, its `_Context`, their scores but the
        cue-rule marks): every candidate's score from numpy lookups, none of its feature strings built."""
        toks = self.toks
        lo, hi = window(toks, ci, cj)
        a, b = np.searchsorted(self.i, [lo, hi + 1])
        sel = a + np.flatnonzero((self.j[a:b] <= hi) & ((self.sent[a:b] == toks[ci].sent) | self.named[a:b]))
        ctx = claim_scope(toks, ci, cj, lo, hi, category, other_starts, vocab, self.counts, self.cache)
        if not len(sel):
            return sel, ctx, np.zeros((0, len(self.scorer.bias)))
        self._statics(sel)
        return sel, ctx, self.scorer.bias + self.sums[sel] + self._relational(sel, ctx)

    def _relational(self, sel: np.ndarray, ctx) -> np.ndarray:
        """The summed weights of each phrase's relational features (`_Context.features`) but the cue-rule
        marks, which only the always-built cued phrases carry: a handful of table lookups per phrase."""
        toks, ci, cj, scorer = self.toks, ctx.ci, ctx.cj, self.scorer
        I, J = self.i[sel], self.j[sel]
        ds = self.sent[sel] - toks[ci].sent
        before, after = J < ci, I > cj
        side = np.select([(I >= ci) & (J <= cj), before, after], [0, 1, 2], 3)
        dist = np.where(before, ci - J - 1, np.where(after, I - cj - 1, 0))
        rel_code = side * 64 + np.clip(ds, -31, 31) + 32
        rel_names = {int(c): _rel_name(int(c) // 64, int(c) % 64 - 32) for c in np.unique(rel_code)}
        row, cat = scorer.index.get, ctx.category
        groups, inv = np.unique(rel_code * 8 + _bucket_codes(dist), return_inverse=True)
        g_rows = [(row(f"rel={r}", 0), row(f"dist={r}|{_BUCKETS[g % 8]}", 0), row(f"cat={cat}|rel={r}", 0))
                  for g in groups.tolist() for r in (rel_names[g // 8],)]
        rows = np.array(g_rows, np.intp).reshape(-1, 3)[inv.ravel()]
        lasts, l_inv = np.unique(J, return_inverse=True)
        last_rows = np.array([row(f"cat={cat}|last={toks[j].word}", 0) for j in lasts.tolist()], np.intp)
        c1_rows = [row(f"rel={rel_names[r]}|c1={self.c1[k]}", 0) for r, k in zip(rel_code.tolist(), sel.tolist())]
        p1_rows = [row(f"rel={rel_names[r]}|p1={self.p1[k]}", 0) for r, k in zip(rel_code.tolist(), sel.tolist())]
        w = scorer.weights
        out = (w[rows[:, 0]] + w[rows[:, 1]] + w[rows[:, 2]] + w[last_rows[l_inv.ravel()]]
               + w[np.array(c1_rows, np.intp)] + w[np.array(p1_rows, np.intp)])
        out += w[row("core", 0)] * self._core(I, J, ci, cj)[:, None]
        out += self._cues_between(I, J, ctx, before, after)
        out += w[row("claim_between", 0)] * self._claim_between(I, J, ctx, (ds == 0) & before,
                                                                  (ds == 0) & after)[:, None]
        return out

    def _core(self, I: np.ndarray, J: np.ndarray, ci: int, cj: int) -> np.ndarray:
        """Inside the claim with only numbers, function words and direction words of the claim outside it."""
        toks = self.toks
        content = [k for k in range(ci, cj + 1)
                   if not (toks[k].number or toks[k].stop or toks[k].low in DIRECTION)]
        first, last = (content[0], content[-1]) if content else (cj + 1, ci - 1)
        return (I >= ci) & (J <= cj) & (I <= first) & (J >= last)

    def _cues_between(self, I, J, ctx, before: np.ndarray, after: np.ndarray) -> np.ndarray:
        """The weights of the distinct cue words between each phrase and the claim."""
        w, row = self.scorer.weights, self.scorer.index.get
        cues, feats = ctx.cues, ctx.cue_feats
        nb, na = bisect_left(cues, ctx.ci), bisect_left(cues, ctx.cj + 1)
        left = np.zeros((nb + 1, w.shape[1]))           # left[t]: cues nb-1 .. t, each word once
        seen: set = set()
        for t in range(nb - 1, -1, -1):
            left[t] = left[t + 1]
            if feats[t] not in seen:
                seen.add(feats[t])
                left[t] += w[row(feats[t], 0)]
        right = np.zeros((len(cues) - na + 1, w.shape[1]))  # right[t]: cues na .. na + t - 1, each word once
        seen = set()
        for t in range(na, len(cues)):
            right[t - na + 1] = right[t - na]
            if feats[t] not in seen:
                seen.add(feats[t])
                right[t - na + 1] += w[row(feats[t], 0)]
        cue_at = np.array(cues, np.intp)
        out = np.zeros((len(I), w.shape[1]))
        out[before] = left[np.searchsorted(cue_at[:nb], J[before] + 1)]
        out[after] = right[np.searchsorted(cue_at[na:], I[after])]
        return out

    def _claim_between(self, I, J, ctx, before: np.ndarray, after: np.ndarray) -> np.ndarray:
        """Another claim starts between the phrase and this one (same sentence)."""
        if not ctx.others:
            return np.zeros(len(I), bool)
        others = np.sort(np.array(ctx.others, np.intp))
        cstart, cend = self.tok_start[ctx.ci], self.tok_end[ctx.cj]
        n_before = np.searchsorted(others, cstart) - np.searchsorted(others, self.tok_end[J])
        n_after = np.searchsorted(others, self.tok_start[I]) - np.searchsorted(others, cend)
        return (before & (n_before > 0)) | (after & (n_after > 0))
