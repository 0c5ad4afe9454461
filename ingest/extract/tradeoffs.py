"""Trade-offs an abstract names (GUIDELINES.md, `tradeoffs`): "accuracy vs efficiency", "accuracy vs fairness"...

Only trade-offs the text itself names are reported:
  * "efficiency-performance trade-offs", "latency and performance trade-offs", "speed-accuracy trade-off"
  * "trade-off between computational cost and performance", "tradeoffs among delay and energy budgets"
  * "balance(s) X and Y", "strike a balance between X and Y", "Pareto frontier between X and Y"
  * "X in exchange for Y", "at the cost of Y", "trade off X for Y", "achieve both X and Y"
  * a title "Accuracy vs. Training Time", "Fast and Accurate ...", "Effective Agents While Reducing Cost"
  * failing all those, "without sacrificing accuracy" next to an efficiency claim: accuracy vs efficiency
Each side is mapped onto the fixed axis vocabulary (lexicon_tradeoffs.py); a side named in other words is
"other".  "accuracy" is written first, otherwise the order of the text is kept.
"""
from __future__ import annotations

import re

from .claim_patterns import lower_twin
from .lexicon_tradeoffs import AXIS_TERMS
from .regex_prefixes import match_prefixes
from .wordscan import anchored_finditer, lowered, word_finditer

_AXIS_RE = [(re.compile(r"(?i)(?<![a-z])(?:" + pat + r")s?(?![a-z])"), axis) for pat, axis in AXIS_TERMS]

_TRADEOFF = r"trade[- ]?offs?"
# "<compound> trade-off": the up-to-5 words in front of the trade-off word
_TRADE_WORD = re.compile(r"(?i)trade[- ]?offs?\b")
# "<compound> trade-off": the up-to-5 words in front of the trade-off word (matched on a short tail only)
_BEFORE = re.compile(r"((?:[\w/–—.-]+\s+){0,4}[\w/–—.-]+)\s+$")
# "trade-off between/among/of X and Y"
_AFTER = re.compile(r"(?i)\s+(?:between|among|amongst)\s+([^.;:()]{3,90})")
_BALANCE = re.compile(
    r"(?i)\b(?:balanc(?:e|es|ing)|pareto[- ](?:front(?:ier)?|optimal(?:ity)?)|"
    r"trad(?:e|es|ing) off)\s+(?:(?:the\s+)?(?:between|among)\s+)?([^.;:()]{3,80})")
# in a title "Balanced X and Y" names the trade-off too (in running text "balanced" is mostly an adjective)
_BALANCE_TITLE = re.compile(_BALANCE.pattern.replace("balanc(?:e|es|ing)", "balanc(?:e|es|ed|ing)"))
_VS = re.compile(r"(?i)\b([\w-]{1,30}(?:\s+[\w-]{1,30})?)\s+(?:vs\.?|versus)\s+([\w-]{1,30}(?:\s+[\w-]{1,30})?)")
_MAX_HITS = 20  # trade-off mentions examined per text (bounds the work on degenerate input)
# words that end the noun phrase in front of "trade-off"
_STOP_BEFORE = re.compile(
    r"(?i)^(?:the|a|an|of|in|on|for|to|with|better|best|good|new|optimal|superior|favorable|"
    r"favourable|advanced|improved|inherent|fundamental|classic|critical|key|these|this|that|their|its|"
    r"our|any|such|various|different|sub-optimal|suboptimal|explicit|implicit|multiple|several|"
    r"achieve|achieves|offers?|provides?|strikes?|demonstrates?|shows?|yields?|sets?|explore|study|"
    r"examine|analy[sz]e|between|is|are|was|were|by|at|as|which|that|state-of-the-art)$")
_SPLIT = re.compile(r"(?i)\s+(?:and|vs\.?|versus|or|with)\s+|[/–—]+|--+|,\s*")


def _axes_in(text: str) -> list[tuple[int, str]]:
    """Axis mentions in `text` as (position, axis), longest term first at each position, no overlaps."""
    found: list[tuple[int, int, str]] = []
    for rx, axis in _AXIS_RE:
        for m in rx.finditer(text):
            found.append((m.start(), m.end(), axis))
    found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    out: list[tuple[int, str]] = []
    end = -1
    for s, e, axis in found:
        if s >= end:
            out.append((s, axis))
            end = e
    return out


# Which axis is written first: accuracy, then quality, fairness ...; efficiency and "other" last.
_FIRST = {"accuracy": 0, "quality": 1, "fairness": 2, "exploration": 3, "diversity": 3, "robustness": 3,
          "privacy": 3, "interpretability": 3, "efficiency": 8, "other": 9}


def _pair(a: str, b: str) -> str:
    if _FIRST.get(b, 5) < _FIRST.get(a, 5):
        a, b = b, a
    return f"{a} vs {b}"


def _pairs(sides: list[str]) -> list[str]:
    """Sides of one trade-off -> pairs: accuracy against each other side, else the first two."""
    if "accuracy" in sides and len(set(sides)) >= 3:
        return [_pair("accuracy", s) for s in dict.fromkeys(sides) if s not in ("accuracy", "other")][:2]
    return [_pair(sides[0], sides[1])]


def _sides(text: str) -> list[str]:
    """Split a coordination "X and Y" / "X-Y" into its sides, each mapped to an axis (or 'other')."""
    parts = [p for p in _SPLIT.split(text) if p and p.strip()]
    axes = []
    for p in parts:
        got = _axes_in(p)
        if got:
            axes.append(got[0][1])
        elif re.search(r"[A-Za-z]{3,}", p):
            axes.append("other")
    return axes


def _from_compound(words: str) -> list[str] | None:
    """'efficiency-performance' / 'latency and performance' / 'speedaccuracy' -> a pair of axes."""
    toks = words.split()
    keep: list[str] = []
    for w in reversed(toks):
        if _STOP_BEFORE.match(w):
            break
        keep.append(w)
    phrase = " ".join(reversed(keep))
    if not phrase:
        return None
    if re.search(r"[-/–—]|\s(?:and|vs\.?|versus)\s", phrase):
        sides = _sides(re.sub(r"(?<=\w)-(?=\w)", "/", phrase))
        named = [s for s in sides if s != "other"]
        if len(sides) >= 2 and named:
            perf = _performance_pair(phrase, sides)
            return [perf] if perf else _pairs(sides)
        return None
    got = _axes_in(phrase)
    if len(got) >= 2:  # "speedaccuracy"
        return [_pair(got[0][1], got[1][1])]
    return None


def _performance_pair(phrase: str, sides: list[str]) -> str | None:
    """'accuracy-performance' reads as accuracy vs efficiency (performance = speed of the system)."""
    if len(sides) == 2 and sides[0] == sides[1] == "accuracy" and re.search(r"(?i)\bperformance\b", phrase) \
            and re.search(r"(?i)\baccura\w*|\bquality\b|\bcapabilit\w*|\beffectiveness\b", phrase):
        return "accuracy vs efficiency"
    return None


def _from_coordination(text: str) -> list[str] | None:
    """'computational cost and performance, offering ...' -> the first two axes of a coordination."""
    m = re.match(r"(?i)\s*(?:the\s+|their\s+|its\s+)?(.{1,80}?)(?=\s+(?:in|for|on|across|of|when|while|which|"
                 r"that|by|to|at|through|with respect)\b|[,.;]|$)", text)
    if not m:
        return None
    seg = m.group(1)
    # a list "accuracy, efficiency, and speed": keep going past commas while the next item is an axis
    rest = text[m.end():m.end() + 80]
    while True:
        c = re.match(r",\s*(?:and\s+|or\s+)?([\w-]+(?:\s+[\w-]+)?)", rest)
        if not c or not _axes_in(c.group(1)):
            break
        seg += rest[:c.end()]
        rest = rest[c.end():]
    if not re.search(r"(?i)\s(?:and|vs\.?|versus|with)\s|[/–—]|-", seg):
        return None
    if not re.search(r"(?i)\s(?:and|vs\.?|versus|with)\s", seg):  # "accuracy-efficiency": split the compound
        seg = re.sub(r"(?<=[a-z])-(?=[a-z])(?![a-z]*\s*(?:efficien|optimal|based|aware))", "/", seg)
    sides = _sides(seg)
    sides = [s for s in sides][:3]
    named = [s for s in sides if s != "other"]
    if len(sides) >= 2 and named:
        perf = _performance_pair(seg, sides[:2])
        return [perf] if perf else _pairs(sides)
    return None


# "without sacrificing accuracy" next to an efficiency claim describes the accuracy-efficiency trade-off.
_KEPT_QUALITY = re.compile(
    r"(?i)\b(?:without (?:sacrificing|compromising|degrading|hurting|harming|any loss (?:of|in)|losing)\s+|"
    r"with (?:minimal|negligible|little|no) (?:loss (?:of|in) )?)(?:\w+\s+){0,2}?"
    r"(?:accuracy|performance|quality|effectiveness)\b")
_WITH_LITTLE = ("with minimal", "with negligible", "with little", "with no ")
_KEPT_QUALITY_LOW = lower_twin(_KEPT_QUALITY, word_start=True)  # for word_finditer on lower-cased text
assert all(any(o.startswith(w) or w.startswith(o) for w in ("without ",) + _WITH_LITTLE)
           for o in match_prefixes(_KEPT_QUALITY_LOW.pattern, 8)), "_WITH_LITTLE misses a way _KEPT_QUALITY opens"
_EFFICIENCY_WORD = re.compile(
    r"(?i)\b(?:efficien\w*|faster|speed\w*|accelerat\w+|latency|throughput|memory|FLOPs|compute|"
    r"computational|cost\w*|cheaper|compress\w*|pruning|quantiz\w+)\b")


# "X in exchange for Y", "at the cost of Y", "trade off X for Y", "achieve both X and Y"
_EXCHANGE = re.compile(r"(?i)\b(?:in exchange for|at the (?:cost|expense|price) of)\s+([^.;:()]{3,60})")
_TRADE_FOR = re.compile(r"(?i)\btrad(?:e|es|ed|ing)[- ]off\s+([^.;:()]{3,60}?)\s+(?:for|against)\s+([^.;:()]{3,50})")
# matched at each "both": the verb in front, the two sides after
_BOTH_VERB = re.compile(r"(?i)\b(?:achiev\w*|balanc\w*|optimi[sz]\w*|jointly|simultaneously)\s+(?:\w+\s+)?$")
_BOTH = re.compile(r"(?i)both\s+([\w-]+(?:\s+[\w-]+)?)\s+and\s+([\w-]+(?:\s+[\w-]+)?)")


def _first_axis(text: str) -> str | None:
    got = _axes_in(text[:40])
    return got[0][1] if got else None


def _last_axis(text: str) -> str | None:
    got = _axes_in(text[-60:])
    return got[-1][1] if got else None


# A title that pairs quality with a cost: "Fast and Accurate ...", "Effectiveness and Efficiency",
# "Building Effective Agents While Reducing Cost", "Energy Versus Performance".
_TITLE_QUALITY = r"(?:accura(?:te|cy)|performan(?:t|ce)|effective(?:ness)?|quality)"
_TITLE_COST = (r"(?:fast(?:er)?|speed|efficien(?:t|cy)|cost(?:s|ly)?|cheap(?:er|ly)?|latency|memory|energy|"
               r"communication)")
_TITLE_PAIR = re.compile(
    r"(?i)(?<![,\w-])(?:" + _TITLE_QUALITY + r"|" + _TITLE_COST + r")\b(?:\s+[\w-]+){0,2}?"
    r"\s+(?:and|&|while|versus|vs\.?)"
    r"\s+(?:[\w-]+\s+){0,2}?(?:" + _TITLE_QUALITY + r"|" + _TITLE_COST + r")\b")
_TITLE_WORD_AXIS = {"fast": "speed", "faster": "speed", "speed": "speed", "efficient": "efficiency",
                    "efficiency": "efficiency", "cost": "cost", "costs": "cost", "costly": "cost", "cheap": "cost",
                    "cheaper": "cost", "cheaply": "cost", "latency": "latency", "memory": "memory",
                    "energy": "energy", "communication": "communication"}


def _title_pair(title: str) -> list[str]:
    out = []
    tl = title.lower()
    if not any(q in tl for q in ("accura", "performan", "effective", "quality")):
        return out  # no quality word, no pair (skips the scan)
    for m in _TITLE_PAIR.finditer(title):
        words = [w.lower() for w in re.findall(r"[\w-]+", m.group(0))]
        has_quality = any(re.fullmatch(_TITLE_QUALITY, w) for w in words)
        costs = [_TITLE_WORD_AXIS[w] for w in words if w in _TITLE_WORD_AXIS]
        if has_quality and costs:
            out.append(_pair("accuracy", costs[0]))
    return out


def _phrase_before(text: str, a: int, b: int):
    """_BEFORE.search(text, a, b), started at the fifth-last whitespace-separated word: a match is at most five
    words (and the space after them), so it cannot start earlier, and searching from `a` backtracks at every word."""
    seg = text[a:b]
    parts = seg.rsplit(None, 5)
    if len(parts) == 6:  # parts[0] is seg up to the whitespace before the fifth-last word
        a += len(seg) - len(seg[len(parts[0]):].lstrip())
    return _BEFORE.search(text, a, b)


def find_tradeoffs(title: str, abstract: str) -> list[str]:
    """Return the trade-offs named in the title/abstract as 'axis vs axis' strings (deduplicated, in order)."""
    out: list[str] = []

    def add(ps: list[str] | None) -> None:
        for p in ps or ():
            if p not in out and not any(p == f"{b} vs {a}" for a, b in (o.split(" vs ") for o in out)):
                out.append(p)

    for text in (title or "", abstract or ""):
        low = lowered(text)
        if "trade" in low:
            for n, t in enumerate(anchored_finditer(_TRADE_WORD, text, low, ("trade",))):
                if n >= _MAX_HITS:
                    break
                if t.start() and text[t.start() - 1].isalnum():
                    continue
                b = _phrase_before(text, max(0, t.start() - 90), t.start())
                if b:
                    add(_from_compound(b.group(1)))
                a = _AFTER.match(text, t.end())
                if a:
                    add(_from_coordination(a.group(1)))
        if "balanc" in low or "pareto" in low or "trade" in low or "trading" in low:
            rx = _BALANCE_TITLE if text is title else _BALANCE
            for n, m in enumerate(anchored_finditer(rx, text, low, ("balanc", "pareto", "trad"))):
                if n >= _MAX_HITS:
                    break
                add(_from_coordination(m.group(1)))
    for text in (title or "", abstract or ""):
        low = lowered(text)
        if "exchange for" in low or "the cost of" in low or "expense of" in low or "the price of" in low:
            for m in _EXCHANGE.finditer(text):
                gain = _first_axis(m.group(1))
                paid = _last_axis(text[max(0, m.start() - 60):m.start()])
                if gain and gain != "other":
                    paid = paid or ("efficiency" if gain == "accuracy" else "accuracy")
                    if paid != gain:
                        add([_pair(paid, gain)])
        if "trade" in low or "trading" in low:
            for m in anchored_finditer(_TRADE_FOR, text, low, ("trad",)):
                a, b = _first_axis(m.group(1)), _first_axis(m.group(2))
                if a and b and a != b:
                    add([_pair(a, b)])
        i = low.find("both ")
        while i >= 0:
            m = _BOTH.match(text, i) if _BOTH_VERB.search(low, max(0, i - 40), i) else None
            i = low.find("both ", i + 5)
            if m:
                a, b = _first_axis(m.group(1)), _first_axis(m.group(2))
                if a and b and a != b and "other" not in (a, b):
                    add([_pair(a, b)])
    if not out:
        text = (title or "") + "\n" + (abstract or "")
        low = lowered(title or "") + "\n" + lowered(abstract or "")  # = text.lower(): "\n" ends any case context
        kept = ("without " in low or any(w in low for w in _WITH_LITTLE)) and \
            next(word_finditer(_KEPT_QUALITY_LOW, low), None)
        if kept and _EFFICIENCY_WORD.search(text):
            add(["accuracy vs efficiency"])
    add(_title_pair(title or ""))
    tl = (title or "").lower()
    for m in (_VS.finditer(title) if " vs" in tl or "versus" in tl else ()):
        a, b = _axes_in(m.group(1)), _axes_in(m.group(2))
        if a and b:
            add([_pair(a[-1][1], b[0][1])])
    return out
