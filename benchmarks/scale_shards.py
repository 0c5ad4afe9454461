"""Staging folders of any size for timing the build's load, without extracting a million papers.

A base of generated papers (bench_ingest.generate_dump) is parsed and extracted for real by the build's own
stage functions (no Ray), then its shards are copied once per input file with new identities, so the load
sees what a build of N papers leaves: abstracts, claim JSON and trade-off points as the extractor writes
them. One record in DUPLICATE_EVERY of each copy after the first keeps its base arXiv id, so the duplicate
rule has work to do (a snapshot and a harvest that overlap).
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import Path

import duckdb
import pyarrow as pa

from bench_ingest import generate_dump
from ingest import build, staging

DUPLICATE_EVERY = 100


def base_shards(folder: Path, n: int) -> tuple[Path, int]:
    """Shards of n generated papers in folder/base (made once, reused): (shard folder, number of parts)."""
    base = folder / f"base-{n}"
    done = base / "parts.json"
    if done.exists():
        return staging.shard_dir(base), json.loads(done.read_text())
    dump = folder / f"base-{n}.jsonl"
    dump.write_bytes(generate_dump(n, seed=0))
    _, parts = build.plan_parts([dump], None, part_bytes=4 * 1024**2)
    for part in parts:
        batch = pa.table({"part": [json.dumps(asdict(part))]})
        for table in build.parse_part(batch, None, {}):
            build.write_rows(build.extract_rows(table), str(base))
    done.write_text(json.dumps(len(parts)))
    return staging.shard_dir(base), len(parts)


def copied_staging(folder: Path, base: Path, n_parts: int, copies: int) -> tuple[Path, list[str], int]:
    """A staging folder of `copies` input files, each the base with its own identities, shard for shard
    (blocks of build.BLOCK_RECORDS rows, as a build writes them): (folder, input names, parts).
    Copy k renames every key with '-k' (except the kept duplicates)."""
    out = folder / f"staging-{copies}x"
    shards = staging.shard_dir(out)
    if not shards.exists():
        shards.mkdir(parents=True)
        con = duckdb.connect()
        for k in range(copies):
            tag = f"-{k}" if k else ""
            keep = f"(position % {DUPLICATE_EVERY} = 0 AND {k} > 0)"
            for shard in sorted(base.glob("*.parquet")):
                con.execute(
                    f"""COPY (SELECT * REPLACE (spec + {k * n_parts} AS spec, {k} AS file_index,
                                 CASE WHEN {keep} THEN arxiv_id ELSE arxiv_id || '{tag}' END AS arxiv_id,
                                 title_key || '{tag}' AS title_key, text_key || '{tag}' AS text_key)
                        FROM read_parquet('{shard}'))
                    TO '{shards}/{k:04d}-{shard.name}' (FORMAT parquet)"""
                )
        con.close()
    return out, [f"copy-{k}.jsonl" for k in range(copies)], copies * n_parts


def staging_for(folder: Path, n: int, base_n: int) -> tuple[Path, list[str], int]:
    """A staging folder of about n papers (a whole number of copies of a base of base_n)."""
    base, n_parts = base_shards(folder, base_n)
    return copied_staging(folder, base, n_parts, max(1, math.ceil(n / base_n)))
