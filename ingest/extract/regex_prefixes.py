"""What a regex can start with, and the matchers built on it: scanners and dispatchers for big alternations.

Python's re tries a pattern that opens with an alternation of ~150 words (or a look-behind) at nearly every
character. Knowing the first letters every match can start with (`match_prefixes`, worked out from the parsed
pattern) lets the extractor try such patterns only at the word starts where those letters occur (`TriggerScan`),
and only with the branches that can start there (`BranchDispatch`). Each gives exactly the plain pattern's
matches; tests/test_extract_shortcuts.py holds them to it.
"""
from __future__ import annotations

import re
from typing import Optional

try:  # Python 3.11+
    from re import _constants as _sc, _parser as _sp
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _sc  # type: ignore
    import sre_parse as _sp  # type: ignore

_K = 4  # prefix length (4: ~0.15 s to build the scanners at import, ~10% faster than 3)


def _prefixes(items, k: int):
    """Lower-cased prefixes (length <= k, shorter only when the pattern can end there) of the strings a parsed
    pattern can match; None when that cannot be worked out (then no filtering is done)."""
    results = {""}
    for op, av in items:
        if all(len(p) >= k for p in results):
            break
        if op is _sc.LITERAL:
            nxt = {chr(av).lower()}
        elif op is _sc.NOT_LITERAL or op is _sc.ANY:
            return None
        elif op is _sc.IN:
            chars = set()
            for iop, iav in av:
                if iop is _sc.LITERAL:
                    chars.add(chr(iav).lower())
                elif iop is _sc.RANGE:
                    if iav[1] - iav[0] > 64:
                        return None
                    chars.update(chr(c).lower() for c in range(iav[0], iav[1] + 1))
                elif iop is _sc.CATEGORY:
                    if iav is _sc.CATEGORY_SPACE:
                        chars.update(" \t\n\r\f\v")
                    elif iav is _sc.CATEGORY_DIGIT:
                        chars.update("0123456789")
                    else:
                        return None
                else:
                    return None
            nxt = chars
        elif op is _sc.SUBPATTERN:
            sub = _prefixes(av[-1], k)
            if sub is None:
                return None
            nxt = sub
        elif op is _sc.BRANCH:
            nxt = set()
            for alt in av[1]:
                sub = _prefixes(alt, k)
                if sub is None:
                    return None
                nxt |= sub
        elif op in (_sc.MAX_REPEAT, _sc.MIN_REPEAT):
            lo, hi, sub_items = av
            sub = _prefixes(sub_items, k)
            if sub is None:
                return None
            nxt = set()
            seqs = {""}
            for _ in range(min(hi, k)):
                seqs = {a + b for a in seqs for b in sub}
                nxt |= seqs
            if lo == 0:
                nxt.add("")
            else:
                nxt = {s for s in nxt if s}  # at least one repetition
        elif op in (_sc.ASSERT, _sc.ASSERT_NOT, _sc.AT):
            continue
        else:
            return None
        results = {(p + n)[:k] if len(p) < k else p for p in results for n in nxt}
        if len(results) > 20000:
            return None
    return results


def match_prefixes(rx_source: str, k: int) -> Optional[frozenset]:
    """The lower-cased starts (k letters, fewer only where the pattern can end) of what a case-sensitive pattern
    can match; None when that cannot be worked out or when it can match the empty string."""
    pre = _prefixes(_sp.parse(rx_source), k)
    return None if pre is None or "" in pre else frozenset(pre)


def trigger_set(rx: re.Pattern) -> Optional[frozenset]:
    """The first _K letters (lower-cased) every match of a compiled pattern starts with; None when unknown."""
    try:
        pref = _prefixes(_sp.parse(rx.pattern, rx.flags), _K)
    except Exception:  # pragma: no cover - defensive: never filter when unsure
        return None
    if pref is None or "" in pref:
        return None
    return frozenset(pref)


def _trie_regex(words) -> str:
    trie: dict = {}
    for w in sorted(words):
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node) -> str:
        alts = []
        end = "" in node
        for ch in sorted(k for k in node if k):
            alts.append(re.escape(ch) + emit(node[ch]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if end else body

    return emit(trie)


class TriggerScan:
    """Finds, in the *lower-cased* text, every word start (a place not after [a-z0-9_]) where one of the
    triggers begins: the places a pattern could match at.

    The finditer of `(?<![a-z0-9_])(?=trie)`, done as `[^a-z0-9_](?=trie)` (a match ends at the word start it
    finds): a pattern that opens with a character set lets re skip through words at C speed, where the leading
    look-behind made it stop at every character.
    """

    def __init__(self, triggers):
        trie = _trie_regex(triggers)
        self.pattern = r"(?<![a-z0-9_])(?=" + trie + ")"  # what `starts` computes, for reference and tests
        self._after_gap = re.compile(r"[^a-z0-9_](?=" + trie + ")")
        self._at = re.compile(r"(?=" + trie + ")")

    def starts(self, low: str, a: int, b: int) -> list[int]:
        """The word starts p, a <= p < b, where a trigger begins within low[:b], in order."""
        first = [0] if a <= 0 and self._at.match(low, 0, b) else []
        return first + [m.end() for m in self._after_gap.finditer(low, max(a, 1) - 1, b)]


def trigger_scanner(triggers) -> Optional[TriggerScan]:
    """A TriggerScan for a pattern's trigger set; None when the set could not be worked out (then scan all)."""
    return None if triggers is None else TriggerScan(triggers)


def split_branches(rx: str) -> list[str]:
    """The top-level alternatives of a regex source ("a|b(c|d)|[|]" -> ["a", "b(c|d)", "[|]"])."""
    out, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(rx):
        c = rx[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if rx.startswith("^", i + 1):
                i += 1
            if rx.startswith("]", i + 1):
                i += 1  # "[]...]": a leading "]" is a literal
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(rx[start:i])
            start = i + 1
        i += 1
    out.append(rx[start:])
    assert "|".join(out) == rx and depth == 0, rx
    return out


class BranchDispatch:
    """`match(low, p, end)` of `head(?:(?P<g0>...)|(?P<g1>...)...)tail` on lower-cased text, compiled with only the
    branches that can begin with the letters at p.

    Same match as the full pattern (same span, same `lastgroup`): a branch that cannot start with low[p:p+4]
    cannot match at p, and the branches kept stay in their order. The full alternation tries every one of its
    ~150 branches in turn; the one compiled for "late" tries the handful about latency. Compiled on first use,
    one pattern per distinct set of branches.
    """

    def __init__(self, head: str, groups: list[tuple[str, str]], tail: str):
        self._head, self._tail = head.lower(), tail.lower()
        self._branches = []  # (group, source, prefixes or None when any text could start it)
        for name, src in groups:
            for alt in split_branches(src.lower()):
                self._branches.append((name, alt, match_prefixes(alt, _K)))
        self._by_key: dict[str, re.Pattern] = {}
        self._by_branches: dict[tuple[int, ...], re.Pattern] = {}

    def match(self, low: str, p: int, end: int) -> Optional[re.Match]:
        key = low[p:min(p + _K, end)]
        rx = self._by_key.get(key)
        if rx is None:
            rx = self._compile(key)
        return rx.match(low, p, end)

    def _compile(self, key: str) -> re.Pattern:
        starts = {key[:i] for i in range(1, len(key) + 1)}
        keep = tuple(i for i, (_g, _a, pref) in enumerate(self._branches) if pref is None or not pref.isdisjoint(starts))
        rx = self._by_branches.get(keep)
        if rx is None:
            groups: dict[str, list[str]] = {}
            for i in keep:
                name, alt, _pref = self._branches[i]
                groups.setdefault(name, []).append(alt)
            body = "|".join(f"(?P<{name}>{'|'.join(alts)})" for name, alts in groups.items()) or "(?!)"
            rx = self._by_branches[keep] = re.compile(self._head + "(?:" + body + ")" + self._tail)
        if len(self._by_key) > 20000:  # keys are 4-letter word starts; bound the memo on odd input anyway
            self._by_key.clear()
        self._by_key[key] = rx
        return rx


# CUE_RE / POL_RE on lower-cased ASCII text, compiled per first letters (see BranchDispatch)
