"""Claims by learned decisions: every quantity is a candidate (claim_features), and small linear models
trained on the gold decide what it is (a detector, then:)

    category   none | speed | memory | compute | size | tokens | energy | cost | quality
    direction  increase | reduction | overhead (efficiency)  /  gain | drop (quality)
    unit       x | % | pp | other
    kept       direct | complement ("retains 95% of the accuracy" is a 5% drop: the guidelines' fractions)

The models come twice: with the hand-written rules' opinion among their features, and from the words alone for
the candidates the rules pass over (see ClaimModel: what the rules miss on new text is found only that way).
Bounds ("up to", "over", "~") and spans are read off the text by rule: they are surface facts, not decisions.
`train(papers)` builds the model dict from gold papers; `extract_claims(abstract, model)` applies it.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from functools import lru_cache
from pathlib import Path
from typing import Optional

from . import claim_patterns as P
from .claim_features import (TO_GAPS, Candidate, Context, analyse, features, is_setting, is_vs_gap, pair_gap,
                             parallel_pair, states_change)
from .claims import extract_claims as rule_claims
from .linear import LinearModel, fit

MODEL_PATH = Path(__file__).resolve().parent / "models" / "claims.json"
EFFICIENCY = ("speed", "memory", "compute", "size", "tokens", "energy", "cost")
CATEGORIES = EFFICIENCY + ("quality",)
DIRECTIONS = {"quality": ("gain", "drop")}
EFFICIENCY_DIRECTIONS = ("increase", "reduction", "overhead")


class Decisions:
    """The five linear models that decide what a candidate is: claim or not, category, direction, unit, kept."""

    def __init__(self, data: dict):
        self.detect = LinearModel(data["detect"])
        self.category = Choice(LinearModel(data["category"]), _CAT_AGREE, _CAT_CROSSED)
        self.direction = Choice(LinearModel(data["direction"]), _DIR_AGREE, None)
        self.unit = LinearModel(data["unit"])
        self.kept = LinearModel(data["kept"])


class ClaimModel(Decisions):
    """A trained claims model: decisions that weigh the hand-written rules' opinion with the words, and
    (`words`) decisions from the words alone, for the candidates the rules pass over.

    Why two: the rules were tuned on one gold set, where they find almost every claim, so a model trained
    there learns "the rules said nothing" means "no claim" and keeps the rules' blind spots on new text
    ("improves the strong model by 6.8 and 7.3 points", "+1.8 on Claw-Eval"). The words-only decisions never
    see the rules' opinion, so what they learn transfers; they are asked only about candidates that are
    written as a change (claim_features.states_change) and must be confident (`words_below`)."""

    def __init__(self, data: dict):
        super().__init__(data)
        # a candidate is a claim when P(none) falls below this (tuned by cross-validation: argmax alone
        # leaves too many real claims out, as "none" outnumbers every category)
        self.none_below: float = data.get("none_below", 0.5)
        self.words: Optional[Decisions] = Decisions(data["words"]) if "words" in data else None
        self.words_below: float = data.get("words_below", WORDS_BELOW)


@lru_cache(maxsize=1)
def shipped_model() -> ClaimModel:
    """The model trained on both gold sets (`python -m ingest train-extractor`), loaded once."""
    return ClaimModel(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


def choice_features(f: list[str], k: str, agree: frozenset, crossed: Optional[frozenset]) -> list[str]:
    """Features of "the answer is k", shared by every k: "the nearest cue word is of category k" is learned once
    for all categories, so a category (or direction) with few gold examples is still told apart. Features
    whose tag is in `crossed` (all when None) also pair with k, for what is particular to one answer."""
    out = ["k=" + k]
    for x in f:
        tag, _, val = x.partition("=")
        head, _, tail = val.partition(":")
        if head == k and tag in agree:
            out.append("A:" + tag + (":" + tail if tail else ""))
        elif crossed is None or tag in crossed:
            out.append(f"k={k}&{x}")
    return out


def detect_features(f: list[str]) -> list[str]:
    """The detector's features: f without the direction-only ones, and where the rules found nothing, a copy of the
    local ones, so that what makes a number a claim the rules missed is learned apart from what confirms the rules."""
    f = [x for x in f if x not in _DIRECTION_ONLY]
    if "rule=none" in f:
        return f + ["N|" + x for x in f if x.partition("=")[0] in _SPLIT_TAGS]
    return f


# features that tell which way a claim runs, not whether a number is one (with them the detectors lost held-out
# claims: README "Quality of extraction")
_DIRECTION_ONLY = frozenset(("own",))


_SPLIT_TAGS = frozenset(("u", "pc", "pc2", "nc", "l1", "l2", "r1", "r2", "cl", "cr", "cat", "pl", "pr", "pg", "ng",
                         "pair", "s", "clw", "crw", "plw", "prw"))


class Choice:
    """Picks the best answer k with a binary model trained on choice_features(f, k) rows, without building
    those strings: the weights are split once by answer. `best` equals the argmax of the model's score over
    choice_features (tests/test_extract_learned.py checks)."""

    def __init__(self, model: LinearModel, agree: frozenset, crossed: Optional[frozenset]):
        yes = model.classes.index("yes") if "yes" in model.classes else 0
        no = 1 - yes if len(model.classes) == 2 else yes
        self.agree, self.crossed = agree, crossed
        self.weights: dict[str, float] = {}
        self.by_answer: dict[str, dict[str, float]] = {}
        for feat, row in model.weights.items():
            w = row[yes] - row[no]
            if feat.startswith("k=") and "&" in feat:
                k, _, x = feat[2:].partition("&")
                self.by_answer.setdefault(k, {})[x] = w
            else:
                self.weights[feat] = w
        # the same weights by feature, per set of answers: a feature of f is looked up once, not once per answer
        self._by_feature: dict[tuple, dict[str, list[tuple[str, float]]]] = {}

    def by_feature(self, answers: tuple) -> dict[str, list[tuple[str, float]]]:
        table = self._by_feature.get(answers)
        if table is None:
            table = self._by_feature[answers] = {}
            for k in answers:
                for x, w in self.by_answer.get(k, {}).items():
                    table.setdefault(x, []).append((k, w))
        return table

    def best(self, f: list[str], answers: tuple) -> str:
        agree_by_head: dict[str, list[str]] = {}
        crossed = []
        by_feature = self.by_feature(answers)
        for x in f:
            tag, _, val = x.partition("=")
            if tag in self.agree:
                head, _, tail = val.partition(":")
                agree_by_head.setdefault(head, []).append("A:" + tag + (":" + tail if tail else ""))
            if self.crossed is None or tag in self.crossed:
                weighed = by_feature.get(x)
                if weighed:
                    crossed.append((weighed, val.partition(":")[0] if tag in self.agree else None))
        w = self.weights
        scores = {}
        for k in answers:
            score = w.get("k=" + k, 0.0)
            for a in agree_by_head.get(k, ()):
                score += w.get(a, 0.0)
            scores[k] = score
        for weighed, head in crossed:  # (each answer's sum in the same order as a loop per answer: the same floats)
            for k, wx in weighed:
                if k != head:
                    scores[k] += wx
        best, best_score = None, None
        for k in answers:
            if best_score is None or scores[k] > best_score:
                best, best_score = k, scores[k]
        return best


def category_features(f: list[str], k: str) -> list[str]:
    return choice_features(f, k, _CAT_AGREE, _CAT_CROSSED)


def direction_features(f: list[str], k: str) -> list[str]:
    return choice_features(f, k, _DIR_AGREE, None)


_CAT_AGREE = frozenset(("cl", "cr", "cln", "clf", "crn", "crf", "cat", "rule"))
_CAT_CROSSED = frozenset(("u", "ut", "cat", "rule", "clw", "crw", "lb", "rb"))
_DIR_AGREE = frozenset(("ruled",))


def rule_features(abstract: str, cands: list[Candidate], quants: Optional[list] = None) -> list[list[str]]:
    """What the hand-written extractor (claims.py) says of each candidate: one strong, general opinion among the
    features, which the learned models weigh against the rest."""
    out: list[list[str]] = [[] for _ in cands]
    rules = rule_claims(abstract, quants)
    k = 0
    for r in rules:
        for k, c in enumerate(cands):
            q = c.q
            if q.start >= r["start"] and q.end <= r["end"] and (
                    _close(q.value, r["value"]) or _close(100 - q.value, r["value"])):
                kept = "direct" if _close(q.value, r["value"]) else "complement"
                out[k] = [f"rule={r['category']}", f"rule={r['category']}:{r['direction']}", f"rulek={kept}",
                          f"ruleu={r['unit']}", f"ruled={r['direction']}"]
                break
    for f in out:
        if not f:
            f.append("rule=none")
    return out


# ---- labels from the gold --------------------------------------------------------------------------------------

def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(0.01 * abs(b), 0.01)


def label_candidates(abstract: str, cands: list[Candidate], gold_claims: list[dict]) -> list[Optional[dict]]:
    """For each candidate, the gold claim it states (with how its value was read), or None."""
    labels: list[Optional[dict]] = [None] * len(cands)
    searched_from: dict[str, int] = {}
    for g in gold_claims:
        # a repeated text ("by 18.33%, 18.33%, and 24.59%"): its next occurrence whose number is still free
        i = abstract.find(g["text"], searched_from.get(g["text"], 0))
        if i < 0:
            i = abstract.find(g["text"])
        while i >= 0:
            searched_from[g["text"]] = i + 1
            if _label_one(cands, labels, g, i, i + len(g["text"])):
                break
            i = abstract.find(g["text"], i + 1)
    return labels


def _label_one(cands: list[Candidate], labels: list[Optional[dict]], g: dict, i: int, j: int) -> bool:
    """Label the first unlabelled candidate inside [i, j) that states g's value (directly or as 100 - value)."""
    for k, c in enumerate(cands):
        q = c.q
        if labels[k] is not None or q.start >= j or q.end <= i:
            continue
        if _close(q.value, g["value"]):
            labels[k] = {**g, "kept": "direct"}
            return True
        if _close(100 - q.value, g["value"]):
            labels[k] = {**g, "kept": "complement"}
            return True
    return False


def training_rows(papers: list[dict]) -> tuple[dict, dict]:
    """(features, label) rows for the five models of each set of decisions, from gold papers (input row merged
    with its gold row): (with the rules' opinion, from the words alone)."""
    rows: dict[str, list] = {name: [] for name in DECISIONS}
    words: dict[str, list] = {name: [] for name in DECISIONS}
    for p in papers:
        text = p.get("abstract") or ""
        ctx, cands = analyse(text)
        labels = label_candidates(text, cands, p.get("claims") or [])
        rf = rule_features(text, cands, ctx.quants)
        for i, lab in enumerate(labels):
            fw = features(ctx, cands, i)
            f = fw + rf[i]
            rows["detect"].append((detect_features(f), "claim" if lab else "none"))
            _add_rows(rows, f, lab)
            # the words-only detector is asked only about changes; what it decides next is learned from all claims
            if states_change(ctx, cands, i):
                words["detect"].append((detect_features(fw), "claim" if lab else "none"))
            _add_rows(words, fw, lab)
    return rows, words


def _add_rows(rows: dict[str, list], f: list[str], lab: Optional[dict]) -> None:
    """The rows of the decisions taken once a candidate is a claim: its category, and, where the rules do not read
    it as that category (rules_reading), its direction, unit and kept share."""
    if not lab:
        return
    for k in CATEGORIES:
        rows["category"].append((category_features(f, k), "yes" if k == lab["category"] else "no"))
    cat = lab["category"]
    if rules_reading(f, cat) is not None:
        return
    fd = direction_inputs(f, cat)
    for k in DIRECTIONS.get(cat, EFFICIENCY_DIRECTIONS):
        rows["direction"].append((direction_features(fd, k), "yes" if k == lab["direction"] else "no"))
    rows["unit"].append((unit_features(f) + [f"C={cat}"], lab["unit"]))
    rows["kept"].append((kept_features(f), lab["kept"]))


def rules_reading(f: list[str], cat: str) -> Optional[dict[str, str]]:
    """The hand-written rules' direction, unit and kept share of a number they read as category `cat`, else None.
    Where the rules read a number as the category the model chose, their reading stands: they follow the grammar
    around it ("4600x more energy", "rise by a factor of 24.4" are overheads, "preserving up to 98.6%" is a 1.4%
    drop), and models trained on one gold set, where such claims are few, overruled them. On arXiv the figures are
    the same either way; on seeds, where the rules were written, theirs are better (README "Quality of
    extraction")."""
    if f"rule={cat}" not in f:
        return None
    tags = ("ruled", "ruleu", "rulek")
    got = {t: x[len(t) + 1:] for x in f for t in tags if x.startswith(t + "=")}
    return {"direction": got["ruled"], "unit": got["ruleu"], "kept": got["rulek"]}


# The unit, direction and kept models see only the number's near words (the three tokens each side and the
# left bag), its unit, the cue and polarity words next to it and the rules' reading, not the sentence's position,
# duplicates or far cue words: with those, a model trained on one gold set learnt that set's phrasings and lost
# claims of the other (cross-source figures, README "Quality of extraction").
_NEAR = ("l1", "l2", "l3", "r1", "r2", "r3", "lb", "u", "cat", "bias")
_UNIT_TAGS = frozenset(_NEAR + ("ruleu", "ut", "pc", "pc2", "nc", "rb"))
_DIR_TAGS = frozenset(_NEAR + ("ruled", "rule", "rb", "pl", "pr", "plw", "prw", "cl", "cr", "pair", "from_pair",
                               "from_first", "pg", "ng", "own"))
_KEPT_TAGS = frozenset(_NEAR + ("rulek", "pc", "nc"))


def _only(f: list[str], tags: frozenset) -> list[str]:
    return [x for x in f if x.partition("=")[0] in tags]


def unit_features(f: list[str]) -> list[str]:
    return _only(f, _UNIT_TAGS)


def direction_inputs(f: list[str], cat: str) -> list[str]:
    """The direction model's input: the near features of f and the category chosen."""
    return _only(f, _DIR_TAGS) + [f"C={cat}", f"C={'q' if cat == 'quality' else 'e'}"]


def kept_features(f: list[str]) -> list[str]:
    return _only(f, _KEPT_TAGS)


DECISIONS = ("detect", "category", "direction", "unit", "kept")
# Inverse regularisation per model, chosen by 5-fold cross-validation over both gold sets; the words-only
# detector and its threshold by the cross-source and 5-fold figures (README "Quality of extraction").
C = {"detect": 1.0, "category": 1.0, "direction": 1.0, "unit": 0.3, "kept": 1.0}
C_WORDS = {**C, "detect": 0.3}
WORDS_BELOW = 0.1


def train(papers: list[dict], c: Optional[dict] = None) -> dict:
    """The claims model (JSON-able) trained on gold papers."""
    rows, words = training_rows(papers)
    c = {**C, **(c or {})}
    out = _fit_all(rows, c)
    out["words"] = _fit_all(words, C_WORDS)
    out["words_below"] = WORDS_BELOW
    return out


def _fit_all(rows: dict[str, list], c: dict) -> dict:
    return {name: fit([f for f, _ in rs], [y for _, y in rs], c=c[name],
                      class_weight="balanced" if name == "kept" else None) for name, rs in rows.items()}


# ---- applying it ----------------------------------------------------------------------------------------------

def extract_claims(abstract: str, model: Optional[ClaimModel] = None) -> list[dict]:
    """Every quantified efficiency/quality comparison in `abstract`, as gold-shaped claim dicts with exact
    `start`/`end` offsets."""
    text = abstract or ""
    if not text:
        return []
    model = model or shipped_model()
    ctx, cands = analyse(text)
    out = []
    rf = rule_features(text, cands, ctx.quants)
    systems = None  # whether this is a systems paper, worked out at the first claim that asks
    starts, others = [], []  # each claim's number, and the other number of its pair ("from A to B", "A vs B")
    for i in range(len(cands)):
        if is_setting(ctx, cands[i]):
            continue
        fw = features(ctx, cands, i)
        f = fw + rf[i]
        if model.detect.proba(detect_features(f)).get("none", 0.0) >= model.none_below and not _words_claim(
                model, ctx, cands, i, fw, rf[i]):
            continue
        decide = model
        if model.words is not None and rf[i] == _RULE_NONE:  # what the rules pass over, the words decide
            decide, f = model.words, fw
        cat = decide.category.best(f, CATEGORIES)
        claim = _claim(ctx, cands, i, f, cat, decide)
        if cat == "quality" and _names_performance(f):
            if systems is None:
                systems = P.is_systems_text(text)
            if systems:
                claim = {**claim, "category": "speed",
                         "direction": "overhead" if claim["direction"] == "drop" or _ends_in_cost_word(ctx, claim)
                         else "increase"}
        out.append(claim)
        starts.append(cands[i].q.start)
        other = _pair(ctx, cands, i)
        others.append(None if other is None else other.start)
    return _one_role(out, starts, others)


def _one_role(claims: list[dict], starts: list[int], others: list[Optional[int]]) -> list[dict]:
    """The claims without those whose number is the other end of another claim's pair ("(vs. 48.9% for SD v1.4)"
    after "reduces inappropriate content to 18.07%"): a number has one role, and no gold claim of either set is the
    `from` of another. Of two claims that pair with each other, the first stays."""
    index = {start: k for k, start in reversed(list(enumerate(starts)))}  # (a dict: lists of 16,000 numbers)
    taken: set[int] = set()
    for k, other in enumerate(others):
        if other is not None and other in index and k not in taken:
            taken.add(index[other])
    return [c for k, c in enumerate(claims) if k not in taken]


def _names_performance(f: list[str]) -> bool:
    """Whether the quality cue words next to the number are all "performance" ("a 35% performance improvement",
    "0.5% performance loss"), or the sentence names no metric at all ("improvements of up to 3.1x over the
    baseline"): in a systems paper that is speed (GUIDELINES, "Finer points": "performance" there usually means
    speed, and an unnamed improvement is performance), and no word of the gold's systems papers says otherwise,
    so it is read by rule (the gold holds no example to learn it from)."""
    cats = {x[:2]: x[3:] for x in f if x[:3] in ("cl=", "cr=") and ":" not in x}
    if cats.get("cl") == "none" and cats.get("cr") == "none":
        return True
    words = [x[4:] for x in f if x[:4] in ("clw=", "crw=") and cats.get(x[:2]) == "quality"]
    return bool(words) and all(w.startswith("performance") for w in words)


def _ends_in_cost_word(ctx: Context, claim: dict) -> bool:
    """Whether the claim's own words end in a polarity word of cost ("2% overhead", "0.5% slowdown"): then it is
    an overhead, whatever the quality reading said."""
    k = bisect_left(ctx.pols, (claim["start"],))
    while k < len(ctx.pols) and ctx.pols[k][1] <= claim["end"]:
        if ctx.pols[k][2] == "BAD" and ctx.pols[k][1] == claim["end"]:
            return True
        k += 1
    return False


def _words_claim(model: ClaimModel, ctx: Context, cands: list[Candidate], i: int, fw: list[str],
                 rule: list[str]) -> bool:
    """A candidate the rules pass over is still a claim when it is written as a change and the words-only
    detector is confident."""
    return (model.words is not None and rule == _RULE_NONE and states_change(ctx, cands, i)
            and model.words.detect.proba(detect_features(fw)).get("none", 0.0) < model.words_below)


_RULE_NONE = ["rule=none"]


def _claim(ctx: Context, cands: list[Candidate], i: int, f: list[str], cat: str, model: Decisions) -> dict:
    text, q = ctx.text, cands[i].q
    pair = _pair(ctx, cands, i)
    direction, unit, kept = _reading(f, cat, q, pair, model, text)
    value = 100 - q.value if kept == "complement" else q.value
    claim = {"category": cat, "value": round(value, 6)}
    if q.low is not None and kept == "direct":
        claim["low"] = q.low
    start, end = q.start, q.end
    if pair is not None:
        claim["from"] = pair.value
        start, end = min(start, pair.start), max(end, pair.end)
    claim["unit"] = unit
    claim["direction"] = direction
    end = _with_words_after(ctx, end, cands[i].s1)
    bound, bstart = _bound(text, cands[i].s0, start, q)
    if bound:
        claim["bound"] = bound
        start = bstart
    claim["text"] = text[start:end]
    claim["start"], claim["end"] = start, end
    return claim


def _reading(f: list[str], cat: str, q, pair, model: Decisions, text: str) -> tuple[str, str, str]:
    """Direction, unit and kept share: the rules' where they read the number as `cat`, else the models'."""
    ruled = rules_reading(f, cat)
    judged = _judged(f) if cat == "quality" and pair is not None else None
    stated = STATED_UNITS.get(q.unit)
    if ruled is not None:
        return judged or ruled["direction"], stated or ruled["unit"], ruled["kept"]
    direction = judged or model.direction.best(direction_inputs(f, cat), DIRECTIONS.get(cat, EFFICIENCY_DIRECTIONS))
    # two scores as written ("0.807 vs 0.740", "from 12 to 31") are `other` unless written as % (GUIDELINES)
    unit = stated or ("other" if pair is not None and q.unit == "" else model.unit.predict(unit_features(f) + [f"C={cat}"]))
    # a pair's two numbers are scores as written ("50.4% vs 52.1%": value 50.4, from 52.1), and a signed number
    # ("92.6% (+0.3%)") is a difference: neither is ever a kept share
    kept = "direct" if pair is not None or q.unit not in ("%", "") or q.value > 100 or _signed(text, q) \
        else model.kept.predict(kept_features(f))
    return direction, unit, kept


# The claim's unit where the number states one (numbers.Quantity.unit): the gold's unit is the stated one for every
# claim of both sets ("96.58 percent" is %), so only a bare number ("by 6.8", "0.807 vs 0.740") is left to the model.
STATED_UNITS = {"%": "%", "x": "x", "pp": "pp", "other": "other", "mag": "other"}


def _judged(f: list[str]) -> Optional[str]:
    """The direction a judgement word before a pair of scores gives ("improves the approximation ratio from 2 to
    1.5" is a gain though the number falls): GOOD and BAD judge whatever way the metric runs (claim_patterns), while
    the model reads a pair's movement, and no gold pair has a judgement against it to learn from."""
    if "pl=GOOD" in f:
        return "gain"
    if "pl=BAD" in f:
        return "drop"
    return None


_SIGN_BEFORE_RE = re.compile(r"(?:\+|\u2212|(?<![\w.])-)[\s$]*$")


def _signed(text: str, q) -> bool:
    """Whether the number is written with its sign ("+0.3%", "-1.29"): a difference, not a level or a share."""
    return _SIGN_BEFORE_RE.search(text, max(0, q.start - 3), q.start) is not None


def _with_words_after(ctx: Context, end: int, limit: int) -> int:
    """Stretch a claim's text over the metric and movement words right after its number ("2.7x speedup",
    "1% accuracy drop"), so the evidence reads as a phrase; stops at punctuation and other numbers."""
    for items in (ctx.cues, ctx.pols, ctx.cues, ctx.pols):
        k = bisect_left(items, (end,))
        if k < len(items) and items[k][1] <= limit and items[k][0] - end <= _STRETCH:
            gap = ctx.text[end:items[k][0]]
            if not _GAP_STOP.search(gap):
                end = items[k][1]
    return end


_STRETCH = 16
_GAP_STOP = re.compile(r"[,;:()\[\]\d.]|\b(?:and|or|than|while|with|on|in|at|for|to|vs)\b", re.IGNORECASE)


def _pair(ctx: Context, cands: list[Candidate], i: int):
    """The other number of "from A to B" (this is B) or "A vs B" (this is A), else None."""
    c = cands[i]
    if i and cands[i - 1].sentence == c.sentence:
        prev = cands[i - 1].q
        if pair_gap(ctx.text, prev.end, c.q.start) in TO_GAPS and "from" in ctx.text[max(c.s0, prev.start - 40):prev.start].lower():
            return prev
    if i + 1 < len(cands) and cands[i + 1].sentence == c.sentence:
        nxt = cands[i + 1].q
        if is_vs_gap(ctx.text, c.q.end, nxt.start) and nxt.unit in (c.q.unit, ""):
            return nxt
    other = parallel_pair(ctx, cands, i)
    if other is not None and cands[other].q.unit in (c.q.unit, ""):
        return cands[other].q
    return None


def _bound(text: str, s0: int, start: int, q) -> tuple[Optional[str], int]:
    m = P.BOUND_RE.search(text, max(s0, start - 24), start)
    if m:
        return m.lastgroup, m.start()
    if P.BOUND_AFTER_RE.match(text, q.end):
        return "at_least", start
    if q.word == "oom" and q.value == 10 and "orders" in text[q.start:q.end].lower():
        return "at_least", start
    return None, start
