"""LaTeX in BibTeX fields -> plain unicode. A table-driven fast path handles what exports really contain
(accents, protection braces, \\%, $\\times$, --); pylatexenc (~8 ms a field) runs only when something
else is left, so a 10,000-entry library still loads in seconds."""
from __future__ import annotations

import re
import unicodedata

from pylatexenc.latex2text import LatexNodes2Text

from ingest.readers.clean import collapse

_COMBINING = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307",
    "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a",
}
_LETTERS = {
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
    "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ",
}
_SYMBOLS = {
    "%": "%", "&": "&", "_": "_", "#": "#", "$": "$", "{": "{", "}": "}", " ": " ", ",": " ", ";": " ", "!": "",
    "times": "×", "approx": "≈", "sim": "~", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "pm": "±",
    "cdot": "·", "to": "→", "rightarrow": "→", "infty": "∞", "alpha": "α", "beta": "β", "gamma": "γ",
    "delta": "δ", "epsilon": "ε", "lambda": "λ", "mu": "μ", "sigma": "σ", "ell": "ℓ", "textasciitilde": "~",
    "textendash": "–", "textemdash": "—", "ldots": "…", "dots": "…", "textquoteright": "’", "textregistered": "®",
}
# Fonts and wrappers whose argument is kept as is.
_WRAPPERS = re.compile(
    r"\\(?:emph|textit|textbf|textsc|texttt|textrm|textsf|textnormal|mathrm|mathbf|mathit|mathsf|mathtt|"
    r"text|mbox|url|NoCaseChange|em|it|bf|sc|tt|rm)(?![a-zA-Z])\s*"
)
_SYMBOL_ACCENT = re.compile(r"\\(['`^\"~=.])\s*(?:\{\s*(\\[ij]|[a-zA-Z])\s*\}|(\\[ij](?![a-zA-Z])|[a-zA-Z]))")
_LETTER_ACCENT = re.compile(r"\\([uvHckr])(?:\s*\{\s*(\\[ij]|[a-zA-Z])\s*\}|\s+([a-zA-Z]))")
_LETTER = re.compile(r"\\(ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j)(?![a-zA-Z])\s*(?:\{\})?")
_MACRO = re.compile(r"\\([a-zA-Z]+|[%&_#${} ,;!])")
_MATH = re.compile(r"\$([^$]{0,200})\$")
_BARE_PERCENT = re.compile(r"(?<!\\)%")
_PYLATEXENC = LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


def _accent(match: re.Match[str]) -> str:
    base = match.group(2) or match.group(3)
    base = {"\\i": "i", "\\j": "j"}.get(base, base)
    return unicodedata.normalize("NFC", base + _COMBINING[match.group(1)])


def fast_latex(value: str) -> str | None:
    """Plain text, or None when a construct outside the tables is left for pylatexenc."""
    if "\\" in value:
        value = _SYMBOL_ACCENT.sub(_accent, value)
        value = _LETTER_ACCENT.sub(_accent, value)
        value = _LETTER.sub(lambda m: _LETTERS[m.group(1)], value)
        value = _WRAPPERS.sub("", value)
        value = _MACRO.sub(lambda m: _SYMBOLS.get(m.group(1), m.group(0)), value)
        if "\\" in value:
            return None
    if "$" in value:
        value = _MATH.sub(lambda m: m.group(1).replace("{", "").replace("}", "").strip(), value)
        if "$" in value:
            return None
    value = value.replace("{", "").replace("}", "").replace("~", " ")
    value = value.replace("---", "—").replace("--", "–").replace("``", "“").replace("''", "”")
    return value


def latex_text(value: str) -> str:
    """LaTeX markup to plain unicode ('{\\"o}' -> 'ö', '2.7$\\times$' -> '2.7×', '{GPU}' -> 'GPU')."""
    if not ("\\" in value or "$" in value or "{" in value or "~" in value or "--" in value or "``" in value):
        return collapse(value)
    fast = fast_latex(value)
    if fast is not None:
        return collapse(fast)
    try:
        return collapse(_PYLATEXENC.latex_to_text(_BARE_PERCENT.sub(r"\\%", value)))  # a bare % is text
    except Exception:  # pylatexenc is lenient, but one odd field must never lose the record
        return collapse(value.replace("{", "").replace("}", "").replace("\\", ""))
