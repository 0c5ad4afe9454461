"""JSON paper exports: arXiv JSON lines (daily-dump and Kaggle snapshot layouts, or a JSON array),
Semantic Scholar Graph API responses, and OpenAlex works. One loader accepts a single object, a list,
an API wrapper ({"data": [...]}, {"results": [...]}) or JSON lines; one small converter per service."""
from __future__ import annotations

import json
from collections.abc import Callable
from email.utils import parsedate_to_datetime

from ingest.records import Record, Skipped
from ingest.readers.clean import collect, make_record, normalize_arxiv_id
from ingest.readers.problem import FormatProblem

MAX_ABSTRACT_WORDS = 20_000  # an inverted index pointing further is corrupt, not an abstract
NESTED_TOO_DEEP = "invalid JSON: nested too deeply"


class JSONProblem(FormatProblem):
    """The text is not usable JSON; the message is the user-facing problem."""


def _unwrap(value: object) -> list[object]:
    """A paper object, a list of them, or an API response that wraps the list."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        for key in ("data", "results", "papers", "works"):
            if isinstance(value.get(key), list) and ("title" not in value):
                return value[key]
        return [value]
    raise JSONProblem("the JSON holds no paper objects")


def load(text: str) -> tuple[list[tuple[int, object]], list[Skipped]]:
    """(position, object) pairs plus JSON lines that failed to parse.

    JSON lines when one of the first lines is a complete object on its own; otherwise one JSON document
    (an object, a list, pretty-printed or not), which must parse as a whole.
    """
    stripped = text.strip()
    if "\n" in stripped and any(_is_object(line) for line in _head_lines(stripped, 5)):
        return _load_lines(text)
    try:
        return list(enumerate(_unwrap(json.loads(stripped)), 1)), []
    except json.JSONDecodeError as exc:
        raise JSONProblem(f"truncated or invalid JSON: {exc}") from None
    except RecursionError:  # json.loads recurses once per level: '[[[[...' a million deep
        raise JSONProblem(NESTED_TOO_DEEP) from None


def _head_lines(text: str, count: int) -> list[str]:
    """The first `count` non-blank lines, without splitting a possibly huge text."""
    lines: list[str] = []
    start = 0
    while len(lines) < count and start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if text[start:end].strip():
            lines.append(text[start:end])
        start = end + 1
    return lines


def _is_object(line: str) -> bool:
    """A line that is a whole JSON object by itself (the JSON-lines signature)."""
    line = line.strip()
    if not (line.startswith("{") and line.endswith("}")):
        return False
    try:
        return isinstance(json.loads(line), dict)
    except (json.JSONDecodeError, RecursionError):
        return False


def _load_lines(text: str) -> tuple[list[tuple[int, object]], list[Skipped]]:
    """JSON lines: a broken line is skipped and reported, the rest are kept. Positions count non-blank
    lines, the same numbering as every other record index (records and skipped share it)."""
    objects: list[tuple[int, object]] = []
    bad: list[Skipped] = []
    first_error = ""
    position = 0
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        position += 1
        try:
            objects.append((position, json.loads(line)))
        except json.JSONDecodeError as exc:
            first_error = first_error or f"line {number}: {exc}"
            bad.append(Skipped(position, "invalid JSON", None))
        except RecursionError:
            first_error = first_error or f"line {number}: nested too deeply"
            bad.append(Skipped(position, "invalid JSON (nested too deeply)", None))
    if not objects:
        raise JSONProblem(f"truncated or invalid JSON: {first_error}")
    return objects, bad


def _str(obj: dict, *keys: str) -> str | None:
    """The first of `keys` holding a string: exports put null, numbers, lists or objects anywhere."""
    return next((v for v in (obj.get(k) for k in keys) if isinstance(v, str) and v), None)


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _strs(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def kind_of(obj: dict) -> str:
    """Which service wrote this object, from its keys."""
    if "abstract_inverted_index" in obj or "authorships" in obj or "display_name" in obj:
        return "openalex"
    if "paperId" in obj or "externalIds" in obj or "fieldsOfStudy" in obj:
        return "semantic_scholar"
    return "arxiv_jsonl"


def _names(authors: object) -> list[str]:
    """["A", "B"], [{"name": "A"}], or "A, B and C" -> ["A", "B", "C"]."""
    if isinstance(authors, list):
        return [a if isinstance(a, str) else _str(a, "name") or "" for a in authors if isinstance(a, (str, dict))]
    if isinstance(authors, str):
        parts = authors.replace("\n", " ").replace(" and ", ", ").split(",")
        return [p.strip() for p in parts if p.strip()]
    return []


def _arxiv_date(obj: dict, arxiv_id: str | None) -> str | None:
    """Submission date: explicit field, first version's RFC 2822 date, else year-month from a new-style id."""
    for key in ("published", "date", "update_date"):
        if isinstance(obj.get(key), str) and key != "update_date":
            return obj[key]
    versions = obj.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        try:
            return parsedate_to_datetime(_str(versions[0], "created") or "").date().isoformat()
        except (TypeError, ValueError):
            pass
    if arxiv_id and arxiv_id[:4].isdigit() and "." in arxiv_id:
        return f"20{arxiv_id[:2]}-{arxiv_id[2:4]}"
    return obj.get("update_date") if isinstance(obj.get("update_date"), str) else None


def arxiv_record(index: int, obj: dict) -> Record | Skipped:
    """arXiv daily dump (summary, categories list) or Kaggle snapshot (abstract, categories string)."""
    arxiv_id = normalize_arxiv_id(str(obj.get("id") or "")) or normalize_arxiv_id(_str(obj, "abs"))
    parsed = obj.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        authors = [" ".join(p for p in (row[1], row[0], *row[2:]) if p and isinstance(p, str)) for row in parsed if isinstance(row, list) and len(row) >= 2]
    else:
        authors = _names(obj.get("authors"))
    categories = obj.get("categories")
    return make_record(
        index,
        _str(obj, "title"),
        _str(obj, "summary", "abstract"),
        authors=authors,
        date=_arxiv_date(obj, arxiv_id),
        arxiv_id=arxiv_id,
        doi=_str(obj, "doi"),
        url=_str(obj, "abs") or (f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None),
        categories=categories.split() if isinstance(categories, str) else _strs(categories),
        latex=True,
    )


def s2_record(index: int, obj: dict) -> Record | Skipped:
    """Semantic Scholar Graph API paper; a null abstract becomes 'no abstract'."""
    ids = _dict(obj.get("externalIds"))
    return make_record(
        index,
        _str(obj, "title"),
        _str(obj, "abstract"),
        authors=_names(obj.get("authors")),
        date=_str(obj, "publicationDate"),
        year=obj.get("year"),
        arxiv_id=_str(ids, "ArXiv"),
        doi=_str(ids, "DOI"),
        url=_str(obj, "url"),
        categories=_strs(obj.get("fieldsOfStudy")),
        latex=True,
    )


def inverted_abstract(index: object) -> str | None:
    """OpenAlex {"word": [positions]} -> the abstract text in word order."""
    if not isinstance(index, dict) or not index:
        return None
    slots: dict[int, str] = {}
    for word, positions in index.items():
        for pos in positions if isinstance(positions, list) else []:
            if isinstance(pos, int) and 0 <= pos < MAX_ABSTRACT_WORDS:
                slots[pos] = word
    return " ".join(slots[p] for p in sorted(slots))


def openalex_record(index: int, obj: dict) -> Record | Skipped:
    """OpenAlex work: abstract rebuilt from the inverted index; topics (or concepts) as categories."""
    ids = _dict(obj.get("ids"))
    primary = _dict(obj.get("primary_location"))
    locations = obj.get("locations") if isinstance(obj.get("locations"), list) else []
    urls = [_str(primary, "landing_page_url")] + [_str(_dict(loc), "landing_page_url") for loc in locations]
    arxiv = _str(ids, "arxiv") or next((u for u in urls if u and "arxiv.org/abs/" in u), None)
    labels = next((v for v in (obj.get("topics"), obj.get("concepts")) if isinstance(v, list) and v), [])
    authorships = obj.get("authorships") if isinstance(obj.get("authorships"), list) else []
    return make_record(
        index,
        _str(obj, "title", "display_name"),
        inverted_abstract(obj.get("abstract_inverted_index")) or _str(obj, "abstract"),
        authors=[_str(_dict(_dict(a).get("author")), "display_name") or "" for a in authorships],
        date=_str(obj, "publication_date"),
        year=obj.get("publication_year"),
        arxiv_id=arxiv,
        doi=_str(obj, "doi") or _str(ids, "doi"),
        url=_str(primary, "landing_page_url") or _str(obj, "doi", "id"),
        categories=[_str(c, "display_name") for c in labels[:5] if isinstance(c, dict) and _str(c, "display_name")],
        latex=False,
    )


CONVERTERS: dict[str, Callable[[int, dict], Record | Skipped]] = {
    "arxiv_jsonl": arxiv_record,
    "semantic_scholar": s2_record,
    "openalex": openalex_record,
}


def parse(text: str, kind: str | None = None) -> tuple[list[Record], list[Skipped]]:
    """Records from any of the JSON layouts; `kind` forces a converter, else each object's keys decide."""
    objects, skipped = load(text)
    items: list[Record | Skipped] = list(skipped)
    for position, obj in objects:
        if not isinstance(obj, dict):
            items.append(Skipped(position, "empty entry (null)" if obj is None else "not a paper object", None))
            continue
        items.append(CONVERTERS[kind or kind_of(obj)](position, obj))
    records, skipped = collect(items)
    skipped.sort(key=lambda s: s.index)
    return records, skipped


def parse_arxiv(text: str) -> tuple[list[Record], list[Skipped]]:
    return parse(text, "arxiv_jsonl")


def parse_semantic_scholar(text: str) -> tuple[list[Record], list[Skipped]]:
    return parse(text, "semantic_scholar")


def parse_openalex(text: str) -> tuple[list[Record], list[Skipped]]:
    return parse(text, "openalex")
