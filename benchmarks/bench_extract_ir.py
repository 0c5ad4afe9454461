"""Instructions per abstract of the extractor, counted by valgrind: a speed figure that noise cannot move.

    .venv/bin/python benchmarks/bench_extract_ir.py [--stage all|claims|method|domains|tradeoffs|quality_note]

Timings on a shared 2-core machine swing by ±15% from run to run; the number of instructions the CPU retires
for the same work does not. This runs the extractor over 881 abstracts (600 arXiv daily + the 281 gold seeds)
under `valgrind --tool=cachegrind` twice, after a warm-up pass that fills the lazily compiled patterns and memos,
once doing the measured pass and once not, and prints the difference per abstract. Needs valgrind (apt-get
install valgrind). Fewer instructions is not the same as proportionally less time (regex loops retire many
cheap instructions per cycle, Python's interpreter few), so bench_extract.py stays the throughput figure.
"""
from __future__ import annotations

import argparse
import glob
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("all", "claims", "method", "domains", "tradeoffs", "quality_note")


def _abstracts() -> list[tuple[str, str]]:
    rows = []
    for f in sorted(glob.glob(str(ROOT / "tests" / "fixtures" / "corpora" / "arxiv-daily-*.jsonl"))):
        rows += [(r["title"], r["summary"]) for r in map(json.loads, open(f, encoding="utf-8")) if r.get("summary")]
    seeds = [(r["title"], r["abstract"]) for r in map(json.loads, open(ROOT / "tests" / "fixtures" / "gold" /
                                                                        "seeds.jsonl", encoding="utf-8"))]
    return rows[:600] + seeds


def _child(stage: str, measured: bool) -> None:
    sys.path.insert(0, str(ROOT))
    from ingest.extract import extract
    from ingest.extract.claim_model import extract_claims
    from ingest.extract.domains import classify_domains
    from ingest.extract.method import find_method
    from ingest.extract.quality_note import find_quality_note
    from ingest.extract.tradeoffs import find_tradeoffs
    fn = {"all": extract, "claims": lambda t, a: extract_claims(a), "method": find_method,
          "domains": classify_domains, "tradeoffs": find_tradeoffs,
          "quality_note": lambda t, a: find_quality_note(a)}[stage]
    data = _abstracts()
    for t, a in data:  # warm-up
        fn(t, a)
    if measured:
        for t, a in data:
            fn(t, a)


def _instructions(stage: str, measured: bool) -> int:
    out = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                          sys.executable, __file__, "--child", stage, "--measured" if measured else "--warm-only"],
                         capture_output=True, text=True, check=True).stderr
    return int(re.search(r"I\s+refs:\s+([\d,]+)", out).group(1).replace(",", ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stage", choices=STAGES, default="all")
    ap.add_argument("--child", choices=STAGES, help=argparse.SUPPRESS)
    ap.add_argument("--measured", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--warm-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child, args.measured)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind not found: apt-get install valgrind")
    n = len(_abstracts())
    per = (_instructions(args.stage, True) - _instructions(args.stage, False)) / n
    print(f"{args.stage}: {per / 1000:,.0f} thousand instructions per abstract ({n} abstracts)")


if __name__ == "__main__":
    main()
