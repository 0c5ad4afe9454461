"""The hardware an efficiency claim was measured on: a vocabulary rule over the claim's sentence.

Hardware is named for too few gold claims (4 of 467) to learn, so this is a rule, and what counts as hardware
is data: the `hardware` rows of `vocab/context.csv` ("A100", "GPUs", "mobile devices", "hardware
accelerators"); a new spelling there is found without a code change. A known hardware phrase of the claim's
own sentence (a count may lead it: "384 GCDs", "8 A100 GPUs") is the claim's hardware when it sits where
abstracts put the hardware of a number:

- after "on / using / across / onto / up to", inside the claim or later in its clause (at most twelve words
  on), or after the comma that closes it ("25% faster on GPU", "3x faster than vLLM on H100 GPUs", "1.71x
  increase in TFLOPS per GPU when compared with ZeRO++ up to 384 GCDs", "2.3x speedup over BF16, on a 24 GB
  RTX 4090 GPU");
- opening the sentence after "On" ("On a single A100, ... 2.7x faster");
- as the subject of the claim's clause, right before a verb of reporting ("cloud services demonstrate
  better time efficiency (<10 seconds)", "hardware accelerators and achieved 11.6x faster inference").

Quality claims never get hardware ("trained on an A100, it improves accuracy by ..." names where it was
trained, not measured). Pure: tokens in, token indexes out.
"""
from __future__ import annotations

import re

from .context_features import DETERMINERS, Token

MAX_WORDS = 3          # words of a hardware phrase ("NVIDIA A100 GPU"), the count not included
AFTER_CLAIM = 12       # words between the claim's end and a cued phrase after it, in the same clause
BEFORE_CLAIM = 6       # words between a subject phrase and the claim
CUES = frozenset({"on", "using", "across", "onto"})
REPORTING_VERBS = frozenset("""achieve demonstrate show deliver run reach attain yield offer provide obtain
exhibit perform enable""".split())
_SKIP = DETERMINERS | {"one", "two", "four", "eight"}
_MEMORY = re.compile(r"^\d+(?:gb|g)?$|^gb$")


def _reporting(word: str) -> bool:
    """"achieves", "achieved", "runs", "demonstrate": a reporting verb in any simple form."""
    return any(word in (v, v + "s", v + "d", v + "ed", v + "es") or (v.endswith("e") and word == v[:-1] + "ed")
               for v in REPORTING_VERBS)


def phrases(toks: list[Token], lo: int, hi: int, names: dict[str, str]) -> list[tuple[int, int]]:
    """(first, last) token of each known hardware phrase in toks[lo..hi]: at each word the longest phrase
    whose key is a hardware spelling, led by its count when one comes right before it ("384 GCDs")."""
    out, i = [], lo
    while i <= hi:
        key, best = "", None
        for j in range(i, min(hi, i + MAX_WORDS - 1) + 1):
            if (j == i and toks[j].number) or (j > i and toks[j - 1].brk):
                break
            key += toks[j].key
            if key in names:
                best = j
        if best is None or toks[i].number:
            i += 1
            continue
        first = i - 1 if i > lo and toks[i - 1].low.isdigit() and not toks[i - 1].brk else i
        out.append((first, best))
        i = best + 1
    return out


def _modifier(tok: Token) -> bool:
    """A word that may stand between a cue and the hardware it introduces: an article, "single", a memory
    size ("24 GB") or a compound adjective ("bandwidth-constrained GPUs")."""
    return (tok.low in _SKIP or _MEMORY.match(tok.low) is not None
            or (tok.word == tok.low and "-" in tok.low and not tok.number))


def _cue(toks: list[Token], first: int, lo: int) -> tuple[int, str]:
    """The index and word of what precedes a phrase, modifiers skipped (-1, "" at the sentence's start or
    after a comma)."""
    k = first - 1
    while k >= lo and first - k <= 4 and _modifier(toks[k]) and not toks[k].brk:
        k -= 1
    return (k, toks[k].low) if k >= lo and not toks[k].brk else (-1, "")


def _where_it_counts(toks: list[Token], first: int, last: int, ci: int, cj: int, lo: int) -> bool:
    """Whether a hardware phrase at toks[first..last] sits where a claim's hardware is named (module doc)."""
    k, cue = _cue(toks, first, lo)
    cued = cue in CUES or (cue == "to" and k > lo and toks[k - 1].low == "up")
    if cued and ci <= first and first - cj - 1 <= AFTER_CLAIM and not any(t.brk for t in toks[cj:k - 1]):
        return True
    if cue == "on" and k == lo and toks[last].brk:
        return True
    if last < ci and ci - last - 1 <= BEFORE_CLAIM and not any(t.brk for t in toks[last:ci]):
        nxt = last + 2 if toks[last + 1].low == "and" else last + 1
        return nxt <= ci and _reporting(toks[nxt].low) and (k < 0 or toks[k].stop)
    return False


def hardware_span(toks: list[Token], ci: int, cj: int, category: str, names: dict[str, str],
                  memo: dict | None = None) -> tuple[int, int] | None:
    """(first, last) token of the hardware the claim at toks[ci..cj] was measured on, the nearest of the
    phrases the rule accepts; None for a quality claim or when none is named. `memo` (one per abstract) keeps
    each sentence's start and phrases for its other claims: scanning the sentence again per claim is
    quadratic in a long one (a 40 KB abstract without a full stop took 20 CPU-s)."""
    if category == "quality" or not toks:
        return None
    memo = {} if memo is None else memo
    sent = toks[ci].sent
    if sent not in memo:
        lo, hi = ci, cj
        while lo > 0 and toks[lo - 1].sent == sent:
            lo -= 1
        while hi < len(toks) - 1 and toks[hi + 1].sent == sent:
            hi += 1
        memo[sent] = (lo, phrases(toks, lo, hi, names))
    lo, found = memo[sent]
    hits = [(f, l) for f, l in found if _where_it_counts(toks, f, l, ci, cj, lo)]
    return min(hits, key=lambda h: (max(ci - h[1], h[0] - cj, 0), h[0], -h[1]), default=None)
