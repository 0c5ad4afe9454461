"""The batch path at scale: wall time and peak memory per stage for N generated papers.

    python benchmarks/bench_scale.py [--records 100000] [--embed-sample 2000]
    python benchmarks/bench_scale.py --topics-on data/cache/bench/dashboard-1000000.duckdb

Papers are generated from real abstract sentences (bench_ingest.generate_dump). Measured:
- single-process `add --no-embed` (parse + extract + store, one process),
- `build --no-embed` on a local Ray with 1 and 2 CPUs (stages, then the one-transaction load),
- embedding: the real model on a sample, extrapolated to N and to 1,000,000 papers,
- topics: a re-clustering of all N papers (vectors from the fast hashed embedder: the same shapes),
- paper_facts: the whole rebuild against refreshing the 1,000 papers a write touched.
Peak memory is the largest summed RSS of the command's whole process tree (the Ray driver, raylet and
workers included), sampled every 0.2 s from /proc. Writes benchmarks/results/scale.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import duckdb  # noqa: E402
from bench_ingest import generate_dump  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(root: int) -> int:
    """Summed RSS (bytes) of `root` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * PAGE
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def run(cmd: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """(seconds, peak tree RSS, stderr) of a command."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    peak = 0
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.append(proc.stderr.read()))
    reader.start()
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.2)
    reader.join()
    proc.stdout.read()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out[0][-3000:]}")
    return time.perf_counter() - started, peak, out[0]


def py(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def gb(n: int) -> str:
    return f"{n / 1024**3:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--embed-sample", type=int, default=2_000)
    parser.add_argument("--topics-on", type=Path, metavar="DB",
                        help="only re-cluster and time paper_facts on (a copy of) an existing database, e.g. the "
                             "1,000,000-paper one bench_dashboard.py generates")
    args = parser.parse_args()
    if args.topics_on:
        with tempfile.TemporaryDirectory(dir=args.topics_on.parent) as tmp:
            copy = Path(tmp) / "copy.duckdb"
            shutil.copyfile(args.topics_on, copy)
            con = duckdb.connect(str(copy), read_only=True)
            n = con.execute("SELECT count(*) FROM papers").fetchone()[0]
            con.close()
            write_report(topics_and_facts(copy, n), n, f"--topics-on {args.topics_on.name}")
        return
    n = args.records
    rows: list[tuple[str, float, int, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "papers.jsonl"
        dump.write_bytes(generate_dump(n, seed=0))
        stages = ["parse", "extract", "store"]
        code = (
            "import time, json; from ingest import pipeline, store; from ingest.readers.stream import iter_file\n"
            f"t=time.perf_counter(); results, hashes = pipeline.read_files([{str(dump)!r}]); t1=time.perf_counter()\n"
            "planned = store.plan(results, {}); new=[p for p in planned if p.is_new]\n"
            "ex = pipeline.extraction_rows([(p.paper_id, p.record.title, p.record.abstract) for p in new]); t2=time.perf_counter()\n"
            f"con = store.connect({str(Path(tmp) / 'add.duckdb')!r}); pipeline.add_results(con, results, hashes); t3=time.perf_counter()\n"
            "import sys; print(json.dumps([t1-t, t2-t1, t3-t2]), file=sys.stderr)\n"
        )
        seconds, peak, err = run(py(code))
        parse_s, extract_s, add_s = __import__("json").loads(err.strip().splitlines()[-1])
        rows.append(("single process: parse (read_bytes)", parse_s, 0, ""))
        rows.append(("single process: extract (extraction_rows)", extract_s, 0, ""))
        rows.append(("single process: `add --no-embed` (plan + extract again + store + facts)", add_s, peak,
                     "peak is the whole script"))
        for cpus in (1, 2):
            db = Path(tmp) / f"build{cpus}.duckdb"
            started = time.perf_counter()
            seconds, peak, err = run([sys.executable, "-m", "ingest", "build", str(dump), "--db", str(db),
                                      "--no-samples", "--no-embed", "--num-cpus", str(cpus)])
            rows.append((f"Ray build, {cpus} CPU{'s' if cpus > 1 else ''}: parse + extract + shards + load", seconds,
                         peak, "Ray start-up included"))
        sample = min(args.embed_sample, n)
        code = (
            "import time, json, sys; from ingest.embedder import get_embedder, paper_text\n"
            f"rows=[json.loads(l) for l in open({str(dump)!r}).read().splitlines()[:{sample}]]\n"
            "texts=[paper_text(r['title'], r['summary']) for r in rows]; e=get_embedder(); e.embed(texts[:64])\n"
            "t=time.perf_counter(); e.embed(texts); print(json.dumps([time.perf_counter()-t, e.name]), file=sys.stderr)\n"
        )
        _, peak, err = run(py(code))
        embed_s, model = __import__("json").loads(err.strip().splitlines()[-1])
        rate = sample / embed_s
        rows.append((f"embed {sample:,} papers ({model}), extrapolated to {n:,}", n / rate, peak,
                     f"{rate:,.0f} papers/s; 1,000,000 papers: {1_000_000 / rate / 3600:.1f} h on this machine"))
        rows += topics_and_facts(Path(tmp) / "add.duckdb", n)
    write_report(rows, n, f"--records {n}")


def topics_and_facts(db: Path, n: int) -> list[tuple[str, float, int, str]]:
    """Re-cluster every paper of `db` (vectors from the fast hashed embedder where missing: the same
    shapes as the model's), then time `paper_facts` rebuilt whole against refreshed for 1,000 papers."""
    code = (
        "import time, json, sys; from ingest import pipeline, store, facts; from ingest.embedder import FakeEmbedder\n"
        f"con = store.connect({str(db)!r}); pipeline.embed_missing(con, FakeEmbedder())\n"
        "t=time.perf_counter(); run_id = pipeline.recluster(con); t1=time.perf_counter()\n"
        "k = con.execute('SELECT count(*) FROM topics WHERE run_id = ?', [run_id]).fetchone()[0]\n"
        "con.execute('BEGIN'); t2=time.perf_counter(); facts.refresh(con); t3=time.perf_counter()\n"
        "facts.refresh_papers(con, 'SELECT id FROM papers USING SAMPLE 1000 ROWS'); t4=time.perf_counter(); con.execute('ROLLBACK')\n"
        "print(json.dumps([t1-t, k, t3-t2, t4-t3]), file=sys.stderr)\n"
    )
    _, peak, err = run(py(code))
    topics_s, k, full_s, part_s = __import__("json").loads(err.strip().splitlines()[-1])
    return [
        (f"topics: re-cluster all {n:,} papers (auto k = {k})", topics_s, peak,
         "peak includes loading the database and hashed vectors"),
        (f"paper_facts: whole rebuild at {n:,} papers", full_s, 0, ""),
        ("paper_facts: refresh the 1,000 papers a write touched", part_s, 0, ""),
    ]


def write_report(rows: list[tuple[str, float, int, str]], n: int, command: str) -> None:
    lines = [
        f"# Scale benchmark: {n:,} generated papers",
        "",
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"`python benchmarks/bench_scale.py {command}`",
        "",
        "| stage | seconds | papers/s | peak memory (GB) | note |",
        "|---|---:|---:|---:|---|",
    ]
    for name, seconds, peak, note in rows:
        lines.append(f"| {name} | {seconds:,.1f} | {n / seconds:,.0f} | {gb(peak) if peak else ''} | {note} |")
    text = "\n".join(lines) + "\n"
    print(text)
    name = "scale.md" if command.startswith("--records") else f"scale-{n}.md"
    (ROOT / "benchmarks" / "results" / name).write_text(text)


if __name__ == "__main__":
    main()
