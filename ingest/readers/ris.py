"""RIS exports (Zotero, Mendeley, EndNote, Scopus, IEEE Xplore): 'TY  - JOUR' ... 'ER  - '.

Lines without a tag continue the previous field (Mendeley and Scopus wrap long abstracts). Variants use
different tags for the same thing, so each Record field takes the first tag present from a short list.
"""
from __future__ import annotations

import re

from ingest.records import Record, Skipped
from ingest.readers.clean import collect, make_record

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  ?- ?(.*)$")
TITLE_TAGS = ("TI", "T1", "CT", "BT")
ABSTRACT_TAGS = ("AB", "N2")
AUTHOR_TAGS = ("AU", "A1")
DATE_TAGS = ("DA", "Y1", "PY")
URL_TAGS = ("UR", "L2", "LK")


def _first(fields: dict[str, list[str]], tags: tuple[str, ...]) -> str | None:
    return next((fields[t][0] for t in tags if fields.get(t) and fields[t][0]), None)


def fields_to_record(index: int, fields: dict[str, list[str]]) -> Record | Skipped:
    """Map one RIS record's tags onto a Record."""
    authors = next((fields[t] for t in AUTHOR_TAGS if fields.get(t)), [])
    urls = [u for t in URL_TAGS for u in fields.get(t, [])]
    arxiv = next((u for u in urls if "arxiv.org/" in u), None)
    date = _first(fields, DATE_TAGS)
    return make_record(
        index,
        _first(fields, TITLE_TAGS),
        _first(fields, ABSTRACT_TAGS),
        authors=[" ".join(reversed(a.split(", ", 1))) if a.count(",") == 1 else a for a in authors],
        date=date,
        year=_first(fields, ("PY", "Y1", "DA")),
        arxiv_id=arxiv,
        doi=_first(fields, ("DO", "DI")),
        url=urls[0] if urls else None,
        categories=[k for k in fields.get("KW", []) if k],
    )


def parse(text: str) -> tuple[list[Record], list[Skipped]]:
    """Records between TY and ER, in order; untagged lines continue the previous field."""
    items: list[Record | Skipped] = []
    fields: dict[str, list[str]] = {}
    last: str | None = None
    for line in text.split("\n"):
        match = TAG_LINE.match(line)
        if match:
            tag, value = match.group(1), match.group(2).strip()
            if tag == "TY":
                if fields:  # a record without ER: close it rather than merge two papers
                    items.append(fields_to_record(len(items) + 1, fields))
                fields, last = {"TY": [value]}, "TY"
            elif tag == "ER":
                if fields:
                    items.append(fields_to_record(len(items) + 1, fields))
                fields, last = {}, None
            else:
                fields.setdefault(tag, []).append(value)
                last = tag
        elif last and line.strip() and fields.get(last):
            fields[last][-1] = f"{fields[last][-1]} {line.strip()}"
    if fields:
        items.append(fields_to_record(len(items) + 1, fields))
    return collect(items)
