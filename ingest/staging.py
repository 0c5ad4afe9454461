"""The staging folder of a batch build: Parquet shards, each written whole or not at all.

A shard holds rows of one kind each: a `record` (parsed, extracted, maybe embedded), a `skipped` record (its
reason), or a `meta` row per input part (the file's detected format and reader notes). `(spec, position)`
names a row across runs: a restarted build skips what a finished shard already holds, and the load keeps
one row per name, so a shard written twice (a worker that outlived a killed driver) is never counted twice.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .schema import EMBEDDING_DIM

_STR = pa.string()
_STRS = pa.list_(pa.string())
SCHEMA = pa.schema(
    [
        ("spec", pa.int32()), ("file_index", pa.int32()), ("position", pa.int32()), ("kind", _STR),
        ("reason", _STR),  # skipped: why; meta: the format
        ("notes", _STRS),  # meta: the reader's notes for the file
        ("title", _STR), ("abstract", _STR), ("authors", _STRS), ("date", _STR), ("year", pa.int32()),
        ("arxiv_id", _STR), ("doi", _STR), ("url", _STR), ("categories", _STRS),
        ("title_key", _STR), ("text_key", _STR),
        ("known", pa.bool_()),  # its identity matched a stored paper when the build started: not extracted
        ("text_stored", pa.bool_()),  # its text had a stored vector when the build started: not embedded
        ("extractor_version", _STR), ("method", _STR), ("domains", _STRS), ("tradeoffs", _STRS),
        ("quality_note", _STR), ("n_claims", pa.int32()),
        ("best_speedup", pa.float64()), ("memory_reduction", pa.float64()), ("compute_reduction", pa.float64()),
        ("size_reduction", pa.float64()), ("token_reduction", pa.float64()), ("energy_reduction", pa.float64()),
        ("cost_reduction", pa.float64()), ("quality_change", pa.float64()), ("quality_flag", _STR),
        ("claims", _STR),  # JSON list of extract() claims
        ("points", _STR),  # JSON list of plotted trade-off points (pipeline's plotted_points)
        ("model", _STR), ("vector", pa.list_(pa.float32(), EMBEDDING_DIM)),
    ]
)
SHARDS = "shards"
LOADED = "LOADED"


def shard_dir(staging: Path) -> Path:
    return Path(staging) / SHARDS


def shard_files(staging: Path) -> list[Path]:
    """Finished shards only: a file is renamed to *.parquet after it is completely written."""
    folder = shard_dir(staging)
    return sorted(folder.glob("*.parquet")) if folder.exists() else []


def to_table(columns: dict[str, list]) -> pa.Table:
    """A shard table from column lists; missing columns are null."""
    n = len(next(iter(columns.values()))) if columns else 0
    arrays = [pa.array(columns.get(f.name, [None] * n), type=f.type) for f in SCHEMA]
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def write_shard(staging: Path, table: pa.Table) -> Path:
    """Write to a temporary name, then rename: a killed writer leaves a *.tmp, never a half shard."""
    folder = shard_dir(staging)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{uuid.uuid4().hex}.parquet"
    tmp = final.with_suffix(".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, final)
    return final


def finished_rows(staging: Path) -> dict[int, set[int]]:
    """{spec: positions already in a finished shard}: what a restarted build need not redo."""
    done: dict[int, set[int]] = {}
    for path in shard_files(staging):
        table = pq.read_table(path, columns=["spec", "position"])
        for spec, position in zip(table["spec"].to_pylist(), table["position"].to_pylist()):
            done.setdefault(spec, set()).add(position)
    return done
