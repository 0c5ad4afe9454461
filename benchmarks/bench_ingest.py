"""Parse + store throughput on a large generated arXiv JSON-lines dump.

    python benchmarks/bench_ingest.py [--records 100000] [--seed 0]

Abstracts are built from real sentences of the bundled arXiv daily files, reshuffled, so the text has the
length and vocabulary of real abstracts. Runs on one core (the pipeline is single-threaded). Prints a
markdown table and writes it to benchmarks/results/ingest.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import pipeline, store  # noqa: E402
from ingest.readers import read_bytes  # noqa: E402

CORPORA = [ROOT / "tests/fixtures/corpora/arxiv-daily-2026-05-19.jsonl", ROOT / "tests/fixtures/corpora/arxiv-daily-2026-06-02.jsonl"]


def real_sentences() -> tuple[list[str], list[str]]:
    sentences, title_words = [], []
    for path in CORPORA:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            sentences += [s for s in re.split(r"(?<=[.!?])\s+", row["summary"]) if len(s) > 30]
            title_words += row["title"].split()
    return sentences, title_words


def generate_dump(n: int, seed: int) -> bytes:
    rng = random.Random(seed)
    sentences, words = real_sentences()
    lines = []
    for i in range(n):
        title = " ".join(rng.choice(words) for _ in range(rng.randint(6, 12))) + f" {i}"
        abstract = " ".join(rng.choice(sentences) for _ in range(rng.randint(5, 9)))
        lines.append(
            json.dumps(
                {
                    "id": f"{2400 + i // 100000}.{i % 100000:05d}",
                    "categories": [rng.choice(["cs.LG", "cs.CV", "cs.CL", "cs.AI"])],
                    "authors": ["A. Author", "B. Author"],
                    "title": title,
                    "summary": abstract,
                }
            )
        )
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    data = generate_dump(args.records, args.seed)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        result = read_bytes(data, "generated.jsonl")
        t_parse = time.perf_counter() - t0
        assert len(result.records) == args.records, (len(result.records), result.skipped[:3])

        con = store.connect(Path(tmp) / "bench.duckdb")
        t0 = time.perf_counter()
        planned = store.plan([result], store.existing_identities(con))
        text_keys = {p.paper_id: pipeline.text_key(pipeline.paper_text(p.record.title, p.record.abstract)) for p in planned}
        batch = store.UploadBatch([result], [store.sha256_hex(data)], planned, {}, text_keys)
        store.write_upload(con, batch, datetime.now(timezone.utc).replace(tzinfo=None))
        t_store = time.perf_counter() - t0
        stored = con.execute("SELECT count(*) FROM papers").fetchone()[0]

        sample = result.records[: min(5000, args.records)]
        t0 = time.perf_counter()
        pipeline.extraction_rows([(str(i), r.title, r.abstract) for i, r in enumerate(sample)])  # as uploads do
        t_extract = (time.perf_counter() - t0) / len(sample) * args.records
        con.close()

    n = args.records
    rows.append(("parse (read_bytes, arXiv JSONL)", t_parse, n / t_parse))
    rows.append(("store (dedup plan + one-transaction write)", t_store, n / t_store))
    rows.append(("**parse + store**", t_parse + t_store, n / (t_parse + t_store)))
    rows.append(("extract + derive (estimated from 5,000)", t_extract, n / t_extract))
    table = [
        f"Parse + store, {n:,} generated arXiv JSON-lines records ({len(data) / 1e6:.0f} MB), one process, "
        f"{stored:,} papers stored.",
        "",
        "| stage | seconds | papers/s |",
        "|---|---:|---:|",
        *[f"| {name} | {sec:.1f} | {rate:,.0f} |" for name, sec, rate in rows],
        "",
        f"Command: `python benchmarks/bench_ingest.py --records {n}`; python {platform.python_version()}, "
        f"duckdb {__import__('duckdb').__version__}, {platform.machine()}, {os.cpu_count()} cores, "
        f"{datetime.now(timezone.utc):%Y-%m-%d}.",
    ]
    text = "\n".join(table)
    print(text)
    out = ROOT / "benchmarks" / "results" / "ingest.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")


if __name__ == "__main__":
    main()
