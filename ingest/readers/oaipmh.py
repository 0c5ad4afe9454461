"""arXiv OAI-PMH `ListRecords` / `GetRecord` responses in the three metadata formats arXiv serves:
`arXiv` (authors split into keyname/forenames), `arXivRaw` (close to arXiv's internal record, with the
version history) and `oai_dc` (simple Dublin Core). Parsed with defusedxml like the Atom reader.

Harvest quirks handled: a page ends with a `<resumptionToken>` (reported as a note: the file is one page
of a longer list), `<header status="deleted">` records carry no metadata (skipped, with their id),
abstracts are LaTeX and hard-wrapped, arXivRaw lists every version (the first one dates the paper),
harvesters that append pages into one file (several `<OAI-PMH>` documents back to back), and an
OAI-PMH `<error>` (noRecordsMatch is an empty page; other codes refuse the file with their message).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

from ingest.records import Record, Skipped
from ingest.readers.atom import XMLProblem, load
from ingest.readers.clean import collect, make_record, normalize_arxiv_id
from ingest.readers.latex import latex_text

OAI = "{http://www.openarchives.org/OAI/2.0/}"
ARXIV = "{http://arxiv.org/OAI/arXiv/}"
RAW = "{http://arxiv.org/OAI/arXivRaw/}"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}"
DC = "{http://purl.org/dc/elements/1.1/}"
_DOCUMENT_START = re.compile(r"(?:<\?xml[^>]{0,200}\?>\s*)?<OAI-PMH[\s>]")
_AUTHOR_SPLIT = re.compile(r",\s*|\s+and\s+")
_AFFILIATION = re.compile(r"\s*\([^()]{0,300}\)")


def looks_like_oai_pmh(head: str) -> bool:
    """An OAI-PMH response: its root element or namespace in the first few KB."""
    start = head[:5000]
    return "<OAI-PMH" in start or "http://www.openarchives.org/OAI/2.0/" in start


def documents(text: str) -> list[str]:
    """One string per `<OAI-PMH>` document (harvesters sometimes append every page to one file)."""
    starts = [m.start() for m in _DOCUMENT_START.finditer(text)]
    if len(starts) <= 1:
        return [text]
    return [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]


def _text(node: ET.Element | None, tag: str) -> str | None:
    child = node.find(tag) if node is not None else None
    return child.text.strip() if child is not None and child.text and child.text.strip() else None


def _texts(node: ET.Element, tag: str) -> list[str]:
    return [c.text.strip() for c in node.findall(tag) if c.text and c.text.strip()]


def _abs_url(arxiv_id: str | None) -> str | None:
    return f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None


def _rfc2822_date(value: str | None) -> str | None:
    """'Mon, 2 Apr 2007 19:18:42 GMT' -> '2007-04-02'."""
    try:
        return parsedate_to_datetime(value or "").date().isoformat()
    except (TypeError, ValueError):
        return None


def arxiv_format(index: int, meta: ET.Element, oai_id: str | None) -> Record | Skipped:
    """metadataPrefix=arXiv: <id>, <created>, <authors><author><keyname/><forenames/><suffix/>."""
    arxiv_id = normalize_arxiv_id(_text(meta, f"{ARXIV}id")) or oai_id
    authors = [
        " ".join(p for p in (_text(a, f"{ARXIV}forenames"), _text(a, f"{ARXIV}keyname"), _text(a, f"{ARXIV}suffix")) if p)
        for a in meta.findall(f"{ARXIV}authors/{ARXIV}author")
    ]
    return make_record(
        index,
        _text(meta, f"{ARXIV}title"),
        _text(meta, f"{ARXIV}abstract"),
        authors=[latex_text(a) for a in authors],
        date=_text(meta, f"{ARXIV}created") or _text(meta, f"{ARXIV}updated"),
        arxiv_id=arxiv_id,
        doi=_first_doi(_text(meta, f"{ARXIV}doi")),
        url=_abs_url(arxiv_id),
        categories=(_text(meta, f"{ARXIV}categories") or "").split(),
        latex=True,
    )


def raw_authors(value: str | None) -> list[str]:
    """arXivRaw's one-string author list: 'C. Bal\\'azs, E. L. Berger (ANL) and C.-P. Yuan'."""
    if not value:
        return []
    plain = _AFFILIATION.sub("", latex_text(" ".join(value.split())))
    return [name.strip() for name in _AUTHOR_SPLIT.split(plain) if name.strip()]


def arxiv_raw_format(index: int, meta: ET.Element, oai_id: str | None) -> Record | Skipped:
    """metadataPrefix=arXivRaw: one <version version="vN"><date>RFC 2822</date> per version; v1 dates it."""
    arxiv_id = normalize_arxiv_id(_text(meta, f"{RAW}id")) or oai_id
    versions = meta.findall(f"{RAW}version")
    first = min(versions, key=lambda v: _version_number(v.get("version")), default=None)
    return make_record(
        index,
        _text(meta, f"{RAW}title"),
        _text(meta, f"{RAW}abstract"),
        authors=raw_authors(_text(meta, f"{RAW}authors")),
        date=_rfc2822_date(_text(first, f"{RAW}date")),
        arxiv_id=arxiv_id,
        doi=_first_doi(_text(meta, f"{RAW}doi")),
        url=_abs_url(arxiv_id),
        categories=(_text(meta, f"{RAW}categories") or "").split(),
        latex=True,
    )


def _version_number(label: str | None) -> int:
    digits = (label or "").lstrip("vV")
    return int(digits) if digits.isdigit() else 1_000_000


def _first_doi(value: str | None) -> str | None:
    """arXiv lets authors list several DOIs separated by spaces; the first is the paper's."""
    return value.split()[0] if value else None


def _dc_name(creator: str) -> str:
    """'Balázs, C.' -> 'C. Balázs'."""
    last, comma, first = creator.partition(", ")
    return f"{first} {last}" if comma and first else creator


def dublin_core_format(index: int, meta: ET.Element, oai_id: str | None) -> Record | Skipped:
    """metadataPrefix=oai_dc: the abstract is the <dc:description> that is not 'Comment: ...'."""
    identifiers = _texts(meta, f"{DC}identifier")
    arxiv_id = next((normalize_arxiv_id(i) for i in identifiers if "arxiv.org/abs/" in i), None) or oai_id
    doi = next((i for i in identifiers if i.lower().startswith(("doi:", "https://doi.org/", "http://dx.doi.org/"))), None)
    descriptions = [d for d in _texts(meta, f"{DC}description") if not d.startswith("Comment:")]
    return make_record(
        index,
        _text(meta, f"{DC}title"),
        descriptions[0] if descriptions else None,
        authors=[_dc_name(c) for c in _texts(meta, f"{DC}creator")],
        date=next(iter(_texts(meta, f"{DC}date")), None),
        arxiv_id=arxiv_id,
        doi=doi,
        url=_abs_url(arxiv_id),
        categories=_texts(meta, f"{DC}subject"),
        latex=True,
    )


FORMATS = {
    f"{ARXIV}arXiv": arxiv_format,
    f"{RAW}arXivRaw": arxiv_raw_format,
    f"{OAI_DC}dc": dublin_core_format,
}


def record_to_item(index: int, record: ET.Element) -> Record | Skipped:
    """One <record>: deleted, in one of FORMATS, or in a metadata format this reader does not know."""
    header = record.find(f"{OAI}header")
    oai_identifier = _text(header, f"{OAI}identifier") or ""
    oai_id = normalize_arxiv_id(oai_identifier.rsplit(":", 1)[-1]) if oai_identifier else None
    if header is not None and header.get("status") == "deleted":
        return Skipped(index, f"deleted from arXiv ({oai_identifier or 'no identifier'})", None)
    metadata = record.find(f"{OAI}metadata")
    meta = next(iter(metadata), None) if metadata is not None else None
    if meta is None:
        return Skipped(index, "no metadata", None)
    convert = FORMATS.get(meta.tag)
    if convert is None:
        return Skipped(index, f"unsupported metadata format {meta.tag.rsplit('}', 1)[-1]!r}", None)
    return convert(index, meta, oai_id)


def page_note(root: ET.Element) -> str | None:
    """What the resumption token says: this file is one page of a longer harvest."""
    token = root.find(f"{OAI}ListRecords/{OAI}resumptionToken")
    if token is None or not (token.text or "").strip():
        return None
    cursor, size = token.get("cursor"), token.get("completeListSize")
    where = f" (from record {int(cursor) + 1} of {size})" if cursor and cursor.isdigit() and size else ""
    return f"one page of a longer OAI-PMH harvest{where}: fetch the next page with resumptionToken={token.text.strip()}"


def _check_error(root: ET.Element) -> bool:
    """True for an empty result (noRecordsMatch); raises XMLProblem for every other OAI-PMH error."""
    error = root.find(f"{OAI}error")
    if error is None:
        return False
    code = error.get("code") or "error"
    if code == "noRecordsMatch":
        return True
    raise XMLProblem(f"OAI-PMH error {code}: {' '.join((error.text or '').split()) or 'no message'}")


def parse(text: str) -> tuple[list[Record], list[Skipped], list[str]]:
    """Records of every <record> of every document, in order, and a note about the last resumption token."""
    items: list[Record | Skipped] = []
    note = None
    for document in documents(text):
        root = load(document.strip())
        if root.tag != f"{OAI}OAI-PMH":
            raise XMLProblem("not an OAI-PMH response (no <OAI-PMH> root element)")
        if _check_error(root):
            continue
        records = root.findall(f"{OAI}ListRecords/{OAI}record") + root.findall(f"{OAI}GetRecord/{OAI}record")
        items += [record_to_item(len(items) + i, r) for i, r in enumerate(records, 1)]
        note = page_note(root)
    records_, skipped = collect(items)
    return records_, skipped, [note] if note else []
