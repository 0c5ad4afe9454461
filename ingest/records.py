"""The record shapes that flow between stages. Plain dataclasses: easy to test, easy to ship to Ray later."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Record:
    """One paper as a reader found it. Only title and abstract are required downstream."""

    title: str
    abstract: str
    authors: list[str] = field(default_factory=list)
    date: str | None = None  # ISO date "YYYY-MM-DD" (or "YYYY-MM"/"YYYY") when the source gives one
    year: int | None = None
    arxiv_id: str | None = None  # bare id without version, e.g. "2406.12345" or "hep-th/9901001"
    doi: str | None = None  # lower-case, no "https://doi.org/" prefix
    url: str | None = None
    categories: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Skipped:
    """A record a reader could not use, with the reason shown to the user."""

    index: int  # 1-based position of the record in its file
    reason: str  # e.g. "no abstract", "no title", "abstract is a placeholder"
    title: str | None = None


@dataclass
class ReadResult:
    """What a reader returns for one file: the detected format, the good records, the skipped ones."""

    source: str  # file name as the user gave it (never used as a path by the store)
    format: str
    records: list[Record]
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "decoded as Latin-1"
