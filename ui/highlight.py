"""An abstract with its extracted claims marked in place, as safe HTML.

Why hand-built: the claims are character spans of the abstract, so the text between and inside them
is escaped piece by piece with html.escape and only our own <mark> tags are real HTML. Titles and
abstracts are user text and may hold '<script>'; nothing here ever passes them through unescaped.
"""
from __future__ import annotations

import html
from typing import Iterable, Mapping

CATEGORY_COLOURS = {
    "speed": "#ffd166", "memory": "#9ad0f5", "compute": "#b5e48c", "size": "#cdb4db",
    "tokens": "#ffafcc", "energy": "#a0e7e5", "cost": "#f4a261", "quality": "#f28482",
}


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
    """The escaped text with each claim wrapped in <mark title="category: value">."""
    parts: list[str] = []
    pos = 0
    for start, end, c in spans(text, claims):
        parts.append(html.escape(text[pos:start]))
        colour = CATEGORY_COLOURS.get(str(c.get("category")), "#eeeeee")
        parts.append(
            f'<mark style="background:{colour};padding:0 2px;border-radius:3px" '
            f'title="{html.escape(claim_label(c), quote=True)}">{html.escape(text[start:end])}'
            f'<sub style="font-size:0.7em"> {html.escape(str(c.get("category")))}</sub></mark>'
        )
        pos = end
    parts.append(html.escape(text[pos:]))
    return '<div style="line-height:1.6">' + "".join(parts) + "</div>"
