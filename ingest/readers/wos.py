"""Web of Science plain-text ("Other file formats" -> Plain text) exports:
'FN Clarivate Analytics Web of Science', 'VR 1.0', then records of two-letter tags ending with 'ER', file
ending with 'EF'. Continuation lines are indented three spaces: a new value for list fields (AU, AF),
the same sentence for text fields (TI, AB)."""
from __future__ import annotations

from ingest.records import Record, Skipped
from ingest.readers.clean import collect, make_record

LIST_TAGS = frozenset({"AU", "AF", "CR", "C1", "BE", "EM", "OI", "RI"})
MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), 1)}


def _name(author: str) -> str:
    """'Vaswani, Ashish' -> 'Ashish Vaswani'; 'Vaswani, A' stays readable as 'A Vaswani'."""
    last, comma, first = author.partition(", ")
    return f"{first} {last}" if comma and first else author


def _date(fields: dict[str, list[str]]) -> str | None:
    """PY '2023' plus PD 'MAY 12' or 'MAY 2023' -> '2023-05-12' / '2023-05'."""
    year = (fields.get("PY") or [""])[0]
    parts = (fields.get("PD") or [""])[0].upper().split()
    if not year:
        return None
    month = MONTHS.get(parts[0][:3]) if parts else None
    day = parts[1] if len(parts) > 1 and parts[1].isdigit() and len(parts[1]) <= 2 else None
    return "-".join([year] + [f"{int(p):02d}" for p in (month, day) if p])


def fields_to_record(index: int, fields: dict[str, list[str]]) -> Record | Skipped:
    """Map one WoS record onto a Record (AF full names preferred over AU short ones)."""
    keywords = "; ".join(fields.get("DE", []))
    return make_record(
        index,
        (fields.get("TI") or [None])[0],
        (fields.get("AB") or [None])[0],
        authors=[_name(a) for a in fields.get("AF") or fields.get("AU") or []],
        date=_date(fields),
        year=(fields.get("PY") or [None])[0],
        arxiv_id=None,
        doi=(fields.get("DI") or [None])[0],
        url=None,
        categories=[k.strip() for k in keywords.split(";") if k.strip()],
    )


def parse(text: str) -> tuple[list[Record], list[Skipped]]:
    """Records between PT (or the first tag) and ER."""
    items: list[Record | Skipped] = []
    fields: dict[str, list[str]] = {}
    last: str | None = None
    for line in text.split("\n"):
        if not line.strip():
            continue
        if line.startswith("   ") and last:
            value = line.strip()
            if last in LIST_TAGS:
                fields[last].append(value)
            else:
                fields[last][-1] = f"{fields[last][-1]} {value}"
            continue
        tag, value = line[:2], line[3:].strip()
        if tag in ("FN", "VR", "EF"):
            last = None
        elif tag == "ER":
            if fields:
                items.append(fields_to_record(len(items) + 1, fields))
            fields, last = {}, None
        elif tag.isalnum() and tag.isupper():
            fields.setdefault(tag, []).append(value)
            last = tag
    if fields:
        items.append(fields_to_record(len(items) + 1, fields))
    return collect(items)
