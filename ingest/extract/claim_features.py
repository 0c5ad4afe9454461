"""What a learned decision sees about one number: the words around it, the category and polarity words of the
shared lexicon (claim_patterns), how it is written, where it sits in the abstract.

Pure functions. `analyse(abstract)` finds every stated quantity (numbers.find_quantities: ~99.5% of the
gold claims' numbers, so recall is decided here only by the learned model) and `features(...)` turns each
into a list of feature strings for the linear models in claim_model.py. The features name general things
(a token, a lexicon category, a unit), never a paper.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left
from typing import NamedTuple, Optional

from . import claim_patterns as P
from .claims import _POL_NOUN_ENDS, _cues, _pols, _sentences
from .numbers import Quantity, find_quantities

# a LaTeX command ("\\textbf") is one token, so that it can be passed over with the other markup
TOKEN_RE = re.compile(r"\\[A-Za-z]+|[A-Za-z]+(?:[-'][A-Za-z]+)*|\d+(?:[.,]\d+)*|[^\sA-Za-z\d]")
WINDOW = 6  # tokens each side (10 and sentence-wide bags were tried: no better under cross-validation)
_BREAK = re.compile(r"[,;:()]|\b(?:and|while|with|without|but)\b")
_REACH = 90  # characters either side that hold the WINDOW tokens (a left token cut in two is still a token)


class Candidate(NamedTuple):
    q: Quantity
    sentence: int        # index of its sentence
    n_sentences: int
    s0: int              # its sentence's bounds
    s1: int


class Context(NamedTuple):
    """One abstract's shared scans: its sentences, and the cue and polarity words of the sentences that hold
    a quantity (the only ones any feature looks at)."""
    text: str
    quants: list          # every quantity, as numbers.find_quantities gives them
    sentences: list
    cues: list            # (start, end, category, kind)
    pols: list            # (start, end, polarity)
    vs_words: list = []   # (start, end) of each "vs" / "compared with" ... (parallel_pair), when two numbers share a sentence
    owns: list = []       # (start, end) of each _OWN_RE word in the whole text (speaks_of_itself)


def analyse(text: str) -> tuple[Context, list[Candidate]]:
    """The abstract's candidates and the scans their features read (each scan made once, only where needed)."""
    quants = find_quantities(text)
    sents = _sentences(text) if quants else [(0, len(text))]
    cands, windows = [], []
    si = 0
    for q in quants:
        if not math.isfinite(q.value) or (q.low is not None and not math.isfinite(q.low)):
            continue  # "1111…1" of 50,000 digits: no claim, and no float to reason with
        while si < len(sents) - 1 and q.start >= sents[si][1]:
            si += 1
        s0, s1 = sents[si]
        cands.append(Candidate(q, si, len(sents), s0, s1))
        if not windows or windows[-1] != (s0, s1):
            windows.append((s0, s1))
    cues = _cues(text, windows) if windows else []
    pols = _pols(text, windows) if windows else []
    owns = [m.span() for m in _OWN_RE.finditer(text)] if cands else []
    return Context(text, quants, sents, cues, pols, _vs_words(text, cands), owns), cands


def _vs_words(text: str, cands: list[Candidate]) -> list[tuple[int, int]]:
    """Where a vs word stands, in the sentences that hold two numbers or more (the only ones parallel_pair reads)."""
    out = []
    for k in range(1, len(cands)):
        if cands[k].sentence == cands[k - 1].sentence and (k < 2 or cands[k - 2].sentence != cands[k].sentence):
            out.extend(m.span() for m in _VS_WORD_RE.finditer(text, cands[k].s0, cands[k].s1))
    return out


def _tokens(text: str, a: int, b: int) -> list[tuple[int, int, str]]:
    """The words and signs in text[a:b], without LaTeX markup: arXiv abstracts come with their math and font
    commands ("by $12\\%$", "\\textbf{91.4\\%}"), and a model trained on plain text reads "by" only when it is
    the word next to the number."""
    return [(m.start(), m.end(), m.group(0).lower()) for m in TOKEN_RE.finditer(text, a, b)
            if not _is_markup(m.group(0))]


def _is_markup(token: str) -> bool:
    return token in _MARKUP_SIGNS or (token[0] == "\\" and len(token) > 1 and token not in _MATH_WORDS)


_MARKUP_SIGNS = frozenset(("$", "{", "}", "\\"))
# LaTeX commands that are words of the sentence, not markup ("$\\times$" is "x", "\\%" a percent)
_MATH_WORDS = frozenset(("\\times", "\\pm", "\\approx", "\\sim", "\\leq", "\\geq", "\\to", "\\rightarrow"))


def _value_shape(q: Quantity) -> list[str]:
    v = q.value
    out = ["int" if v == int(v) else "dec"]
    out.append("v<1" if v < 1 else "v<10" if v < 10 else "v<100" if v < 100 else "v=100" if v == 100
               else "v<1000" if v < 1000 else "v>=1000")
    if v == int(v) and 1900 <= v <= 2100 and q.unit == "":
        out.append("year")
    if q.low is not None:
        out.append("range")
    return out


def features(ctx: Context, cands: list[Candidate], i: int) -> list[str]:
    """Feature strings of candidate i (its neighbours in `cands` tell pairs like "from A to B" apart)."""
    c = cands[i]
    q, text = c.q, ctx.text
    unit = q.unit if not q.word else "w:" + q.word
    f = ["u=" + unit, *_value_shape(q)]
    ut = q.unit_text.lower().strip("$\\ ")
    if q.unit in ("other", "mag"):
        f.append("ut=" + ut)
    # characters right around the number
    before = text[max(c.s0, q.start - 3):q.start].rstrip()
    f.append("pc=" + (before[-1] if before else "^"))
    f.append("pc2=" + before[-2:].replace(" ", "_"))
    after = text[q.end:q.end + 2].lstrip()
    f.append("nc=" + (after[0] if after and not after[0].isalnum() else "w" if after else "$"))
    # tokens: nearest three on each side within the sentence, and bags of the wider window
    left = _tokens(text, max(c.s0, q.start - _REACH), q.start)[-WINDOW:]
    right = _tokens(text, q.end, min(c.s1, q.end + _REACH))[:WINDOW]
    for k, t in enumerate(reversed(left[-3:])):
        f.append(f"l{k + 1}={t[2]}")
    for k, t in enumerate(right[:3]):
        f.append(f"r{k + 1}={t[2]}")
    if len(left) < 3:
        f.append(f"l{len(left) + 1}=<s>")
    if len(right) < 3:
        f.append(f"r{len(right) + 1}=</s>")
    f.extend("lb=" + t[2] for t in left)
    f.extend("rb=" + t[2] for t in right)
    # lexicon: the nearest category cue and polarity word on each side, inside the sentence
    cl = _nearest_left(ctx.cues, c.s0, q.start)
    cr = _nearest_right(ctx.cues, q.end, c.s1)
    pl = _nearest_left(ctx.pols, c.s0, q.start)
    pr = _nearest_right(ctx.pols, q.end, c.s1)
    for tag, item, dist in (("cl", cl, q.start - cl[1] if cl else 0), ("cr", cr, cr[0] - q.end if cr else 0)):
        if item:
            near = "n" if dist < 30 else "f"
            f.append(f"{tag}={item[2]}")
            f.append(f"{tag}={item[2]}:{item[3]}")
            f.append(f"{tag}{near}={item[2]}")
            f.append(f"{tag}w={text[item[0]:item[1]].lower()}")
        else:
            f.append(f"{tag}=none")
    for tag, item in (("pl", pl), ("pr", pr)):
        if item:
            f.append(f"{tag}={item[2]}")
            f.append(f"{tag}w={text[item[0]:item[1]].lower()}")
    if cl or cr:
        # the cue right after the number names what it measures ("40% less memory") unless a clause break
        # comes first; otherwise the nearer one
        right_first = cr and cr[0] - q.end <= 25 and not _BREAK.search(text, q.end, cr[0])
        main = cr if (cr and (right_first or not cl or cr[0] - q.end < q.start - cl[1])) else cl
        f.append(f"cat={main[2]}")
        f.append(f"cat={main[2]}:{main[3]}")
        for tag, item in (("pl", pl), ("pr", pr)):
            if item:
                f.append(f"cat={main[2]}:{main[3]}&{tag}={item[2]}")
    # neighbouring numbers: "from A to B", "A vs B"
    prev = cands[i - 1].q if i and cands[i - 1].sentence == c.sentence else None
    nxt = cands[i + 1].q if i + 1 < len(cands) and cands[i + 1].sentence == c.sentence else None
    if prev is not None:
        gap = text[prev.end:q.start].strip(" *$").lower()
        f.append("pg=" + (gap if len(gap) <= 12 else "long"))
        if prev.unit == q.unit:
            f.append("pu=same")
        f.append("prev>" if prev.value > q.value else "prev<")
        if _FROM_RE.search(text, max(c.s0, prev.start - 8), prev.start):
            f.append("from_pair")
            f.append("pair=up" if q.value > prev.value else "pair=down")
    else:
        f.append("pg=none")
    vs = nxt is not None and is_vs_gap(text, q.end, nxt.start)
    if nxt is not None:
        gap = text[q.end:nxt.start].strip(" *$").lower()
        f.append("ng=" + (gap if len(gap) <= 12 else "long"))
        if _FROM_RE.search(text, max(c.s0, q.start - 8), q.start):
            f.append("from_first")
        elif vs:
            f.append("pair=up" if q.value > nxt.value else "pair=down")
    else:
        f.append("ng=none")
    other = None if vs else _parallel_quantity(ctx, cands, i)  # "A and B, compared with C and D"
    if other is not None:
        f.append("pair=up" if q.value > other.value else "pair=down")
    f.extend(_coordinated(text, prev, q, nxt, c))
    # where it sits
    f.append("s=first" if c.sentence == 0 else "s=last" if c.sentence == c.n_sentences - 1 else "s=mid")
    depth = text.count("(", c.s0, q.start) - text.count(")", c.s0, q.start)
    if depth > 0:
        f.append("inparen")
    if P.BACKGROUND_RE.match(text, c.s0):
        f.append("background")
    if speaks_of_itself(ctx, c.s0, q.start):
        f.append("own")
    if P.BOUND_RE.search(text, max(c.s0, q.start - 24), q.start):
        f.append("bounded")
    f.extend(_share(text, c))
    # the same value stated earlier (restated figures are annotated once)
    for p in cands[:i]:
        if p.q.value == q.value and p.q.unit == q.unit:
            f.append("dup")
            break
    f.append("bias")
    return f


# the paper speaking of its own work before the number ("our method reduces ...", "we cut ..."): a change it
# reports of itself is one it counts as better, whatever way the metric runs
_OWN_RE = re.compile(r"\b(?:we|our|ours|proposed)\b", re.IGNORECASE)
_OWN_LONGEST = len("proposed")


def speaks_of_itself(ctx: Context, lo: int, pos: int) -> bool:
    """Equals `_OWN_RE.search(ctx.text, lo, pos) is not None`, without reading the sentence again for every
    number in it (a 50 KB sentence of numbers made that quadratic). A search that stops at `pos` finds the
    whole-text matches that end by `pos`, plus one cut at `pos` ("we" before "5" in "we5"): the second kind
    lies in the last few characters before `pos`."""
    k = bisect_left(ctx.owns, (lo,))
    if k < len(ctx.owns) and ctx.owns[k][1] <= pos:
        return True
    return _OWN_RE.search(ctx.text, max(lo, pos - _OWN_LONGEST), pos) is not None
_FROM_RE = re.compile(r"\bfrom\b[^.]*$", re.IGNORECASE)
_SHARE_OF_RE = re.compile(r"[\s$}]*of\b", re.IGNORECASE)
_LITTLE_BEFORE_RE = re.compile(r"\b(?:only|just|merely|mere|as\s+little\s+as|less\s+than|under|fraction\s+of)[\s(~$]*$",
                               re.IGNORECASE)


def _share(text: str, c: Candidate) -> list[str]:
    """A percentage of something ("0.22% of the backbone"), and whether it is called little ("only 9.2% of the
    data"): a share used, which the guidelines state as what was saved."""
    q = c.q
    if q.unit != "%" or _SHARE_OF_RE.match(text, q.end) is None:
        return []
    little = _LITTLE_BEFORE_RE.search(text, max(c.s0, q.start - 24), q.start) is not None
    return ["share", "share=little"] if little else ["share"]
_COORD_GAPS = frozenset(("and", ",", ", and", "or", ", or", "/"))


def _coordinated(text: str, prev: Optional[Quantity], q: Quantity, nxt: Optional[Quantity], c: Candidate) -> list[str]:
    """The words a list of numbers shares: in "by 6.8 and 7.3 points" the "by" of the first and the "points" of
    the last are read with every number of the list."""
    out = []
    if nxt is not None and pair_gap(text, q.end, nxt.start) in _COORD_GAPS:
        right = TOKEN_RE.search(text, nxt.end, min(c.s1, nxt.end + 30))
        out.append("co_r1=" + (right.group(0).lower() if right else "</s>"))
        out.append("co_u=" + nxt.unit)
    if prev is not None and pair_gap(text, prev.end, q.start) in _COORD_GAPS:
        left = _tokens(text, max(c.s0, prev.start - 30), prev.start)[-1:]
        out.append("co_l1=" + (left[0][2] if left else "<s>"))
    return out

# What stands between the two numbers of "A vs B" and "from A to B", as pair_gap reads it: the one list the
# features, the change gate (states_change) and the claim's `from` value (claim_model) all use.
VS_GAPS = frozenset(("vs", "vs.", "versus", "v.s.", "compared to", "compared with", "against",
                     "relative to"))
TO_GAPS = frozenset(("to", "->", "→", "\\to", "\\rightarrow"))


_LATEX_MARKUP_RE = re.compile(r"\\(?:textbf|textit|emph|mathbf|underline)\b|[{}]")
# "A (vs. Transformer B)", "91.4% recall@10 (vs. 57.7%": the vs word with the metric before it or the baseline's name
# after it; none of the words between is a number, and the clause does not break
assert all("v" in g or "compared" in g or "against" in g for g in VS_GAPS), "is_vs_gap's quick test misses a vs word"
_VS_NAMED_RE = re.compile(r"(?:[^\s\d,;:][^\s,;:]*\s+){0,2}\(?\s*(?:" + "|".join(
    re.escape(g) for g in sorted(VS_GAPS, key=len, reverse=True)) + r")(?:\s+[^\W\d][^\s,;:()]*){0,3}")


_LIST_ENDS = (" and", " or")


def is_vs_gap(text: str, a: int, b: int) -> bool:
    """Whether the words between two numbers set them side by side ("A vs. B", "A (vs. Transformer B)")."""
    gap = pair_gap(text, a, b)
    if gap in VS_GAPS:
        return True
    if len(gap) > 60 or not ("v" in gap or "compared" in gap or "against" in gap):  # every vs word has one of these
        return False
    if gap.endswith(_LIST_ENDS):  # "by 0.05 compared to GPT-4o and 0.36 ...": the second number starts a new item
        return False
    return _VS_NAMED_RE.fullmatch(" ".join(_LATEX_MARKUP_RE.sub(" ", gap).split()).strip(" (")) is not None


def pair_gap(text: str, a: int, b: int) -> str:
    """The words between two numbers, lower-cased, without markup or brackets ("** (vs. " -> "vs.")."""
    return " ".join(text[a:b].strip(" *$(){}").lower().split())


_POINTS = frozenset(("points", "point", "pp", "percentage"))
# movement words that make the number before them a change ("6-7% reduction", "0.39 dB gains", "3x fewer",
# "2% overhead", "3.1x speedup")
_MORE_LESS = ("fewer", "less", "more", "faster", "smaller", "overhead", "overheads", "speedup", "speedups",
              "slowdown")
_CHANGE_AFTER = frozenset(_POL_NOUN_ENDS + _MORE_LESS + ("relative",))
assert all(P.POL_RE.fullmatch(w) for w in _MORE_LESS), "a movement word P.POL_RE does not match"


def states_change(ctx: Context, cands: list[Candidate], i: int) -> bool:
    """Whether candidate i is written as a change rather than a level, by its surface alone: a "+" or "by"
    before it ("+1.8 on X", "by 6.8"), points after it ("7.3 points"), a movement word right after it
    ("6-7% reduction", "2.1% relative gain"), or one end of "from A to B" / "A vs B"."""
    c = cands[i]
    q, text = c.q, ctx.text
    if text[max(c.s0, q.start - 3):q.start].rstrip().endswith("+"):
        return True
    left = _tokens(text, max(c.s0, q.start - 12), q.start)
    if left and left[-1][2] == "by":
        return True
    right = _tokens(text, q.end, min(c.s1, q.end + _REACH))[:2]
    if right and right[0][2] in _POINTS:
        return True
    if any(t[2] in _CHANGE_AFTER for t in right):
        return True
    return _in_pair(ctx, cands, i)


_SETTING_BEFORE_RE = re.compile(r"(?:=|±|\+/-|\+-|\\pm)[\s${]*$")


def is_setting(ctx: Context, c: Candidate) -> bool:
    """A number given as the value of a named quantity ("n=45", "TPR@FPR$=1\\%$", "k = 8") or as the spread of
    another ("2.03 +/- 0.58 points", "$\\pm 0.4$"): a setting, never a claim (no gold claim of either set follows
    "=" or a plus-minus sign)."""
    return _SETTING_BEFORE_RE.search(ctx.text, max(c.s0, c.q.start - 6), c.q.start) is not None


def _in_pair(ctx: Context, cands: list[Candidate], i: int) -> bool:
    """The B of "from A to B", or the A of "A vs B" (the same reading as the pair features)."""
    c = cands[i]
    text = ctx.text
    if i and cands[i - 1].sentence == c.sentence:
        prev = cands[i - 1].q
        if _FROM_RE.search(text, max(c.s0, prev.start - 8), prev.start):
            return True
    if i + 1 < len(cands) and cands[i + 1].sentence == c.sentence and is_vs_gap(text, c.q.end, cands[i + 1].q.start):
        return True
    return parallel_pair(ctx, cands, i) is not None


# the vs words of VS_GAPS found in running text (a space in a gap word stands for any run of spaces)
_VS_WORD_RE = re.compile(r"(?<![\w-])(?:" + "|".join(
    r"\s+".join(map(re.escape, g.split())) for g in sorted(VS_GAPS, key=lambda g: (-len(g), g))) + r")(?!\w)", re.IGNORECASE)
_PARALLEL_MAX = 6  # numbers in one list of "A and B, compared with C and D"


def _parallel_quantity(ctx: Context, cands: list[Candidate], i: int) -> Optional[Quantity]:
    other = parallel_pair(ctx, cands, i)
    return None if other is None else cands[other].q


def parallel_pair(ctx: Context, cands: list[Candidate], i: int) -> Optional[int]:
    """In "an AT-F1 of 0.65 and a judge score of 3.88, compared with 0.47 and 2.88" the numbers before the vs words
    are set against the list after it in order (0.65 with 0.47, 3.88 with 2.88): the index of candidate i's other
    number, when the list after has two or more and as many numbers stand before the vs words, else None."""
    c, text = cands[i], ctx.text
    if i + 1 >= len(cands):
        return None
    last = cands[min(i + _PARALLEL_MAX, len(cands) - 1)]  # the vs words stand before the list's first number
    k = bisect_left(ctx.vs_words, (c.q.end,))
    if k == len(ctx.vs_words) or ctx.vs_words[k][1] > min(c.s1, last.q.start):
        return None
    m_start, m_end = ctx.vs_words[k]
    j = i + 1  # the first number after the vs words (i and the numbers between stay within a list's length)
    while j < len(cands) and j - i <= _PARALLEL_MAX and cands[j].sentence == c.sentence and cands[j].q.start < m_end:
        j += 1
    if (j >= len(cands) or j - i > _PARALLEL_MAX or cands[j].sentence != c.sentence or cands[j - 1].q.end > m_start
            or len(text[m_end:cands[j].q.start].split()) > 3):
        return None
    run = 1
    while (j + run < len(cands) and run < _PARALLEL_MAX and cands[j + run].sentence == c.sentence
           and pair_gap(text, cands[j + run - 1].q.end, cands[j + run].q.start) in _COORD_GAPS):
        run += 1
    first = j - run
    if run < 2 or first < 0 or cands[first].sentence != c.sentence or i < first:
        return None
    return j + (i - first)


def _nearest_left(items, lo: int, pos: int):
    k = bisect_left(items, (pos,)) - 1
    while k >= 0 and items[k][1] > pos:
        k -= 1
    return items[k] if k >= 0 and items[k][0] >= lo else None


def _nearest_right(items, pos: int, hi: int):
    k = bisect_left(items, (pos,))
    return items[k] if k < len(items) and items[k][1] <= hi else None
