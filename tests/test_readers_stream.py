"""Streaming reads of JSON lines (plain and gzip): the same records, skips and positions as the whole-file
reader, whichever way the file is cut."""
from __future__ import annotations

import gzip
import tracemalloc

import pytest

from ingest.readers import read_file
from ingest.readers.stream import iter_file, read_range, split_ranges

from conftest import FIXTURES


BROKEN = FIXTURES / "readers" / "arxiv_broken_line.jsonl"


def _flatten(blocks):
    blocks = list(blocks)
    return ([r for b in blocks for r in b.records], [s for b in blocks for s in b.skipped],
            [i for b in blocks for i in b.indexes])


@pytest.mark.parametrize("path", [FIXTURES / "corpora" / "arxiv-daily-2026-05-19.jsonl", BROKEN,
                                  FIXTURES / "readers" / "arxiv_daily.jsonl.gz"])
def test_streamed_blocks_equal_the_whole_file_read(path):
    if not path.exists():
        pytest.skip(f"{path.name} not in fixtures")
    whole = read_file(path)
    records, skipped, indexes = _flatten(iter_file(path, block_records=37))
    assert records == whole.records and skipped == whole.skipped
    assert len(indexes) == len(records) and indexes == sorted(indexes)


@pytest.mark.parametrize("target", [1, 64, 1000, 10**9])
def test_byte_ranges_start_on_lines_and_keep_positions(tmp_path, target):
    lines = BROKEN.read_bytes().split(b"\n")
    padded = tmp_path / "blank_lines.jsonl"
    padded.write_bytes(b"\n".join(line + b"\n" for line in lines))  # a blank line after every record
    whole = read_file(padded)
    ranges = split_ranges(padded, target)
    records, skipped, _ = _flatten(b for part in ranges for b in read_range(part, "arxiv_jsonl"))
    assert records == whole.records and skipped == whole.skipped


def test_gzip_is_streamed_without_loading_the_file(tmp_path):
    line = BROKEN.read_bytes().split(b"\n")[0] + b"\n"
    big = tmp_path / "big.jsonl.gz"
    with gzip.open(big, "wb") as out:
        for _ in range(20_000):
            out.write(line)  # ~50 MB of JSON once decompressed
    tracemalloc.start()
    count = sum(len(b.records) for b in iter_file(big, block_records=500))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 20_000
    assert peak < 15 * 1024**2, f"peak {peak / 1024**2:.0f} MB"


def test_other_formats_are_read_whole():
    blocks = list(iter_file(FIXTURES / "readers" / "oai_arxiv_page1.xml"))
    assert len(blocks) == 1 and blocks[0].format == "oai_pmh" and blocks[0].indexes == [1, 3]
