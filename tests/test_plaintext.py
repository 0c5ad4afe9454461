"""LaTeX/markdown abstracts to readable text, and claim spans carried through the conversion."""
from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as hs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ui.highlight import highlight_html, kind, legend_html  # noqa: E402
from ui.plaintext import convert, plain  # noqa: E402


def test_what_abstracts_really_hold():
    assert plain(r"we keep 96.7\% of it") == "we keep 96.7% of it"
    assert plain("a **1.9x** speed-up and *fast* decoding") == "a 1.9x speed-up and fast decoding"
    assert plain(r"$2.5\times$ fewer FLOPs, $\alpha$-entmax") == "2.5× fewer FLOPs, α-entmax"
    assert plain("20.6times speedup at 1024times1024, 10times-1000times") == "20.6× speedup at 1024×1024, 10×-1000×"
    assert plain(r"\textbf{Ours} \emph{is} fast \cite{x}, 20%--30%") == "Ours is fast , 20%–30%"
    assert plain("sometimes 3 times a*b*c `code`") == "sometimes 3 times a*b*c code"
    assert plain("costs $5 and $10") == "costs $5 and $10"  # money, not math
    assert plain("no markup at all: 2x faster.") == "no markup at all: 2x faster."
    assert plain(None) == ""


def test_spans_map_onto_the_converted_claim():
    text = r"We keep 96.7\% of **1.9x** speed with $2.5\times$ fewer FLOPs and 20.6times speedup."
    p = convert(text)
    for claim in (r"96.7\%", "1.9x", r"$2.5\times$", r"2.5\times", "20.6times speedup", "**1.9x**"):
        start = text.index(claim)
        a, b = p.span(start, start + len(claim))
        assert p.text[a:b] == plain(claim).strip("*"), claim
    # a span ending inside a symbol is widened to the whole symbol, never cut through it
    start = text.index("2.5")
    a, b = p.span(start, text.index(r"\times") + 2)
    assert p.text[a:b] == "2.5×"


def test_quality_gains_and_drops_have_their_own_colours():
    text = r"A 2x speedup with a 0.5\% accuracy drop and +1.2 points of BLEU, but 10\% more memory."
    claims = [
        {"category": "speed", "direction": "increase", "text": "2x speedup"},
        {"category": "quality", "direction": "drop", "text": r"0.5\% accuracy drop"},
        {"category": "quality", "direction": "gain", "text": "+1.2 points"},
        {"category": "memory", "direction": "overhead", "text": r"10\% more memory"},
    ]
    for c in claims:
        c.update(start_char=text.index(c["text"]), end_char=text.index(c["text"]) + len(c["text"]), value=1.0, unit="")
    out = highlight_html(text, claims)
    marks = re.findall(r'<mark style="background:(#\w+)[^"]*" data-kind="(\w+)"[^>]*>(.*?)<sub', out)
    assert [(k, html.unescape(t)) for _, k, t in marks] == [
        ("efficiency", "2x speedup"), ("drop", "0.5% accuracy drop"), ("gain", "+1.2 points"), ("overhead", "10% more memory"),
    ]
    assert len({colour for colour, _, _ in marks}) == 4
    assert [kind({"category": "quality"}), kind({})] == ["other", "other"]
    assert "quality drop" in legend_html() and "quality gain" in legend_html()


CLAIMS = [r"96.7\%", "**1.9x**", r"$2.5\times$", "20.6times", r"3.4$\times$ faster", r"\textbf{4x}", "5 points"]
FILLER = ["we ", "propose ", r"\emph{Ours} ", "a **new** method ", "--", r"$\alpha$ ", "at 3 times ", "(~20%) ", "*it* ", "x_1 "]


@settings(max_examples=150, deadline=None)
@given(hs.lists(hs.tuples(hs.sampled_from(FILLER), hs.sampled_from(CLAIMS)), min_size=1, max_size=6))
def test_every_claim_is_marked_on_exactly_its_converted_text(pieces):
    text, claims = "", []
    for filler, claim in pieces:
        text += filler
        claims.append({"start_char": len(text), "end_char": len(text) + len(claim), "category": "speed", "value": 1.0, "unit": "x"})
        text += claim + " "
    out = highlight_html(text, claims)
    marked = [html.unescape(m) for m in re.findall(r"<mark[^>]*>(.*?)<sub", out)]
    assert marked == [plain(claim) for _, claim in pieces]
    shown = html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<sub[^>]*>.*?</sub>", "", out)))
    assert shown == plain(text)
