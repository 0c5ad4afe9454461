"""arXiv API Atom feeds. Parsed with defusedxml: external entities are never resolved and entity
declarations (billion-laughs bombs) are refused with a clean error."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from ingest.records import Record, Skipped
from ingest.readers.clean import collect, make_record
from ingest.readers.problem import FormatProblem

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"


class XMLProblem(FormatProblem):
    """The text is not usable XML; the message is the user-facing problem."""


def load(text: str) -> ET.Element:
    """Parse safely; turn every XML failure into an XMLProblem with a one-line message."""
    try:
        return fromstring(text)  # str input: the already-decoded text wins over any encoding declaration
    except DefusedXmlException as exc:
        raise XMLProblem(f"XML with entity or DTD declarations is refused for safety ({type(exc).__name__})")
    except ET.ParseError as exc:
        raise XMLProblem(f"invalid XML: {exc}")  # expat's message ends with "line N, column M"


def _text(entry: ET.Element, tag: str) -> str | None:
    node = entry.find(tag)
    return node.text if node is not None and node.text else None


def entry_to_record(index: int, entry: ET.Element) -> Record | Skipped:
    """One <entry>: title, summary, authors, published, id (version stripped), DOI, categories, link."""
    entry_id = _text(entry, f"{ATOM}id") or ""
    title = _text(entry, f"{ATOM}title")
    if "/api/errors" in entry_id:
        return Skipped(index, f"arXiv API error: {_text(entry, f'{ATOM}summary') or title}", None)
    link = next(
        (n.get("href") for n in entry.findall(f"{ATOM}link") if n.get("rel") == "alternate"),
        entry_id or None,
    )
    primary = entry.find(f"{ARXIV}primary_category")
    categories = [primary.get("term")] if primary is not None and primary.get("term") else []
    categories += [c.get("term") for c in entry.findall(f"{ATOM}category") if c.get("term") not in categories]
    return make_record(
        index,
        title,
        _text(entry, f"{ATOM}summary") or _text(entry, f"{ATOM}content"),
        authors=[n.text for n in entry.findall(f"{ATOM}author/{ATOM}name") if n.text],
        date=_text(entry, f"{ATOM}published") or _text(entry, f"{ATOM}updated"),
        arxiv_id=entry_id,
        doi=_text(entry, f"{ARXIV}doi"),
        url=link,
        categories=[c for c in categories if c],
        latex=True,
    )


def parse(text: str) -> tuple[list[Record], list[Skipped]]:
    """Every <entry> of the feed, in order. Raises XMLProblem for bad XML."""
    root = load(text)
    entries = root.findall(f"{ATOM}entry") if root.tag == f"{ATOM}feed" else [root] if root.tag == f"{ATOM}entry" else []
    return collect([entry_to_record(i, e) for i, e in enumerate(entries, 1)])
