"""Which format a text is in, decided from its content. The file name is only a tie-breaker: users
rename files, and services export '.txt' files that are really RIS or tab-separated tables."""
from __future__ import annotations

import re

from ingest.readers.csvfmt import looks_like_header, sniff_delimiter
from ingest.readers.oaipmh import looks_like_oai_pmh
from ingest.readers.problem import FormatProblem

FORMATS: tuple[str, ...] = (
    "webtext", "atom", "oai_pmh", "arxiv_jsonl", "semantic_scholar", "openalex", "bibtex", "ris", "wos", "csv",
)
HEAD_CHARS = 65_536
_JSON_KEYS = (  # first hit wins; the keys are unique to each service
    ('"abstract_inverted_index"', "openalex"),
    ('"authorships"', "openalex"),
    ('"https://openalex.org/', "openalex"),
    ('"paperId"', "semantic_scholar"),
    ('"externalIds"', "semantic_scholar"),
    ('"fieldsOfStudy"', "semantic_scholar"),
)
_BIBTEX = re.compile(r"^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_RIS = re.compile(r"^TY  ?- ?\S", re.MULTILINE)
_WOS = re.compile(r"^(?:FN |PT [A-Z]\s*$)", re.MULTILINE)
_EXTENSIONS = {
    ".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".csv": "csv", ".tsv": "csv", ".tab": "csv",
    ".atom": "atom", ".xml": "atom", ".jsonl": "arxiv_jsonl", ".json": "arxiv_jsonl", ".txt": "webtext",
}
MIN_PROSE_LINE = 200


class UnknownFormat(FormatProblem):
    def __init__(self) -> None:
        super().__init__(f"could not recognise the format; supported: {', '.join(FORMATS)}")


def format_from_name(name: str) -> str | None:
    """Weak hint from the extension ('papers.csv.gz' -> 'csv')."""
    lowered = name.lower().removesuffix(".gz")
    return next((fmt for ext, fmt in _EXTENSIONS.items() if lowered.endswith(ext)), None)


def _json_kind(head: str) -> str:
    return next((fmt for key, fmt in _JSON_KEYS if key in head), "arxiv_jsonl")


def _table_like(head: str) -> bool:
    """Two first lines split into the same number (>= 3) of cells: a table without known headers."""
    lines = head.split("\n", 2)
    if len(lines) < 2:
        return False
    delimiter = sniff_delimiter(lines[0])
    return lines[0].count(delimiter) >= 2 and lines[0].count(delimiter) == lines[1].count(delimiter)


def detect_format(text: str, name: str = "") -> str:
    """One of FORMATS, from the content first and the file name only when the content is ambiguous."""
    head = text[:HEAD_CHARS].lstrip("\ufeff \t\n")
    first = head[:1]
    if first == "<":
        if looks_like_oai_pmh(head):
            return "oai_pmh"
        if "<feed" in head[:5000] or "<entry" in head or "http://www.w3.org/2005/Atom" in head[:5000]:
            return "atom"
        raise UnknownFormat()
    if first in "{[" and first:
        return _json_kind(head)
    first_line = head.split("\n", 1)[0]
    tagged = first_line.startswith("@") or _RIS.match(first_line) or _WOS.match(first_line)
    if not tagged and looks_like_header(first_line):  # a CSV cell may start a line with '@SUM(' or 'TY  - '
        return "csv"
    if _WOS.search(head[:2000]) and re.search(r"^ER\s*$", head, re.MULTILINE):
        return "wos"
    if _RIS.search(head):
        return "ris"
    if _BIBTEX.search(head):
        return "bibtex"
    if looks_like_header(first_line):
        return "csv"
    hint = format_from_name(name)
    if hint == "csv" or (hint is None and _table_like(head)):
        return "csv"
    if any(len(line) >= MIN_PROSE_LINE for line in head.split("\n")):
        return "webtext"
    raise UnknownFormat()
