"""The extractor's speed shortcuts change nothing: each one against the plain regex or code it stands in for.

The extractor avoids scanning every character with big case-insensitive patterns (see wordscan.py): it tries
them only where a cheap scan says a match can start, compiles alternations per first letters, runs lower-case
twins on ASCII text and skips sentences whose numbers cannot be claims. Each shortcut must give exactly what the
slow form gives, on every gold abstract and the arXiv sample, as written and in other letter cases.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.extract import claim_patterns as P
from ingest.extract import claims as C
from ingest.extract import numbers as N
from ingest.extract import regex_prefixes as R
from ingest.extract import tradeoffs as T
from ingest.extract.claims import extract_claims
from ingest.extract.wordscan import anchored_finditer, finditer_at, literal_starts

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _texts() -> list[str]:
    out = []
    for line in open(FIXTURES / "gold" / "seeds.jsonl", encoding="utf-8"):
        r = json.loads(line)
        out += [r["title"], r["abstract"]]
    for line in open(FIXTURES / "corpora" / "arxiv-daily-2026-05-19.jsonl", encoding="utf-8"):
        r = json.loads(line)
        out += [r["title"], r["summary"]]
    return out


TEXTS = _texts()


def _variants(text: str) -> list[str]:
    return [text, text.lower(), text.upper(), text.replace(" ", "  ")]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [v for t in TEXTS for v in _variants(t)[::2]]  # as written, upper-cased


def _spans(matches) -> list[tuple]:
    return [(m.start(), m.end(), m.lastgroup) for m in matches]


def test_cue_and_polarity_scans_find_what_the_full_regex_finds(texts):
    """Cue/polarity alternations are tried only where a trigger scan says they could match, and then only with
    the branches that can start with the letters there (BranchDispatch)."""
    for a in texts:
        whole = [(0, len(a))]
        for rx, scan, dispatch in ((P.CUE_RE, P.CUE_SCAN, P.CUE_DISPATCH), (P.POL_RE, P.POL_SCAN, P.POL_DISPATCH)):
            assert _spans(C._word_matches(rx, scan, a, whole, dispatch)) == _spans(rx.finditer(a)), a[:80]


def test_split_branches_keeps_the_pattern():
    assert R.split_branches(r"a|b(c|d)|[|(]x|\||e") == ["a", "b(c|d)", "[|(]x", r"\|", "e"]
    assert R.split_branches(r"[]|]|y") == ["[]|]", "y"]


def test_clause_stops_on_lower_cased_text_match_the_whole_patterns():
    """_left_start / _right_end / _outperform run split, lower-case twins on ASCII text."""
    for a in [v for t in TEXTS[:562] for v in _variants(t)[:3]]:
        low = a.lower()
        for lo in range(0, len(a), 41):
            for end in (lo + 15, lo + 60, lo + 140):
                end = min(end, len(a))
                assert C._left_start(a, low, lo, end) == C._left_start(a, None, lo, end)
                assert C._right_end(a, low, lo, end, len(a)) == C._right_end(a, None, lo, end, len(a))
                fast, full = C._outperform(a, low, lo, end), C._outperform(a, None, lo, end)
                assert (fast and fast.span()) == (full and full.span())


def test_skipping_sentences_of_bare_numbers_changes_nothing(monkeypatch, texts):
    """Sentences whose numbers can only be levels are skipped before the per-number analysis."""
    base = [extract_claims(a) for a in texts]
    monkeypatch.setattr(C, "_only_bare_levels", lambda *args: False)
    assert [extract_claims(a) for a in texts] == base


def test_number_words_found_from_their_anchor_words(texts):
    """'twice', 'three-fold', 'two orders of magnitude' ... are tried only just before the words they contain."""
    extra = ["It is twice as fast, halves memory and is 3x, ten-fold, thousand times and several \n orders  of"
             "  magnitude cheaper; doubling throughput (half) in a twofold manifold order."]
    for a in texts + extra:
        low = a.lower()
        assert _spans(N._word_number_matches(a, low)) == _spans(N._WORD_RE.finditer(a)), a[:80]


def test_tradeoff_scans_tried_at_their_first_words(texts):
    for a in texts:
        low = a.lower()
        for rx, anchors in ((T._TRADE_WORD, ("trade",)), (T._BALANCE, ("balanc", "pareto", "trad")),
                            (T._BALANCE_TITLE, ("balanc", "pareto", "trad")), (T._TRADE_FOR, ("trad",))):
            assert _spans(anchored_finditer(rx, a, low, anchors)) == _spans(rx.finditer(a)), a[:80]


def test_phrase_before_trade_off_searched_from_its_fifth_last_word():
    for a in TEXTS + ["a  b\tc d e f\ng trade-off", "x (a b) c, d e-f g/h i trade"]:
        for end in list(range(0, len(a), 97)) + [m.start() for m in T._TRADE_WORD.finditer(a)]:
            start = max(0, end - 90)
            fast, full = T._phrase_before(a, start, end), T._BEFORE.search(a, start, end)
            assert (fast and (fast.span(), fast.group(1))) == (full and (full.span(), full.group(1)))


def test_finditer_at_is_finditer_when_given_every_start():
    rx = N._WORD_RE
    text = "twice twice-fold half behalf, two times and three-fold"
    assert _spans(finditer_at(rx, text, range(len(text)))) == _spans(rx.finditer(text))
    assert literal_starts("a trade, trade-off", ("trade", "off")) == [2, 9, 15]


def test_title_patterns_tried_at_their_first_words(texts):
    from ingest.extract import domains as D

    for a in texts:
        low = a.lower()
        for rx, anchors in ((D._TITLE_LM, ("l",)), (D._TITLE_SYSTEMS, D._TITLE_SYSTEMS_WORDS)):
            assert _spans(anchored_finditer(rx, a, low, anchors)) == _spans(rx.finditer(a)), a[:80]


def test_trigger_scan_finds_the_word_starts_of_its_lookbehind_form(texts):
    import re

    for scan in (P.CUE_SCAN, P.POL_SCAN):
        reference = re.compile(scan.pattern)
        for a in texts[:1200]:
            low = a.lower()
            for lo, hi in ((0, len(low)), (1, len(low) // 2), (len(low) // 3, len(low))):
                assert list(scan.starts(low, lo, hi)) == [m.start() for m in reference.finditer(low, lo, hi)]


def test_latex_commands_stripped_like_the_plain_substitution(texts):
    from ingest.extract import method as M

    extra = [r"\textbf{Turbo}: a \emph{fast} \mathrm{x}{y} text{z} \textit{} \mathcal{\textbf{A}} emph{b}"]
    for a in texts + extra:
        assert M._strip_latex(a) == M._LATEX_CMD.sub(r"\1", a), a[:80]


def test_analysis_titles_tried_at_their_first_words(texts):
    from ingest.extract import method as M

    for a in texts + ["A Survey of X", "Position Paper: Y", "Resurveying", "systematic  review"]:
        fast = anchored_finditer(M._ANALYSIS_TITLE, a, a.lower(), M._ANALYSIS_WORDS)
        assert _spans(fast) == _spans(M._ANALYSIS_TITLE.finditer(a)), a[:80]


def test_quality_note_patterns_tried_at_their_first_words(texts):
    from ingest.extract import quality_note as Q
    from ingest.extract.wordscan import WORD_OR_HYPHEN, word_finditer

    anchored = [r for r in Q._RX if r[2]]
    assert anchored  # "comparable|competitive|similar ...", "maintain|preserve|retain|keep ..."
    for a in [t for t in texts if t.isascii()]:  # where find_quality_note takes this path
        low = a.lower()
        for _trig, rx_low, anchors, rx_any in anchored:
            fast = anchored_finditer(rx_any, a, low, anchors)
            assert _spans(fast) == _spans(word_finditer(rx_low, low, before=WORD_OR_HYPHEN)), a[:80]


def test_batch_extraction_is_extraction_one_by_one():
    """extract_many runs one field at a time over the batch (cache-friendly); the output is extract()'s."""
    from ingest.extract import extract, extract_batch, extract_many

    titles, abstracts = TEXTS[0::2][:400], TEXTS[1::2][:400]
    one_by_one = [extract(t, a) for t, a in zip(titles, abstracts)]
    assert extract_many(titles, abstracts) == one_by_one
    assert [list(x) for x in extract_many(titles, abstracts)] == [list(x) for x in one_by_one]  # key order
    assert extract_batch([{"title": t, "abstract": a} for t, a in zip(titles, abstracts)] + [{}]) == \
        one_by_one + [extract("", "")]


def test_lowered_remembers_only_the_same_text():
    from ingest.extract.wordscan import lowered

    a, b = "Speed-Up OF 2.7X", "ANOTHER Text"
    assert [lowered(a), lowered(a), lowered(b), lowered(a)] == [a.lower(), a.lower(), b.lower(), a.lower()]


def _can_match_sentence_end(items) -> bool:
    """Could some part of a parsed pattern match ".", "!" or "?" (lookarounds included)?"""
    from re import _constants as sc

    ends = {ord(c) for c in ".!?"}
    for op, av in items:
        if op in (sc.ANY, sc.NOT_LITERAL, sc.GROUPREF) or (op is sc.LITERAL and av in ends):
            return True
        if op is sc.IN:
            for o, a in av:
                if o is sc.NEGATE or (o is sc.LITERAL and a in ends) or \
                        (o is sc.RANGE and any(a[0] <= c <= a[1] for c in ends)) or \
                        (o is sc.CATEGORY and a not in (sc.CATEGORY_WORD, sc.CATEGORY_DIGIT, sc.CATEGORY_SPACE)):
                    return True
        elif op is sc.CATEGORY and av not in (sc.CATEGORY_WORD, sc.CATEGORY_DIGIT, sc.CATEGORY_SPACE):
            return True
        elif op is sc.SUBPATTERN and _can_match_sentence_end(av[-1]):
            return True
        elif op is sc.BRANCH and any(_can_match_sentence_end(alt) for alt in av[1]):
            return True
        elif op in (sc.MAX_REPEAT, sc.MIN_REPEAT) and _can_match_sentence_end(av[2]):
            return True
        elif op in (sc.ASSERT, sc.ASSERT_NOT) and _can_match_sentence_end(av[1]):
            return True
    return False


def test_cue_and_polarity_words_never_span_a_sentence_end():
    """extract_claims cuts its cue windows where sentences end in ". ! ?": exact only while no cue or polarity
    pattern can match one of those characters."""
    from re import _parser as sp

    for rx in (P.CUE_RE, P.POL_RE):
        assert not _can_match_sentence_end(sp.parse(rx.pattern, rx.flags))
    assert _can_match_sentence_end(sp.parse(r"a(?=\.)"))  # the check itself sees into look-arounds


def test_windows_cut_at_sentence_ends_give_the_same_claims(monkeypatch, texts):
    base = [extract_claims(a) for a in texts]
    monkeypatch.setattr(C, "_split_at", lambda windows, cuts: windows)
    assert [extract_claims(a) for a in texts] == base


def test_number_starts_are_the_digit_runs_a_number_can_start():
    import re

    for a in TEXTS + ["1 x2 (3) v1.5 @4 /5 \\6 ^7 -8 a-9 10,000 2.7x 0", "9"]:
        slow = [d.start() for d in re.finditer(r"[0-9]+", a) if not d.start() or a[d.start() - 1] not in
                N._NO_NUMBER_AFTER]
        assert list(N._number_starts(a)) == (slow if a.isascii() else [d.start() for d in re.finditer(r"\d+", a)])


def test_method_cues_tried_only_where_they_can_match(texts):
    """Each intro-cue pattern of method.py runs only at the places its start function gives (its first words at
    word starts; for "and/then/by propose ...", looking back from the verbs): the matches are the plain scan's."""
    from ingest.extract import method as M
    from ingest.extract.wordscan import word_finditer

    extra = ["we\npropose X, to call it Y and then\tintroduce Z; in this paper, our model", "band  presents, by\n"
             "developing; Then Presented and   proposing (by introducing) standby present"]
    for _rx, rx_low, _strict, _triggers, starts in M._CUES:
        for a in texts + extra:
            low = a.lower()
            assert _spans(finditer_at(rx_low, low, starts(low))) == _spans(word_finditer(rx_low, low)), a[:80]


def test_sentence_ends_found_from_their_candidates():
    """_sentences tries SENT_RE only where bytes.find saw punctuation before whitespace (or "\\n\\n"); the plain way
    tries it at every ".!?" and newline."""
    def plain(a: str) -> list[tuple[int, int]]:
        out, s = [], 0
        for c in C._SENT_CAND_RE.finditer(a):
            m = P.SENT_RE.match(a, c.start())
            if m is not None:
                out.append((s, m.end()))
                s = m.end()
        return out + [(s, len(a))]

    extra = ["One.\x1cTwo. three!\tFour?\n\nFive\n\n\nSix e.g. Seven et al. Eight 2.7x. End.",
             "A.\n", "B?", "C.  \n", ".", "\n\n", "", "é. Ünï.\n\nx"]
    for a in TEXTS + extra + [t.replace(". ", ".\n") for t in TEXTS[:100]]:
        assert C._sentences(a) == plain(a), a[:80]


_NUMBER_EXTRAS = ["1,000-2,000x 2.5-3x 1{,}024 to 2{,}048 GB 10 - 20% 3.5-fold 4-bit to 8-bit 5%-10% 12-15x",
                  "7B 3D 2 s-3 s 1.5 x-2 x 20 %p 5 pp 6 percentage points 2\\times-3\\times 9 ** to ** 10x",
                  "in 2024, top 5 models 0.3 dB 30 tokens/s 2 to 3 times 100 ~ 200 K 1--2x 4 –5% 7\x1c8x"]


def test_bare_numbers_skip_the_quantity_pattern(texts):
    """Where nothing after a number can start a unit or a range, find_quantities takes the bare number without
    running _QUANT_RE: the same as _QUANT_RE's match there."""
    assert not N._AFTER_NUMBER_FIRST & set("0123456789,.{")  # (also why the first number of a range is atomic)
    for a in [t for t in texts + _NUMBER_EXTRAS if t.isascii()]:
        for s in N._number_starts(a):
            e, m = N._bare_number_end(a, s), N._QUANT_RE.match(a, s)
            if e == -1:
                assert m is None
            elif e is not None:
                assert m is not None and m.group("n") == a[s:e] and m.end() == e and not m.group("u"), a[s:s + 20]


def test_first_number_of_a_range_read_atomically(texts):
    import re

    plain = re.compile(N._QUANT_RE.pattern.replace(f"(?P<lo>(?>{N._NUM}))", f"(?P<lo>{N._NUM})"))
    assert plain.pattern != N._QUANT_RE.pattern
    for a in texts + _NUMBER_EXTRAS:
        for d in re.finditer(r"\d+", a):
            m, p = N._QUANT_RE.match(a, d.start()), plain.match(a, d.start())
            assert (m and (m.span(), m.groupdict())) == (p and (p.span(), p.groupdict())), a[d.start():d.start() + 20]


def test_factor_phrases_tried_at_factor(texts):
    extra = ["by a factor of 3, A  factor of two, data factor of 5, afactor of 2, a\nfactor of ten, factors of 4"]
    for a in texts + extra:
        assert _spans(N._factor_matches(a, a.lower())) == _spans(N._FACTOR_RE.finditer(a)), a[:80]


def test_lowering_title_and_abstract_apart_is_lowering_them_joined():
    """find_tradeoffs lowers "title\\nabstract" as two remembered pieces: the same, since a newline ends the
    context that final sigma looks at."""
    pairs = [("ΑΣ", "Σα"), ("abΣ", "ΣΣ x"), ("Σ", ""), ("", "Σ"), ("İ x", "ΣΣ"), ("aΣ", ".Σb")]
    for t, a in pairs + list(zip(TEXTS[0::2], TEXTS[1::2]))[:300]:
        assert (t + "\n" + a).lower() == t.lower() + "\n" + a.lower()


def test_literal_triggers_occur_wherever_their_pattern_matches(texts):
    """The quality-note and method-cue patterns run only when one of their trigger words occurs in the lower-cased
    abstract; on the corpus, no match is ever skipped that way."""
    from ingest.extract import method as M
    from ingest.extract import quality_note as Q

    gated = [(rx_any, trig) for trig, _low, _anchors, rx_any in Q._RX]
    gated += [(rx, trig) for rx, _low, _strict, trig, _starts in M._CUES if trig]
    extra = ["nearly no accuracy drop", "We propose X, dubbed Y", "Our method, named Z", "matches the performance"]
    matched = 0
    for a in texts + extra:
        low = a.lower()
        for rx, trig in gated:
            if rx.search(a):
                matched += 1
                assert any(t in low for t in trig), (rx.pattern[:50], a[:80])
    assert matched > 100


def test_lower_twin_matches_the_case_insensitive_pattern_on_lowered_text(texts):
    """claim_patterns.lower_twin is the one way a lower-case twin is built: same spans and groups on lower-cased
    ASCII text; it refuses what lower-casing would change (a case-sensitive pattern, an upper-case escape)."""
    rx = re.compile(r"\b(?:(?P<up>up\s+to|SOTA)|(?P<at>at\s+least))\s?\d", re.IGNORECASE)
    twin = P.lower_twin(rx)
    for a in [t for t in texts if t.isascii()] + ["Up To 5x, SOTA 3, at\tleast 2"]:
        low = a.lower()
        assert _spans(twin.finditer(low)) == _spans(rx.finditer(a)), a[:80]
    assert P.lower_twin(re.compile(r"(?i)\bwe\s+Propose\b"), word_start=True).pattern == r"we\s+propose\b"
    assert P.lower_twin(r"than|That").pattern == "than|that" and not P.lower_twin(r"x").flags & re.IGNORECASE
    for bad in (re.compile(r"up\s+to"), re.compile(r"up\S+to", re.IGNORECASE)):
        with pytest.raises(AssertionError):
            P.lower_twin(bad)
    with pytest.raises(AssertionError):
        P.lower_twin(r"we", word_start=True)  # no leading \b to drop
