"""Find the quantities an abstract states: numbers with their unit, ranges and number words.

`find_quantities(text)` returns `Quantity` tuples in text order, never overlapping. Only the surface is
parsed here (value, range, unit, where it sits); deciding whether a quantity is a *claim* is claims.py's job.

Units: "x" (2x, 2.7×, $2.7\\times$, 2.7times, 2-fold, 3 times, a factor of 5), "%" (5%, 5\\%, 5 percent),
"pp" (5%p, 5 pp, 5 percentage points), "mag" (7B, 103K: sizes, never claims by themselves), "other" (dB,
seconds, GB ...), "" (a bare number).
All regexes are precompiled and linear: no nested quantifiers over the same characters.
"""
from __future__ import annotations

import re
from typing import Iterator, NamedTuple, Optional

from .regex_prefixes import match_prefixes
from .wordscan import WORD, finditer_at, lowered, space_start


class Quantity(NamedTuple):
    start: int          # first char of the number (or of the first number of a range / number word)
    end: int            # one past the last char of the unit
    value: float        # the stated number (upper end for a range)
    low: Optional[float]  # lower end of a range, else None
    unit: str           # "x", "%", "pp", "other", "mag" or ""
    word: str           # "" for digits; "half"/"double" etc. for number words
    unit_text: str      # the unit as written after the last number (e.g. "dB", "seconds")


_NUM = r"(?:\d{1,3}(?:(?:,|\{,\})\d{3})+|\d+)(?:\.\d+)?"
# A number may not continue a word, an identifier or a version ("GPT-4", "Qwen2.5", "x2", "nDCG@10", "W8A8").
_LB = r"(?<![\w.@/\\^])(?<![A-Za-z]-)(?<![A-Za-z]\s-)"
_STAR = r"(?:\*{1,2})?"

_PP = (r"(?:-points?\b|\$?\s?percentage[\s-]points?\b|\s?\\?%\s?p(?![a-zA-Z])|\s?pp(?![a-zA-Z])|\s?p\.p\."
       r"|\s?percentage[\s-]points?\b|\s?percent(?:age)?\s?points?\b|\s?%\s?points?\b|\s?\\%\s?points?\b)")
_PCT = r"(?:\s?\\?%|\$?\s?percent\b|\$\s?\\%)"
_X = (r"(?:\s?\$?\s?\\times\s?\$?(?:\s?\\!)?|\s?\$\s?\\times(?![A-Za-z])|\s?×|x(?![A-Za-z0-9])|X(?![A-Za-z0-9])"
      r"|\s?times\b|\s?-?\s?fold\b)")
_MAG = r"(?:\s?[KMBT](?![A-Za-z0-9])|\s?(?:billion|million|thousand)\b|-?\s?bits?\b)"
# (rates before their amounts: "GB/s" is one unit, not "GB" then "/s"; the time and rate units of systems papers too:
# "from 120 µs to 35 µs" is a pair only when both ends have a unit)
_OTHER = (r"(?:\s?(?:dB|ms|[µμ]s|us|ns|s|sec|secs|seconds?|minutes?|mins?|hours?|hrs?|days?|[GMTK]B/s|GiB/s|[GM]bps|"
          r"[GMTKP]?FLOP/s|[GTP]FLOPS|[GTP]OPS|GB|MB|TB|KB|GiB|MiB|TiB|kWh|kJ|mJ|J|mW|W|kW|MW|Wh|[GM]Hz|FPS|fps|QPS|"
          r"IOPS|samples/kJ|tokens/s|tok/s)(?![A-Za-z0-9]))")
_UNIT = rf"(?P<{{g}}>{_PP}|{_PCT}|{_X}|{_MAG}|{_OTHER})"

_RANGE_SEP = r"\s?(?:-to-|--|-|–|—|~|to)\s?"

_QUANT_RE = re.compile(
    # a range: "1.4-11.2x", "2 to 25 times", "20%-30%", "1.9x** to **2.7x**", "between 0.1%p and 0.7%p"
    # (the first number is atomic: no unit, "**" or separator starts with a digit, ",", "{" or ".", so a shorter reading
    # of it could never lead to a range and only made re retry the unit alternation once per digit)
    rf"{_LB}(?P<lo>(?>{_NUM})){_UNIT.format(g='u1')}?{_STAR}(?P<sep>{_RANGE_SEP}){_STAR}(?P<hi>{_NUM})"
    rf"{_UNIT.format(g='u2')}"
    # a single number with an optional unit
    rf"|{_LB}(?P<n>{_NUM}){_UNIT.format(g='u')}?"
)

# What can follow a number inside a match of _QUANT_RE: a unit, or (after "**") a range separator. Where neither can
# start (most numbers: "in 2024,", "the 3D scene", "top 5 models"), the match is the bare number and _QUANT_RE is not
# run: its range branch would try the long unit alternation at every shorter reading of the number first.
_AFTER_NUMBER = match_prefixes(rf"{_UNIT.format(g='u')}|(?:\*{{1,2}})?{_RANGE_SEP}", 2)
assert _AFTER_NUMBER is not None
_AFTER_NUMBER_FIRST = frozenset(p[0] for p in _AFTER_NUMBER)
_AFTER_NUMBER_ALONE = frozenset(p for p in _AFTER_NUMBER if len(p) == 1)  # a whole unit of one character: "x", "%"
_LB_NUM_RE = re.compile(rf"{_LB}{_NUM}")  # how every match of _QUANT_RE opens
_SPACE_AS_SPACE = {c: " " for c in range(128) if chr(c).isspace()}


def _bare_number_end(text: str, s: int) -> Optional[int]:
    """On ASCII text: the end of the number at s when _QUANT_RE's match there is that number alone (nothing after it
    can start a unit or a range), -1 when _QUANT_RE cannot match at s at all, None when it has to be run."""
    m = _LB_NUM_RE.match(text, s)
    if m is None:
        return -1
    e = m.end()
    two = text[e:e + 2].lower().translate(_SPACE_AS_SPACE)  # \s, as match_prefixes spells it
    if not two:
        return e
    if len(two) == 1:
        return None if two in _AFTER_NUMBER_FIRST else e
    return None if two in _AFTER_NUMBER or two[0] in _AFTER_NUMBER_ALONE else e


_WORD_NUMS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "fifty": 50, "hundred": 100, "thousand": 1000,
}
_WORD_RE = re.compile(
    r"\b(?:(?P<twice>twice|thrice)"
    r"|(?P<dbl>doubl(?:e|es|ed|ing))"
    r"|(?P<half>halv(?:e|es|ed|ing)|half)"
    r"|(?P<wn>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|fifty|hundred|thousand)"
    r"(?:\s|-)?(?P<wu>times|fold)"
    r"|(?P<oom>(?:(?P<oomn>an?|one|two|three|four|several|multiple|[1-6])\s+)?orders?\s+of\s+magnitude))\b",
    re.IGNORECASE,
)
_FACTOR_RE = re.compile(r"(?:a\s+)?factor\s+of\s+(?:(?P<num>" + _NUM + r")|(?P<w>two|three|four|five|six|seven|"
                        r"eight|nine|ten|twenty|fifty|hundred|thousand))\b", re.IGNORECASE)


_DIGITS_RE = re.compile(r"\d\d*")  # not \d+: re only skips ahead fast when a pattern opens with a set
# ASCII characters after which _LB rules a number out ("x2", "v1.5", "nDCG@10"): no need to try _QUANT_RE there.
_NO_NUMBER_AFTER = frozenset(c for c in map(chr, range(128)) if re.match(r"[\w.@/\\^]", c))
# ASCII text as bytes, each digit made "0", each other character of _NO_NUMBER_AFTER "w", anything else " ": a
# number can start only at a " 0" (or a "0" at the very start), found by bytes.find at memchr speed.
_START_CLASSES = bytes(48 if chr(c).isdigit() else 119 if chr(c) in _NO_NUMBER_AFTER else 32 for c in range(256))
_WORD_HINTS = ("twice", "thrice", "doubl", "halv", "half", "times", "fold", "magnitude")
_DIM_AFTER_RE = re.compile(r"\s?\$?\s?\d")
_FROM_RE = re.compile(r"\bfrom\s?\**\$?\s?$")


def _number_starts(text: str) -> Iterator[int]:
    """Where a digit run starts that no [\\w.@/\\\\^] character precedes: the only places _QUANT_RE can match."""
    if not text.isascii():
        yield from (d.start() for d in _DIGITS_RE.finditer(text))  # _QUANT_RE's look-behind rules out the rest
        return
    classes = text.encode("ascii").translate(_START_CLASSES)
    if classes.startswith(b"0"):
        yield 0
    i = classes.find(b" 0")
    while i >= 0:
        yield i + 1
        i = classes.find(b" 0", i + 2)


def _num(s: str) -> float:
    return float(s.replace("{,}", "").replace(",", ""))


def _unit_of(u: Optional[str]) -> tuple[str, str]:
    if not u:
        return "", ""
    t = u.strip()
    low = t.lower()
    if "%" in t and ("p" in low) or low.startswith(("percentage", "pp")) or low == "p.p." \
            or low.lstrip("$ -").startswith("point") or ("point" in low and ("percent" in low or "%" in t)):
        return "pp", t
    if "%" in t or low.startswith("percent"):
        return "%", t
    if low in ("x", "×", "times", "fold", "-fold") or "times" in low or "fold" in low:
        return "x", t
    if low in ("k", "m", "b", "t") or low in ("billion", "million", "thousand") or "bit" in low:
        return "mag", t
    return "other", t


# Every match of _WORD_RE contains one of these words and starts at most `reach` characters before it (for
# "order", also across the whitespace right before it: "several   orders of magnitude").
_WORD_ANCHORS = (("twice", 0), ("thrice", 0), ("doubl", 0), ("halv", 0), ("half", 0), ("times", 9), ("fold", 9),
                 ("order", 8))


def _word_number_matches(text: str, low: str):
    """The matches of _WORD_RE.finditer(text), trying the pattern only at the few places just before the words
    every match contains (its leading \\b makes a plain scan try it at every character: ~40 µs an abstract)."""
    if not text.isascii():  # offsets in `low` are those of `text` only on ASCII text
        return _WORD_RE.finditer(text) if any(h in low for h in _WORD_HINTS) else ()
    starts: set[int] = set()
    for word, reach in _WORD_ANCHORS:
        if word == "order" and "magnitude" not in low:
            continue
        i = low.find(word)  # (inline: most abstracts have none of these words, so this loop is mostly 8 finds)
        while i >= 0:
            lo = space_start(low, i) if word == "order" else i
            starts.update(range(max(0, lo - reach), i + 1))
            i = low.find(word, i + 1)
    if not starts:
        return ()
    # every branch opens with a word character after `\\b`: a match starts where no word character precedes
    return finditer_at(_WORD_RE, text, sorted(p for p in starts if not p or WORD.match(text, p - 1) is None))


def _factor_matches(text: str, low: str):
    """_FACTOR_RE.finditer(text), tried only at each "factor" and at an "a" + whitespace right before one (the
    optional leading "a " made re try the pattern at every character)."""
    i = low.find("factor")
    if i < 0:
        return ()
    if not text.isascii():  # offsets in `low` are those of `text` only on ASCII text
        return _FACTOR_RE.finditer(text)
    starts = []
    while i >= 0:
        j = space_start(low, i)
        if j < i and j > 0 and low[j - 1] == "a":
            starts.append(j - 1)
        starts.append(i)
        i = low.find("factor", i + 1)
    return finditer_at(_FACTOR_RE, text, starts)


_PCT_BEFORE_RE = re.compile(r"(?<![\w%])\\?%$")


def _percent_written_before(text: str, q: Quantity) -> Quantity:
    """A bare number right after a lone "%" or "\\%" ("by average \\%6.80, \\%7.82"): LaTeX sources that put
    the sign first; the number is a percentage, its span starts at the sign."""
    if q.unit or q.low is not None:
        return q
    m = _PCT_BEFORE_RE.search(text, max(0, q.start - 3), q.start)
    return q if m is None else q._replace(start=m.start(), unit="%", unit_text="%")


_SPEEDUP_OF_RE = re.compile(r"\bspeed-?ups?\s+of\s+(?:(?:up\s+to|about|around|nearly|over|approximately|roughly)\s+|~\s?)?"
                            r"\$?$", re.IGNORECASE)


def _speedup_factor(text: str, q: Quantity) -> Quantity:
    """A bare number right after "a speedup of" ("a speedup of up to 4.3 over cuBLAS") is a factor, as "4.3x" is:
    a speed-up is a ratio of times."""
    if q.unit or q.word or _SPEEDUP_OF_RE.search(text, max(0, q.start - 40), q.start) is None:
        return q
    return q._replace(unit="x", unit_text="speedup")


def find_quantities(text: str) -> list[Quantity]:
    """All quantities in `text`, in order, non-overlapping (digits first, then number words in the gaps)."""
    out: list[Quantity] = []
    last = -1
    ascii_text = text.isascii()
    for s in _number_starts(text):  # the full pattern is only tried there (much faster than at every char)
        if s < last:
            continue
        if ascii_text:
            e = _bare_number_end(text, s)
            if e == -1:
                continue
            if e is not None:
                last = e
                out.append(Quantity(s, e, _num(text[s:e]), None, "", "", ""))
                continue
        m = _QUANT_RE.match(text, s)
        if m is None:
            continue
        last = m.end()
        if _DIM_AFTER_RE.match(text, m.end()) and (m.group("u") or m.group("u2") or "").strip().lower() in (
                "x", "×", "\\times", "$\\times", "\\times$", "$\\times$"):
            continue  # "256 \times 256", "1024x1024": a size, not a factor
        if m.group("n") is not None:
            unit, ut = _unit_of(m.group("u"))
            v = _num(m.group("n"))
            if unit == "mag" and ut in ("T",):
                unit = "mag"
            out.append(Quantity(m.start(), m.end(), v, None, unit, "", ut))
            continue
        u1, _ = _unit_of(m.group("u1"))
        u2, ut2 = _unit_of(m.group("u2"))
        sep = m.group("sep").strip()
        lo, hi = _num(m.group("lo")), _num(m.group("hi"))
        bad = ((u1 and u1 != u2) or u2 in ("mag",) or lo >= hi
               or (sep == "to" and _FROM_RE.search(text, max(0, m.start() - 12), m.start()) is not None))
        if bad:
            # not a range: take the first number alone, rescan from its end
            s = m.start("lo")
            e = m.end("u1") if m.group("u1") else m.end("lo")
            out.append(Quantity(s, e, lo, None, u1, "", (m.group("u1") or "").strip()))
            rest = [q for q in find_quantities(text[m.start("hi"):m.end()])]
            for q in rest:
                out.append(q._replace(start=q.start + m.start("hi"), end=q.end + m.start("hi")))
            continue
        out.append(Quantity(m.start(), m.end(), hi, lo, u2, "", ut2))
    if "%" in text:
        out = [_percent_written_before(text, q) for q in out]
    low = lowered(text)
    if "speed" in low:
        out = [_speedup_factor(text, q) for q in out]
    # "a factor of 5": turn the bare number into a factor
    for m in _factor_matches(text, low):
        if m.group("num") is not None:
            s = m.start("num")
            for i, q in enumerate(out):
                if q.start == s and q.unit == "":
                    out[i] = q._replace(start=m.start(), unit="x", unit_text="factor")
                    break
        else:
            out.append(Quantity(m.start(), m.end(), float(_WORD_NUMS[m.group("w").lower()]), None, "x",
                                "factor", "factor"))
    for m in _word_number_matches(text, low):
        if m.group("twice"):
            v, unit, word = (2.0 if m.group("twice").lower() == "twice" else 3.0), "x", "twice"
        elif m.group("dbl"):
            v, unit, word = 2.0, "x", "double"
        elif m.group("half"):
            v, unit, word = 50.0, "%", "half"
        elif m.group("wn"):
            v, unit, word = float(_WORD_NUMS[m.group("wn").lower()]), "x", "times"
        else:
            n = (m.group("oomn") or "a").lower()
            k = int(n) if n.isdigit() else {"two": 2, "three": 3, "four": 4}.get(n, 1)
            v, unit, word = float(10 ** k), "x", "oom"
        out.append(Quantity(m.start(), m.end(), v, None, unit, word, m.group(0)))
    out.sort(key=lambda q: (q.start, -q.end))
    res: list[Quantity] = []
    last_end = -1
    for q in out:
        if q.start >= last_end:
            res.append(q)
            last_end = q.end
    return res
