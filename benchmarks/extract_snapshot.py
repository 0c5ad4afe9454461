"""Byte-for-byte check that a speed-up left the extractor's output alone.

    .venv/bin/python benchmarks/extract_snapshot.py write /tmp/before.json   # with the code before the change
    .venv/bin/python benchmarks/extract_snapshot.py check /tmp/before.json   # after it: exit 1 on any difference

The snapshot is `extract_many()` over the 581 gold abstracts (tests/fixtures/gold, with their titles) and the
arXiv daily corpus (tests/fixtures/corpora/arxiv-daily-*.jsonl, no titles, batches of 500 as bench_extract.py
runs them), as JSON. A change meant to make extraction faster must leave it identical; one that changes it must
say so and show the gold scores (tests/fixtures/gold/score.py).
"""
from __future__ import annotations

import argparse
import glob
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _jsonl(path: Path | str) -> list[dict]:
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]


def snapshot() -> str:
    """The extractor's output on the gold abstracts and the arXiv daily corpus, as one JSON text."""
    from ingest.extract import extract_many

    gold_dir = ROOT / "tests" / "fixtures" / "gold"
    gold = _jsonl(gold_dir / "seeds.jsonl") + _jsonl(gold_dir / "arxiv.jsonl")
    daily = [r for f in sorted(glob.glob(str(ROOT / "tests" / "fixtures" / "corpora" / "arxiv-daily-*.jsonl")))
             for r in _jsonl(f)]
    out = {"gold": extract_many([r.get("title") for r in gold], [r.get("abstract") for r in gold]), "daily": []}
    for i in range(0, len(daily), 500):
        batch = daily[i:i + 500]
        out["daily"] += extract_many([""] * len(batch), [r.get("summary") for r in batch])
    return json.dumps(out, ensure_ascii=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=("write", "check"))
    ap.add_argument("path", type=Path)
    args = ap.parse_args()
    text = snapshot()
    if args.action == "write":
        args.path.write_text(text, encoding="utf-8")
        print(f"wrote {args.path} ({len(text):,} characters)")
        return
    before = args.path.read_text(encoding="utf-8")
    if before != text:
        at = next((k for k, (a, b) in enumerate(zip(before, text)) if a != b), min(len(before), len(text)))
        sys.exit(f"output differs from {args.path} at character {at}: ...{before[max(0, at - 80):at + 80]}... "
                 f"now ...{text[max(0, at - 80):at + 80]}...")
    print(f"identical to {args.path} ({len(text):,} characters)")


if __name__ == "__main__":
    main()
