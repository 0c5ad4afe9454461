"""CSV/TSV exports (Scopus, IEEE Xplore, Web of Science tab-delimited, Zotero, hand-made sheets).

Columns are found by loose header names ('Document Title', 'Article Title', 'TI', 'Abstract Note'...),
compared lower-case with punctuation removed, so each service's naming works without a per-service mode.
"""
from __future__ import annotations

import csv
import io
import re
import sys

from ingest.records import Record, Skipped
from ingest.readers.clean import collapse, collect, make_record
from ingest.readers.problem import FormatProblem

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # abstracts can exceed the 128 KiB default

COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "documenttitle", "articletitle", "papertitle", "ti", "t1", "displayname"),
    "abstract": ("abstract", "abstractnote", "ab", "summary", "abstracttext", "n2", "description"),
    "authors": ("authors", "author", "authorfullnames", "af", "au", "authornames", "creators"),
    "year": ("year", "publicationyear", "py", "pubyear"),
    "date": ("date", "publicationdate", "pubdate", "published", "datepublished", "da", "coverdate"),
    "doi": ("doi", "di"),
    "url": ("url", "link", "pdflink", "landingpage", "landingpageurl", "ur"),
    "arxiv": ("arxivid", "arxiv", "eprint"),
    "categories": ("categories", "authorkeywords", "keywords", "de", "manualtags", "kw", "fieldsofstudy"),
}
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
DELIMITERS = "\t,;"


def column_key(name: str) -> str:
    """'Document Title' / 'Abstract Note' / '\\ufeffTitle' -> 'documenttitle' / 'abstractnote' / 'title'."""
    return _NON_ALNUM.sub("", name.lower())


class CSVProblem(FormatProblem):
    """The table lacks what a reader needs; the message is the user-facing problem."""


def sniff_delimiter(header: str) -> str:
    """The delimiter that splits the header line most (tab, comma or semicolon)."""
    return max(DELIMITERS, key=header.count)


def find_columns(header: list[str]) -> dict[str, int]:
    """Field name -> column index, first alias in priority order wins."""
    keys = [column_key(h) for h in header]
    found: dict[str, int] = {}
    for field, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in keys:
                found[field] = keys.index(alias)
                break
    return found


def looks_like_header(line: str) -> bool:
    """True when the first line names a title or abstract column (used by format detection)."""
    cells = [column_key(c) for c in line.split(sniff_delimiter(line))]
    return len(cells) >= 2 and any(c in COLUMNS["title"] + COLUMNS["abstract"] for c in cells)


def _split_people(value: str) -> list[str]:
    """'Smith J.; Doe A.', 'Bolya, Daniel; Hoffman, Judy' or 'A. Smith, B. Doe' -> names, 'First Last' order."""
    if ";" in value:
        names = value.split(";")
    elif value.count(",") >= 2 or " and " in value:
        names = value.replace(" and ", ",").split(",")
    else:
        names = [value]
    return [_first_last(n.strip()) for n in names]


def _first_last(name: str) -> str:
    """'Bolya, Daniel' -> 'Daniel Bolya'; names without exactly one comma are kept as written."""
    last, comma, first = name.partition(", ")
    return f"{first} {last}" if comma and first and "," not in first else name


def parse(text: str) -> tuple[list[Record], list[Skipped]]:
    """One record per data row; raises CSVProblem when there is no title or no abstract column."""
    header_line = text.split("\n", 1)[0]
    rows = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(header_line))
    header = next(rows, [])
    cols = find_columns(header)
    named = ", ".join(collapse(h) for h in header if h.strip()) or "none"
    named = named if len(named) <= 300 else named[:300] + "..."
    if "abstract" not in cols:
        raise CSVProblem(f"no abstract column (found columns: {named})")
    if "title" not in cols:
        raise CSVProblem(f"no title column (found columns: {named})")

    def cell(row: list[str], field: str) -> str | None:
        i = cols.get(field)
        return row[i] if i is not None and i < len(row) and row[i].strip() else None

    items: list[Record | Skipped] = []
    for row in rows:
        if not any(c.strip() for c in row):
            continue
        keywords = cell(row, "categories") or ""
        items.append(
            make_record(
                len(items) + 1,
                cell(row, "title"),
                cell(row, "abstract"),
                authors=_split_people(cell(row, "authors") or ""),
                date=cell(row, "date"),
                year=cell(row, "year"),
                arxiv_id=cell(row, "arxiv"),
                doi=cell(row, "doi"),
                url=cell(row, "url"),
                categories=[k.strip() for k in re.split(r"[;|]", keywords) if k.strip()],
            )
        )
    return collect(items)
