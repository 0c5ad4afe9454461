"""Domain labels for a paper (GUIDELINES.md, `domains`): 1-3 labels from the fixed vocabulary, primary first.

Weighted keyword lexicons (lexicon_domains.py) are matched against the title (weighted more) and the abstract
(each pattern counted at most a few times).  A handful of precedence rules then mirror how the annotators pick
the primary label: vision+language together -> multimodal; diffusion / image generation -> generative_media.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from itertools import compress
from operator import itemgetter

from . import tfidf_linear as linear
from .lexicon_domains import LEXICON
from .wordscan import anchored_finditer

LABELS = ("language", "vision", "multimodal", "speech_audio", "generative_media", "graph", "tabular",
          "time_series", "reinforcement_learning", "recommender", "retrieval", "systems", "optimization",
          "theory", "fairness_privacy", "finance_economics", "science_health", "other")

TITLE_WEIGHT = 3.0
ABSTRACT_CAP = 3  # occurrences of one term counted in the abstract

_WORD = re.compile(r"[A-Za-z0-9]+")


def _norm(w: str) -> str:
    """Lower-case and drop a plural ending (policies -> policy, graphs -> graph)."""
    w = w.lower()
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def _build():
    exact: dict[str, list[tuple[str, float]]] = {}    # normalised n-gram -> [(label, weight)]
    prefix: dict[str, list[tuple[str, float]]] = {}   # word prefix -> [(label, weight)]
    cased: dict[str, list[tuple[str, float]]] = {}    # case-sensitive token -> [(label, weight)]
    for label, terms in LEXICON.items():
        for term, w in terms.items():
            if term.startswith("="):
                cased.setdefault(term[1:], []).append((label, w))
            elif term.endswith("*"):
                if not term[:-1].isalnum():  # a prefix is matched against one word at a time
                    raise ValueError(f"lexicon prefix term {term!r} ({label}) must be one word")
                prefix.setdefault(term[:-1].lower(), []).append((label, w))
            else:
                key = " ".join(_norm(t) for t in _WORD.findall(term))
                exact.setdefault(key, []).append((label, w))
    return exact, prefix, cased


_EXACT, _PREFIX, _CASED = _build()
_PREFIX_BY4: dict[str, list[str]] = {}
for _p in _PREFIX:
    _PREFIX_BY4.setdefault(_p[:4], []).append(_p)
_MULTI_FIRST = {k.split(" ", 1)[0] for k in _EXACT if " " in k}  # words that can open a phrase


# GUIDELINES.md: "generative_media comes first only when generating media is the paper's main task". A verb of
# making (generate, synthesise, edit, render, ...) with a medium (image, video, 3D, audio, ...) a few words from
# it says the paper makes media; a diffusion model used for detection or a generated caption does not.
_MAKING_STEMS = ("generat", "synthes", "edit", "render", "inpaint", "animat")
_MEDIUM_STEMS = ("image", "video", "visual", "3d", "scene", "panoram", "audio", "music", "speech", "motion",
                 "avatar", "photo", "portrait", "face", "texture", "shape", "mesh", "world")
_MAKING, _MEDIUM = 1, 2  # a word's media kind (0: neither)
_MEDIUM_REACH = 6  # words either side of the verb


def _media_kind(normalised: str) -> int:
    if normalised.startswith(_MAKING_STEMS):
        return _MAKING
    return _MEDIUM if normalised.startswith(_MEDIUM_STEMS) else 0


_WordInfo = tuple  # (normalised word, unigram keys, can open a phrase, media kind)
_WORD_INFO: dict[str, _WordInfo] = {}  # memo: raw word -> _WordInfo (vocabulary repeats across abstracts)
_MEMO_MAX = 200_000


def _word_info(w: str) -> _WordInfo:
    nw = _norm(w)
    keys = []
    if nw in _EXACT:
        keys.append(("e", nw))
    lw = w.lower()
    for pre in _PREFIX_BY4.get(lw[:4], ()):
        if lw.startswith(pre):
            keys.append(("p", pre))
    if w in _CASED:
        keys.append(("c", w))
    info = (nw, tuple(keys), nw in _MULTI_FIRST, _media_kind(nw))
    if len(_WORD_INFO) >= _MEMO_MAX:
        _WORD_INFO.clear()
    _WORD_INFO[w] = info
    return info


def _words(text: str) -> list[str]:
    """_WORD.findall(text), ~3x faster: every other character (non-ASCII ones as "?") becomes a space."""
    return text.encode("ascii", "replace").translate(_NON_WORD_TO_SPACE).decode("ascii").split()


_NON_WORD_TO_SPACE = bytes(c if chr(c).isascii() and chr(c).isalnum() else 32 for c in range(256))


def _term_counts(text: str) -> dict[tuple[str, str], int]:
    """Occurrences of every lexicon term in `text`, keyed by (kind, term)."""
    return _scan(text)[1]


def _scan(text: str) -> tuple[list[_WordInfo], dict[tuple[str, str], int]]:
    """The _WordInfo of every word of `text` and the occurrences of every lexicon term, keyed by (kind, term)."""
    raw = _words(text)
    infos = list(map(_WORD_INFO.get, raw))  # map: the per-word lookups run in C
    if not all(infos):  # some word not seen before (a _WordInfo is a non-empty tuple)
        infos = [info or _word_info(w) for w, info in zip(raw, infos)]
    counts: dict[tuple[str, str], int] = {}
    for keys in filter(None, map(_KEYS, infos)):  # most words match no term: skip them in C
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
    n = len(infos)
    for i in compress(range(n), map(_OPENS, infos)):
        if i + 1 < n:
            g = infos[i][0] + " " + infos[i + 1][0]
            if g in _EXACT:
                k = ("e", g)
                counts[k] = counts.get(k, 0) + 1
            if i + 2 < n:
                g = g + " " + infos[i + 2][0]
                if g in _EXACT:
                    k = ("e", g)
                    counts[k] = counts.get(k, 0) + 1
    return infos, counts


_NORMED, _KEYS, _OPENS, _KIND = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(3)  # of a _WordInfo
_TABLE = {"e": _EXACT, "p": _PREFIX, "c": _CASED}


def domain_scores(title: str, abstract: str, title_counts: dict | None = None) -> dict[str, float]:
    """Score every label: title hits weigh TITLE_WEIGHT, abstract hits count up to ABSTRACT_CAP each."""
    t = _lexicon_scores(title_counts if title_counts is not None else _term_counts(title), TITLE_WEIGHT, None)
    a = _lexicon_scores(_term_counts(abstract), 1.0, ABSTRACT_CAP)
    return {label: t[label] + a[label] for label in LABELS}


def _lexicon_scores(counts: dict, weight: float, cap: int | None) -> dict[str, float]:
    """Sum of lexicon weights of the terms found (each counted once, or up to `cap` times), times `weight`."""
    scores = dict.fromkeys(LABELS, 0.0)
    for (kind, term), c in counts.items():
        n = weight * (1 if cap is None else min(c, cap))
        for label, w in _TABLE[kind][term]:
            scores[label] += w * n
    return scores


# Ties resolve toward the more specific label.
_PRIORITY = {label: i for i, label in enumerate((
    "generative_media", "multimodal", "speech_audio", "time_series", "tabular", "recommender", "graph",
    "finance_economics", "science_health", "retrieval", "reinforcement_learning", "fairness_privacy",
    "optimization", "systems", "vision", "theory", "language", "other"))}


_TITLE_LM = re.compile(r"(?i)\blanguage models?\b|\bLLM-based\b|(?-i:\bL?LLMs?\b|\bLMs?\b)")
_TITLE_SYSTEMS_WORDS = ("inference", "serving", "training", "deployment", "parallelism", "offloading", "gpu",
                        "hardware", "distributed", "federated", "cluster", "communication", "partitioning",
                        "disaggregat", "database")  # what a match of _TITLE_SYSTEMS starts with
_TITLE_SYSTEMS = re.compile(
    r"(?i)\b(?:inference|serving|training|deployment|parallelism|offloading|GPUs?|hardware|distributed|"
    r"federated|clusters?|communication|partitioning|disaggregat\w*|database)\b")
# General ML labels that give way to `language` when the title is about language models.
_YIELD_TO_LANGUAGE = {"reinforcement_learning", "theory", "optimization", "graph", "retrieval", "fairness_privacy",
                      "other", "vision"}
# Application labels that win when the title names the application with a strong term.
_APPLIED = ("finance_economics", "science_health")


def _strong_title_labels(title_counts: dict) -> set[str]:
    out = set()
    for kind, term in title_counts:
        for label, w in _TABLE[kind][term]:
            if w >= 3:
                out.add(label)
    return out


def _precedence(ranked: list[str], sc: dict[str, float], title: str, title_counts: dict) -> list[str]:
    """Annotator conventions that raw keyword counts miss."""
    top = ranked[0]
    strong = _strong_title_labels(title_counts)
    # "Vision-Language Models", "Multimodal LLMs" in the title: the paper is multimodal, not language/vision
    if "multimodal" in strong and top in ("language", "vision") and "generative_media" not in strong:
        ranked = ["multimodal"] + [l for l in ranked if l != "multimodal"]
        top = "multimodal"
    for applied in _APPLIED:
        if top != applied and applied in strong and sc[applied] >= 0.4 * sc[top]:
            return [applied] + [l for l in ranked if l != applied]
    tl = title.lower()
    lang_title = next(anchored_finditer(_TITLE_LM, title, tl, ("l",)), None) is not None
    sys_title = next(anchored_finditer(_TITLE_SYSTEMS, title, tl, _TITLE_SYSTEMS_WORDS), None) is not None
    if top in _YIELD_TO_LANGUAGE and lang_title and sc["language"] > 0:
        ranked = ["language"] + [l for l in ranked if l != "language"]
    elif top == "language" and sys_title and sc["systems"] >= 0.35 * sc["language"]:
        ranked = ["systems"] + [l for l in ranked if l != "systems"]
    elif top == "systems" and not sys_title:
        for alt in ("language", "vision"):
            if sc[alt] >= 0.6 * sc["systems"]:
                ranked = [alt] + [l for l in ranked if l != alt]
                break
    return ranked


def rule_domains(title: str, abstract: str) -> list[str]:
    """The hand-written decision: 1-3 labels, primary first (a feature of the learned one, and its fallback)."""
    title = title or ""
    abstract = abstract or ""
    title_counts = _term_counts(title)
    return _rule_labels(domain_scores(title, abstract, title_counts), title, title_counts)


def _rule_labels(sc: dict[str, float], title: str, title_counts: dict) -> list[str]:
    sc = dict(sc)
    # Vision and language together read as multimodal when the text says so.
    if sc["multimodal"] >= 6 and sc["vision"] > 0:
        sc["multimodal"] += 0.5 * min(sc["vision"], sc["language"])
    if sc["generative_media"] >= 8:
        sc["generative_media"] += 0.5 * sc["vision"]
    ranked = sorted(LABELS, key=lambda l: (-sc[l], _PRIORITY[l]))
    ranked = _precedence(ranked, sc, title, title_counts)
    top = sc[ranked[0]]
    if top < 4:
        return ["other"]
    out = [ranked[0]]
    for l in ranked[1:]:
        if len(out) == 3:
            break
        if sc[l] >= 0.5 * top and sc[l] >= 8:
            out.append(l)
    return out


_SENTENCE_END = re.compile(r"[.!?]\s+[A-Z]")  # (opens with a literal set: re skips ahead fast)


def first_sentence(abstract: str) -> str:
    """The abstract up to its first full stop before a capital: where it states its subject, which is what the
    primary label names (GUIDELINES.md: the modality or the systems technique, before the concerns it adds)."""
    m = _SENTENCE_END.search(abstract)
    return abstract[: m.start() + 1] if m else abstract


def media_making(text: str) -> int:
    """How many verbs of making in `text` have a medium within _MEDIUM_REACH words of them (the generation-task
    feature)."""
    return _media_making(_scan(text)[0])


def _media_making(infos: list[_WordInfo]) -> int:
    """media_making over scanned words: each word's kind is memoised with it, so the kinds are one bytes string
    built in C, searched with bytes.find (a text without a verb of making costs nothing more)."""
    kinds = bytes(map(_KIND, infos))
    n = 0
    i = kinds.find(_MAKING)
    while i >= 0:
        n += _MEDIUM in kinds[max(0, i - _MEDIUM_REACH): i + _MEDIUM_REACH + 1]
        i = kinds.find(_MAKING, i + 1)
    return n


def domain_features(title: str, abstract: str) -> tuple[dict[str, int], dict[str, float]]:
    """What the learned decision sees: (word counts, dense features).

    Counts: the normalised words of title + abstract, and the title's words again as "^word" (word pairs were
    tried: no better across sources, and slower).
    Dense, per label: the lexicon scores of title, abstract and the abstract's first sentence (log-scaled), the
    label's share of all lexicon score, and whether the hand-written rules put it first / among their labels.
    Dense, per paper: how often title and abstract speak of making media (media_making, log-scaled).
    """
    title = title or ""
    abstract = abstract or ""
    t_infos, t_counts = _scan(title)
    a_infos, a_counts = _scan(abstract)
    t_words = list(map(_NORMED, t_infos))
    a_words = list(map(_NORMED, a_infos))
    counts = Counter(t_words)  # (Counter counts an iterable in C)
    counts.update(a_words)
    counts.update(dict.fromkeys(map("^".__add__, t_words), 1))
    ts = _lexicon_scores(t_counts, TITLE_WEIGHT, None)
    as_ = _lexicon_scores(a_counts, 1.0, ABSTRACT_CAP)
    total = sum(ts.values()) + sum(as_.values())
    dense: dict[str, float] = {}  # (zeros left out: they add nothing to a linear score)
    for label in LABELS:
        t, a = ts[label], as_[label]
        if t > 0:
            dense["ts:" + label] = math.log1p(t)
        if a > 0:
            dense["as:" + label] = math.log1p(a)
        if t + a > 0 and total > 0:
            dense["sh:" + label] = (t + a) / total
    lead = _lexicon_scores(_scan(first_sentence(abstract))[1], 1.0, None)
    for label in LABELS:
        if lead[label] > 0:
            dense["fs:" + label] = math.log1p(lead[label])
    for part, infos in (("title", t_infos), ("abstract", a_infos)):
        making = _media_making(infos)
        if making:
            dense["gen:" + part] = math.log1p(making)
    rule = _rule_labels({l: ts[l] + as_[l] for l in LABELS}, title, t_counts)
    dense["r0:" + rule[0]] = 1.0
    for rank, label in enumerate(rule):
        dense["r:" + label] = 1.0 / (rank + 1)
    return counts, dense


def classify_domains(title: str, abstract: str, model: dict | None = None) -> list[str]:
    """Return 1-3 labels from the fixed vocabulary, the primary one first.

    The primary label is the learned decision (models/domains.json, or `model`: a dict that
    domain_model.train returned) over domain_features; the labels after it are the hand-written rules' other
    labels, in their order.
    """
    counts, dense = domain_features(title, abstract)
    if not any(name.startswith("sh:") for name in dense):
        return ["other"]  # no lexicon term at all: nothing to decide on (a share needs a positive total)
    m = model if model is not None else linear.load("domains")
    scores = linear.decision(m, counts, dense)
    primary = m["classes"][int(scores.argmax())]
    rule = sorted((label for label in LABELS if dense.get("r:" + label)), key=lambda label: -dense["r:" + label])
    return ([primary] + [label for label in rule if label != primary])[:3]
