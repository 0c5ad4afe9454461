"""Candidate phrases around a claim and their features, shared by training and inference.

A claim's context (metric, dataset, baseline, hardware, model) is nearly always a short phrase of the claim's
own sentence or of one of the two before it. So the candidates are the word spans of up to MAX_LEN words in
that window that cross no comma or sentence end, hold no bare number, and neither start nor end with a
function word; each gets sparse string features (its words and shape, the words just before and after it,
where it sits relative to the claim, cue words between them, vocabulary hits). Where it sits is said twice:
relative to the claim's span ("s:") and to the claim's value, its numbers ("v:", `value_anchor`); each field
learns from one of the two (`field_view`). `context.py` scores them with
weights learned by `context_train.py`; keeping both sides on this one module is what makes the learned
weights mean the same thing at inference. Pure functions, no scikit-learn.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from .canonical import Vocab
from .context_lexicon import letters_stem

MAX_LEN = 6            # words in a candidate
SENTS_BEFORE = 2       # sentences before the claim's own that may set its context ("On ImageNet, ...")
SENTS_AFTER = 1
TOKENS_BEFORE = 90     # hard bounds on the window, so that a sentence-less 60 KB string stays cheap
TOKENS_AFTER = 60

_RAW = re.compile(r"\S+")
_LEAD_PUNCT = "([{\"'*“‘`<"
_TRAIL_PUNCT = ")]}\"'*,;:.!?”’`>"
_BREAKS = frozenset(",;:.!?")
_NUMBER = re.compile(r"^[~<>≈±+−-]?\$?\\?[~<>]?\d[\d.,]*\s*(?:\\?%|x|×|times|-?fold|pp|%p)?\$?$", re.I)
_SIZE = re.compile(r"(?:^|[-_/])\d+(?:\.\d+)?[bmk]$", re.I)
_DIGITS = re.compile(r"\d")
_NON_ALNUM = re.compile(r"[\W_]+")
_NUMBER_FIRST = frozenset("~<>≈±+−-$\\0123456789")
_ENDS = frozenset(".!?")
_ABBREV = frozenset({"e.g", "i.e", "vs", "al", "cf", "fig", "eq", "approx", "resp", "etc", "no"})

STOP = frozenset("""
a an the of on in to for with and or by at from as than over vs versus via into onto under across between
within without while whereas when where which who whose that this these those its it their our we they them
is are was were be been being has have had can could may might will would should do does did not no nor
up only also more less fewer most least both each per respectively e.g i.e etc such further even still
achieves achieve achieving achieved reduces reduce reducing reduced improves improve improving improved
outperforms outperform outperforming compared compare comparing relative respect using use used based
while yielding yields yield delivering delivers deliver obtaining obtains obtain showing shows show
than whilst like about around nearly approximately almost just all any other same new up to
""".split())

# words of a claim that say which way a number goes, not what it measures: a claim's words without them and
# without its number name its metric ("75.8% GPU memory reduction" -> "GPU memory")
DIRECTION = frozenset("""
reduction reductions reduce reduces reducing reduced improvement improvements improve improves improved improving
gain gains gained increase increases increased increasing decrease decreases decreased decreasing drop drops
dropping dropped degradation saving savings save saves saved lower higher fewer less more better worse boost
boosts relative absolute average overall points point percentage cut cuts cutting raises raising
""".split())
DETERMINERS = frozenset("the a an existing our their its prior previous single".split())

TRIGGERS = frozenset("""
than over vs versus compared relative against baseline baselines outperforms outperforming outperform surpasses
surpassing beats on using with across at for in of from to by achieves reduces improves faster speedup
""".split())


@dataclass(slots=True)
class Token:
    start: int
    end: int
    low: str
    brk: bool      # a comma, colon or sentence end follows: no candidate runs past it
    sent: int      # sentence index
    number: bool   # a bare number ("2.7x", "75.8%"): never part of a candidate
    stop: bool
    paren: bool    # opens with "("
    word: str      # its word feature: the lower-cased word (digits as 0) when written in lower case, else
                   # its shape ("Xx", "XdX"): names do not carry over from one set of papers to the next
    key: str       # canonical.key of the word alone
    size: bool     # a model size ("7B", "-13B")


def tokenize(text: str) -> list[Token]:
    """Words of `text` without their surrounding punctuation, with sentence indexes."""
    toks: list[Token] = []
    sent = 0
    pending_end = False
    for m in _RAW.finditer(text):
        piece = _piece(m.group())
        if piece is None:
            if toks and not _BREAKS.isdisjoint(m.group()):
                toks[-1].brk = True
            continue
        lead, length, lower_first, brk, ends, paren, low, number, stop, word, key, size = piece
        if pending_end and not lower_first:
            sent += 1
        s = m.start() + lead
        toks.append(Token(s, s + length, low, brk, sent, number, stop, paren, word, key, size))
        pending_end = ends
    return toks


@lru_cache(maxsize=1 << 16)
def _piece(raw: str) -> tuple | None:
    """What `tokenize` reads of one whitespace-delimited piece (pieces recur, so each is worked out once): the
    word's offset and length in it, whether it starts lower-case, is followed by a break or a sentence end,
    opens with "(", and `_word`'s answer; None for punctuation alone."""
    lead = len(raw) - len(raw.lstrip(_LEAD_PUNCT))
    core = raw[lead:].rstrip(_TRAIL_PUNCT)
    if not core:
        return None
    trail = raw[lead + len(core):]
    low, number, stop, word, key, size = _word(core)
    return (lead, len(core), core[0].islower(), not _BREAKS.isdisjoint(trail),
            not _ENDS.isdisjoint(trail) and low not in _ABBREV, raw[0] == "(", low, number, stop, word, key, size)


@lru_cache(maxsize=1 << 16)
def _word(core: str) -> tuple[str, bool, bool, str, str, bool]:
    """What a Token knows of its word alone (low, number, stop, word, key, size): words recur, so each is
    worked out once."""
    low = core.lower()
    word = _DIGITS.sub("0", low) if core == low else _shape(core)
    return (low, core[0] in _NUMBER_FIRST and bool(_NUMBER.match(core)), low in STOP, word,
            _NON_ALNUM.sub("", low), low[-1] in "bmk" and bool(_SIZE.search(low)))


def claim_tokens(toks: list[Token], starts: list[int], start: int, end: int) -> tuple[int, int]:
    """Indexes of the first and last token overlapping abstract[start:end] (bisect over token starts)."""
    i = max(0, bisect_right(starts, start) - 1)
    if i < len(toks) and toks[i].end <= start:
        i += 1
    j = max(i, bisect_left(starts, end) - 1)
    return min(i, len(toks) - 1), min(j, len(toks) - 1)


_VALUE = re.compile(r"^[^a-z0-9]*\d")   # its first letter or digit is a digit: "33.4%", "+0.5%", "\\%6.80", "1.1-2.1x"


def value_anchor(toks: list[Token], ci: int, cj: int) -> tuple[int, int]:
    """The first and last token of the claim toks[ci..cj] that hold its numbers ("latency by 33.4%" -> "33.4%"),
    or the whole claim when none does ("ten times faster"). The metric is placed relative to this anchor, not
    to the claim's span: gold claims quote the metric with the value ("latency by 33.4%") while the extractor's
    often quote the value alone ("33.4%"), and a ranker that learnt one geometry would misplace the other."""
    hits = [k for k in range(ci, cj + 1) if toks[k].number or _VALUE.match(toks[k].low)]
    return (hits[0], hits[-1]) if hits else (ci, cj)


def claim_anchors(toks: list[Token], spans: list[tuple[int, int] | None]
                  ) -> list[tuple[int, int, int, int] | None]:
    """Per claim span (character offsets, or None when not found): its first and last token, then its value
    anchor's (`value_anchor`); None where the span is None or there are no tokens."""
    starts = [t.start for t in toks]
    out = []
    for span in spans:
        if span is None or not toks:
            out.append(None)
            continue
        ci, cj = claim_tokens(toks, starts, *span)
        out.append((ci, cj, *value_anchor(toks, ci, cj)))
    return out


def _shape(t: str) -> str:
    out = []
    for ch in t[:12]:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def _bucket(n: int) -> str:
    return str(n) if n < 3 else "3-4" if n < 5 else "5-8" if n < 9 else "9-16" if n < 17 else "17+"


@dataclass(slots=True)
class Candidate:
    i: int
    j: int
    start: int
    end: int
    static: list[str]   # features of the phrase and its neighbours, the same for every claim (cached)
    rel: list[str]      # features of where it sits relative to this claim
    rules: tuple[str, ...] = ()  # the cue rules it qualifies for (cue_rules of `static`)
    kinds: tuple[str, ...] = ()  # "any:voc=<field>" per vocabulary field listing the phrase (claim_summary)

    @property
    def feats(self) -> list[str]:
        return self.static + self.rel


def candidates(text: str, toks: list[Token], ci: int, cj: int, category: str, other_starts: list[int],
               vocab: Vocab, counts: dict[str, int] | None = None, cache: dict | None = None,
               value: tuple[int, int] | None = None) -> list[Candidate]:
    """The candidate phrases for the claim spanning tokens ci..cj, each with its features; `counts` holds
    how often each lower-cased word occurs in the abstract; `cache` (one dict per abstract) keeps the
    claim-independent features of each phrase for the abstract's next claims. Outside the claim's sentence
    only phrases with a capital or a digit (names: "On ImageNet, ...", "For LLaMA-2-7B, ...") are candidates."""
    if not toks:
        return []
    lo, hi = window(toks, ci, cj)
    ctx = claim_scope(toks, ci, cj, lo, hi, category, other_starts, vocab, counts, cache, value)
    s_claim = toks[ci].sent
    out = [ctx.features(i, j, key) for i, j, key, named in phrase_spans(toks, lo, hi)
           if named or toks[i].sent == s_claim]
    _mark_nearest(out, toks[ci].start, toks[cj].end)
    return out


def window(toks: list[Token], ci: int, cj: int) -> tuple[int, int]:
    """The first and last token where a candidate of the claim spanning tokens ci..cj may lie."""
    s_claim, n = toks[ci].sent, len(toks)
    lo = ci
    while lo > 0 and ci - lo < TOKENS_BEFORE and toks[lo - 1].sent >= s_claim - SENTS_BEFORE:
        lo -= 1
    hi = cj
    while hi < n - 1 and hi - cj < TOKENS_AFTER and toks[hi + 1].sent <= s_claim + SENTS_AFTER:
        hi += 1
    return lo, hi


def phrase_spans(toks: list[Token], lo: int, hi: int) -> Iterator[tuple[int, int, str, bool]]:
    """(i, j, key, named) of every phrase of tokens i..j inside lo..hi that may be a candidate: up to MAX_LEN
    words of one sentence, no bare number, no comma or sentence end inside, no function word at either end;
    `key` joins the words' keys (for the vocabulary), `named`: some word has a capital or a digit."""
    for i in range(lo, hi + 1):
        ti = toks[i]
        if ti.stop or ti.number:
            continue
        named = False
        key = ""
        for j in range(i, min(hi, i + MAX_LEN - 1) + 1):
            tj = toks[j]
            if tj.number or tj.sent != ti.sent:
                break
            named = named or tj.word != tj.low
            key += tj.key
            if not tj.stop:
                yield i, j, key, named
            if tj.brk:
                break


def claim_scope(toks: list[Token], ci: int, cj: int, lo: int, hi: int, category: str, other_starts: list[int],
                vocab: Vocab, counts: dict[str, int] | None, cache: dict | None,
                value: tuple[int, int] | None = None) -> "_Context":
    """What the candidates of the claim spanning tokens ci..cj (window lo..hi, value tokens `value`, by
    default `value_anchor`'s) share."""
    cstart, cend = toks[ci].start, toks[cj].end
    others = [p for p in other_starts if toks[lo].start <= p <= toks[hi].end and not cstart <= p < cend]
    cues = [k for k in range(lo, hi + 1) if toks[k].low in TRIGGERS]
    vi, vj = value_anchor(toks, ci, cj) if value is None else value
    return _Context(toks, ci, cj, category, others, vocab, counts, {} if cache is None else cache,
                    cues, {tag: [f"{tag}tb={toks[k].low}" for k in cues] for tag in ("s:", "v:")}, vi, vj)


# Cues that introduce a baseline or a dataset, or make a phrase look like a model or a metric. The learner
# weighs them, but it also gets "the phrase a rule would pick" (the nearest whole phrase after such a cue, the
# claim's own sentence first): with a few hundred gold claims that rule carries over to new papers better than
# the words around it do.
BASELINE_CUES = frozenset({"c1=than", "c1=over", "c1=vs", "c1=vs.", "c1=versus", "c1=against", "c1=outperforming",
                           "c1=outperforms", "c1=outperform", "c1=surpassing", "c1=surpasses", "c1=beating",
                           "c1=beats", "c2=compared to", "c2=compared with", "c2=relative to",
                           "c2=comparison to", "c2=comparison with", "c2=respect to"})
DATASET_CUES = frozenset({"c1=on", "c1=in", "c1=across"})
MODEL_CUES = frozenset({"size", "voc=model", "wvoc=model"})    # a named model with a size or a known family
METRIC_CUES = frozenset({"voc=metric", "wvoc=metric"})
WHOLE = frozenset({"bounds=11", "n1brk"})


CUE_RULES = (("bcue", BASELINE_CUES, False), ("dcue", DATASET_CUES, True), ("mcue", MODEL_CUES, True),
             ("metcue", METRIC_CUES, False))


def cue_rules(static: list[str]) -> tuple[str, ...]:
    """The cue rules a phrase qualifies for by its own features: a whole phrase, after one of the rule's cues
    (or carrying its marks), and a name where the rule wants one."""
    if WHOLE.isdisjoint(static):
        return ()
    return tuple(name for name, cues, need_name in CUE_RULES
                 if not cues.isdisjoint(static) and (not need_name or "name" in static))


def _mark_nearest(cands: list[Candidate], cstart: int, cend: int) -> None:
    """Add `<cue>_nearest` to the candidate a cue rule would pick, and `<cue>` to every cued candidate."""
    cued = [c for c in cands if c.rules]
    for name, _cues, _need_name in CUE_RULES:
        best, best_key = None, None
        for c in cued:
            if name not in c.rules:
                continue
            c.rel.append(name)
            where = c.rel[1][2:]  # "s:rel=in" (after "cat=...|last=..."): where it sits relative to the span
            same = where in ("rel=in", "rel=after", "rel=before")
            key = (not same, where == "rel=before", min(abs(c.start - cend), abs(cstart - c.end)))
            if best_key is None or key < best_key:
                best, best_key = c, key
        if best is not None:
            best.rel.append(f"{name}_nearest")


VOCAB_FIELDS = ("metric", "dataset", "hardware", "model")


@lru_cache(maxsize=8)
def vocab_hits(vocab: Vocab) -> tuple[dict, dict, dict]:
    """Per vocabulary key, the "voc=<field>", "wvoc=<field>" and "any:voc=<field>" features it earns (fields in
    VOCAB_FIELDS order), read off `Vocab.kinds` once per vocabulary: one lookup per word instead of one per
    word and field."""
    fields = {k: tuple(f for f in VOCAB_FIELDS if f in kinds) for k, kinds in vocab.kinds.items()}
    fields = {k: fs for k, fs in fields.items() if fs}
    return tuple({k: tuple(f"{tag}{f}" for f in fs) for k, fs in fields.items()}
                 for tag in ("voc=", "wvoc=", "any:voc="))


@lru_cache(maxsize=8)
def stem_hits(vocab: Vocab) -> dict[str, tuple[str, ...]]:
    """Per name stem, the features it earns: "stem=<field>" when the vocabulary spells a family or benchmark
    with it ("qwen" of "Qwen2.5"), "lex=<field>" when unlabelled abstracts use it so (`context_lexicon`)."""
    out: dict[str, list[str]] = {}
    for tag, table in (("stem=", vocab.stems), ("lex=", vocab.mined)):
        for s, fields in table.items():
            out.setdefault(s, []).extend(f"{tag}{f}" for f in fields)
    return {s: tuple(fs) for s, fs in out.items()}


@lru_cache(maxsize=1 << 16)
def _name_stem(low: str, named: bool) -> str | None:
    """The stem (`letters_stem`) of a word written as a name (a capital or a digit): "Qwen3-VL-8B" -> "qwen"."""
    return letters_stem(low) if named or any(ch.isdigit() for ch in low) else None


def phrase_static(toks: list[Token], i: int, j: int, key: str, vocab: Vocab, counts: dict | None
                  ) -> tuple[list[str], str, str, tuple[str, ...], tuple[str, ...]]:
    """The features of the phrase of tokens i..j that are the same for every claim (words, shape, vocabulary,
    cue and neighbour words, boundaries), its cue word and previous word, which the relational features pair
    with where it sits, its cue rules and its vocabulary kinds (`Candidate.kinds`)."""
    ti, tj = toks[i], toks[j]
    words = toks[i:j + 1]
    f = [f"len={j - i + 1}", f"first={ti.word}", f"last={tj.word}"]
    f += ["w=" + t.word for t in words]
    if ti.word != ti.low:
        f.append("name")
    if any(t.size for t in words):
        f.append("size")
    if ti.paren:
        f.append("paren")
    k = i - 1  # the cue before it, determiners skipped: "compared to [the] teacher"
    while k >= 0 and k > i - 3 and toks[k].low in DETERMINERS and toks[k].sent == ti.sent:
        k -= 1
    c1 = toks[k].low if k >= 0 and toks[k].sent == ti.sent and not toks[k].brk else "<s>"
    c2 = toks[k - 1].low if c1 != "<s>" and k >= 1 and toks[k - 1].sent == ti.sent else "<s>"
    f += [f"c1={c1}", f"c2={c2} {c1}"]
    last = len(toks) - 1
    left = i == 0 or toks[i - 1].brk or toks[i - 1].stop or toks[i - 1].number or toks[i - 1].sent != ti.sent
    right = j == last or tj.brk or toks[j + 1].stop or toks[j + 1].number or toks[j + 1].sent != tj.sent
    f.append(f"bounds={int(left)}{int(right)}")
    p1 = toks[i - 1].word if i > 0 and toks[i - 1].sent == ti.sent else "<s>"
    if p1 != "<s>" and toks[i - 1].brk:
        f.append("p1brk")
    p2 = toks[i - 2].word if i > 1 and toks[i - 2].sent == ti.sent else "<s>"
    n1 = toks[j + 1].word if j < last and toks[j + 1].sent == tj.sent else "</s>"
    f += [f"p1={p1}", f"p2={p2} {p1}", f"n1={n1}"]
    if tj.brk:
        f.append("n1brk")
    phrase_hits, word_hits, kinds = vocab_hits(vocab)
    f += phrase_hits.get(key, ())
    stems = stem_hits(vocab)
    for t in words:
        f += word_hits.get(t.key, ())
        f += stems.get(_name_stem(t.low, t.word != t.low), ())
    if counts is not None:  # how often its rarest word recurs: a method name is repeated
        f.append(f"freq={_bucket(min(counts.get(t.low, 1) for t in words))}")
    f = list(dict.fromkeys(f))  # each feature once, as trained
    return f, c1, p1, cue_rules(f), kinds.get(key, ())


@dataclass(slots=True)
class _Context:
    """What every candidate of one claim shares, so that each costs only its own features."""
    toks: list[Token]
    ci: int
    cj: int
    category: str
    others: list[int]
    vocab: Vocab
    counts: dict | None
    cache: dict
    cues: list[int]         # indexes of the window's TRIGGERS words, in order
    cue_feats: dict         # and their features per placement tag ("s:" -> ["s:tb=than", ...])
    vi: int                 # the claim's value (`value_anchor`): its first and last token
    vj: int

    def static(self, i: int, j: int, key: str) -> tuple[list[str], str, str, tuple[str, ...], tuple[str, ...]]:
        return phrase_static(self.toks, i, j, key, self.vocab, self.counts)

    def features(self, i: int, j: int, key: str) -> Candidate:
        cached = self.cache.get((i, j))
        if cached is None:
            cached = self.cache[(i, j)] = self.static(i, j, key)
        static, c1, p1, rules, kinds = cached
        ti, tj = self.toks[i], self.toks[j]
        f = [_category_last(self.category, tj.word)]
        by_span = self.placement("s:", i, j, self.ci, self.cj, c1, p1)
        f += by_span
        if (self.vi, self.vj) == (self.ci, self.cj):
            f += self.retagged(by_span, i, j)
        else:
            f += self.placement("v:", i, j, self.vi, self.vj, c1, p1)
        return Candidate(i, j, ti.start, tj.end, static, f, rules, kinds)

    def retagged(self, by_span: list[str], i: int, j: int) -> list[str]:
        """`placement("v:", ...)` when the claim's value is its whole span (about half the claims): the span's
        features re-tagged, plus the one that only the value's view has ("v:core" of a phrase glued to the
        value from outside, which comes right after the five first features), instead of a second pass."""
        by_value = list(map(_value_view, by_span))
        rel = by_span[0][6:]  # "s:rel=before"
        if rel == "before" and _only_glue(self.toks, range(j + 1, self.ci), j):
            by_value.insert(5, "v:core")
        elif rel == "after" and _only_glue(self.toks, range(self.cj + 1, i), self.cj):
            by_value.insert(5, "v:core")
        return by_value

    def placement(self, tag: str, i: int, j: int, ci: int, cj: int, c1: str, p1: str) -> list[str]:
        """Where the phrase of tokens i..j sits relative to tokens ci..cj (the claim's span, tag "s:", or
        its value, tag "v:"), and what lies between them; every feature carries the tag."""
        toks, category = self.toks, self.category
        ti, tj = toks[i], toks[j]
        ds = ti.sent - toks[ci].sent
        if i >= ci and j <= cj:
            rel, dist, between = "in", 0, range(0)
        elif j < ci:
            rel, dist, between = ("before" if ds == 0 else f"sent{ds}"), ci - j - 1, range(j + 1, ci)
        elif i > cj:
            rel, dist, between = ("after" if ds == 0 else f"sent+{ds}"), i - cj - 1, range(cj + 1, i)
        else:
            rel, dist, between = "overlap", 0, range(0)
        f = list(_placement_head(tag, rel, _bucket(dist), category, c1, p1))
        if rel == "in" and all(toks[k].number or toks[k].stop or toks[k].low in DIRECTION
                               for k in (*range(ci, i), *range(j + 1, cj + 1))):
            f.append(f"{tag}core")
        elif tag == "v:" and rel in ("before", "after") and _only_glue(toks, between, j if rel == "before" else cj):
            f.append(f"{tag}core")
        if between:  # the cue words between it and the claim, each once
            f += dict.fromkeys(self.cue_feats[tag][bisect_left(self.cues, between.start):
                                                   bisect_left(self.cues, between.stop)])
        if rel in ("before", "after") and self.others:
            lo_pos, hi_pos = (tj.end, toks[ci].start) if rel == "before" else (toks[cj].end, ti.start)
            if any(lo_pos <= p < hi_pos for p in self.others):
                f.append(f"{tag}claim_between")
        return f


# Fields placed by the claim's value rather than its span: a gold claim's span holds its metric ("latency by
# 33.4%") where the extractor's often holds the value alone ("33.4%"), so a metric ranker that learnt span
# geometry from gold misplaces it at inference. For the other fields the span's geometry carries over better
# (measured across sources: dataset and model drop when they are placed by the value too).
VALUE_PLACED = frozenset({"metric"})


def field_view(feats: list[str], field: str) -> list[str]:
    """The features a field learns from: the placement relative to the value ("v:") or to the span ("s:")."""
    other = "s:" if field in VALUE_PLACED else "v:"
    return [x for x in feats if not x.startswith(other)]


@lru_cache(maxsize=1 << 14)
def _category_last(category: str, word: str) -> str:
    """The claim's category paired with a phrase's last word; pairs recur, so each string is built once."""
    return f"cat={category}|last={word}"


@lru_cache(maxsize=1 << 14)
def _value_view(feature: str) -> str:
    """A span-placement feature as the value's ("s:rel=in" -> "v:rel=in"), each string built (and hashed) once."""
    return "v:" + feature[2:]


@lru_cache(maxsize=1 << 14)
def _placement_head(tag: str, rel: str, bucket: str, category: str, c1: str, p1: str) -> tuple[str, ...]:
    """The first five placement features; they recur across candidates and claims, so each set is built (and
    its strings hashed, for the rankers' lookups) once."""
    return (f"{tag}rel={rel}", f"{tag}dist={rel}|{bucket}", f"{tag}cat={category}|rel={rel}",
            f"{tag}rel={rel}|c1={c1}", f"{tag}rel={rel}|p1={p1}")


def _only_glue(toks: list[Token], between: range, left: int) -> bool:
    """Whether a phrase and the claim's value are joined only by numbers, function words and words of
    direction, with no comma between ("latency [by] 33.4%", "68% memory"): the value's own metric."""
    return not toks[left].brk and all(
        (toks[k].number or toks[k].stop or toks[k].low in DIRECTION) and not toks[k].brk for k in between)


_SAME_SENTENCE = frozenset({"s:rel=in", "s:rel=after", "s:rel=before", "s:rel=overlap"})
_HARDWARE_ONLY = ("any:voc=hardware",)


def claim_summary(cands: list[Candidate]) -> tuple[str, ...]:
    """What the claim's window holds, whichever phrase wins: the cue rules some phrase qualifies for, in the
    claim's own sentence or one before it ("On ImageNet, ..."; not a phrase the vocabulary lists only as
    hardware), and the vocabulary kinds some phrase is listed under. The verifier asks "does this claim name
    a dataset at all", which its pick alone can't say."""
    out = set()
    for c in cands:
        if c.rules and c.kinds != _HARDWARE_ONLY:  # "On a single A100," sets no dataset (context.other_kind)
            where = "same" if c.rel[1] in _SAME_SENTENCE else "ctx"
            out.update(f"any:{r}|{where}" for r in c.rules)
        if c.kinds:
            out.update(c.kinds)
    return tuple(sorted(out))


def verifier_features(top: Candidate, score: float, runner_up: float, summary: tuple[str, ...] = ()) -> list[str]:
    """What the verifier sees of a claim's best candidate: its own features, how high it scored and by how
    much it beat the next one (a clear winner is more often right), and the claim's `claim_summary`."""
    margin = score - runner_up
    m = "inf" if margin == float("inf") else "<0.5" if margin < 0.5 else "<1" if margin < 1 else "<2" if margin < 2 else ">=2"
    return [*top.feats, f"score={max(-6, min(3, int(score // 1)))}", f"margin={m}", *summary]
