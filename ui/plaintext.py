"""Abstracts as a reader wants them: LaTeX and markdown turned into plain text, with an offset map.

Why an offset map: claims are character spans of the stored abstract. The text shown is shorter
(`10\\%` -> `10%`, `**1.9x**` -> `1.9x`, `$\\times$` -> `×`), so every span is carried through the same
edits to land on exactly the converted claim text. Each rule below yields small edits (source range ->
replacement); text between edits is copied unchanged, so spans there map one to one, and a span end that
falls inside an edit is widened to the whole edit, never cut through a symbol.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.readers.latex import _SYMBOLS

_WRAPPER_NAMES = (
    "emph|textit|textbf|textsc|texttt|textrm|textsf|textnormal|mathrm|mathbf|mathit|mathsf|mathtt|mathcal|"
    "mathbb|operatorname|text|mbox|underline|em|it|bf|sc|tt|rm"
)
# Rules in priority order: an edit overlapping an earlier accepted one is dropped.
_ESCAPED = re.compile(r"\\([%&_#${} ,;!])")
_WRAPPER = re.compile(r"\\(?:" + _WRAPPER_NAMES + r")(?![a-zA-Z])\s*\{?")
_MACRO = re.compile(r"\\([a-zA-Z]+)(?![a-zA-Z])\s?")
_LINEBREAK = re.compile(r"\\\\")
_REFERENCE = re.compile(r"\\(?:cite[pt]?|ref|eqref|label|footnote)\{[^{}]*\}")
# Inline math: $...$ hugging its content ("$5 and $10" is money, not math); $$...$$ display math.
_MATH = re.compile(r"(?<!\\)(\$\$?)(?=[^\s$])[^$]{0,300}?(?<=[^\s\\$])(\1)(?!\d)")
_BRACE = re.compile(r"(?<!\\)[{}]")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(?:(?!\1).){1,300}?(?<=\S)(\1)")
_ITALIC = re.compile(r"(?<![\w*\\])\*(?=[^\s*])[^*\n]{1,200}?(?<=[^\s*\\])\*(?![\w*])")
_CODE = re.compile(r"`([^`\n]{1,200})`")
# A rendered listing page turns `$\times$` into a glued "times": "20.6times speedup", "1024times1024".
_GLUED_TIMES = re.compile(r"(?<=\d)times(?![a-z])")
_DASHES = re.compile(r"(?<!-)---?(?!-)")


@dataclass(frozen=True)
class Plain:
    """Converted text plus the edits that made it: (src_start, src_end, out_start, out_end) in order."""

    source: str
    text: str
    edits: tuple[tuple[int, int, int, int], ...]

    def offset(self, pos: int, end: bool = False) -> int:
        """Where source offset `pos` lands in the text; inside an edit: its start (or end, for span ends)."""
        i = bisect.bisect_left(self.edits, (pos,)) - 1  # the last edit starting before pos
        if i < 0:
            return pos
        src_start, src_end, out_start, out_end = self.edits[i]
        if pos < src_end:
            return out_end if end else out_start
        return pos - src_end + out_end

    def span(self, start: int, end: int) -> tuple[int, int]:
        """A source span [start, end) as a span of the converted text."""
        return self.offset(start), max(self.offset(start), self.offset(end, end=True))


@lru_cache(maxsize=256)
def _macro_text(name: str) -> str | None:
    """A LaTeX macro as text: the table of common symbols first, then pylatexenc; None when unknown."""
    if name in _SYMBOLS:
        return _SYMBOLS[name]
    from pylatexenc.latex2text import LatexNodes2Text

    try:
        text = LatexNodes2Text(math_mode="text").latex_to_text("\\" + name)
    except Exception:  # pylatexenc raises on odd input; then the macro stays as written
        return None
    return text if text and text[0] not in "\\<" and text != name else None


def _edits(text: str) -> list[tuple[int, int, str]]:
    """Candidate edits from every rule, in priority order."""
    out: list[tuple[int, int, str]] = []
    if "\\" in text or "$" in text:
        out += [(m.start(), m.end(), _SYMBOLS.get(m.group(1), m.group(1))) for m in _ESCAPED.finditer(text)]
        out += [(m.start(), m.end(), " ") for m in _LINEBREAK.finditer(text)]
        out += [(m.start(), m.end(), "") for m in _REFERENCE.finditer(text)]
        out += [(m.start(), m.end(), "") for m in _WRAPPER.finditer(text)]
        for m in _MACRO.finditer(text):
            rendered = _macro_text(m.group(1))
            if rendered is not None:
                keep_space = m.group(0).endswith(" ") and rendered.strip() and rendered[-1:].isalpha()
                out.append((m.start(), m.end(), rendered + (" " if keep_space else "")))
        for m in _MATH.finditer(text):
            out += [(m.start(1), m.end(1), ""), (m.start(2), m.end(2), "")]
        out += [(m.start(), m.end(), "") for m in _BRACE.finditer(text)]
    if "*" in text or "__" in text:
        for m in _BOLD.finditer(text):
            out += [(m.start(1), m.end(1), ""), (m.start(2), m.end(2), "")]
        out += [e for m in _ITALIC.finditer(text) for e in ((m.start(), m.start() + 1, ""), (m.end() - 1, m.end(), ""))]
    if "`" in text:
        out += [e for m in _CODE.finditer(text) for e in ((m.start(), m.start() + 1, ""), (m.end() - 1, m.end(), ""))]
    if "times" in text:
        out += [(m.start(), m.end(), "×") for m in _GLUED_TIMES.finditer(text)]
    if "--" in text:
        out += [(m.start(), m.end(), "—" if len(m.group(0)) == 3 else "–") for m in _DASHES.finditer(text)]
    return out


def convert(text: str) -> Plain:
    """`text` with LaTeX and markdown turned into plain unicode, and the map back to the source."""
    text = text or ""
    accepted: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for start, end, repl in _edits(text):
        i = bisect.bisect_left(taken, (start, end))
        clash = (i > 0 and taken[i - 1][1] > start) or (i < len(taken) and taken[i][0] < end)
        if not clash and end > start:
            taken.insert(i, (start, end))
            accepted.append((start, end, repl))
    accepted.sort()
    pieces: list[str] = []
    edits: list[tuple[int, int, int, int]] = []
    pos = out = 0
    for start, end, repl in accepted:
        pieces.append(text[pos:start])
        out += start - pos
        pieces.append(repl)
        edits.append((start, end, out, out + len(repl)))
        out += len(repl)
        pos = end
    pieces.append(text[pos:])
    return Plain(text, "".join(pieces), tuple(edits))


def plain(text: str | None) -> str:
    """Just the converted text (titles, evidence sentences, claim text in tables)."""
    return convert(text or "").text if text else ""


def plain_values(values):
    """A column (pandas Series) of user text as plain text; non-strings (NaN, None) stay as they are."""
    return values.map(lambda v: plain(v) if isinstance(v, str) else v)
