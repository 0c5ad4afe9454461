"""Throughput and value recall of our extractor next to quantulum3, on one core.

    .venv/bin/python benchmarks/bench_extract.py [--quantulum-sample 100] [--repeat 5]

Measures:
- abstracts/s of the full extractor on the 281 gold seed abstracts and on the arXiv daily corpus (field
  `summary`), single process: `extract_many()` on batches of 500 (what uploads and re-extraction run),
  `extract()` one abstract at a time, and `extract_claims` alone;
- abstracts/s of quantulum3's `parser.parse` (classifier off, as the project uses it) on a sample of the same
  abstracts (it is ~100x slower, so only a sample is timed);
- recall of the gold claim values: a gold claim counts as recalled when some quantity found in its abstract has a
  value within 1% (score.py's tolerance). For us that means some extracted claim; for quantulum3 any quantity.
Prints a markdown table and the package versions and writes them to benchmarks/results/extract.md. Runs in
well under 3 minutes. Re-executes itself with
PYTHONHASHSEED=0 (quantulum3's results depend on set iteration order).
"""
from __future__ import annotations

import argparse
import glob
import importlib.metadata as md
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOLD_DIRS = [ROOT / "tests" / "fixtures" / "gold", ROOT.parent / "shared" / "gold"]
CORPUS_GLOBS = [str(ROOT / "tests" / "fixtures" / "corpora" / "arxiv-daily-*.jsonl"),
                str(ROOT.parent / "shared" / "corpora" / "arxiv-daily-*.jsonl")]


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(0.01 * abs(b), 0.01)


def _load_gold():
    for d in GOLD_DIRS:
        if (d / "seeds.jsonl").exists() and (d / "seeds.gold.jsonl").exists():
            seeds = [json.loads(x) for x in open(d / "seeds.jsonl", encoding="utf-8") if x.strip()]
            gold = {g["id"]: g for g in (json.loads(x) for x in open(d / "seeds.gold.jsonl", encoding="utf-8")
                                         if x.strip())}
            return seeds, gold
    sys.exit("gold set not found: expected tests/fixtures/gold/seeds.jsonl (copy of ../shared/gold)")


def _load_corpus() -> list[str]:
    for pattern in CORPUS_GLOBS:
        files = sorted(glob.glob(pattern))
        if files:
            out = []
            for f in files:
                for line in open(f, encoding="utf-8"):
                    if line.strip():
                        s = json.loads(line).get("summary")
                        if s:
                            out.append(s)
            return out
    sys.exit("arXiv daily corpus not found: expected tests/fixtures/corpora/arxiv-daily-*.jsonl "
             "or ../shared/corpora/arxiv-daily-*.jsonl")


def _rate(fn, items, repeat: int) -> float:
    """Items per CPU-second of this (single-threaded) process: process_time, not wall time, so that other work on
    a shared machine does not count against us; best of `repeat` passes."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        for it in items:
            fn(it)
        best = min(best, time.process_time() - t0)
    return len(items) / max(best, 1e-9)


def _batch_rate(fn, titles: list[str], abstracts: list[str], repeat: int, size: int = 500) -> float:
    """Abstracts per CPU-second of fn(titles, abstracts) called on batches of `size` (ingest uses 500)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        for i in range(0, len(abstracts), size):
            fn(titles[i:i + size], abstracts[i:i + size])
        best = min(best, time.process_time() - t0)
    return len(abstracts) / max(best, 1e-9)


def _recall(gold: dict, seeds: list, values_of) -> tuple[int, int]:
    hit = total = 0
    for r in seeds:
        g = gold.get(r["id"])
        if not g:
            continue
        vals = values_of(r)
        for c in g.get("claims") or []:
            total += 1
            hit += any(_close(v, float(c["value"])) for v in vals)
    return hit, total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quantulum-sample", type=int, default=100, help="abstracts timed with quantulum3 per corpus")
    ap.add_argument("--repeat", type=int, default=5, help="timing repeats for our extractor (best is kept)")
    ap.add_argument("--no-quantulum", action="store_true")
    args = ap.parse_args()

    if os.environ.get("PYTHONHASHSEED") != "0":
        # quantulum3's unit disambiguation depends on set order, so its recall changes from run to run under hash
        # randomisation (seen: 123 vs 145 of 172 values); pin the seed so the table is reproducible.
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, *sys.argv])
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from ingest.extract import EXTRACTOR_VERSION, extract, extract_many
    from ingest.extract.claim_model import extract_claims

    seeds, gold = _load_gold()
    corpus = _load_corpus()
    seed_abs = [r["abstract"] for r in seeds]
    seed_pairs = [(r["title"], r["abstract"]) for r in seeds]

    extract(*seed_pairs[0])  # warm-up (regex compilation happens at import; this is just caches)
    rows = []
    batch_seed = _batch_rate(extract_many, [t for t, _a in seed_pairs], seed_abs, args.repeat)
    batch_corpus = _batch_rate(extract_many, [""] * len(corpus), corpus, args.repeat)
    ours_seed = _rate(lambda p: extract(*p), seed_pairs, args.repeat)
    ours_corpus = _rate(lambda a: extract("", a), corpus, args.repeat)
    claims_seed = _rate(extract_claims, seed_abs, args.repeat)
    claims_corpus = _rate(extract_claims, corpus, args.repeat)

    ours_vals = {r["id"]: [c["value"] for c in extract_claims(r["abstract"])] for r in seeds}
    o_hit, o_tot = _recall(gold, seeds, lambda r: ours_vals[r["id"]])
    # values plus range ends and "from" values, the way a lenient value-only match would see them
    ours_all = {r["id"]: [v for c in extract_claims(r["abstract"]) for v in (c["value"], c.get("low"), c.get("from"))
                          if v is not None] for r in seeds}
    oa_hit, _ = _recall(gold, seeds, lambda r: ours_all[r["id"]])

    q_seed = q_corpus = None
    q_hit = q_tot = 0
    q_version = "not installed"
    if not args.no_quantulum:
        try:
            import quantulum3.classifier
            quantulum3.classifier.USE_CLF = False
            from quantulum3 import parser as qparser
            q_version = md.version("quantulum3")
        except Exception as e:  # pragma: no cover - environment without quantulum3
            print(f"quantulum3 unavailable: {e}", file=sys.stderr)
            qparser = None
        if qparser is not None:
            qparser.parse("warm-up: 2.7x faster and 75.8% less memory.")  # first call loads its unit tables
            rnd = random.Random(0)
            s_sample = rnd.sample(seed_abs, min(args.quantulum_sample, len(seed_abs)))
            c_sample = rnd.sample(corpus, min(args.quantulum_sample, len(corpus)))
            q_seed = _rate(qparser.parse, s_sample, 1)
            q_corpus = _rate(qparser.parse, c_sample, 1)

            def q_values(r):
                vals = []
                for q in qparser.parse(r["abstract"]):
                    vals.append(float(q.value))
                    if q.uncertainty:
                        vals += [float(q.value) - q.uncertainty, float(q.value) + q.uncertainty]
                return vals

            with_claims = [r for r in seeds if (gold.get(r["id"]) or {}).get("claims")]
            q_hit, q_tot = _recall(gold, with_claims, q_values)

    def fmt(x):
        return "-" if x is None else f"{x:,.0f}"

    lines: list[str] = []
    print = lines.append  # the table goes to stdout and to benchmarks/results/extract.md
    print(f"\n## Extraction throughput (abstracts per CPU-second, one core) and gold value recall\n")
    print(f"Seed abstracts: {len(seed_abs)} (gold claims: {o_tot}); arXiv daily abstracts: {len(corpus)}; "
          f"quantulum3 timed on {args.quantulum_sample} sampled abstracts per corpus.\n")
    print("| extractor | seeds abs/s | arXiv daily abs/s | gold claim values recalled |")
    print("|---|---:|---:|---:|")
    print(f"| ours: `extract_many()` (all fields, in batches, as ingest runs it) | {fmt(batch_seed)} | "
          f"{fmt(batch_corpus)} | {o_hit}/{o_tot} = {o_hit / o_tot:.3f} |")
    print(f"| ours: `extract()` (all fields, one abstract at a time) | {fmt(ours_seed)} | {fmt(ours_corpus)} | "
          f"{o_hit}/{o_tot} = {o_hit / o_tot:.3f} |")
    print(f"| ours: `extract_claims()` only | {fmt(claims_seed)} | {fmt(claims_corpus)} | "
          f"(incl. range ends / from: {oa_hit}/{o_tot} = {oa_hit / o_tot:.3f}) |")
    if q_seed is not None:
        print(f"| quantulum3 `parser.parse` (USE_CLF=False) | {q_seed:,.1f} | {q_corpus:,.1f} | "
              f"{q_hit}/{q_tot} = {q_hit / max(q_tot, 1):.3f} (any quantity, no category) |")
        print(f"\nSpeed ratio (ours `extract()` / quantulum3): seeds {ours_seed / q_seed:,.0f}x, "
              f"arXiv {ours_corpus / q_corpus:,.0f}x")
    print("\nRecall here is value-only (category/direction/unit ignored); the strict claims F1 is "
          "tests/test_extract_gold.py's job.")
    print("\n### Versions\n")
    print(f"- python {platform.python_version()} ({platform.machine()}), extractor version {EXTRACTOR_VERSION}")
    print(f"- quantulum3 {q_version}")
    for pkg in ("hypothesis", "pytest"):
        try:
            print(f"- {pkg} {md.version(pkg)}")
        except md.PackageNotFoundError:
            pass
    print(f"\nBest of {args.repeat} passes; load average (1 min) at the end: {os.getloadavg()[0]:.2f}.")
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    out = ROOT / "benchmarks" / "results" / "extract.md"
    out.write_text(text.lstrip("\n"), encoding="utf-8")
    sys.stdout.write(f"\n(written to {out.relative_to(ROOT)})\n")


if __name__ == "__main__":
    main()
