"""Quantified efficiency / quality claims in an abstract (see ../shared/gold/GUIDELINES.md, `claims`).

`extract_claims(abstract)` -> list of dicts, keys in the order
category, value, low?, from?, unit, direction, bound?, text, start, end, with abstract[start:end] == text.

How it works, per sentence:
1. numbers.find_quantities finds every number with its unit (2.7x, 46%, 5 pp, 1.4-11.2x, twice, halves ...);
2. each one gets a left and a right context, cut at clause boundaries and at the previous claim;
3. the nearest cue word in those contexts says what is measured (category, and whether lower or higher is
   better), the nearest polarity word says which way it moved, a hedge right before the number the bound;
4. numbers in a list ("2.1x, 2.5x and 3.0x faster", "by 3.4% and 17% on average") share the list's cue;
   a number with no cue of its own continues the previous claim of its sentence;
5. "from A to B" and "A versus B" become one claim with `from`; fractions kept or used ("retains 95% of",
   "with only 11% of the tokens") become what was lost or saved (100 - X);
6. what is not a claim is dropped: levels without a change ("achieves 58% success", "an RMSE of 0.61%",
   "accuracy rises to 81.8%"), settings ("at a 20% KV-cache budget", "using 2x iterations", "5-fold
   cross-validation", "256 x 256"), shares ("60% of total gain", "10% of the dataset"), model sizes ("7B"),
   figures quoted in passing ("(58.9%)"), and sentences about other work ("Existing methods are 4x slower").
In code, `_sentence_claims` pairs and groups a sentence's numbers (_merge_pairs, _list_groups), then takes each
through named stages that fill one `_Item` (see _claim_item): _is_never_claim, _contexts, _context_words, _choose_cue,
_first_polarity, _category, _resolve_polarity, _check_unit (_check_bare / _other / _percent / _times),
_value_direction, _span; _joined_cues and _emit turn it into claim dicts. Its output is a feature of the learned
claim model (claim_model.py), trained on it: a change here is a change of the model's input.
The word lists live in claim_patterns.py, number parsing in numbers.py.
Pure, no I/O, no state; all regexes are precompiled and linear, and the big cue alternations only run at
word starts near a number (see `_word_matches`), so an abstract takes a fraction of a millisecond.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import NamedTuple, Optional

from . import claim_patterns as P
from .numbers import Quantity, find_quantities
from .regex_prefixes import BranchDispatch, match_prefixes
from .wordscan import WORD_OR_HYPHEN, literal_starts, lowered, word_finditer

_CS_UPPER = {s.upper(): s for s in P.CASE_SENSITIVE}  # P checks each is a cue

_LIST_GAP_RE = re.compile(
    r"^\s?\**\)?\s?(?:,|and|or|/|&)?\s?(?:,|and|or)?\s?(?:(?:up\s+to|over|about|more\s+than|at\s+least|nearly|"
    r"around|approximately|roughly|even)\s)?\s?\**\(?\$?\\?~?\s?$", re.IGNORECASE)
_FROM_GAP_RE = re.compile(r"^\s?\**\s?to\s?\**\s?\$?\s?$", re.IGNORECASE)
_FROM_BEFORE_RE = re.compile(r"(?<![\w-])from\s?\**\$?\s?$", re.IGNORECASE)
_PM_BEFORE_RE = re.compile(r"(?:±|\+-|\+/-|\\pm)\s?\$?\s?$")
_VS_GAP_RE = re.compile(r"^\$?\s?(?:(?:±|\+-|\+/-|\\pm)\s?[\d.]+\s?)?(?:vs\.?|versus|compared\s+(?:to|with)|against)\s+"
                        r"(?:the\s+|that\s+of\s+|those\s+of\s+)?(?:\w+\s+)?\$?$", re.IGNORECASE)
_AT_SETTING_BEFORE_RE = re.compile(r"(?<![\w-])(?:at|under|with|across|over|within)\s+(?:an?\s+|the\s+)?"
                                   r"(?:approximate\s+|fixed\s+|given\s+|target\s+)?$", re.IGNORECASE)
_SETTING_AFTER_RE = re.compile(r"[^.;,]{0,30}?(?<![\w-])(?:budgets?|ratios?|rates?|sparsity|resolution|levels?|"
                               r"settings?|thresholds?|densit(?:y|ies)|horizons?|ranges?|windows?|regimes?)(?![\w-])",
                               re.IGNORECASE)
_HALF_TIME_RE = re.compile(r"half\s+(?:of\s+)?the\s+time", re.IGNORECASE)
_RANGE_FROM_RE = re.compile(r"(?<![\w-])(?:rang\w*|vary\w*|varies|spann\w*)\s+from\s?\$?\s?$", re.IGNORECASE)
_PLUS_BEFORE_RE = re.compile(r"(?:\+|\\textbf\{\+|\$\+)\s?$")
_PAREN_PLUS_AFTER_RE = re.compile(r"\s?\(\s?[+−-]\s?\d")
_ADDITIONAL_PARAMS_RE = re.compile(r"\s?(?:additional|extra|more)\s+(?:trainable\s+)?param\w*",
                                   re.IGNORECASE)
_BY_BEFORE_RE = re.compile(r"(?<![\w-])(?:by|of)\s?$", re.IGNORECASE)
_OF_AFTER_RE = re.compile(r"\s?(?:of|the)\b", re.IGNORECASE)
_ONLY_BEFORE_RE = re.compile(r"(?<![\w-])(?:only|just|merely|at|using|with|uses|use|requires?|requiring)"
                             r"(?:\s+(?:only|just|merely))?\s?$", re.IGNORECASE)
_OF_BEFORE_RE = re.compile(r"\s?(?:is|was|of|reaches|reaching|at|=|:)\s?(?:only\s+|just\s+)?$", re.IGNORECASE)
_THAN_AFTER_RE = re.compile(r"\s?than\b", re.IGNORECASE)
_SPEEDUP_RE = re.compile(r"speed[\s-]?ups?|faster|accelerat", re.IGNORECASE)
_SETTING_BEFORE_RE = re.compile(r"(?<![\w-])(?:using|use|uses|with|of|at|for|from)\s?$", re.IGNORECASE)
_OF_SHARE_RE = re.compile(r"\s?of\s+(?:the\s+|its\s+|their\s+)?(?:(?:training|full|original|labell?ed|available)\s+)?"
                          r"(?:data\b|dataset|corpus|total|overall|all|each|every|cases|samples|the\s+data|peak|"
                          r"theoretical|maximum|requests|queries|instances|examples|tasks|users|images|problems|"
                          r"questions|datasets|benchmarks|languages|models)\b",
                          re.IGNORECASE)
_BUDGET_AFTER_RE = re.compile(r"[^.;,]{0,25}?\bbudgets?\b", re.IGNORECASE)
_LIST_CONJ_RE = re.compile(r",|\(|(?<![\w-])(?:and|or|while|whereas)(?![\w-])", re.IGNORECASE)
_LEFT_ADJ_POL = ("additional", "extra", "overhead", "overheads", "more", "higher", "larger", "greater", "lower",
                 "less", "fewer", "smaller")
# Polarity words (or their starts) the decisions below single out, each checked at import to be one of P.POL_RE's.
_POL_NOUN_ENDS = ("gain", "gains", "reduction", "reductions", "improvement", "improvements", "increase", "drop",
                  "boost", "better", "higher", "lower", "worse", "decrease", "savings", "loss")  # "0.39 dB gains"
_GENERIC_GAIN_STARTS = ("improv", "gain", "better", "worse", "outperform", "surpass", "boost", "enhanc", "degrad",
                        "drop", "declin", "los")  # a change of quality whatever the metric
assert all(P.POL_RE.fullmatch(w) for w in _LEFT_ADJ_POL + _POL_NOUN_ENDS), "a polarity word P.POL_RE does not match"
_POL_STARTS = match_prefixes(P.POL_RE.pattern, max(map(len, _GENERIC_GAIN_STARTS))) or ()  # (lower-cased)
assert all(any(p.startswith(w) for p in _POL_STARTS) for w in _GENERIC_GAIN_STARTS), \
    "a generic-gain start no P.POL_RE word starts with"
_QUALITY_DROP_CUE_RE = re.compile(r"(?:accuracy|performance|quality)\s", re.IGNORECASE)
_COMPARATIVE_RE = re.compile(
    r"\s?(more|less|fewer|longer|shorter|larger|bigger|smaller|wider|deeper|denser|sparser|higher|lower|greater|"
    r"richer|broader|heavier|lighter|cheaper|faster|slower|stronger|weaker|finer|coarser)(?![\w-])", re.IGNORECASE)
_THAN_OR_END_RE = re.compile(r"\s?(?:than\b|[,.;:)]|$)")
_BY_END_RE = re.compile(r"(?<![\w-])by(?:\s+(?:an|a|the|average|mean|margin|overall|relative|absolute|of|only|just|"
                        r"merely|roughly|nearly))*\s?$",
                        re.IGNORECASE)
_JUST_OF_RE = re.compile(r"\s?of\s?(?:only\s|just\s|merely\s|a\smere\s)?$", re.IGNORECASE)
_GAIN_OF_RE = re.compile(r"(?:\s+[\w-]+){0,4}\s+of\s?$")
_CV_AFTER_RE = re.compile(r"\s?cross[\s-]?validat", re.IGNORECASE)
_COMPARE_VERB_RE = re.compile(r"outperform|surpass|beat|exceed|better|superior|advantage", re.IGNORECASE)
_PREP_RE = re.compile(r"(?<![\w-])(?:at|to|with|on|in|for|from|of|than|over|against|versus|vs|using|reaching|"
                      r"reaches)(?![\w-])",
                      re.IGNORECASE)
_NO_INHERIT_RE = re.compile(r"[;:]|(?<![\w-])(?:show\w*|reveal\w*|achiev\w*|obtain\w*|reach\w*|attain\w*|find\w*|"
                            r"found|demonstrat\w*|yield\w*|report\w*|observ\w*|exhibit\w*|requir\w*|need\w*|"
                            r"scor\w*|using|uses|use)(?![\w-])", re.IGNORECASE)
_NOUN_AFTER_RE = re.compile(r"\s(?!(?:on|in|with|for|and|or|over|while|at|compared|relative|than|across|when|"
                            r"without|under|versus|vs|from|to|by|per|the|a|an)\b)[A-Za-z]")
_TO_BEFORE_RE = re.compile(r"(?<![\w-])to\s?$", re.IGNORECASE)
_RESPECTIVELY_RE = re.compile(r"(?<![\w-])respectively(?![\w])", re.IGNORECASE)
_CUE_JOIN_RE = re.compile(r"^\s?(?:,|and|&|/|or)\s?(?:and\s)?(?:the\s+)?$", re.IGNORECASE)
_BARE_BEFORE_OK_RE = re.compile(r"(?<![\w-])by(?:\s+(?:only|just|merely|an?\s+average\s+of|about))?\s?$|\+\s?$",
                                re.IGNORECASE)
_ADJ_AFTER_RE = re.compile(r"\s?(?:better|higher|worse|lower)(?![\w-])", re.IGNORECASE)
_DANGER_BEFORE_RE = re.compile(r"(?:@|\bTop-|\btop-|\bk\s?=\s?|\bn\s?=\s?|\bN\s?=\s?|=\s?|\bx\s?)$")
_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
_CLOSE_PAREN_RE = re.compile(r"\s?\*{0,2}\s?\)")


_WIN = 200
_SENT_CAND_RE = re.compile(r"[.!?\n]")


class _Frame(NamedTuple):
    """The previous claim of a sentence, as far as a cue-less number of its list inherits it."""
    category: str
    kind: str
    pol: Optional[str]
    fraction: bool


def _sentence_end_candidates(text: str) -> list[int]:
    """Sorted places where P.SENT_RE can match: ".!?" before whitespace or at the end, and "\\n\\n". On ASCII text
    they are found with bytes.find in a copy that keeps only those classes of characters (a regex scan costs more)."""
    if not text.isascii():
        return [c.start() for c in _SENT_CAND_RE.finditer(text)]
    classes = text.encode("ascii").translate(_SENT_CLASSES)
    out = literal_starts(classes, (b". ", b".\n", b"\n\n"))
    if classes.endswith(b"."):
        out.append(len(text) - 1)  # after every pair found, which starts at len - 2 at the latest
    return out


def _sentence_class(c: str) -> int:
    return ord(".") if c in ".!?" else ord("\n") if c == "\n" else ord(" ") if c.isspace() else ord("a")


_SENT_CLASSES = bytes(_sentence_class(chr(i)) for i in range(256))


def _sentences(text: str) -> list[tuple[int, int]]:
    out, s = [], 0
    for c in _sentence_end_candidates(text):
        m = P.SENT_RE.match(text, c)  # the look-behind exceptions (e.g., i.e, et al) only at candidates
        if m is None:
            continue
        out.append((s, m.end()))
        s = m.end()
    out.append((s, len(text)))
    return out


def _windows(text: str, quants) -> list[tuple[int, int]]:
    """Stretches of text around the quantities (cue words further away are never consulted)."""
    out: list[tuple[int, int]] = []
    n = len(text)
    for q in quants:
        a, b = max(0, q.start - _WIN), min(n, q.end + _WIN)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _split_at(windows: list[tuple[int, int]], cuts: list[int]) -> list[tuple[int, int]]:
    """The windows cut at the given (sorted) positions that fall inside them."""
    out: list[tuple[int, int]] = []
    i = 0
    for a, b in windows:
        while i < len(cuts) and cuts[i] <= a:
            i += 1
        while i < len(cuts) and cuts[i] < b:
            out.append((a, cuts[i]))
            a = cuts[i]
            i += 1
        out.append((a, b))
    return out


def _cues(text: str, windows) -> list[tuple[int, int, str, str]]:
    res = []
    for m in _word_matches(P.CUE_RE, P.CUE_SCAN, text, windows, P.CUE_DISPATCH):
        g = m.lastgroup
        w = text[m.start():m.end()]
        if w.upper() in _CS_UPPER and w not in P.CASE_SENSITIVE:
            continue  # acronyms count only as written: "AP", "EM", "RAM" but not "ap", "em", "ram"
        cat, kind = P.CUE_INFO[g]
        res.append((m.start(), m.end(), cat, kind))
    return res


def _pols(text: str, windows=None) -> list[tuple[int, int, str]]:
    if windows is None:
        windows = [(0, len(text))]
    return [(m.start(), m.end(), P.POL_INFO[m.lastgroup])
            for m in _word_matches(P.POL_RE, P.POL_SCAN, text, windows, P.POL_DISPATCH)]


def _word_matches(rx, scan, text: str, windows, low_dispatch: BranchDispatch) -> list[re.Match]:
    """rx.finditer restricted to the windows and to the word starts where rx can match at all (found by a cheap
    case-sensitive scan of the lower-cased text): the big alternations are tried only a few times per window.
    On ASCII text, `low_dispatch` (rx's lower-case twin, split by first letters) is matched on the lower-cased
    text instead: same spans and groups, faster."""
    low = lowered(text)
    if scan is None or len(low) != len(text):
        return [m for a, b in windows for m in rx.finditer(text, a, b)]
    ascii_text = text.isascii()
    out = []
    for a, b in windows:
        last = a
        for p in scan.starts(low, a, b):
            if p < last:
                continue
            m = low_dispatch.match(low, p, b) if ascii_text else rx.match(text, p, b)
            if m is not None and m.end() > p:
                last = m.end()
                out.append(m)
    return out


class _WindowSpans:
    """The cue (or polarity) spans of the windows, each window scanned only when a question first reaches it.

    Most windows are never asked about (their sentences hold only bare numbers or sizes), so most of the scanning
    is skipped; a window's spans do not depend on the other windows, so the answers are those of scanning all.
    """

    def __init__(self, find, text: str, windows: list[tuple[int, int]]):
        self._find, self._text, self._windows = find, text, windows
        self._starts = [w[0] for w in windows]
        self._spans: list[Optional[tuple[list, list[int]]]] = [None] * len(windows)  # (spans, their starts)

    def within(self, a: int, b: int) -> list:
        """The spans inside [a, b], in text order (found by bisection: a 40 KB sentence is asked ~20,000 times)."""
        out = []
        i = max(0, bisect_right(self._starts, a) - 1)  # windows are sorted and disjoint; a span lies in one
        while i < len(self._windows) and self._starts[i] < b:
            if self._windows[i][1] > a:
                found = self._spans[i]
                if found is None:
                    spans = sorted(self._find(self._text, [self._windows[i]]))
                    found = self._spans[i] = (spans, [sp[0] for sp in spans])
                spans, starts = found
                k = bisect_left(starts, a)
                while k < len(spans) and starts[k] <= b:
                    if spans[k][1] <= b:
                        out.append(spans[k])
                    k += 1
            i += 1
        return out


def _in(spans, a: int, b: int):
    if isinstance(spans, _WindowSpans):
        return spans.within(a, b)
    return [s for s in spans if s[0] >= a and s[1] <= b]


def _right_end(text: str, low_text: Optional[str], start: int, limit: int, hard: int) -> int:
    """End of the right context: skip a short parenthetical right after the number, stop at a clause word."""
    pos = start
    m = _CLOSE_PAREN_RE.match(text[pos:pos + 4])
    if m:
        pos += m.end()
    elif text.startswith(" (", pos) or text.startswith("(", pos):
        close = text.find(")", pos, min(hard, pos + 45))
        if close != -1 and "(" not in text[pos + 2:close]:
            pos = close + 1
            limit = max(limit, min(hard, pos + 60))
    if low_text is None:
        m = P.RIGHT_STOP_RE.search(text, pos, limit)
        return m.start() if m else limit
    w = next(word_finditer(P.RIGHT_STOP_WORDS_LOW, low_text, pos, limit, WORD_OR_HYPHEN), None)
    m = P.RIGHT_STOP_MARKS.search(text, pos, limit)  # not cut at w: "\.$" must see the same end
    return min(m.start() if m else limit, w.start() if w else limit)


def _left_start(text: str, low_text: Optional[str], lo: int, end: int) -> int:
    """End of the last clause stop in text[lo:end] (lo when there is none)."""
    last = lo
    if low_text is None:
        for m in P.LEFT_STOP_RE.finditer(text, lo, end):
            last = m.end()
        return last
    for m in word_finditer(P.LEFT_STOP_WORDS_LOW, low_text, lo, end, WORD_OR_HYPHEN):
        last = m.end()
    for m in P.LEFT_STOP_MARKS.finditer(text, last, end):
        last = m.end()
    return last


def _outperform(text: str, low_text: Optional[str], a: int, b: int) -> Optional[re.Match]:
    """P.OUTPERFORM_RE.search(text, a, b) ("outperforms", "better than" ...), on ASCII text from its lower-case twin."""
    if low_text is None:
        return P.OUTPERFORM_RE.search(text, a, b)
    return next(word_finditer(P.OUTPERFORM_LOW, low_text, a, b, WORD_OR_HYPHEN), None)


def _nearest_right(items, a: int, b: int):
    got = _in(items, a, b)
    return got[0] if got else None


def _nearest_left(items, a: int, b: int):
    got = _in(items, a, b)
    return got[-1] if got else None


def _direction(category: str, kind: str, pol: Optional[str]) -> str:
    if category == "quality":
        if pol is None:
            return "gain"
        good = pol == "GOOD" or (pol == "UP" and kind == "benefit") or (pol == "DOWN" and kind == "cost")
        return "gain" if good else "drop"
    if pol is None:
        return "reduction" if kind == "cost" else "increase"
    if kind == "cost":
        return "reduction" if pol in ("DOWN", "GOOD") else "overhead"
    return "increase" if pol in ("UP", "GOOD") else "overhead"


def _bound(text: str, lo: int, start: int) -> tuple[Optional[str], int]:
    got = _hedge_before(text, max(lo, start - 30), start)
    if not got:
        return None, start
    kind, h_start, _ = got
    outer = _hedge_before(text, max(lo, h_start - 30), h_start)  # "up to ~25%": the outer hedge wins
    if outer and outer[2] == h_start:
        return outer[0], outer[1]
    return got[0], h_start


_BOUND_KINDS = ("up_to", "at_least", "approx", "less_than")
_BOUND_LOW = P.lower_twin(P.BOUND_RE)


def _hedge_before(text: str, a: int, b: int) -> Optional[tuple[str, int, int]]:
    """(kind, start, end) of P.BOUND_RE.search(text, a, b); on ASCII text its lower-case twin does the search
    (BOUND_RE has no look-behind, so searching the slice text[a:b] gives the same match)."""
    if text.isascii():
        m, off = _BOUND_LOW.search(text[a:b].lower()), a
    else:
        m, off = P.BOUND_RE.search(text, a, b), 0
    if m is None:
        return None
    return next(k for k in _BOUND_KINDS if m.group(k)), off + m.start(), off + m.end()


def _fmt_num(v: float) -> float:
    return float(round(v, 6))


def extract_claims(abstract: str, quants: Optional[list[Quantity]] = None) -> list[dict]:
    """Every quantified efficiency/quality comparison in `abstract` (see the module docstring); `quants` is
    find_quantities(abstract) when the caller has it already."""
    text = abstract or ""
    if not text:
        return []
    if quants is None:
        quants = find_quantities(text)
    if not quants:
        return []
    lowered_text = lowered(text) if text.isascii() else None  # for the lower-case twins of the clause-word patterns
    sentences = _sentences(text)
    # Cue and polarity words are looked for sentence by sentence, only in the sentences that need them. No cue or
    # polarity pattern can match ".", "!" or "?" (test_extract_shortcuts checks), so a window cut where a sentence
    # ends with one of them gives the same matches on each side as the whole window.
    windows = _split_at(_windows(text, quants), [e for _s, e in sentences[:-1] if text[e - 1] in ".!?"])
    cues = _WindowSpans(_cues, text, windows)
    pols = _WindowSpans(_pols, text, windows)
    out: list[dict] = []
    seen: set = set()
    qi = 0
    for s0, s1 in sentences:
        qs = []
        while qi < len(quants) and quants[qi].start < s1:
            if quants[qi].end <= s1:
                qs.append(quants[qi])
            qi += 1
        if not qs:
            continue
        for q in qs:
            if q.unit == "mag":
                c = _extra_params(text, q)
                if c:
                    out.append(c)
        qs = [q for q in qs if q.unit != "mag" and not _PM_BEFORE_RE.search(text, max(s0, q.start - 6), q.start)]
        if qs and not P.BACKGROUND_RE.match(text, s0):
            out.extend(_sentence_claims(text, lowered_text, s0, s1, qs, cues, pols, seen))
    out.sort(key=lambda c: c["start"])
    return out


@dataclass(slots=True)
class _Sentence:
    """One sentence's inputs, shared by its items, and what links each claim to the previous one."""
    text: str
    low_text: Optional[str]
    s0: int
    s1: int
    cues: object
    pols: object
    seen: set
    items: list  # (quantity, from-quantity or None, start of the whole)
    members: list  # per item: the indexes of the items in its list group
    prev_claim_end: int
    prev_frame: Optional[_Frame] = None


@dataclass(slots=True)
class _Item:
    """The decisions taken about one number (or one "from A to B" / "A vs B" pair) on its way to claims."""
    k: int
    q: Quantity
    fq: Optional[Quantity]
    qstart: int
    bound: Optional[str] = None  # hedge before the number ("up to") and where it starts (else qstart)
    bstart: int = 0
    within: bool = False
    left_a: int = 0  # contexts: [left_a, bstart) and [num_end, right_b); the list's right one [g_right_a, g_right_b)
    num_end: int = 0
    right_b: int = 0
    g_right_a: int = 0
    g_right_b: int = 0
    own_r_cue: Optional[tuple] = None  # cues are (start, end, category, kind), polarities (start, end, pol)
    own_l_cue: Optional[tuple] = None
    own_r_pol: Optional[tuple] = None
    own_l_pol: Optional[tuple] = None
    g_r_cue: Optional[tuple] = None
    g_r_pol: Optional[tuple] = None
    outperf: Optional[re.Match] = None
    cue: Optional[tuple] = None
    cue_side: Optional[str] = None  # "r", "gr" (right of the list's last number) or "l"
    pol_item: Optional[tuple] = None
    pol: Optional[str] = None
    pol_src: Optional[str] = None  # "r", "l", "gr", "plus", "within", "inherit", "word"
    before: str = ""
    fraction: bool = False
    cat: str = ""  # what the claim says: category, kind of metric, unit, value, direction, span
    kind: str = ""
    unit: str = ""
    value: float = 0.0
    low: Optional[float] = None
    direction: str = ""
    start: int = 0
    end: int = 0


def _sentence_claims(text, low_text, s0, s1, qs, cues, pols, seen) -> list[dict]:
    """The claims of one sentence: numbers paired and grouped, then each taken through the stages of _claim_item."""
    items = _merge_pairs(text, s0, qs)
    if _only_bare_levels(text, s0, s1, items, pols):
        return []
    sn = _Sentence(text, low_text, s0, s1, cues, pols, seen, items, _list_groups(text, items), s0)
    res: list[dict] = []
    for k, (q, fq, qstart) in enumerate(items):
        it = _Item(k, q, fq, qstart)
        if not _claim_item(sn, it):
            continue
        res.extend(_emit(sn, it, _joined_cues(sn, it)))
        sn.prev_claim_end = max(q.end, it.end)
        sn.prev_frame = _Frame(it.cat, it.kind, it.pol if fq is None else None, it.fraction)
    return res


def _claim_item(sn: _Sentence, it: _Item) -> bool:
    """Decide one item stage by stage; False as soon as a stage finds it is not a claim."""
    if _is_never_claim(sn, it):
        return False
    _contexts(sn, it)
    _context_words(sn, it)
    _choose_cue(sn, it)
    _first_polarity(sn, it)
    if not _category(sn, it):
        return False
    _resolve_polarity(sn, it)
    if not _check_unit(sn, it):
        return False
    _value_direction(sn, it)
    _span(sn, it)
    return True


def _merge_pairs(text: str, s0: int, qs: list[Quantity]) -> list[tuple[Quantity, Optional[Quantity], int]]:
    """'from A to B' and 'A versus B' are one claim about B (resp. A) with `from`; a quoted '(A vs B)' restates."""
    items: list[tuple[Quantity, Optional[Quantity], int]] = []
    i = 0
    while i < len(qs):
        q = qs[i]
        if i + 1 < len(qs) and q.unit != "mag" and qs[i + 1].unit != "mag":
            nxt = qs[i + 1]
            gap = text[q.end:nxt.start]
            if _FROM_GAP_RE.match(gap) and _FROM_BEFORE_RE.search(text, max(s0, q.start - 8), q.start) \
                    and not _RANGE_FROM_RE.search(text, max(s0, q.start - 24), q.start):
                if q.unit in (nxt.unit, "") and nxt.value != q.value and nxt.unit != "x":
                    items.append((nxt, q, q.start))
                    i += 2
                    continue
            if _VS_GAP_RE.match(gap) and q.unit == nxt.unit and q.unit in ("%", "", "other") \
                    and nxt.value != q.value:
                if text[max(s0, q.start - 2):q.start].strip() != "(":
                    items.append((q, nxt, q.start))
                i += 2  # "(50.4% vs 52.1%)" after a claim only restates it
                continue
        items.append((q, None, q.start))
        i += 1
    return items


def _list_groups(text: str, items) -> list[list[int]]:
    """Numbers separated only by connectors ("2.1x, 2.5x and 3.0x faster") form a list that shares its cue."""
    groups: list[list[int]] = []
    for k, (_q, _f, st) in enumerate(items):
        if k == 0 or not _LIST_GAP_RE.match(text[items[k - 1][0].end:st]):
            groups.append([])
        groups[-1].append(k)
    return [g for g in groups for _k in g]


def _is_never_claim(sn: _Sentence, it: _Item) -> bool:
    """Numbers no context makes a claim: years, indexes, "(1)", figures quoted in passing, settings. Sets the bound."""
    text, s0, q, qstart = sn.text, sn.s0, it.q, it.qstart
    if q.word == "" and q.unit == "" and it.fq is None:
        if _YEAR_RE.match(text[q.start:q.end]) or _DANGER_BEFORE_RE.search(text, max(s0, q.start - 4), q.start):
            return True
        if text.startswith(")", q.end) and text[max(0, q.start - 1):q.start] == "(":
            return True  # "(1) boost ..."
    it.bound, it.bstart = _bound(text, s0, qstart)
    it.within = it.bound == "less_than" and text.startswith("within", it.bstart)
    if it.fq is None and q.unit in ("%", "pp", "", "x") and text[max(s0, qstart - 1):qstart] == "(" \
            and text.startswith(")", q.end):
        return True  # "than Qwen3-VL-235B (58.9%)", "decisions (17x)": a figure quoted in passing
    if _AT_SETTING_BEFORE_RE.search(text, max(s0, it.bstart - 25), it.bstart) and _SETTING_AFTER_RE.match(text, q.end):
        return True  # "at a 20% KV-cache budget", "at an approximate 2x compression ratio": a setting
    if q.word == "half" and _HALF_TIME_RE.match(text, qstart):
        return True  # "less than half the time": frequency, not speed
    return False


def _contexts(sn: _Sentence, it: _Item) -> None:
    """Where to look for words about the number: left back to the previous claim, right up to the next number,
    and right of the last number of its list."""
    text, low_text, s1, items, k, q = sn.text, sn.low_text, sn.s1, sn.items, it.k, it.q
    left_lo = max(sn.prev_claim_end, it.qstart - 140, sn.s0)
    it.left_a = _left_start(text, low_text, left_lo, it.bstart)
    it.num_end = q.end - len(q.unit_text) if q.unit == "other" else q.end
    nxt_start = items[k + 1][2] if k + 1 < len(items) else s1
    it.right_b = _right_end(text, low_text, it.num_end, min(s1, nxt_start, it.num_end + 70), s1)
    last = sn.members[k][-1]
    it.g_right_b = it.right_b
    if k != last:
        lq = items[last][0]
        after_last = items[last + 1][2] if last + 1 < len(items) else s1
        it.g_right_b = _right_end(text, low_text, lq.end, min(s1, after_last, lq.end + 70), s1)
    it.g_right_a = items[last][0].end if k != last else it.num_end


def _context_words(sn: _Sentence, it: _Item) -> None:
    """The nearest cue and polarity word on each side of the number and right of its list."""
    text, cues, pols, num_end, right_b = sn.text, sn.cues, sn.pols, it.num_end, it.right_b
    it.own_r_cue = _clean_right(text, num_end, _nearest_right(cues, num_end, right_b))
    if it.own_r_cue and any(_PREP_RE.search(text, num_end, p[0]) for p in _in(pols, num_end, it.own_r_cue[0])):
        it.own_r_cue = None  # "Pruning 50% of heads degrades accuracy": the cue belongs to a later verb
    it.own_l_cue = _nearest_left(cues, it.left_a, it.bstart)
    it.own_r_pol = _clean_right(text, num_end, _nearest_right(pols, num_end, right_b))
    if it.own_r_pol and (it.own_r_pol[0] - num_end > 35 or _PREP_RE.search(text, num_end, it.own_r_pol[0])):
        it.own_r_pol = None  # "88% attack success rate at distances greater than": not about the number
    it.own_l_pol = _left_pol(text, pols, it.left_a, it.bstart)
    if sn.members[it.k][-1] != it.k:
        it.g_r_cue = _clean_right(text, it.g_right_a, _nearest_right(cues, it.g_right_a, it.g_right_b))
        it.g_r_pol = _clean_right(text, it.g_right_a, _nearest_right(pols, it.g_right_a, it.g_right_b))


def _choose_cue(sn: _Sentence, it: _Item) -> None:
    """The cue that names what is measured: its own right, the list's right, or its own left (an
    "outperforms" before the cue makes it a quality gain)."""
    text, bstart, own_l_cue = sn.text, it.bstart, it.own_l_cue
    it.outperf = _outperform(text, sn.low_text, it.left_a, bstart)
    if it.own_r_cue:
        it.cue, it.cue_side = it.own_r_cue, "r"
    elif it.g_r_cue and (not own_l_cue or it.outperf or (it.g_r_cue[0] - it.g_right_a) <= (bstart - own_l_cue[1])):
        it.cue, it.cue_side = it.g_r_cue, "gr"
    elif own_l_cue and it.own_r_pol and it.own_r_pol[0] - it.num_end <= 3 and _is_generic_gain(text, it.own_r_pol) \
            and bstart - own_l_cue[1] > 12 and own_l_cue[2] != "quality" \
            and not _BY_BEFORE_RE.search(text, bstart - 4, bstart):
        it.cue, it.cue_side = None, None  # "... benchmarks (more than 5% improvement": a quality gain
    elif own_l_cue:
        outperf = it.outperf
        if outperf and outperf.start() < own_l_cue[0] and own_l_cue[2] != "quality" \
                and not _in(sn.pols, outperf.end(), bstart):
            it.cue = (outperf.start(), outperf.end(), "quality", "benefit")
        else:
            it.cue = own_l_cue
        it.cue_side = "l"


def _first_polarity(sn: _Sentence, it: _Item) -> None:
    """Which way it moved, from the nearest polarity word (own right, own left, list's right), a '+' or 'within'."""
    it.pol_item = it.own_r_pol or it.own_l_pol or it.g_r_pol
    it.pol = it.pol_item[2] if it.pol_item else None
    it.pol_src = "r" if it.own_r_pol else ("l" if it.own_l_pol else ("gr" if it.g_r_pol else None))
    it.before = sn.text[max(sn.s0, it.qstart - 3):it.qstart]
    if it.pol is None and _PLUS_BEFORE_RE.search(it.before):
        it.pol, it.pol_src = "GOOD", "plus"
    if it.pol is None and it.within:
        it.pol, it.pol_src = "BAD", "within"  # "within 1% of the dense model", "within 0.5 points of GPT-4"


def _category(sn: _Sentence, it: _Item) -> bool:
    """Category and kind from the cue; without one, a generic gain, a score comparison, or the previous claim of
    a list ("reducing X by 8x and Y by 2.4x") decides; False when nothing does."""
    if it.cue is not None:
        it.cat, it.kind = it.cue[2], it.cue[3]
        return True
    text, q, pol_item, bstart, num_end = sn.text, it.q, it.pol_item, it.bstart, it.num_end
    generic = bool(pol_item) and (_is_generic_gain(text, pol_item) or (
        pol_item is it.own_r_pol and _THAN_AFTER_RE.match(text, pol_item[1]) is not None
        and text[pol_item[0]:pol_item[1]].lower() in ("higher", "better")))
    prev_end, frame = sn.prev_claim_end, sn.prev_frame
    if generic and q.unit in ("%", "pp", ""):
        it.cat, it.kind = "quality", "benefit"
    elif q.unit == "%" and P.STRONG_KEEP_RE.search(text, max(it.left_a, bstart - 25), bstart) \
            and _OF_AFTER_RE.match(text, q.end):
        it.cat, it.kind = "quality", "benefit"  # "while retaining 97% of its language understanding"
    elif frame is not None and not _in(sn.cues, prev_end, it.qstart) and not it.own_r_cue \
            and _LIST_CONJ_RE.search(text, prev_end, it.qstart) and _can_inherit(text, prev_end, it.qstart):
        if it.pol is None or (frame.pol and q.unit in ("%", "pp") and frame.fraction):
            it.pol, it.pol_src = frame.pol, "inherit"
        it.cat, it.kind, it.fraction = frame.category, frame.kind, frame.fraction
    elif it.outperf and q.unit == "x" and (speed := _speed_cue_before(sn, it.qstart)):
        it.cat, it.kind = speed[2], speed[3]  # "7.9x speedup, outperforming A and B by 1.36x and 1.74x"
    elif it.outperf or (it.fq is not None and q.unit in ("%", "pp")) or q.unit == "pp" or (
            q.unit == "" and P.METRIC_POINT_RE.match(text, num_end, min(sn.s1, num_end + 45))
            and (it.pol is not None or it.within)):
        it.cat, it.kind = "quality", "benefit"  # "58% versus 31% for ReAct": two scores side by side
    else:
        return False
    return True


def _speed_cue_before(sn: _Sentence, a: int):
    """The sentence's last speed cue before a: a factor that "outperforms" the rivals of a speed-up is one too."""
    speed = [c for c in _in(sn.cues, sn.s0, a) if c[2] == "speed"]
    return speed[-1] if speed else None


def _resolve_polarity(sn: _Sentence, it: _Item) -> None:
    """Polarity inherited from the previous claim of a list, fixed by a number word ("half"), or dropped when
    the left polarity word does not govern the number ("exceeds 80%")."""
    text, q, frame, prev_end = sn.text, it.q, sn.prev_frame, sn.prev_claim_end
    if it.cue is not None and it.pol is None and frame is not None and frame.fraction \
            and it.cat == frame.category and q.unit == "%":
        it.fraction = True
    if it.pol is None and frame is not None and frame.pol and prev_end > sn.s0 \
            and not _in(sn.pols, prev_end, it.qstart) and _LIST_CONJ_RE.search(text, prev_end, it.qstart) \
            and _can_inherit(text, prev_end, it.qstart):
        it.pol, it.pol_src = frame.pol, "inherit"
        it.fraction = it.fraction or (frame.fraction and it.cat == frame.category)
    if q.word == "half":
        it.pol, it.pol_src = "DOWN", "word"
    elif q.word == "double" and it.pol is None:
        it.pol, it.pol_src = "UP", "word"
    if it.pol_src == "l" and it.fq is None and not _left_pol_linked(text, it.own_l_pol, it.bstart, it.bound):
        it.pol, it.pol_src = None, None
        if _PLUS_BEFORE_RE.search(it.before):
            it.pol, it.pol_src = "GOOD", "plus"


def _check_unit(sn: _Sentence, it: _Item) -> bool:
    """Each unit needs its own evidence that the figure is a change (see the _check_* stages); may fix the unit."""
    q = it.q
    it.unit, it.value, it.low = q.unit, q.value, q.low
    if it.fq is not None:
        it.unit = q.unit if q.unit in ("%", "x", "pp") else "other"
        it.pol = "UP" if q.value > it.fq.value else "DOWN"
        return True
    if q.unit == "":
        return _check_bare(sn, it)
    if q.unit == "other":
        return _check_other(sn, it)
    if q.unit in ("%", "pp"):
        return _check_percent(sn, it)
    if q.unit == "x":
        return _check_times(sn, it)
    return True


def _check_bare(sn: _Sentence, it: _Item) -> bool:
    """A bare number counts as points ("2.1 points", "3.6 mIoU", "by 2.1") or as an amount of a named change."""
    text, s0, s1, q, num_end, bstart = sn.text, sn.s0, sn.s1, it.q, it.num_end, it.bstart
    own_r_pol, own_r_cue, cue = it.own_r_pol, it.own_r_cue, it.cue
    mp = P.METRIC_POINT_RE.match(text, num_end, min(s1, num_end + 45))
    ma = P.METRIC_AFTER_RE.match(text, num_end, min(s1, num_end + 30))
    by = _BARE_BEFORE_OK_RE.search(text, max(s0, bstart - 22), bstart)
    near_pol = own_r_pol and own_r_pol[0] - num_end <= 30
    if it.within and it.pol is None:
        it.pol, it.pol_src = "BAD", "within"  # "within 0.5 points of GPT-4"
    if (mp and (it.pol or by)) or (ma and (near_pol or by or _PLUS_BEFORE_RE.search(it.before))):
        it.unit = "pp"
        it.cat, it.kind = ("quality", cue[3] if cue and cue[2] == "quality" else "benefit")
    elif it.cat == "quality" and _ADJ_AFTER_RE.match(text, num_end):
        it.unit = "pp"
    elif it.cat == "quality" and by and it.pol and it.own_l_pol and q.value < 100 \
            and it.outperf is None and it.own_l_cue:
        it.unit = "pp"
    elif near_pol and own_r_pol[2] in ("GOOD", "DOWN", "UP", "BAD") and own_r_cue and \
            own_r_cue[2] == "quality" and own_r_cue[0] - num_end <= 40 and _pol_is_noun(text, own_r_pol):
        it.unit = "other"
    elif not q.word:
        return False
    return not (it.unit == "pp" and it.cat != "quality")


def _check_other(sn: _Sentence, it: _Item) -> bool:
    """An amount in GB/ms/kWh counts only as the size of a change: "saves 2.4 GB of memory", "0.39 dB gains"."""
    text, bstart, own_r_pol = sn.text, it.bstart, it.own_r_pol
    if own_r_pol and own_r_pol[0] - it.num_end <= 25 and _pol_is_noun(text, own_r_pol):
        return not (it.cat != "quality" and not it.own_r_cue)  # "0.36 average reduction in KL divergence"
    return it.pol_src == "l" and (it.cat != "quality" or it.q.unit_text == "dB") \
        and bool(_BY_END_RE.search(text, max(sn.s0, bstart - 40), bstart) or bstart - it.own_l_pol[1] <= 2)


def _check_percent(sn: _Sentence, it: _Item) -> bool:
    """A % or pp figure: levels ("accuracy of 84%", "rises to 81.8%") and shares ("60% of total gain") are not
    changes; a fraction kept or used is."""
    text, s0, q, bstart = sn.text, sn.s0, it.q, it.bstart
    if it.unit == "%" and P.ABSOLUTE_RE.match(text, q.end):
        it.unit = "pp"
    if it.unit == "pp" and it.cat != "quality":
        qc = it.own_r_cue if it.own_r_cue and it.own_r_cue[2] == "quality" else None
        it.cat, it.kind = "quality", (qc[3] if qc else "benefit")
    if it.own_l_cue and not it.own_r_pol and it.pol_src != "l" and _OF_BEFORE_RE.match(text, it.own_l_cue[1], bstart):
        return False  # "an RMSE of 0.61%", "accuracy of 84%": a level, not a change
    if _OF_SHARE_RE.match(text, q.end) or (
            not it.own_r_pol and not it.own_l_pol and _BUDGET_AFTER_RE.match(text, q.end)):
        return False  # "60% of total gain", "at a 20% KV-cache budget": a share or a setting
    if it.within and it.pol is None and it.cat == "quality":
        it.pol, it.pol_src = "BAD", "within"  # "accuracy within 1% of the dense model": at most 1% lost
    _mark_fraction(sn, it)
    if it.pol is None and not it.fraction:
        return False
    if _PAREN_PLUS_AFTER_RE.match(text, q.end):
        return False
    if _TO_BEFORE_RE.search(text, max(s0, bstart - 12), bstart) and not it.own_r_pol and q.unit == "%":
        if _OF_AFTER_RE.match(text, q.end) and it.pol in ("DOWN", "GOOD", None) and it.cat != "quality":
            it.fraction = True  # "reduced to 20% of the original size"
        elif it.pol_src != "inherit":
            return False  # "accuracy rises to 81.8%", "plummets to just 20%": a level reached
    if it.unit == "pp" and it.cat != "quality":
        it.unit = "%"
    return True


def _mark_fraction(sn: _Sentence, it: _Item) -> None:
    """'retains 95% of', 'with only 11% of the tokens', 'reduces memory to 30% of the original': a share kept or
    used, reported later as what was saved or lost (100 - X)."""
    text, q, bstart = sn.text, it.q, it.bstart
    fr = not it.within and _is_fraction(text, q, it.left_a, bstart, it.own_r_pol, it.num_end, it.right_b, it.cat)
    if not fr and it.pol is None and it.own_l_pol is not None and it.own_l_pol[2] == "DOWN" and q.unit == "%" \
            and _TO_BEFORE_RE.search(text, max(sn.s0, bstart - 12), bstart) and _OF_AFTER_RE.match(text, q.end):
        fr = True
    if fr and not q.word and (it.pol is None or it.pol_src == "inherit"):
        it.fraction, it.pol = True, None


def _check_times(sn: _Sentence, it: _Item) -> bool:
    """An 'x' figure: settings ("using 2x iterations", "5-fold cross-validation") and comparisons of something
    else ("10x more data") are not ours."""
    text, q, bstart = sn.text, it.q, it.bstart
    if it.pol is None and _SETTING_BEFORE_RE.search(text, max(sn.s0, bstart - 7), bstart) \
            and _NOUN_AFTER_RE.match(text, q.end):
        return False
    if _CV_AFTER_RE.match(text, q.end):
        return False
    adj = _COMPARATIVE_RE.match(text, q.end)
    return not (adj and not _in(sn.cues, adj.start(1), adj.end(1))
                and not (it.own_r_cue and it.own_r_cue[0] - adj.end(1) <= 12)
                and not _THAN_OR_END_RE.match(text, adj.end(1)))


def _value_direction(sn: _Sentence, it: _Item) -> None:
    """Value and direction; a fraction kept becomes what was saved or lost (100 - X, with the bound flipped)."""
    text, q, cue, pol_item = sn.text, it.q, it.cue, it.pol_item
    if it.fraction and it.unit == "%" and it.fq is None:
        value = 100.0 - q.value
        low = (100.0 - q.low) if q.low is not None else None
        if low is not None:
            value, low = max(value, low), min(value, low)
        it.value, it.low = value, low
        it.direction = "drop" if it.cat == "quality" else "reduction"
        it.bound = {"less_than": "at_least", "at_least": "up_to"}.get(it.bound, it.bound)
    else:
        it.direction = _direction(it.cat, it.kind, it.pol)
        if it.cat == "quality" and it.kind == "cost" and cue is not None and pol_item is not None \
                and it.fq is None and cue[0] < pol_item[0] and pol_item[1] <= cue[1] \
                and _QUALITY_DROP_CUE_RE.match(text, cue[0]):
            it.direction = "drop"  # "1% accuracy drop": the cue word itself is the movement
        if it.cat == "speed" and pol_item is not None and it.pol == "UP" and _SPEEDUP_RE.match(text, pol_item[0]):
            it.direction = "increase"  # "2.7x end-to-end latency speedup"
        it.fraction = False
    if it.bound is None and P.BOUND_AFTER_RE.match(text, q.end):
        it.bound = "at_least"


def _span(sn: _Sentence, it: _Item) -> None:
    """The text span: bound + number + unit, stretched to the cue / polarity word that made it a claim."""
    text, s0, s1, q, qstart, bstart = sn.text, sn.s0, sn.s1, it.q, it.qstart, it.bstart
    cue, own_r_pol, own_l_pol = it.cue, it.own_r_pol, it.own_l_pol
    start = min(bstart, it.fq.start if it.fq is not None else qstart)
    if it.pol_src == "plus" and text[max(s0, qstart - 1):qstart] == "+":
        start = min(start, qstart - 1)  # "+5.9%"
    end = q.end
    if it.unit == "pp" and q.unit == "":
        mp = P.METRIC_POINT_RE.match(text, it.num_end, min(s1, it.num_end + 45))
        end = mp.end() if mp else end  # "0.27 test perplexity points"
    if own_r_pol is not None and own_r_pol[0] - end <= 30:
        end = max(end, own_r_pol[1])  # "75.8% GPU memory reduction", "up to 2.4x faster"
        nxt_cue = _nearest_right(sn.cues, end, min(s1, end + 30))
        if nxt_cue is not None and nxt_cue[0] - end <= 14 and _clean_right(text, end, nxt_cue):
            end = nxt_cue[1]  # "19% fewer training iterations", "5times lower latency"
    elif cue is not None and it.cue_side == "r" and cue[0] - end <= 40:
        end = max(end, cue[1])  # "46% token budget"
    elif it.pol_src == "plus":
        pass
    elif it.cue_side == "l" and cue is not None and bstart - cue[1] <= 25:
        start = min(start, cue[0])  # "memory usage by about 50%"
    elif own_l_pol and bstart - own_l_pol[1] <= 30:
        start = min(start, own_l_pol[0])  # "improve 8.2%"
    it.start, it.end = _trim(text, start, end)


def _joined_cues(sn: _Sentence, it: _Item) -> list[tuple[str, str]]:
    """(category, kind) per joined cue: "2 to 25 times fewer parameters and operations" is two claims; with
    "respectively" each number of the list takes its own cue."""
    cats = [(it.cat, it.kind)]
    cue = it.cue
    if cue is None or it.cue_side not in ("r", "gr"):
        return cats
    text, members = sn.text, sn.members[it.k]
    j_end = cue[1]
    side_b = it.right_b if it.cue_side == "r" else it.g_right_b
    for c in _in(sn.cues, j_end, side_b):
        if not _CUE_JOIN_RE.match(text[j_end:c[0]]):
            break
        if c[2] not in [x[0] for x in cats]:
            cats.append((c[2], c[3]))
        j_end = c[1]
    if len(cats) > 1 and len(members) > 1 and _RESPECTIVELY_RE.search(text, j_end, min(sn.s1, j_end + 20)):
        idx = it.k - members[0]
        cats = [cats[idx]] if idx < len(cats) else [cats[-1]]
    return cats


def _emit(sn: _Sentence, it: _Item, cats: list[tuple[str, str]]) -> list[dict]:
    """One claim dict per category, unless the same figure about the same thing was already reported."""
    out: list[dict] = []
    for cat_i, kind_i in cats:
        if cat_i == it.cat:
            d = it.direction
        elif it.fraction:
            d = "drop" if cat_i == "quality" else "reduction"
        else:
            d = _direction(cat_i, kind_i, it.pol)
        if cat_i != "quality" and it.unit == "pp":
            continue
        key = (cat_i, round(it.value, 4), it.unit, d, _cue_words(sn.text, it.cue, cat_i, cats))
        if key in sn.seen:
            continue
        sn.seen.add(key)
        c: dict = {"category": cat_i, "value": _fmt_num(it.value)}
        if it.low is not None:
            c["low"] = _fmt_num(it.low)
        if it.fq is not None:
            c["from"] = _fmt_num(it.fq.value)
        c["unit"] = it.unit
        c["direction"] = d
        if it.bound:
            c["bound"] = it.bound
        c.update(text=sn.text[it.start:it.end], start=it.start, end=it.end)
        out.append(c)
    return out


def _only_bare_levels(text: str, s0: int, s1: int, items, pols) -> bool:
    """True when no item of the sentence can become a claim, decided cheaply (most sentences with numbers):
    every number is bare (no unit, no number word, no "from A to B" / "A vs B"), none is followed by a metric
    ("2.1 points", "3.6 mIoU", "2 better"), and the sentence has no polarity word. A bare number becomes a claim
    only through one of those (see _check_bare), so skipping it changes nothing.
    """
    for q, fq, _st in items:
        if fq is not None or q.unit != "" or q.word != "":
            return False
    if _in(pols, s0, s1):
        return False
    for q, _fq, _st in items:
        if P.METRIC_POINT_RE.match(text, q.end, min(s1, q.end + 45)) \
                or P.METRIC_AFTER_RE.match(text, q.end, min(s1, q.end + 30)) or _ADJ_AFTER_RE.match(text, q.end):
            return False
    return True


_CONJ_RE = re.compile(r",|(?<![\w-])(?:and|or)(?![\w-])", re.IGNORECASE)


def _clean_right(text: str, a: int, item):
    """A cue/polarity to the right counts only if no conjunction separates it from the number."""
    if item is None or _CONJ_RE.search(text, a, item[0]):
        return None
    return item


def _left_pol(text: str, pols, a: int, b: int):
    """Nearest polarity word on the left that governs the number: 'reduces memory by 50%', 'saves up to 46%'."""
    by = _BY_BEFORE_RE.search(text, max(a, b - 5), b) is not None
    adj = None
    for item in reversed(_in(pols, a, b)):
        ok = (b - item[1] <= 45 and "," not in text[item[1]:b]) or by
        if not ok:
            break
        w = text[item[0]:item[1]].lower()
        if w in _LEFT_ADJ_POL and b - item[1] > 2:
            adj = adj or item  # "decreases the additional overhead by": the verb decides, else the adjective
            continue
        return item
    return adj


def _can_inherit(text: str, a: int, b: int) -> bool:
    """A number continues the previous claim only across a short list-like gap ("..., and up to 94.6% on ...")."""
    return b - a <= 90 and _NO_INHERIT_RE.search(text, a, b) is None


def _left_pol_linked(text: str, item, b: int, bound: Optional[str]) -> bool:
    """Does the polarity word on the left govern the number? 'improves X by 5%', 'improvement of 12%',
    'saves up to 46%', 'improve accuracy up to 18%' yes; 'exceeds 80%', 'surpassing X at 70.9%' no."""
    between = text[item[1]:b]
    if _BY_END_RE.search(between) or _JUST_OF_RE.match(between):
        return True
    if _GAIN_OF_RE.match(between) and _is_generic_gain(text, item):
        return True  # "gain a weighted F1-score of 5.1%"
    if _COMPARE_VERB_RE.match(text, item[0]):
        return bound in ("up_to", "at_least") and len(between.split()) <= 6
    if len(between.split()) > 3 or _PREP_RE.search(between):
        return False
    return True


def _cue_words(text: str, cue, cat: str, cats) -> str:
    """What the figure is about, for telling a restated figure from a new one ("CO2 by 69%, energy by 69%")."""
    if cue is None or len(cats) > 1:
        return cat
    return text[cue[0]:cue[1]].lower()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " *$(":
        start += 1
    while end > start and text[end - 1] in " *":
        end -= 1
    return start, end


def _pol_is_noun(text: str, pol_item) -> bool:
    w = text[pol_item[0]:pol_item[1]].lower()
    return w.endswith(_POL_NOUN_ENDS)


def _is_generic_gain(text: str, pol_item) -> bool:
    w = text[pol_item[0]:pol_item[1]].lower()
    return w.startswith(_GENERIC_GAIN_STARTS)


def _is_fraction(text, q, left_a, bstart, own_r_pol, num_end, right_b, cat) -> bool:
    """'retains 95% of the accuracy', 'with only 11% of the tokens', 'at 2.8% memory footprint'."""
    if own_r_pol and own_r_pol[0] - num_end <= 25:
        return False  # "46% fewer", "60% reduction": a change, not a share
    lp = _nearest_left(_pols(text[left_a:bstart]), 0, bstart - left_a)
    win = text[max(left_a, bstart - 40):bstart]
    keep = P.KEEP_RE.search(win)
    only = _ONLY_BEFORE_RE.search(text, max(left_a, bstart - 22), bstart)
    of_after = _OF_AFTER_RE.match(text, q.end)
    if lp is not None and (left_a + lp[1]) > bstart - 25 and not keep:
        return False  # "reduces 51% of carbon emission"
    if cat == "quality":
        if not keep:
            return False
        strong = P.STRONG_KEEP_RE.match(win, keep.start()) is not None and \
            not win[keep.start():keep.start() + 4].lower() in ("main", "keep")
        close = bstart - (max(left_a, bstart - 40) + keep.end()) <= 12
        return bool(of_after) and _OF_SHARE_RE.match(text, q.end) is None or (strong and close)
    if only:
        return True
    return bool(keep) and bool(of_after)


def _extra_params(text: str, q: Quantity) -> Optional[dict]:
    """'only 4M additional parameters': the price paid in size, unit `other`."""
    m = _ADDITIONAL_PARAMS_RE.match(text, q.end)
    if not m or not q.unit_text or q.unit_text.upper() not in ("K", "M", "B", "MILLION", "BILLION", "THOUSAND"):
        return None
    bound, bstart = _bound(text, 0, q.start)
    start, end = _trim(text, min(bstart, q.start), m.end())
    c: dict = {"category": "size", "value": _fmt_num(q.value), "unit": "other", "direction": "overhead"}
    if bound:
        c["bound"] = bound
    c.update(text=text[start:end], start=start, end=end)
    return c
