"""Shared text cleaning: every reader turns its raw fields into a Record (or a Skipped) through here,
so HTML stripping, placeholder detection, DOI/arXiv normalisation behave the same for all formats."""
from __future__ import annotations

import html
import re

from ingest.records import Record, Skipped

# Bounded patterns only: no nested quantifiers, so no catastrophic backtracking.
# Only known HTML/JATS/MathML tag names: a literal "<4B parameters" or "<workload, config>" is text.
_TAG = re.compile(
    r"</?(?:(?:jats|mml|xhtml):[a-zA-Z-]{1,30}|(?:p|i|b|u|a|em|strong|sub|sup|br|hr|span|div|sc|li|ul|ol|sec|"
    r"title|italic|bold|underline|inline-formula|tex-math|math|mi|mo|mn|mrow|msub|msup|mtext|list|list-item|"
    r"abstract|code|small|big|font|h[1-6]|img|section|article|body|html|head|blockquote|pre|tt|cite|abbr))"
    r"(?:\s[^<>]{0,500})?/?>",
    re.IGNORECASE,
)
_TITLE_TAG = re.compile(r"<(jats:)?title\b[^<>]{0,100}>[^<]{0,100}</(jats:)?title>", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"</?(?:jats:)?(?:p|sec|br|div|li)\b[^<>]{0,200}>", re.IGNORECASE)
_LABEL_CAPS = re.compile(r"^(?:ABSTRACT|SUMMARY)\b[\s:.\u2014\u2013-]*")
_LABEL = re.compile(r"^(?:abstract|summary)\s*[:.\u2014\u2013-]\s*", re.IGNORECASE)
_COPYRIGHT = re.compile(r"©|\([cC]\)\s?\d{4}|\bCopyright\s?(?:©|\([cC]\)|\d{4})")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_ARXIV_NEW = re.compile(r"(\d{4}\.\d{4,5})(?:v\d+)?")
_ARXIV_OLD = re.compile(r"([a-z][a-z.-]{1,20}(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")
_DATE = re.compile(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?")
_LATEX_MACRO = re.compile(r"\\([a-zA-Z]+|[%&_#$ ,;!{}])")
_LATEX_MATH = re.compile(r"\$([^$]{1,60})\$")

PLACEHOLDERS = frozenset(
    {
        "no abstract available", "abstract not available", "no abstract", "not available", "n/a", "na",
        "none", "null", "nan", "-", "--", "tbd", "abstract", "no abstract is available for this item",
        "abstract unavailable", "no abstract provided",
    }
)
MIN_ABSTRACT_CHARS = 20

_LIGHT_MACROS = {
    "times": "×", "%": "%", "&": "&", "_": "_", "#": "#", "$": "$", " ": " ", ",": " ", ";": " ", "!": "",
    "{": "{", "}": "}", "approx": "≈", "sim": "~", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "pm": "±",
    "cdot": "·", "to": "→", "rightarrow": "→", "infty": "∞", "alpha": "α", "beta": "β", "gamma": "γ",
    "delta": "δ", "epsilon": "ε", "lambda": "λ", "mu": "μ", "sigma": "σ", "ell": "ℓ", "textasciitilde": "~",
}


def collapse(text: str | None) -> str:
    """One space between words, none at the ends (str.split also handles non-breaking spaces).

    Most fields are already clean, so fast substring scans decide first whether the split/join is needed
    (rarer unicode spaces such as U+2009 survive in an otherwise clean field; that is harmless)."""
    if not text:
        return ""
    if not (text[0] == " " or text[-1] == " " or "  " in text or "\n" in text or "\t" in text or "\r" in text or "\xa0" in text):
        return text
    return " ".join(text.split())


def strip_html(text: str) -> str:
    """Plain text from JATS/HTML abstracts: drop 'Abstract' section titles, tags, then unescape entities."""
    if "<" in text:
        text = _TITLE_TAG.sub(" ", text)
        text = _BLOCK_TAG.sub(" ", text)
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def light_latex(text: str) -> str:
    """Cheap LaTeX clean-up for arXiv text ('2.7$\\times$' -> '2.7×', '8.7\\%' -> '8.7%'); keeps unknown macros.

    pylatexenc costs ~8 ms per abstract, too slow for 100k-line dumps, so JSON/Atom readers use this.
    """
    if "\\" in text:
        text = _LATEX_MACRO.sub(lambda m: _LIGHT_MACROS.get(m.group(1), m.group(0)), text)
    if "$" in text:
        text = _LATEX_MATH.sub(lambda m: m.group(1).strip(), text)
    return text


def strip_label(text: str) -> str:
    """Drop a leading 'Abstract:' / 'ABSTRACT' label, but not the word 'Abstract' starting a sentence."""
    if text[:1] in "AaSs":
        text = _LABEL.sub("", _LABEL_CAPS.sub("", text, count=1), count=1)
    return text


def strip_copyright(text: str) -> str:
    """Remove the publisher's tail sentence ('© 2023 IEEE.', '© 2024 Elsevier B.V. All rights reserved.')."""
    tail_start = max(0, len(text) - 300)
    tail = text[tail_start:]
    if "©" not in tail and "(c)" not in tail and "(C)" not in tail and "Copyright" not in tail:
        return text
    match = None
    for match in _COPYRIGHT.finditer(text, tail_start):
        break
    if match is None:
        return text
    return text[: match.start()].rstrip()


def clean_abstract(text: str | None) -> str:
    """Plain, single-spaced abstract text without label or copyright tail."""
    if not text:
        return ""
    text = collapse(strip_html(text))
    text = strip_label(text)
    return strip_copyright(text)


def clean_title(text: str | None) -> str:
    """Plain, single-spaced title."""
    if not text:
        return ""
    return collapse(strip_html(text))


def is_placeholder(abstract: str) -> bool:
    """'[No abstract available]', 'N/A', '-' and other stand-ins that are not an abstract."""
    if len(abstract) < MIN_ABSTRACT_CHARS:
        return True
    return len(abstract) < 60 and abstract.strip(" []().").lower() in PLACEHOLDERS


def normalize_doi(value: str | None) -> str | None:
    """'https://doi.org/10.1000/ABC' -> '10.1000/abc'; None when it isn't a DOI."""
    if not value:
        return None
    doi = _DOI_PREFIX.sub("", value.strip()).strip().lower()
    return doi if doi.startswith("10.") and "/" in doi else None


def normalize_arxiv_id(value: str | None) -> str | None:
    """'arXiv:2401.01234v2', 'https://arxiv.org/abs/2401.01234' -> '2401.01234'; old ids keep their archive."""
    if not value:
        return None
    value = value.strip()
    lowered = value.lower()
    if lowered.startswith("arxiv:"):
        value = value[6:]
    if lowered.startswith("10.48550/arxiv."):
        value = value[15:]
    for marker in ("/abs/", "/pdf/"):
        if marker in value:
            value = value.split(marker, 1)[1]
    match = _ARXIV_NEW.fullmatch(value.removesuffix(".pdf")) or _ARXIV_OLD.fullmatch(value.removesuffix(".pdf"))
    return match.group(1) if match else None


def iso_date(value: str | None) -> str | None:
    """'2024-01-15T10:00:00Z' / '2023/05/12/' / '2023' -> '2024-01-15' / '2023-05-12' / '2023'."""
    if not value:
        return None
    match = _DATE.match(value.strip())
    if not match:
        return None
    year, month, day = match.groups()
    if month and not 1 <= int(month) <= 12:
        return year
    if day and not 1 <= int(day) <= 31:
        day = None
    return "-".join([year] + [f"{int(p):02d}" for p in (month, day) if p])


def to_year(value: object) -> int | None:
    """A plausible publication year from an int or the start of a date string."""
    if isinstance(value, int):
        return value if 1000 <= value <= 2999 else None
    if isinstance(value, str):
        match = _DATE.search(value)
        return int(match.group(1)) if match else None
    return None


def make_record(
    index: int,
    title: str | None,
    abstract: str | None,
    *,
    authors: list[str] | None = None,
    date: str | None = None,
    year: object = None,
    arxiv_id: str | None = None,
    doi: str | None = None,
    url: str | None = None,
    categories: list[str] | None = None,
    latex: bool = False,
) -> Record | Skipped:
    """Clean raw fields into a Record, or say why the record is skipped (no title / no abstract / placeholder)."""
    title_text = clean_title(title)
    abstract_text = clean_abstract(abstract)
    if latex:
        title_text, abstract_text = light_latex(title_text), light_latex(abstract_text)
    if not title_text:
        return Skipped(index, "no title", None)
    if not abstract_text:
        return Skipped(index, "no abstract", title_text)
    if is_placeholder(abstract_text):
        return Skipped(index, "abstract is a placeholder", title_text)
    norm_doi = normalize_doi(doi) if doi else None
    norm_date = iso_date(date) if date else None
    return Record(
        title=title_text,
        abstract=abstract_text,
        authors=[a for a in (collapse(x) for x in authors or []) if a],
        date=norm_date,
        year=to_year(year) or (int(norm_date[:4]) if norm_date else None),
        arxiv_id=normalize_arxiv_id(arxiv_id) or (normalize_arxiv_id(norm_doi) if norm_doi else None),
        doi=norm_doi,
        url=url.strip() if url else None,
        categories=[c for c in (collapse(x) for x in categories or []) if c],
    )


def collect(items: list[Record | Skipped]) -> tuple[list[Record], list[Skipped]]:
    """Split make_record results into (records, skipped)."""
    records = [x for x in items if isinstance(x, Record)]
    skipped = [x for x in items if isinstance(x, Skipped)]
    return records, skipped
