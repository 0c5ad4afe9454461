"""An abstract with its extracted claims marked in place, as safe HTML, in readable text (ui/plaintext.py).

Why hand-built: the claims are character spans of the abstract, so the text between and inside them
is escaped piece by piece with html.escape and only our own <mark> tags are real HTML. Titles and
abstracts are user text and may hold '<script>'; nothing here ever passes them through unescaped.
"""
from __future__ import annotations

import html
from typing import Iterable, Mapping

from .plaintext import convert

# One colour per kind of news, so a quality drop never looks like a gain: efficiency gained (any axis),
# efficiency paid (overhead), quality gained, quality lost, and anything else (lossless, unstated).
KIND_COLOURS = {
    "efficiency": ("#ffe08a", "efficiency gain"),
    "overhead": ("#f6c6a0", "efficiency cost"),
    "gain": ("#b7e4c7", "quality gain"),
    "drop": ("#f5a3a3", "quality drop"),
    "other": ("#e2e2e2", "other claim"),
}


def kind(c: Mapping) -> str:
    """Which colour a claim gets: quality by its direction, efficiency unless it is the price paid."""
    direction = str(c.get("direction") or "")
    if c.get("category") == "quality":
        return direction if direction in ("gain", "drop") else "other"
    if direction == "overhead":
        return "overhead"
    return "efficiency" if c.get("category") else "other"


def legend_html() -> str:
    """A one-line key to the highlight colours."""
    items = "".join(
        f'<mark style="background:{colour};padding:0 4px;border-radius:3px;margin-right:8px">{name}</mark>'
        for colour, name in KIND_COLOURS.values()
    )
    return f'<div style="font-size:0.8em">{items}</div>'


def spans(text: str, claims: Iterable[Mapping]) -> list[tuple[int, int, Mapping]]:
    """Valid, non-overlapping claim spans in order (a span that overlaps an earlier one is dropped)."""
    out: list[tuple[int, int, Mapping]] = []
    last_end = 0
    for c in sorted(claims, key=lambda c: (int(c["start_char"]), -int(c["end_char"]))):
        start, end = int(c["start_char"]), int(c["end_char"])
        if 0 <= start < end <= len(text) and start >= last_end:
            out.append((start, end, c))
            last_end = end
    return out


def claim_label(c: Mapping) -> str:
    value = c.get("value")
    unit = c.get("unit") or ""
    number = f"{value:g}" if isinstance(value, (int, float)) else str(value)
    direction = f" {c['direction']}" if c.get("direction") else ""
    return f"{c.get('category')}: {number}{unit}{direction}"


def highlight_html(text: str, claims: Iterable[Mapping]) -> str:
    """The abstract as plain text (LaTeX/markdown converted), each claim wrapped in <mark title=...>.

    Spans are taken on the stored text (where the extractor found them) and carried through the
    conversion, so each mark holds exactly the converted claim text."""
    converted = convert(text)
    shown = converted.text
    parts: list[str] = []
    pos = 0
    for start, end, c in spans(text, claims):
        start, end = converted.span(start, end)
        if start < pos or end <= start:
            continue  # two claims inside one symbol: the first keeps it
        parts.append(html.escape(shown[pos:start]))
        colour = KIND_COLOURS[kind(c)][0]
        parts.append(
            f'<mark style="background:{colour};padding:0 2px;border-radius:3px" data-kind="{kind(c)}" '
            f'title="{html.escape(claim_label(c), quote=True)}">{html.escape(shown[start:end])}'
            f'<sub style="font-size:0.7em"> {html.escape(str(c.get("category")))}</sub></mark>'
        )
        pos = end
    parts.append(html.escape(shown[pos:]))
    return '<div style="line-height:1.6">' + "".join(parts) + "</div>"
