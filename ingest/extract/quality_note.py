"""The abstract's own words claiming quality is kept, without a number (GUIDELINES.md, `quality_note`).

Returns the shortest phrase of the first such claim, always an exact substring of the abstract:
"negligible performance drop", "lossless", "without compromising performance", "comparable accuracy",
"competitive performance", "on par with ...", "maintaining accuracy", "matches the performance" ...
A phrase that carries a number ("comparable accuracy (75.2%)" is fine, "a 1% accuracy drop" is a claim, not a
note) is skipped when the number sits inside the phrase itself.
"""
from __future__ import annotations

import re

from .claim_patterns import lower_twin
from .regex_prefixes import match_prefixes
from .wordscan import WORD_OR_HYPHEN, anchored_finditer, lowered, word_finditer

_Q = r"(?:accuracy|performance|quality|results?|effectiveness|fidelity|capabilit(?:y|ies)|precision|utility|" \
     r"generation quality|task performance|model performance)"
_MOD = r"(?:[\w-]+\s+){0,2}?"  # up to two words such as "retrieval", "zero-shot", "image generation"

# (literal triggers, pattern): a pattern is only run when one of its triggers occurs in the lower-cased abstract,
# which keeps the note finder to a few substring tests on most abstracts.
_PATTERNS: list[tuple[tuple[str, ...], str]] = [
    # loss-free phrasing
    (("drop", "degradation", "loss", "decrease", "impact", "penalty", "cost"),
     r"\b(?:negligible|minimal|marginal|minor|little|no|slight|insignificant|small)\s+" + _MOD +
     r"(?:performance|accuracy|quality)\s+(?:drop|degradation|loss|decrease|impact|penalty|cost)s?\b"),
    ((" no ",), r"\b(?:virtually|almost|nearly)\s+no\s+" + _MOD + r"(?:performance|accuracy|quality)?\s*"
     r"(?:drop|degradation|loss|decrease|impact)\b"),
    (("without",), r"\bwithout\s+(?:any\s+|significant\s+|noticeable\s+|much\s+|a\s+)?(?:sacrificing|compromising|"
     r"degrading|hurting|harming|losing|loss\s+(?:of|in)|drop\s+in)\s+" + _MOD + r"(?:" + _Q + r"|information)\b"),
    (("without",), r"\bwithout\s+(?:any\s+|significant\s+|noticeable\s+|much\s+)?(?:performance|accuracy|quality)\s+"
     r"(?:degradation|loss|drop)\b"),
    ((" not ",), r"\b(?:do|does|did)\s+not\s+(?:sacrifice|compromise|hurt|degrade)\s+" + _MOD + _Q + r"\b"),
    (("lossless",), r"\blossless(?:ly)?\b"),
    (("with minimal", "with negligible", "with little", "with no"),
     r"\bwith\s+(?:minimal|negligible|little|no)\s+(?:impact|loss|degradation)\b"),
    # kept / matched
    (("maintain", "preserv", "retain", "keep"),
     r"\b(?:maintain(?:s|ed|ing)?|preserv(?:e|es|ed|ing)|retain(?:s|ed|ing)?|keep(?:s|ing)?)\s+"
     r"(?:or\s+improv(?:e|es|ing)\s+)?"
     r"(?:upon\s+)?(?:the\s+|its\s+|their\s+)?(?:original\s+|competitive\s+|comparable\s+|strong\s+|high\s+|"
     r"acceptable\s+|a\s+decent\s+|decent\s+|similar\s+)?" + _MOD + _Q + r"(?:\s+gains)?\b"),
    (("comparable", "competitive", "similar", "on-par", "equivalent", "identical"),
     r"\b(?:comparable|competitive|similar|on-par|equivalent|nearly identical|identical|near-identical)\s+" +
     _MOD + _Q +
     r"\b"),
    ((" or better", " or higher", " or superior"),
     r"\b(?:similar|same|comparable)\s+or\s+(?:better|higher|superior)\s+" + _Q + r"\b"),
    (("highly competitive",), r"\bhighly\s+competitive\b"),
    (("comparable to",), r"\bcomparable\s+to\s+(?:the\s+)?(?:state-of-the-art|SOTA|full|baseline|original)\w*"),
    ((" par",), r"\b(?:on\s+par|at\s+par)\b(?:\s+(?:or\s+better\s+than|with)\s+(?:the\s+)?(?:prior\s+)?[\w-]+)?"),
    (("match",), r"\b(?:match(?:es|ing)?|matched)\s+(?:or\s+(?:exceed|outperform|surpass)(?:s|es)?\s+)?"
     r"(?:the\s+)?" + _MOD +
     r"(?:performance|accuracy|quality|baselines?)\b"),
    (("just as well",), r"\bperform(?:s)?\s+just\s+as\s+well\b"),
    ((" as effective", " as accurate", " as good"), r"\b(?:at\s+least|just)\s+as\s+(?:effective|accurate|good)\b"),
    (("no worse",), r"\bperformance\s+is\s+no\s+worse\b"),
    (("slightly", "marginally"), r"\bonly\s+(?:slightly|marginally)\s+(?:inferior|worse|lower)\b"),
    (("minimally affect",), r"\bminimally\s+affect(?:s|ing)?\s+" + _MOD + r"[\w-]+\b"),
]

assert all(p.startswith("\\b") for _t, p in _PATTERNS)


def _anchors(rx_low: re.Pattern) -> tuple[str, ...] | None:
    """The 4-letter starts of a lower-case twin that opens with several words ("comparable|competitive|..."): re
    has no literal to skip to there and tries the pattern at nearly every letter, while str.find on each start is
    cheap. None for a twin that opens with one literal word (re already skips to it) or whose starts are many."""
    pre = match_prefixes(rx_low.pattern, 4)
    if pre is None or not 2 <= len(pre) <= 8 or any(len(x) < 4 or not x.isalpha() and "-" not in x for x in pre):
        return None
    return tuple(sorted(pre))


# Patterns run on the lower-cased abstract (cheaper than IGNORECASE); the phrase is cut from the original text at the
# same offsets.  Should lower-casing change the length (rare non-ASCII letters), the IGNORECASE twins are used.
# A leading \b becomes "not after a letter, digit or hyphen" ("compute-matched" is not "matched"); the lower-case
# twin leaves that check to `word_finditer`, so that re can skip straight to the pattern's first words.
def _compiled(triggers: tuple[str, ...], p: str) -> tuple:
    """(triggers, lower-case twin, its anchors or None, the IGNORECASE pattern) for one of _PATTERNS."""
    rx_low = lower_twin(p, word_start=True)
    return triggers, rx_low, _anchors(rx_low), re.compile("(?<![\\w-])" + p[2:], re.IGNORECASE)


_RX = [_compiled(trig, p) for trig, p in _PATTERNS]
_ALL_TRIGGERS = frozenset(t for trig, _p in _PATTERNS for t in trig)
_NUMBER = re.compile(r"\d")


def find_quality_note(abstract: str) -> str | None:
    """Return the earliest quality-kept phrase in the abstract (exact substring), or None."""
    if not abstract:
        return None
    best: tuple[int, int, str] | None = None
    low = lowered(abstract)
    same = len(low) == len(abstract)
    present = {t for t in _ALL_TRIGGERS if t in low}
    if not present:
        return None
    for triggers, rx_low, anchors, rx_any in _RX:
        if present.isdisjoint(triggers):
            continue
        if not same:
            matches = rx_any.finditer(abstract)
        elif anchors and abstract.isascii():
            matches = anchored_finditer(rx_any, abstract, low, anchors)
        else:
            matches = word_finditer(rx_low, low, before=WORD_OR_HYPHEN)
        for m in matches:
            text = abstract[m.start():m.end()].strip()
            d = _NUMBER.search(text)
            if d:
                # "on par with GPT-4": drop words from the end until the number is gone and the phrase still reads
                rx = rx_low if same else rx_any
                cut = text[: d.start()]
                while cut:
                    cut = cut[: cut.rfind(" ")] if " " in cut else ""
                    if cut and rx.fullmatch(cut.lower() if same else cut):
                        break
                if not cut:
                    continue
                text = cut
            key = (m.start(), len(text))
            if best is None or key < best[:2]:
                best = (m.start(), len(text), text)
            break
    return best[2] if best else None
