"""Learn the claim-context weights (`models/context.json`) from gold papers, and measure them.

    python -m ingest.extract.context_train [GOLD_DIR]   # default tests/fixtures/gold

For each field, a logistic regression (scikit-learn, liblinear: deterministic) over the candidate phrases of
every gold claim; a candidate is positive when it is exactly the gold phrase. The field's threshold is the one
that maximises out-of-fold F1 (10 folds by paper, both the ranker's picks and the verifier's verdicts held
out), so it is not fitted to the very papers it was tuned on.
Inference (`context.py`) needs only the exported weights, not scikit-learn. The command prints, per field,
F1 in-sample, across sources (train on seeds, test on arxiv and the other way round) and 5-fold over both
(papers dealt as `python -m ingest evaluate-extractor` deals them), each with the gold claims as input and
again with the shipped claim extractor's claims ("extractor claims": what the product feeds the context stage),
after writing the model trained on every source.
"""
from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Iterator

from . import gold
from .gold import dealt
from .canonical import Vocab, default_vocab
from .context import CONTEXT_FIELDS, LEARNED_FIELDS, MODEL_PATH, claim_context, locate_all, rank
from .context_features import candidates, claim_anchors, claim_summary, field_view, tokenize, verifier_features

SOURCES = ("seeds", "arxiv")
FOLDS = 10
C = 0.3
MIN_COUNT = 3
LABEL_F1 = 0.6
RANK_ONLY_NAMED = True


def load_gold(folder: str | Path, name: str) -> list[dict]:
    """Papers of `<name>.jsonl` joined with `<name>.gold.jsonl` (gold.load)."""
    return gold.load(name, Path(folder))


def same_phrase(a: str | None, b: str | None) -> bool:
    """score.py's own match: one phrase's words inside the other's, or word-level F1 >= 0.5 (lower-cased)."""
    return gold.scorer().same_phrase(a, b)


def _words(s: str | None) -> list[str]:
    return gold.scorer().words(s)


def _overlap(a: str, b: str) -> float:
    """Word-level F1 of two phrases: a candidate is a positive when it names nearly what the gold names
    ("teacher" for "the teacher": candidates never start with a function word)."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    common = sum(min(wa.count(w), wb.count(w)) for w in set(wa))
    return 2 * common / (len(wa) + len(wb))


def claim_candidates(papers: list[dict], vocab: Vocab) -> list[tuple[int, dict, str, list]]:
    """(paper index, gold claim, abstract, candidates) for every gold claim found in its abstract."""
    out = []
    for pi, p in enumerate(papers):
        a = p["abstract"]
        toks = tokenize(a)
        counts = Counter(t.low for t in toks)
        spans = locate_all(a, [{"text": c.get("text")} for c in p["claims"]])
        claim_starts = [s[0] for s in spans if s]
        for c, anchor in zip(p["claims"], claim_anchors(toks, spans)):
            if anchor:
                ci, cj, vi, vj = anchor
                out.append((pi, c, a, candidates(a, toks, ci, cj, c.get("category") or "", claim_starts,
                                                 vocab, counts, value=(vi, vj))))
    return out


def _logreg(feats: list[list[str]], labels: list[int]) -> dict:
    """Logistic-regression weights {bias, weights} over binary features; a constant 'no' without positives."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    if not any(labels):
        return {"bias": -50.0, "weights": {}}
    seen = Counter(f for row in feats for f in row)
    rows = [{f: 1 for f in row if seen[f] >= MIN_COUNT} for row in feats]  # rare features only memorise
    vec = DictVectorizer()
    X = vec.fit_transform(rows).tocsr()
    X.indices, X.indptr = X.indices.astype("int32"), X.indptr.astype("int32")  # liblinear wants 32-bit
    lr = LogisticRegression(C=C, solver="liblinear", max_iter=1000, random_state=0)
    lr.fit(X, labels)
    weights = {str(n): round(float(w), 4) for n, w in zip(vec.get_feature_names_out(), lr.coef_[0])
               if abs(w) >= 0.01}  # smaller ones move no decision
    return {"bias": round(float(lr.intercept_[0]), 4), "weights": weights}


def _fit_ranker(rows, field) -> dict:
    """Ranking weights for `field`: the candidates of every claim that names it, positive when they name the
    gold phrase (whether a claim names the field at all is the verifier's question)."""
    feats, labels = [], []
    for _, claim, a, cands in rows:
        gold = claim.get(field)
        if not gold and RANK_ONLY_NAMED:
            continue
        for c in cands:
            feats.append(field_view(c.feats, field))
            labels.append(int(bool(gold) and _overlap(a[c.start:c.end], gold) >= LABEL_F1))
    return _logreg(feats, labels)


def _counts(pairs):
    """tp, fp, fn of (gold, predicted) phrase pairs, as score.py counts them."""
    tp = fp = fn = 0
    for gold, pred in pairs:
        if gold and pred and same_phrase(gold, pred):
            tp += 1
        else:
            fp += bool(pred)
            fn += bool(gold)
    return tp, fp, fn


def _f1(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _threshold(scored) -> float:
    """The probability threshold maximising F1 over (gold, top phrase, probability) triples."""
    best_t, best_f = 0.5, -1.0
    for t in [i / 100 for i in range(5, 96, 5)]:
        f = _f1(*_counts((g, ph if p >= t else None) for g, ph, p in scored))
        if f > best_f + 1e-9:
            best_t, best_f = t, f
    return best_t


def train(papers: list[dict], vocab: Vocab | None = None) -> dict:
    """The context model (JSON-able) learned from gold papers ({abstract, claims with the five fields}).

    Per field: the ranker, fitted on every claim; the verifier, fitted on the ranker's picks for papers it
    was not fitted on (FOLDS folds by paper), so it learns how far to trust a pick on unseen papers; and the
    verifier probability threshold that maximises F1 on those picks, each judged by a verifier fitted without
    its paper (`out_of_fold_verdicts`: in-sample verdicts are surer than unseen papers' and set it too high)."""
    return train_rows(claim_candidates(papers, vocab or default_vocab()), len(papers))


def train_rows(rows: list, n_papers: int) -> dict:
    """`train` over the rows of `claim_candidates` (so that cross-validation builds them once)."""
    fields = {}
    for field in LEARNED_FIELDS:
        picks = held_out_picks(rows, field)
        threshold = _threshold(out_of_fold_verdicts(picks))
        fields[field] = {"rank": _fit_ranker(rows, field), "verify": fit_verifier(picks), "threshold": threshold}
    return {"version": 2, "trained_on": n_papers, "fields": fields}


def held_out_picks(rows: list, field: str) -> list[tuple[list[str], str | None, str, int]]:
    """(verifier features, gold phrase, picked phrase, paper index) of every claim, each picked by a ranker
    fitted without its paper (FOLDS folds by paper): what the verifier will see on unseen papers."""
    picks = []
    for k in range(FOLDS):
        ranker = _fit_ranker([r for r in rows if r[0] % FOLDS != k], field)
        for pi, claim, a, cands in rows:
            if pi % FOLDS == k:
                top, s1, s2 = rank(ranker, cands)
                if top is not None:
                    summary = claim_summary(cands)
                    picks.append((field_view(verifier_features(top, s1, s2, summary), field), claim.get(field),
                                  a[top.start:top.end], pi))
    return picks


def fit_verifier(picks: list) -> dict:
    """The verifier: is a held-out pick the gold phrase?"""
    return _logreg([f for f, _, _, _ in picks], [int(bool(g) and same_phrase(g, ph)) for _, g, ph, _ in picks])


def out_of_fold_verdicts(picks: list) -> list[tuple[str | None, str, float]]:
    """(gold, pick, probability) of every held-out pick, the probability from a verifier fitted without its
    paper (FOLDS folds by paper): the threshold is then chosen on verdicts as uncertain as unseen papers'."""
    out = []
    for k in range(FOLDS):
        verify = fit_verifier([p for p in picks if p[3] % FOLDS != k])
        out += [(g, ph, _prob(verify, f)) for f, g, ph, pi in picks if pi % FOLDS == k]
    return out


def _prob(linear: dict, feats: list[str]) -> float:
    v = linear["bias"] + sum(linear["weights"].get(x, 0.0) for x in feats)
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, v))))


def evaluate(model: dict, papers: list[dict], vocab: Vocab | None = None) -> dict:
    """Per-field F1 and their mean, with the gold claims as input, counted as score.py counts context."""
    return _scores(_field_counts([(p, model) for p in papers], vocab))


def _field_counts(pairs: list[tuple[dict, dict]], vocab: Vocab | None = None) -> dict[str, list[int]]:
    """tp, fp, fn per field over (paper, the model that scores it) pairs."""
    counts = {f: [0, 0, 0] for f in CONTEXT_FIELDS}
    for p, model in pairs:
        got = claim_context(p["abstract"], p["claims"], model, vocab)
        for gold, pred in zip(p["claims"], got):
            for f in CONTEXT_FIELDS:
                for i, v in enumerate(_counts([(gold.get(f), pred[f])])):
                    counts[f][i] += v
    return counts


def extractor_claims(papers: list[dict]) -> list[list[dict]]:
    """The shipped claim extractor's claims of each paper (no context yet): what the product gives the
    context stage, whose spans often hold the value alone ("33.4%") where a gold claim's hold its metric too."""
    from .claim_model import extract_claims

    return [extract_claims(p["abstract"]) for p in papers]


def scores_on_claims(pairs: list[tuple[dict, dict]], claims: list[list[dict]]) -> dict:
    """Per-field F1 and mean as score.py reports them when each paper of (paper, model) pairs gets the
    context of `claims` (one list per pair) from its model; score.py matches them to the gold claims."""
    preds = [{"id": p["id"], "title": p.get("title"), "claims": [{**c, **x} for c, x in zip(cs, claim_context(
        p["abstract"], cs, model))]} for (p, model), cs in zip(pairs, claims)]
    report = gold.score([p for p, _ in pairs], preds)["report"]
    line = next(ln for ln in report.splitlines() if ln.startswith("claim context F1"))
    return {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", line)}


def _scores(counts: dict[str, list[int]]) -> dict:
    per = {f: _f1(*v) for f, v in counts.items() if sum(v)}  # score.py leaves out a field nobody names
    return {**per, "mean": sum(per.values()) / len(per) if per else 0.0}


def _subset(rows: list, keep: list[int]) -> list:
    """The rows of the papers `keep` (indexes into the papers `rows` came from), numbered as
    `claim_candidates` would number them for that list of papers, so `train_rows` gives what `train` gives."""
    new = {old: k for k, old in enumerate(keep)}
    return [(new[pi], *rest) for pi, *rest in rows if pi in new]


def figures(gold: dict[str, list[dict]], rows: list, folds: int = 5, claims: list[list[dict]] | None = None
            ) -> Iterator[tuple[str, dict]]:
    """The README rows for models trained on parts of `rows` (claim_candidates of every source's papers, in
    SOURCES order): cross-source both ways, then k-fold over both sets (each paper scored by the model
    trained without its fold), gold claims as input; with `claims` (`extractor_claims` of those papers), each
    row again with those claims as input ("... extractor claims"). One at a time, as each model is trained."""
    papers = [p for src in SOURCES for p in gold[src]]
    offset = {src: sum(len(gold[s]) for s in SOURCES[:k]) for k, src in enumerate(SOURCES)}
    spans = {src: range(offset[src], offset[src] + len(gold[src])) for src in SOURCES}
    for src in SOURCES:
        keep = list(spans[src])
        m = train_rows(_subset(rows, keep), len(keep))
        for other in (o for o in SOURCES if o != src):
            yield f"train {src} -> {other}", evaluate(m, gold[other])
            if claims is not None:
                yield f"  extractor claims", scores_on_claims([(papers[i], m) for i in spans[other]],
                                                               [claims[i] for i in spans[other]])
    scored_by: dict[int, dict] = {}
    for test in dealt(len(papers), folds):  # evaluate-extractor's split
        keep = [i for i in range(len(papers)) if i not in test]
        scored_by.update(dict.fromkeys(test, train_rows(_subset(rows, keep), len(keep))))
    for src in SOURCES:
        pairs = [(papers[i], scored_by[i]) for i in spans[src]]
        yield f"{folds}-fold -> {src}", _scores(_field_counts(pairs))
        if claims is not None:
            yield f"  extractor claims", scores_on_claims(pairs, [claims[i] for i in spans[src]])


def _line(name: str, scores: dict) -> str:
    return f"{name:28}" + " ".join(f"{f}={scores[f]:.3f}" if f in scores else f"{f}=  -  "
                                    for f in (*CONTEXT_FIELDS, "mean"))


def main(folder: str = "tests/fixtures/gold") -> None:
    gold = {s: load_gold(folder, s) for s in SOURCES}
    papers = [p for src in SOURCES for p in gold[src]]
    rows = claim_candidates(papers, default_vocab())
    model = train_rows(rows, len(papers))
    MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    MODEL_PATH.write_text(json.dumps(model, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_PATH} ({MODEL_PATH.stat().st_size // 1024} KB)", flush=True)
    claims = extractor_claims(papers)
    for src in SOURCES:
        print(_line(f"train all -> {src}", evaluate(model, gold[src])), flush=True)
        first = sum(len(gold[s]) for s in SOURCES[:SOURCES.index(src)])
        idx = range(first, first + len(gold[src]))
        print(_line("  extractor claims", scores_on_claims([(papers[k], model) for k in idx],
                                                           [claims[k] for k in idx])), flush=True)
    for name, scores in figures(gold, rows, claims=claims):
        print(_line(name, scores), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:2])
