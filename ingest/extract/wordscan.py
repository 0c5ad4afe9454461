"""Regex search that starts matches only at word starts, without slowing Python's re down.

re skips quickly to where a match can begin only when a pattern opens with a literal or a set of literal
first letters; a leading `\\b` or look-behind makes it try the whole pattern at every character (~40 µs per
abstract per pattern). So the patterns that need a word start are compiled without that leading assertion and
`word_finditer` checks the character before each match itself: the matches are those of the original pattern.
"""
from __future__ import annotations

import re
from typing import AnyStr, Iterable, Iterator, Optional

WORD = re.compile(r"\w")           # what `\b` looks at before a match that starts with a letter
WORD_OR_HYPHEN = re.compile(r"[\w-]")  # for patterns that opened with `(?<![\w-])`


def word_finditer(rx: re.Pattern, text: str, pos: int = 0, endpos: Optional[int] = None,
                  before: re.Pattern = WORD) -> Iterator[re.Match]:
    """`rx.finditer(text, pos, endpos)` keeping only matches not preceded by a `before` character.

    Equals the finditer of `(?<!before)rx` (`\\b` + rx when rx starts with a word character): after a match
    that does not start a word, the search resumes one character later, so no match of the original is lost.
    """
    end = len(text) if endpos is None else endpos
    while True:
        m = rx.search(text, pos, end)
        if m is None:
            return
        s = m.start()
        if s and before.match(text, s - 1):
            pos = s + 1
            continue
        yield m
        pos = m.end() if m.end() > s else s + 1


def literal_starts(low: AnyStr, words: Iterable[AnyStr]) -> list[int]:
    """Every position where one of `words` occurs in `low`, sorted (str/bytes.find: far faster than a regex
    scan)."""
    out = []
    for w in words:
        i = low.find(w)
        while i >= 0:
            out.append(i)
            i = low.find(w, i + 1)
    out.sort()
    return out


def space_start(low: str, i: int) -> int:
    """Where the run of whitespace that ends at i begins (i itself when low[i - 1] is not whitespace): the way back
    from a word to the one before it ("and   propose", "a\nfactor")."""
    while i > 0 and low[i - 1].isspace():
        i -= 1
    return i


def word_starts(low: str, words, before: re.Pattern = WORD) -> list[int]:
    """`literal_starts` keeping the positions not preceded by a `before` character: where a pattern that opened
    with `\\b` (and whose every match starts with one of `words`) can match. With `finditer_at` this gives
    `word_finditer`'s matches, but re is never run over the text between the candidates."""
    return [p for p in literal_starts(low, words) if not p or before.match(low, p - 1) is None]


def finditer_at(rx: re.Pattern, text: str, starts) -> Iterator[re.Match]:
    """`rx.finditer(text)`, given sorted positions that include every place a match of rx can start.

    finditer tries rx at each position from the end of its last match on; trying only the candidates finds the
    same matches, because at any other position rx fails anyway. Use it for patterns that begin with `\\b` or a
    look-behind, which make re try them at every character.
    """
    last = 0
    for p in starts:
        if p >= last:
            m = rx.match(text, p)
            if m is not None:
                yield m
                last = m.end() if m.end() > p else p + 1


def anchored_finditer(rx: re.Pattern, text: str, low: str, anchors: tuple[str, ...]) -> Iterator[re.Match]:
    """rx.finditer(text) for a pattern whose every match starts with one of `anchors` (lower-case literals, as
    found in `low` = text.lower()): on ASCII text only the places where an anchor occurs are tried."""
    if not text.isascii():  # lower() may move offsets; scan the plain way
        return rx.finditer(text)
    return finditer_at(rx, text, literal_starts(low, anchors))


_LOWERED: dict[str, str] = {}
_LOWERED_MAX = 1024  # more than a batch of extract_many (500), whose finders each lower every abstract of it


def lowered(text: str) -> str:
    """text.lower(), remembered for the last ~1,000 texts: the finders lower the same abstract several times over,
    and extract_many runs them one after another over a whole batch. (A str keeps its hash, so asking again for
    the same abstract costs one dict lookup; the memo is emptied when full.)"""
    low = _LOWERED.get(text)
    if low is None:
        if len(_LOWERED) >= _LOWERED_MAX:
            _LOWERED.clear()
        low = _LOWERED[text] = text.lower()
    return low
