"""Streaming reads for files too large to hold in memory (the arXiv bulk snapshot is ~4.5 GB of JSON lines).

JSON lines, plain or gzip, are read line by line and handed out in blocks of records, so memory stays
constant whatever the file size; a plain file can also be cut into byte ranges that start on a line
boundary, each readable on its own (what the Ray build hands to its tasks). Every other format, and JSON
that is not one object per line, goes through `read_bytes` whole: those exports are small.

Record positions are the same as the whole-file reader's: the count of non-blank lines, so provenance
(`record_index`) does not depend on how a file was read.
"""
from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import ParseError
from ingest.records import Record, Skipped
from ingest.readers import jsonfmt
from ingest.readers.clean import collect

BLOCK_RECORDS = 1000
HEAD_BYTES = 65_536
SCAN_CHUNK = 1 << 20
_BLANK_LINE = re.compile(rb"(?m)^[ \t\r\f\v]*\n")
_LATIN1_NOTE = "not UTF-8: some lines read as Latin-1"


@dataclass
class Block:
    """Part of one file: its records and skipped records (positions are file-wide) and notes."""

    source: str
    format: str
    records: list[Record]
    skipped: list[Skipped]
    indexes: list[int]  # 1-based file position of each record
    notes: list[str] = field(default_factory=list)


@dataclass
class Range:
    """Bytes [start, end) of a file, starting at a line start; `first` is the position of its first line."""

    path: str
    start: int
    end: int | None  # None: to the end (always, for gzip)
    first: int


def is_gzip(path: str | os.PathLike) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def _open(path: str | os.PathLike):
    return gzip.open(path, "rb") if is_gzip(path) else open(path, "rb")


def head(path: str | os.PathLike, size: int = HEAD_BYTES) -> bytes:
    """The first `size` bytes of the (decompressed) file."""
    try:
        with _open(path) as handle:
            return handle.read(size)
    except (OSError, EOFError) as exc:
        raise ParseError(Path(path).name, f"cannot read the file ({exc})") from None


def json_lines_kind(data: bytes) -> str | None:
    """'arxiv_jsonl' / 'semantic_scholar' / 'openalex' when `data` (a file's head) is JSON lines in UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:200]:
        return None  # UTF-16/32: the whole-file reader decodes those
    lines = [line for line in data.split(b"\n")[:6] if line.strip()][:5]
    for line in lines:
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            continue
        if isinstance(obj, dict):
            return jsonfmt.kind_of(obj)
    return None


def _decode(line: bytes, notes: list[str]) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        if _LATIN1_NOTE not in notes:
            notes.append(_LATIN1_NOTE)
        return line.decode("cp1252", errors="replace")


def parse_lines(numbered: list[tuple[int, bytes]], kind: str, source: str) -> Block:
    """Records from (position, raw line) pairs: a pure function, the unit of work of every reader here."""
    items: list[Record | Skipped] = []
    notes: list[str] = []
    for position, raw in numbered:
        text = _decode(raw, notes).lstrip("\ufeff")
        try:
            obj = json.loads(text)
        except json.JSONDecodeError:
            items.append(Skipped(position, "invalid JSON", None))
            continue
        except RecursionError:
            items.append(Skipped(position, "invalid JSON (nested too deeply)", None))
            continue
        if not isinstance(obj, dict):
            items.append(Skipped(position, "empty entry (null)" if obj is None else "not a paper object", None))
            continue
        items.append(jsonfmt.CONVERTERS[kind](position, obj))
    records, skipped = collect(items)
    skipped_positions = {s.index for s in skipped}
    indexes = [position for position, _ in numbered if position not in skipped_positions]
    return Block(source, kind, records, skipped, indexes, notes)


def _numbered_lines(handle, first: int, limit: int | None) -> Iterator[tuple[int, bytes]]:
    """(position, line) for non-blank lines, reading at most `limit` bytes."""
    position = first
    read = 0
    for line in handle:
        read += len(line)
        if line.strip():
            yield position, line
            position += 1
        if limit is not None and read >= limit:
            return


def read_range(part: Range, kind: str, block_records: int = BLOCK_RECORDS) -> Iterator[Block]:
    """Blocks of at most `block_records` records from one byte range of a JSON-lines file."""
    source = Path(part.path).name
    with _open(part.path) as handle:
        if part.start:
            handle.seek(part.start)
        limit = None if part.end is None else part.end - part.start
        batch: list[tuple[int, bytes]] = []
        for item in _numbered_lines(handle, part.first, limit):
            batch.append(item)
            if len(batch) >= block_records:
                yield parse_lines(batch, kind, source)
                batch = []
        if batch:
            yield parse_lines(batch, kind, source)


def split_ranges(path: str | os.PathLike, target_bytes: int) -> list[Range]:
    return scan_ranges(path, target_bytes)[0]


def scan_ranges(path: str | os.PathLike, target_bytes: int) -> tuple[list[Range], int | None]:
    """Cut a plain JSON-lines file into ranges of about `target_bytes`, each starting at a line start, and
    count its non-blank lines (None for gzip).

    One pass in chunks of at most 1 MB (constant memory) counts the non-blank lines before each cut. A gzip
    file cannot be entered in the middle, so it is one range read from the start."""
    path = os.fspath(path)
    if is_gzip(path):
        return [Range(path, 0, None, 1)], None
    ranges: list[Range] = []
    start, offset, lines_before, first = 0, 0, 0, 1
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(min(SCAN_CHUNK, max(1, target_bytes)))
            if not chunk:
                break
            if not chunk.endswith(b"\n"):
                chunk += handle.readline()
            offset += len(chunk)
            lines_before += chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1) - len(_BLANK_LINE.findall(chunk))
            if offset - start >= target_bytes:
                ranges.append(Range(path, start, offset, first))
                start, first = offset, lines_before + 1
    if offset > start or not ranges:
        ranges.append(Range(path, start, None, first))
    return ranges, lines_before


def iter_file(path: str | os.PathLike, fmt: str | None = None, block_records: int = BLOCK_RECORDS) -> Iterator[Block]:
    """Blocks of records from any supported file: streamed for JSON lines, whole for everything else."""
    from ingest.readers import read_file

    kind = json_lines_kind(head(path)) if fmt is None or fmt in jsonfmt.CONVERTERS else None
    if kind is not None:
        yield from read_range(Range(os.fspath(path), 0, None, 1), fmt or kind, block_records)
        return
    result = read_file(path, fmt)
    skipped = {s.index for s in result.skipped}
    indexes = [i for i in range(1, len(result.records) + len(result.skipped) + 1) if i not in skipped]
    yield Block(result.source, result.format, result.records, result.skipped, indexes, result.notes)
