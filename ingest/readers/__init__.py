"""Readers: a file's bytes -> paper records. `read_bytes` is pure (decode, gunzip, detect, parse, clean);
`read_file` is the only function that touches the file system.

    >>> result = read_file("data/samples/000_423b64eaf3071395.txt")
    >>> result.format, len(result.records)
    ('webtext', 81)
"""
from __future__ import annotations

import gzip
import io
import os
import zlib
from collections.abc import Callable

from ingest.errors import ParseError
from ingest.records import ReadResult, Record, Skipped
from ingest.readers import atom, bibtex, csvfmt, jsonfmt, oaipmh, ris, webtext, wos
from ingest.readers.detect import FORMATS, detect_format
from ingest.readers.problem import FormatProblem

__all__ = ["FORMATS", "PARSERS", "detect_format", "read_bytes", "read_file"]

# A parser returns (records, skipped) or (records, skipped, notes) when the file itself has something to say.
Parser = Callable[[str], tuple]
PARSERS: dict[str, Parser] = {
    "webtext": webtext.parse,
    "atom": atom.parse,
    "oai_pmh": oaipmh.parse,
    "arxiv_jsonl": jsonfmt.parse_arxiv,
    "semantic_scholar": jsonfmt.parse_semantic_scholar,
    "openalex": jsonfmt.parse_openalex,
    "bibtex": bibtex.parse,
    "ris": ris.parse,
    "wos": wos.parse,
    "csv": csvfmt.parse,
}
MAX_GUNZIPPED_BYTES = 2 * 1024**3  # a gzip bomb stops here
BINARY_SAMPLE = 4096
_BOMS = (  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def gunzip(data: bytes, source: str) -> bytes:
    """Decompress gzip bytes, refusing corrupt data and output beyond MAX_GUNZIPPED_BYTES."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(MAX_GUNZIPPED_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ParseError(source, f"corrupt gzip data ({exc})") from None
    if len(out) > MAX_GUNZIPPED_BYTES:
        raise ParseError(source, "gzip content is larger than 2 GiB")
    return out


def decode(data: bytes, source: str) -> tuple[str, list[str]]:
    """Text and notes. BOMs first (UTF-8/16/32), BOM-less UTF-16 by its NUL pattern, then UTF-8, then cp1252."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), []
            except UnicodeDecodeError:
                raise ParseError(source, f"invalid {encoding.upper().replace('-SIG', '')} text") from None
    sample = data[:200]
    if len(sample) >= 8 and sample.count(0) * 3 >= len(sample) and b"\x00\x00" not in sample:
        encoding = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        try:
            return data.decode(encoding), [f"no byte-order mark: read as {encoding.upper()}"]
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), ["not UTF-8: read as Latin-1"]
    except UnicodeDecodeError:
        return data.decode("latin-1"), ["not UTF-8: read as Latin-1"]


def looks_binary(text: str) -> bool:
    """NUL characters or many control characters in the first few KB: an image, PDF, archive, database."""
    sample = text[:BINARY_SAMPLE]
    if "\x00" in sample:
        return True
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f\v\x1b")
    return controls > len(sample) // 100 + 1


def read_bytes(data: bytes, source: str, fmt: str | None = None) -> ReadResult:
    """Records from one file's bytes. `source` names the file in messages; `fmt` overrides detection.

    Raises ParseError (one line: 'source: problem') when the file cannot be read at all.
    """
    name = source
    if data[:2] == b"\x1f\x8b":
        data = gunzip(data, source)
        name = source.removesuffix(".gz").removesuffix(".GZ")
    if not data.strip():
        raise ParseError(source, "file is empty")
    if data.startswith(b"PK\x03\x04"):
        raise ParseError(source, "looks like a binary file, not text (a ZIP archive: unzip it first)")
    if data.startswith(b"%PDF"):
        raise ParseError(source, "looks like a binary file, not text (a PDF)")
    text, notes = decode(data, source)
    if looks_binary(text):
        raise ParseError(source, "looks like a binary file, not text")
    text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ParseError(source, "file is empty")
    if fmt is not None and fmt not in PARSERS:
        raise ParseError(source, f"unknown format {fmt!r}; supported: {', '.join(FORMATS)}")
    try:
        fmt = fmt or detect_format(text, name)
        records, skipped, *more = PARSERS[fmt](text)
        notes += more[0] if more else []
    except FormatProblem as exc:
        raise ParseError(source, str(exc)) from None
    if not records and not skipped:
        notes.append("no paper records found")
    return ReadResult(source=source, format=fmt, records=records, skipped=skipped, notes=notes)


def read_file(path: str | os.PathLike[str], fmt: str | None = None) -> ReadResult:
    """Read a file from disk; messages name it by its base name only."""
    source = os.path.basename(os.fspath(path))
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ParseError(source, f"cannot open file ({exc.strerror or exc})") from None
    return read_bytes(data, source, fmt)
