"""Upload checks that need no Streamlit: password, size and record limits, parsing in memory.

Why in memory: an uploaded file's name is user text; it is only ever a label (ReadResult.source), never
a path, so a name like '../../etc/passwd' can do nothing. Every failure becomes one readable line.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from ingest.errors import IngestError
from ingest.records import ReadResult
from ingest.store import sha256_hex

PASTE_NAME = "pasted text"


def password_ok(given: str, expected: str) -> bool:
    """Constant-time comparison; no password configured means uploads are open."""
    if not expected:
        return True
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


@dataclass
class ParsedUpload:
    """Everything parsed from one upload, before anything is written."""

    results: list[ReadResult] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def n_records(self) -> int:
        return sum(len(r.records) for r in self.results)

    @property
    def ok(self) -> bool:
        return not self.errors and self.n_records > 0


def safe_name(name: str) -> str:
    """A display label for an uploaded file: its last path component, printable, at most 120 chars."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return (cleaned or "upload")[:120]


def parse_uploads(
    files: list[tuple[str, bytes]], fmt: str | None, max_mb: int, max_records: int
) -> ParsedUpload:
    """Parse (name, bytes) pairs; too-large files, unreadable files and too many records become errors."""
    out = ParsedUpload()
    limit = max_mb * 1024 * 1024
    try:
        from ingest.readers import read_bytes
    except ImportError as exc:  # the readers ship with the app; this guards a broken install
        out.errors.append(f"the file readers are not available ({exc})")
        return out
    for name, data in files:
        label = safe_name(name)
        if len(data) > limit:
            out.errors.append(f"{label}: {len(data) / 1e6:.1f} MB is over the {max_mb} MB upload limit")
            continue
        if not data.strip():
            out.errors.append(f"{label}: the file is empty")
            continue
        try:
            result = read_bytes(data, label, fmt)
        except IngestError as exc:
            out.errors.append(str(exc).splitlines()[0] if str(exc) else f"{label}: cannot be read")
            continue
        except Exception as exc:  # a reader bug must not show a traceback to the user
            out.errors.append(f"{label}: cannot be read ({type(exc).__name__})")
            continue
        out.results.append(result)
        out.hashes.append(sha256_hex(data))
    if out.n_records > max_records:
        out.errors.append(
            f"{out.n_records:,} records is over the limit of {max_records:,} per upload; split the file"
        )
    return out
