"""Trade-off points: which efficiency claim goes with which quality outcome (GUIDELINES.md, "Trade-off points").

A point pairs one efficiency claim with one quality claim, or with the quality note, that the abstract reports
for the same method setting in the same comparison. Rule-based on the abstract's structure:

- units: sentences, cut again at semicolons ("peak-quality ... at 12.9% cost savings; iso-quality ...");
- inside a unit, clauses cut at ", and", "while", "whereas": when some clauses hold both an efficiency and a
  quality number, each such clause is one setting and pairs only within itself ("maintains 98.2% with 11.8%
  of the memory, and preserves 94.6% at 2.8%"); otherwise the whole unit is one setting;
- a clause opening with another named subject ("while mmMamba-hybrid achieves") or another outcome ("or improve
  the accuracy by 4% with the same cost") is another setting; an efficiency number measured at a quality
  target ("19% fewer iterations to reach the same perplexity") pairs with no quality number outside its clause;
- "respectively" with as many efficiency as quality numbers pairs them in order; "It also reduces tokens by
  54.9%" pairs with the quality numbers of the sentence before;
- the quality note (or a wording of kept quality: "comparable performance", "matches the accuracy") pairs with
  the efficiency claims of its own sentence and setting, or of the sentences before when it points back
  ("These improvements do not sacrifice task performance");
- `same_baseline` is False when the two ends name different references ("29% compared to competing pruning
  methods while offering a 7x runtime cut"; a baseline the context stage gave both ends belongs to the end
  whose clause holds it), None when neither names one.

Pure: claims are dicts with `category`, `start`, `end` (offsets into the abstract); the output indexes them.
"""
from __future__ import annotations

import re
from bisect import bisect_right

EFFICIENCY = frozenset({"speed", "memory", "compute", "size", "tokens", "energy", "cost"})

# A sentence ends at . ! ? followed by space and a capital, digit or opening mark; semicolons cut too.
_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[\"'$\\])|;\s+")
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|vs|et al|etc|Fig|Eq|approx|resp|cf|No)\.|\b[A-Z]\.)$")
_CLAUSE_CUT = re.compile(r",\s+(?:and|while|whereas|but)\s+|\s+(?:while|whereas)\s+|,\s+respectively,\s+")
# A cut that starts another setting: "while mmMamba-hybrid achieves", "or improve the accuracy ... with the same cost".
_SETTING_CUT = re.compile(r",?\s+(?:while|whereas)\s+(?=[\w-]*[A-Z])|,?\s+or\s+(?=(?:improv|achiev|reduc|increas|"
                          r"match|outperform|boost|attain|deliver|surpass)\w*\s)")
# An efficiency number measured at a fixed quality target ("with 19% fewer iterations to reach the perplexity").
_AT_TARGET = re.compile(r"\breach(?:es|ed|ing)?\b|\bto\s+(?:achieve|match)\s+the\s+same\b", re.I)
_ALSO = re.compile(r"\W*(?:(?:additionally|moreover|furthermore|meanwhile|besides|in addition)\W+)?"
                   r"(?:\S+\s+){1,2}?also\b", re.I)
# "lossless" as an adjective of the number before it ("7.9x lossless speedup").
_ONE_WORD = re.compile(r"lossless(?:ly)?\s+(?!accuracy|performance|quality)[a-z-]", re.I)
_NUMBER_AFTER = re.compile(r"[^,;.\d]{0,60}?\bby\s+\W{0,3}\d")  # "outperforming X by 1.36x": a claim, not a note
_OTHER_AMOUNT = re.compile(r"\d|\b(?:half|third|quarter|fraction)\b", re.I)
_RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
_POINTS_BACK = re.compile(r"\W*(?:(?:importantly|moreover|crucially|notably|furthermore|and)\W+)?"
                          r"(?:these|such|this|all|both)\b(?:\s+[\w-]+){0,3}?\s+"
                          r"(?:improvements?|gains?|speed-?ups?|savings?|reductions?|advantages?|benefits?|"
                          r"results|findings)\b", re.I)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence and semicolon-cut part, abbreviations such as "e.g." and "vs." kept whole."""
    spans, start = [], 0
    for m in _SENT_END.finditer(text):
        if not m.group().startswith(";") and _ABBREV.search(text, max(0, m.start() - 8), m.start()):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if e > s]


# Quality kept in words, where the note's own phrase is not repeated ("performance comparable with DeepSeek 67B").
# "comparable"/"competitive" count only next to a quality word: alone they may keep anything ("robustness
# competitive with 7B-scale VLAs", "token efficiency comparable to non-retrieval baselines").
_Q = r"(?:accuracy|performance|quality|results?|effectiveness|fidelity|capabilit(?:y|ies))"
_KEPT = re.compile(
    r"\b(?:(?:comparable|competitive|similar|nearly identical)\s+(?:[\w-]+\s+){0,2}?" + _Q + r"|" + _Q +
    r"\s+(?:is\s+)?(?:comparable|competitive|similar)|on[ -]par|at par|"
    r"no worse|just as well|as accurate|lossless(?:ly)?|"
    r"match(?:es|ed|ing)?\s+(?:or\s+\w+\s+)?(?:the\s+)?(?:\w+\s+)?" + _Q + r"|"
    r"(?:no|negligible|minimal|marginal|little|without\s+(?:any\s+)?)\s*(?:\w+\s+)?(?:accuracy|performance|quality)\s+"
    r"(?:loss|drop|degradation)|without\s+(?:\w+\s+)?(?:compromising|sacrificing|degrading|hurting|losing)|"
    r"(?:maintain|preserv|retain)(?:s|es|ed|ing|e)?\s+(?:\w+\s+){0,3}?" + _Q + r"|"
    r"(?P<beats>outperform(?:s|ed|ing)?|surpass(?:es|ed|ing)?))\b", re.I)


def _cut(text: str, start: int, end: int, rx: re.Pattern) -> list[tuple[int, int]]:
    spans, s = [], start
    for m in rx.finditer(text, start, end):
        spans.append((s, m.start()))
        s = m.end()
    spans.append((s, end))
    return spans


def _where(spans: list[tuple[int, int]], pos: int) -> int:
    """Index of the span holding `pos` (the last one for a position past the end)."""
    return min(bisect_right(spans, pos, key=lambda span: span[1]), len(spans) - 1)


class _Layout:
    """An abstract's sentences (units), setting groups and clauses, cut once and looked up by position (a long
    hostile text with thousands of numbers must not be re-cut for every number)."""

    def __init__(self, text: str, claims: list[dict]):
        self.order = sorted((i for i, c in enumerate(claims) if c.get("start") is not None),
                            key=lambda i: claims[i]["start"])  # claims in reading order, for position look-ups
        self.starts = [claims[i]["start"] for i in self.order]
        self.units = sentence_spans(text)
        self.groups = [_cut(text, s, e, _SETTING_CUT) for s, e in self.units]
        self.clauses = [[_cut(text, s, e, _CLAUSE_CUT) for s, e in group] for group in self.groups]

    def unit(self, pos: int) -> int:
        return _where(self.units, pos)

    def group(self, pos: int) -> tuple[int, int]:
        u = self.unit(pos)
        return u, _where(self.groups[u], pos)

    def clause(self, pos: int) -> tuple[int, int]:
        u, g = self.group(pos)
        return self.clauses[u][g][_where(self.clauses[u][g], pos)]


def _note_positions(abstract: str, note: str, note_span) -> list[int]:
    """Where quality is said to be kept: every mention of the note's phrase (note_span first when given) and
    of the usual wordings ("comparable performance", "matches the accuracy", "outperforms")."""
    out = {note_span[0]} if note_span else set()
    low, key = abstract.lower(), note.lower().strip()
    i = low.find(key)
    while key and i >= 0:
        out.add(i)
        i = low.find(key, i + 1)
    out.update(m.start() for m in _KEPT.finditer(abstract) if not m.group("beats") or not _NUMBER_AFTER.match(
        abstract, m.end()))
    return sorted(out)


def _pairs_in_group(text: str, span: tuple[int, int], clauses: list[tuple[int, int]], eff: list[int],
                    qual: list[int], claims: list[dict]) -> list[tuple[int, int]]:
    """Pairs inside one setting group: per clause when clauses carry their own pairs, else all with all."""
    if not eff or not qual:
        return []
    if len(eff) == len(qual) > 1 and _RESPECTIVELY.search(text, *span):
        return list(zip(sorted(eff, key=lambda i: claims[i]["start"]), sorted(qual, key=lambda i: claims[i]["start"])))
    where = {i: _where(clauses, claims[i]["start"]) for i in eff + qual}
    both = {where[i] for i in eff} & {where[j] for j in qual}
    at_target = {i for i in eff if _AT_TARGET.search(text, *clauses[where[i]])}
    if len(both) > 1:
        return [(i, j) for i in eff for j in qual if where[i] == where[j]]
    if both:
        return [(i, j) for i in eff for j in qual if where[j] in both and (i not in at_target or where[i] == where[j])]
    return [(i, j) for i in eff if i not in at_target for j in qual]


def _note_gains(text: str, layout: _Layout, pos: int, eff_at, eff_in: dict, claims: list[dict]) -> list[int]:
    """The efficiency claims a quality-kept phrase at `pos` speaks for."""
    one_word = _ONE_WORD.match(text, pos)
    k = bisect_right(layout.starts, pos) - 1  # the last claim starting at or before pos
    for i in layout.order[max(k - 1, 0):k + 1]:
        c = claims[i]
        if c["start"] <= pos < c["end"]:
            # "7.9x lossless speedup": the note is that claim's own word; in a quality claim ("outperforms X by
            # 5%") it is no note at all
            return [i] if c.get("category") in EFFICIENCY else []
        if one_word and c.get("category") in EFFICIENCY and c["end"] <= pos <= c["end"] + 2 and \
                not text[c["end"]:pos].strip():
            return [i]
    u, g = layout.group(pos)
    units = layout.units
    gains = eff_in.get((u, g), [])
    if gains:
        c = layout.clause(pos)
        own = [i for i in gains if c[0] <= claims[i]["start"] < c[1]]
        masked = text[c[0]:c[1]]
        for i in own:
            s, e = claims[i]["start"] - c[0], claims[i]["end"] - c[0]
            masked = masked[:s] + " " * (e - s) + masked[e:]
        after = all(claims[i]["start"] < c[0] for i in gains)
        if not own and after and _OTHER_AMOUNT.search(masked):
            return []  # "while competitive effectiveness is achieved with about one third": a setting of its own
        return gains
    m = _POINTS_BACK.match(text, units[u][0], units[u][1]) if u > 0 else None
    if m:
        # "These improvements" gathers every gain before it; "these results" only the sentence just before.
        stop = u - 2 if m.group(0).lower().endswith(("results", "findings")) else -1
        back = []
        for v in range(u - 1, stop, -1):
            if eff_at(v):
                back += eff_at(v)
            elif any(units[v][0] <= c.get("start", -1) < units[v][1] for c in claims):
                break
        return sorted(back)
    return []


_REF_CUE = (r"\b(?:compared\s+(?:to|with)|relative\s+to|in\s+comparison\s+(?:to|with)|"
            r"(?<!more )(?<!less )(?<!fewer )(?<!greater )(?<!higher )(?<!lower )(?<!rather )"
            r"(?:over|than)|versus|vs\.?|against)\s+(?:the\s+|a\s+|an\s+)?")
_REF = re.compile(_REF_CUE + r"(?!\W*\d)((?:[\w./-]+\s*){1,4})", re.I)
_CUE_BEFORE = re.compile(_REF_CUE + r"$", re.I)  # a comparison cue ending where a baseline starts
# "outperforming DEER and Dynasor by 3.28%": the quality number's own competitor, named just before it.
_BEATS = re.compile(r"(?:outperform\w*|surpass\w*|improv\w*\s+over|beat\w*)\s+(?:the\s+)?((?:[\w./-]+\s+){1,5}?)"
                    r"(?:(?:by|in)\s+\W{0,3})?$", re.I)
_STOP = frozenset("the a an of and or to with on in for by its their our other existing".split())


def _reference(text: str, pos: int, layout: _Layout, baseline: str | None = None) -> tuple[str, set[str], int] | None:
    """("own" | "shared", content words) of what the number at `pos` is measured against: the claim's `baseline`
    when it has one, else the first "compared to / over / than X" after it in its clause ("own"), else one
    opening its sentence ("Compared to X, ...": "shared" by every number of the sentence)."""
    if baseline:
        return ("own", set(_words(baseline)), pos)
    c = layout.clause(pos)
    m = _REF.search(text, pos, min(c[1], pos + 200))
    if m and _words(m.group(1)):
        return ("own", set(_words(m.group(1))), m.start())
    m = _BEATS.search(text, max(c[0], pos - 80), pos)
    if m and _words(m.group(1)):
        return ("beats", set(_words(m.group(1))), m.start())
    s, e = layout.units[layout.unit(pos)]
    m = _REF.search(text, s, min(e, s + 120))
    if m is None or m.start() >= pos or m.start() - s >= 40 or not _words(m.group(1)):
        return None
    return ("shared", set(_words(m.group(1))), m.start())


def _words(s: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9][\w.-]*", s.lower()) if w not in _STOP and re.search("[a-z]", w)]


def _same_baseline(text: str, claims: list[dict], g: int, q, note_pos: int | None, layout: _Layout) -> bool | None:
    """False when the two ends name different references, or only one end names its own in a clause the other
    does not share ("accuracy up to 29% compared to competing pruning methods while offering a 7x runtime cut");
    True when a reference covers both; None when the abstract names none."""
    qpos = note_pos if q == "note" else claims[q]["start"]
    bg, bq = claims[g].get("baseline"), None if q == "note" else claims[q].get("baseline")
    if bg and bq:
        bg, bq = _clause_owner(text, claims[g], claims[q], layout)
    rg = _reference(text, claims[g]["start"], layout, bg)
    rq = _reference(text, qpos, layout, bq)
    if rg and rq:
        return bool(rg[1] & rq[1]) or not (rg[1] and rq[1])
    one, other = (rg, qpos) if rg else (rq, claims[g]["start"])
    if not one:
        return None
    if q == "note":
        return True
    if layout.unit(claims[g]["start"]) != layout.unit(qpos):
        return None  # a reference named in one sentence says nothing about a number in another
    if one is rq and one[0] == "beats":
        return False  # the quality number beats a competitor the efficiency number is not measured against
    if one[0] == "own" and one[2] < other and \
            layout.clause(one[2]) != layout.clause(other):
        return False  # the reference is stated before the other end's clause, so it cannot scope over it
    return True if one else None


def _clause_owner(text: str, gain: dict, quality: dict, layout: _Layout) -> tuple[str | None, str | None]:
    """The two ends' baselines, less one the context stage gave both ends when it is a comparison ("compared to
    X", "than X") inside one end's clause only: "up to 29% compared to competing methods while offering a 7x
    runtime cut" measures the 29% against them, not the 7x. A reference that is no such cue ("96.7% of the 11B
    model's performance while using it for 43% of tokens") stays with both."""
    bg, bq = gain.get("baseline"), quality.get("baseline")
    at = gain.get("baseline_start")
    if at is None or at != quality.get("baseline_start") or not _CUE_BEFORE.search(text, max(0, at - 40), at):
        return bg, bq
    where, g_clause, q_clause = layout.clause(at), layout.clause(gain["start"]), layout.clause(quality["start"])
    if where == q_clause != g_clause:
        return None, bq
    if where == g_clause != q_clause:
        return bg, None
    return bg, bq


def find_points(abstract: str, claims: list[dict], quality_note: str | None, note_span=None) -> list[dict]:
    """[{"gain": i, "quality": j | "note", "same_baseline": bool | None}] for the paper, indexes into claims."""
    text = abstract or ""
    kinds = {"gain" if c.get("category") in EFFICIENCY else c.get("category") for c in claims}
    if "gain" not in kinds or ("quality" not in kinds and not quality_note):
        return []  # most abstracts: nothing to pair, and no need to read their sentences
    layout = _Layout(text, claims)
    units = layout.units
    eff_by: dict[int, list[int]] = {}
    qual_by: dict[int, list[int]] = {}
    for i, c in enumerate(claims):
        if c.get("start") is None:
            continue
        u = layout.unit(c["start"])
        if c.get("category") in EFFICIENCY:
            eff_by.setdefault(u, []).append(i)
        elif c.get("category") == "quality":
            qual_by.setdefault(u, []).append(i)

    eff_in: dict[tuple[int, int], list[int]] = {}  # the efficiency claims of each (sentence, setting group)
    for i in (i for v in eff_by.values() for i in v):
        eff_in.setdefault(layout.group(claims[i]["start"]), []).append(i)

    def eff_at(u: int) -> list[int]:
        return eff_by.get(u, [])

    pairs: list[tuple[int, int | str]] = []
    for u, span in enumerate(units):
        by_group: dict[int, tuple[list[int], list[int]]] = {}
        for i in eff_by.get(u, []):
            by_group.setdefault(layout.group(claims[i]["start"])[1], ([], []))[0].append(i)
        for j in qual_by.get(u, []):
            by_group.setdefault(layout.group(claims[j]["start"])[1], ([], []))[1].append(j)
        for g, (inside, quals) in by_group.items():
            pairs += _pairs_in_group(text, layout.groups[u][g], layout.clauses[u][g], inside, quals, claims)
        if u and _ALSO.match(text, span[0], span[1]):
            prev_e, prev_q = eff_by.get(u - 1, []), qual_by.get(u - 1, [])
            here_e, here_q = eff_by.get(u, []), qual_by.get(u, [])
            if here_e and not here_q and prev_q and not prev_e:
                pairs += [(i, j) for i in here_e for j in prev_q]
            elif here_q and not here_e and prev_e and not prev_q:
                pairs += [(i, j) for i in prev_e for j in here_q]
    note_at: dict[int, int] = {}
    if quality_note:
        for pos in _note_positions(text, quality_note, note_span):
            for i in _note_gains(text, layout, pos, eff_at, eff_in, claims):
                pairs.append((i, "note"))
                note_at.setdefault(i, pos)
    seen, out = set(), []
    for g, q in sorted(pairs, key=lambda p: (p[0], str(p[1]))):
        if (g, q) not in seen:
            seen.add((g, q))
            same = _same_baseline(text, claims, g, q, note_at.get(g), layout)
            out.append({"gain": g, "quality": q, "same_baseline": same})
    return out


def locate_claims(abstract: str, claims: list[dict]) -> list[dict]:
    """Copies of claims given only their `text` (as the gold set gives them) with `start`/`end` added: each text
    is found from the previous claim's start on, so a figure restated later is not taken for an earlier one."""
    out, pos = [], 0
    for c in claims:
        i = abstract.find(c["text"], pos)
        if i < 0:
            i = abstract.find(c["text"])
        if i < 0:
            raise ValueError(f"claim text {c['text']!r} is not in the abstract")
        out.append({**c, "start": i, "end": i + len(c["text"])})
        pos = i
    return out
