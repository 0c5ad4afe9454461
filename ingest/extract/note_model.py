"""The quality note by learned decision: phrases that may say quality is kept are candidates, a linear model
trained on the gold picks the one the abstract means (or none).

Candidates come from the hand-written patterns of quality_note.py (every match, not just the first) and from
broader openers ("without …", "preserving …", "comparable …", "…-level performance"), each cut at the next
punctuation. Whether a phrase is a note depends on its sentence: a result ("matches GPT-4 while using 40%
fewer tokens") is, a design intent ("a recipe that preserves capabilities") usually is not; so the features
are the phrase's words, the words around it and what its sentence holds (numbers, "we propose", a contrast).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, Optional

from . import claim_patterns
from .claims import _sentences
from .linear import LinearModel, fit
from .points import EFFICIENCY, find_points
from .quality_note import _PATTERNS, find_quality_note
from .regex_prefixes import trigger_scanner, trigger_set
from .wordscan import lowered, word_finditer

MODEL_PATH = Path(__file__).resolve().parent / "models" / "quality_note.json"
_RULE_RES = [(triggers, re.compile(p, re.IGNORECASE)) for triggers, p in _PATTERNS]
_OPENERS = re.compile(
    r"(?:without|preserv\w*|maintain\w*|retain\w*|keep\w*|recover\w*|comparable|competitive|on\s+par|"
    r"near-parity|parity|iso-quality|lossless\w*|negligible|minimal|marginal|nearly\s+match\w*|match\w*|"
    r"(?:largely|mostly|fully)\s+preserv\w*|no\s+(?:loss|degradation|drop)|even\s+better|strong)\b",
    re.IGNORECASE)
# tried only at the word starts whose first letters can open it (regex_prefixes; a plain scan tries every character)
_OPENER_SCAN = trigger_scanner(trigger_set(_OPENERS))
assert _OPENER_SCAN is not None
_LEVEL = "-level"  # "teacher-level performance": found with str.find, the word before it walked back over
_PHRASE_END = re.compile(r"[,;:.()\[\]]|\s(?:and|while|which|but|whereas|in|on|across|for|at|by|using|with)\s")
_WORD = re.compile(r"[A-Za-z][\w'-]*|\d+(?:\.\d+)?%?")
_MAX_WORDS = 6
_SENTENCE_CUES = {
    "num": re.compile(r"\d"),
    "we": re.compile(r"\b(?:we|our)\b", re.IGNORECASE),
    "propose": re.compile(r"\b(?:propose|introduce|present|design)\w*", re.IGNORECASE),
    "result": re.compile(r"\b(?:achiev|outperform|improv|reduc|speed|faster|results?|experiments?|show)\w*",
                         re.IGNORECASE),
    "contrast": re.compile(r"\b(?:while|whilst|without|yet|but)\b", re.IGNORECASE),
    "prior": re.compile(r"\b(?:existing|prior|previous|however|current)\b", re.IGNORECASE),
}


class Candidate(NamedTuple):
    start: int
    end: int
    rule: bool
    s0: int
    s1: int
    sentence: int
    n_sentences: int


def candidates(text: str) -> list[Candidate]:
    """Phrases that may be the note, in text order, one per start position (the rule's span wins)."""
    sents = _sentences(text)
    spans: dict[int, tuple[int, bool]] = {}
    low = lowered(text)
    for triggers, rx in _RULE_RES:
        if not any(t in low for t in triggers):
            continue  # (the triggers are what quality_note.py gates each pattern on)
        for m in rx.finditer(text):
            if m.end() > m.start():
                spans[m.start()] = (m.end(), True)
    for start, end in _opener_spans(text, low):
        if start in spans:
            continue
        stop = _PHRASE_END.search(text, end, min(len(text), end + 80))
        limit = stop.start() if stop else min(len(text), end + 80)
        words = list(_WORD.finditer(text, end, limit))[:_MAX_WORDS]
        spans[start] = (words[-1].end() if words else end, False)
    out = []
    si = 0
    for start in sorted(spans):
        end, rule = spans[start]
        while si < len(sents) - 1 and start >= sents[si][1]:
            si += 1
        out.append(Candidate(start, end, rule, sents[si][0], sents[si][1], si, len(sents)))
    return out


def _opener_spans(text: str, low: str) -> list[tuple[int, int]]:
    """(start, end) of each opener, as finditer of `\b` + _OPENERS would give them, plus "X-level" words."""
    out = []
    if len(low) == len(text):
        last = 0
        for p in _OPENER_SCAN.starts(low, 0, len(text)):
            if p < last:
                continue
            m = _OPENERS.match(text, p)
            if m is not None:
                out.append((m.start(), m.end()))
                last = m.end()
    else:
        out = [(m.start(), m.end()) for m in word_finditer(_OPENERS, text)]
    i = low.find(_LEVEL) if len(low) == len(text) else -1
    while i > 0:
        j = i
        while j > 0 and (text[j - 1].isalnum() or text[j - 1] in "-_"):
            j -= 1
        if j < i and (i + len(_LEVEL) == len(text) or not text[i + len(_LEVEL)].isalnum()):
            out.append((j, i + len(_LEVEL)))
        i = low.find(_LEVEL, i + 1)
    return sorted(out)


def features(text: str, c: Candidate, rule_note: Optional[tuple[int, int]]) -> list[str]:
    phrase = text[c.start:c.end].lower()
    words = _WORD.findall(phrase)
    f = ["bias", "rule" if c.rule else "open", "head=" + (words[0] if words else "")]
    f += ["w=" + w for w in words]
    f += [f"w2={a}_{b}" for a, b in zip(words, words[1:2])]
    left = _WORD.findall(text[max(c.s0, c.start - 60):c.start].lower())[-3:]
    right = _WORD.findall(text[c.end:min(c.s1, c.end + 40)].lower())[:2]
    f += [f"l{i}={w}" for i, w in enumerate(reversed(left), 1)] or ["l1=<s>"]
    f += [f"r{i}={w}" for i, w in enumerate(right, 1)] or ["r1=</s>"]
    if any(ch.isdigit() for ch in phrase):
        f.append("has_number")
    sentence = text[c.s0:c.s1]
    f += [f"s:{name}" for name, rx in _SENTENCE_CUES.items() if rx.search(sentence)]
    f.append("pos=first" if c.sentence == 0 else "pos=last" if c.sentence == c.n_sentences - 1 else "pos=mid")
    if rule_note and rule_note[0] < c.end and c.start < rule_note[1]:
        f.append("rule_first")  # the hand-written finder's own answer
    return f


def _rule_note_span(text: str) -> Optional[tuple[int, int]]:
    note = find_quality_note(text)
    if not note:
        return None
    i = text.find(note)
    return (i, i + len(note)) if i >= 0 else None


def train(papers: list[dict]) -> dict:
    rows, labels = [], []
    for p in papers:
        text = p.get("abstract") or ""
        gold = p.get("quality_note")
        g = text.find(gold) if gold else -1
        rule = _rule_note_span(text)
        for c in candidates(text):
            rows.append(features(text, c, rule))
            labels.append("yes" if g >= 0 and c.start < g + len(gold) and g < c.end else "no")
    # a threshold under 0.5 because a missed note costs a trade-off point while a spare one is rarely paired
    # (0.25 chosen by 5-fold cross-validation over both gold sets: note F1 0.906 / 0.718 against 0.885 / 0.713 at 0.3,
    # cross-source arxiv->seeds 0.882 against 0.871, and more trade-off points paired)
    # paired_threshold: see find_note; 0.03 chosen on the points figures of unseen text (benchmarks/score_points.py
    # --unseen: cross-source and 5-fold), 0.02 and 0.04 lost points on one side or the other
    return {"note": fit(rows, labels, c=0.5), "threshold": 0.25, "paired_threshold": 0.03}


class NoteModel:
    def __init__(self, data: dict):
        self.model = LinearModel(data["note"])
        self.threshold = data["threshold"]
        self.paired_threshold = data.get("paired_threshold", data["threshold"])


@lru_cache(maxsize=1)
def shipped_model() -> NoteModel:
    return NoteModel(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


def find_note(abstract: str, model: Optional[NoteModel] = None, claims: Optional[list[dict]] = None) -> Optional[str]:
    """The phrase of the abstract that claims quality is kept without a number, or None.

    With the paper's `claims`, a phrase below the model's threshold is still the note when it is stated in the
    setting of an efficiency claim (the pairing of points.py would pair them: "4.12x throughput ... with
    teacher-level performance") and the model does not rule it out (`paired_threshold`): a kept-quality phrase
    next to an efficiency figure reports that setting's result, whatever the field's wording, where the model
    trained on one source misses the other's phrasings (the notes of arXiv abstracts, trained on the seeds)."""
    text = abstract or ""
    cands = candidates(text)
    if not cands:
        return None
    model = model or shipped_model()
    rule = _rule_note_span(text)
    ranked = sorted(((model.model.proba(features(text, c, rule)).get("yes", 0.0), -i, c) for i, c in enumerate(cands)),
                    reverse=True)
    for p, _i, c in ranked:
        if p <= model.threshold:
            break
        if _names_quality(text, c):
            return _phrase(text, c)
    if claims and any(c.get("category") in EFFICIENCY for c in claims):
        for p, _i, c in ranked:
            if p <= model.paired_threshold:
                break
            if _names_quality(text, c) and paired_with_gain(text, claims, _phrase(text, c)):
                return _phrase(text, c)
    return None


def _phrase(text: str, c: Candidate) -> str:
    return text[c.start:c.end].strip()


# "without" keeps quality only before a giving-up verb or a loss ("without compromising X", "without accuracy
# loss"); before a plain noun it names a setting ("without GEO", "without any post-training").
_WITHOUT_SETTING = re.compile(r"without\s+(?:any\s+|much\s+|significant\s+)?(?![\w-]*ing\b)(?![\w\s-]*"
                              r"\b(?:loss|drop|degradation|regression)\b)", re.IGNORECASE)


# an amount ("5%", "1.5x", "12"), not a name that holds a digit ("4K video", "2D synthesis")
_AMOUNT = re.compile(r"(?<![\w-])\d[\d.,]*(?:%|\s?[x×](?!\w)|(?![\w-]))")


def _names_quality(text: str, c: Candidate) -> bool:
    """No amount (that is a claim), not a setting ("without GEO"), not only efficiency words ("comparable serving
    cost"): a note says that quality is kept."""
    phrase = text[c.start:c.end]
    if _AMOUNT.search(phrase) or _WITHOUT_SETTING.match(phrase):
        return False
    kinds = {claim_patterns.CUE_INFO[m.lastgroup][0] == "quality" for m in claim_patterns.CUE_RE.finditer(phrase)}
    return kinds != {False}


def paired_with_gain(text: str, claims: list[dict], note: str) -> bool:
    """Whether points.py pairs the note with an efficiency claim of the paper."""
    return any(p["quality"] == "note" for p in find_points(text, claims, note))
