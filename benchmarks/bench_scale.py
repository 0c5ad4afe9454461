"""The batch path at scale: wall time and peak memory per stage for N generated papers.

    python benchmarks/bench_scale.py [--records 100000] [--embed-sample 2000]
    python benchmarks/bench_scale.py --records 1000000 --dump data/cache/bench/papers-1000000.jsonl \
        --work data/cache/bench --stages ray2,single,ray1,embed --max-gb 12
    python benchmarks/bench_scale.py --topics-on data/cache/bench/dashboard-1000000.duckdb

Papers are generated from real abstract sentences (bench_ingest.generate_dump). Stages (--stages, run in the
order given, each row written to the report as soon as it is measured, so a late stage stopped or killed
loses nothing measured before it):
- single: `add --no-embed` in one process: parse (read_files), plan, extract, store (+ paper_facts, one
  transaction), timed from add_results' own progress calls,
- ray1, ray2: `build --no-embed` on a local Ray with 1 and 2 CPUs: Ray start-up, the stages (parse, extract,
  shards) and the one-transaction load, timed from the lines `build` prints,
- embed: the real model on a sample, extrapolated to N and to 1,000,000 papers,
- topics: a re-clustering of all N papers (vectors from the fast hashed embedder: the same shapes), then
  paper_facts rebuilt whole against refreshed for the 1,000 papers a write touched,
- start: a build's start against a database of N stored papers (identities, text keys and zero vectors made
  in SQL, nothing extracted; kept in --work): `build` of --start-input new papers on 2 CPUs with embedding,
  its driver's peak memory and the whole tree's (what grows with the database is what the start reads):
      python benchmarks/bench_scale.py --records 1000000 --stages start --work data/cache/startbench
- load: the build's one-transaction load alone, of shards for N papers made without extracting N
  (scale_shards: --load-base papers built for real, their shards copied with new identities):
      python benchmarks/bench_scale.py --records 1000000 --stages load --work data/cache/loadbench --max-gb 8
Peak memory is the largest summed RSS of the command's whole process tree (the Ray driver, raylet and
workers included), sampled every 0.2 s from /proc; a command whose tree passes --max-gb is stopped and its
row says so. Writes benchmarks/results/scale.md (100,000 papers) or scale-N.md, keeping the rows of stages
not run this time.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
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
STAGES = ("single", "ray1", "ray2", "embed", "topics", "load", "start")
Row = tuple[str, "float | None", int, str]  # stage, seconds (None: not finished), peak bytes, note


TICK = os.sysconf("SC_CLK_TCK")


def _tree(root: int) -> dict[int, tuple[int, float]]:
    """{pid: (RSS bytes, CPU seconds so far)} of `root` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    stats: dict[int, tuple[int, float]] = {}
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
        stats[pid] = (int(fields[21]) * PAGE, (int(fields[11]) + int(fields[12])) / TICK)
    out, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            out[pid] = stats[pid]
        todo += children.get(pid, [])
    return out


class Run:
    """One measured command: seconds, CPU seconds and peak RSS of its process tree, its stderr lines with
    the second each arrived, and whether it was stopped for passing the memory cap. On a shared machine the
    CPU seconds say more than the wall time: they do not grow when other jobs take the cores."""

    def __init__(self, cmd: list[str], max_bytes: int | None = None):
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        self.lines: list[tuple[float, str]] = []
        reader = threading.Thread(target=self._read, args=(proc.stderr, started))
        reader.start()
        self.peak, self.stopped, cpu = 0, False, {}
        self.cpu_samples: list[tuple[float, float]] = []
        self.root_samples: list[tuple[float, int]] = []  # (second, RSS of the command's own process)
        while proc.poll() is None:
            tree = _tree(proc.pid)
            self.peak = max(self.peak, sum(rss for rss, _ in tree.values()))
            self.root_samples.append((time.perf_counter() - started, tree.get(proc.pid, (0, 0.0))[0]))
            cpu.update({pid: seconds for pid, (_, seconds) in tree.items()})
            self.cpu_samples.append((time.perf_counter() - started, sum(cpu.values())))
            if max_bytes and self.peak > max_bytes and not self.stopped:
                self.stopped = True
                for pid in tree:  # Ray workers run in process groups of their own
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.2)
        reader.join()
        self.seconds = time.perf_counter() - started
        self.cpu = sum(cpu.values())  # CPU seconds of the whole tree (up to the last sample of each process)
        if proc.returncode and not self.stopped:
            raise SystemExit(f"{' '.join(cmd)} failed (exit {proc.returncode}):\n" + "\n".join(line for _, line in self.lines[-40:]))

    def at(self, pattern: str) -> float | None:
        """Second at which the first stderr line matching `pattern` arrived."""
        return next((t for t, line in self.lines if re.search(pattern, line)), None)

    def _read(self, stream, started: float) -> None:
        """Keep each stderr line with its second, and echo it: a run stopped midway still shows its pace."""
        for line in stream:
            self.lines.append((time.perf_counter() - started, line.rstrip("\n")))
            print(f"  [{self.lines[-1][0]:,.0f} s] {line.rstrip()[:200]}", flush=True)

    def root_peak(self, until: float = float("inf")) -> int:
        """The command's own process's largest RSS up to `until` seconds."""
        return max((rss for t, rss in self.root_samples if t <= until), default=0)

    def cpu_at(self, second: float) -> float:
        """CPU seconds the tree had used by `second`."""
        return max((cpu for t, cpu in self.cpu_samples if t <= second), default=0.0)

    def last_json(self):
        return json.loads(next(line for _, line in reversed(self.lines) if line.startswith("[")))


def py(code: str) -> list[str]:
    return ["nice", "-n", "19", sys.executable, "-c", code]


def gb(n: int) -> str:
    return f"{n / 1024**3:.2f}"


def stopped_row(name: str, run: Run, limit: int) -> Row:
    last = next((line for _, line in reversed(run.lines) if line.strip()), "")
    return (name, None, run.peak, f"stopped after {run.seconds:,.0f} s at {gb(run.peak)} GB (cap {gb(limit)} GB); "
                                  f"last line: {last[:120]}")


def single_process(dump: Path, work: Path, max_bytes: int | None) -> list[Row]:
    """`add --no-embed` in one process, timed from add_results' own progress calls."""
    db = work / "add.duckdb"
    db.unlink(missing_ok=True)
    code = (
        "import time, json, sys; from ingest import pipeline, store\n"
        "marks = {}\n"
        "def now(): return [time.perf_counter(), time.process_time()]\n"
        "def progress(stage, done, total):\n"
        "    marks.setdefault(stage + '_first', now()); marks[stage] = now()\n"
        "    if done % 50_000 < 500: print(stage, done, total, *now(), file=sys.stderr, flush=True)\n"
        f"t0 = now(); results, hashes = pipeline.read_files([{str(dump)!r}]); t1 = now()\n"
        "print('parsed', *t1, file=sys.stderr, flush=True)\n"
        f"con = store.connect({str(db)!r}); pipeline.add_results(con, results, hashes, progress=progress)\n"
        "t2 = now(); con.close()\n"
        "spans = [(t0, t1), (t1, marks['extract_first']), (marks['extract_first'], marks['extract']),"
        " (marks['extract'], marks['store']), (t0, t2)]\n"
        "print(json.dumps([[b[0] - a[0], b[1] - a[1]] for a, b in spans]), file=sys.stderr)\n"
    )
    run = Run(py(code), max_bytes)
    name = "single process `add --no-embed`"
    if run.stopped:
        return [stopped_row(name, run, max_bytes)]
    parse, plan, extract, write, total = run.last_json()
    return [
        ("single process: parse (`read_files`)", parse[0], 0, cpu_note(parse[1])),
        ("single process: plan (identities, duplicates)", plan[0], 0, cpu_note(plan[1])),
        ("single process: extract (`extraction_rows`)", extract[0], 0, cpu_note(extract[1])),
        ("single process: store + paper_facts (one transaction)", write[0], 0, cpu_note(write[1])),
        (f"{name} (parse, plan, extract, store)", total[0], run.peak, f"{cpu_note(run.cpu)}; peak is the whole process"),
    ]


def cpu_note(seconds: float) -> str:
    return f"{seconds:,.1f} CPU s"


def ray_build(dump: Path, work: Path, cpus: int, max_bytes: int | None) -> list[Row]:
    """`build --no-embed` on a local Ray with `cpus` CPUs, split at the lines `build` prints."""
    db = work / f"build{cpus}.duckdb"
    db.unlink(missing_ok=True)
    shutil.rmtree(work / f"build{cpus}.duckdb.build", ignore_errors=True)
    run = Run(["nice", "-n", "19", sys.executable, "-m", "ingest", "build", str(dump), "--db", str(db),
               "--no-samples", "--no-embed", "--num-cpus", str(cpus)], max_bytes)
    label = f"Ray build `--no-embed`, {cpus} CPU{'s' if cpus > 1 else ''}"
    if run.stopped:
        return [stopped_row(label, run, max_bytes)]
    ready, loading = run.at(r"^build: \d+ files"), run.at("loading the shards")
    cpu_ready, cpu_loading = run.cpu_at(ready), run.cpu_at(loading)
    db.unlink(missing_ok=True)
    return [
        (f"{label}: Ray start-up", ready, 0, cpu_note(cpu_ready)),
        (f"{label}: parse + extract + shards", loading - ready, 0, cpu_note(cpu_loading - cpu_ready)),
        (f"{label}: load (one transaction)", run.seconds - loading, 0,
         f"{cpu_note(run.cpu - cpu_loading)}; Ray shut-down included"),
        (f"{label}: all", run.seconds, run.peak, f"{cpu_note(run.cpu)}; driver, raylet and workers"),
    ]


def build_load(work: Path, n: int, base_n: int, memory: str, max_bytes: int | None) -> list[Row]:
    """The build's last step alone: `build_load.load_staging` of about n papers' shards (scale_shards: a real
    build of base_n generated papers, copied with new identities) into an empty database, its memory capped
    at `memory` (DuckDB's memory_limit); also the largest size its spill folder (<db>.tmp) reached."""
    from scale_shards import staging_for

    folder, names, n_parts = staging_for(work, n, base_n)
    db = work / "load.duckdb"
    db.unlink(missing_ok=True)
    code = (
        "import json, shutil, subprocess, sys, threading, time; from datetime import datetime; from pathlib import Path\n"
        "from ingest import build_load, store\n"
        f"db, folder = Path({str(db)!r}), Path({str(folder)!r}); spill = [0]\n"
        "def watch():\n"
        "    while True:\n"
        "        tmp = Path(str(db) + '.tmp'); size = sum(f.stat().st_size for f in tmp.rglob('*') if f.is_file()) if tmp.exists() else 0\n"
        "        spill[0] = max(spill[0], size); time.sleep(0.5)\n"
        "threading.Thread(target=watch, daemon=True).start()\n"
        "con = store.connect(db); t = time.perf_counter(); c = time.process_time()\n"
        f"build_load.load_staging(con, folder, {names!r}, ['-'] * {len(names)}, {n_parts}, datetime.now(), embedded=False, memory_limit={memory!r})\n"
        "seconds, cpu = time.perf_counter() - t, time.process_time() - c\n"
        "papers = con.execute('SELECT count(*) FROM papers').fetchone()[0]; con.close()\n"
        "print(json.dumps([seconds, cpu, papers, spill[0]]), file=sys.stderr)\n"
    )
    run = Run(["nice", "-n", "10", sys.executable, "-X", "faulthandler", "-c", code], max_bytes)
    name = f"load (one transaction) of {n:,} records' shards, memory_limit {memory}"
    if run.stopped:
        return [stopped_row(name, run, max_bytes)]
    seconds, cpu, papers, spill = run.last_json()
    db.unlink(missing_ok=True)
    return [(name, seconds, run.peak, f"{cpu_note(cpu)} in the load ({cpu_note(run.cpu)} with start-up); "
                                      f"{papers:,} papers stored; spilled at most {gb(spill)} GB")]


def stored_database(work: Path, n: int) -> Path:
    """A database of n stored papers, made once in SQL: arXiv ids, every other one a DOI, titles, text keys and
    zero vectors (nothing extracted): every key a build's start reads, at any size, in seconds."""
    from ingest import store

    db = work / f"stored-{n}.duckdb"
    if db.exists():
        return db
    tmp = work / f"stored-{n}.tmp.duckdb"
    tmp.unlink(missing_ok=True)
    con = store.connect(tmp)
    con.execute(
        "INSERT INTO papers (id, title, abstract, authors, arxiv_id, doi, categories, title_key, text_key, added_at) "
        "SELECT 's' || i, 'Stored paper ' || i, '', [], '9901.' || lpad(i::VARCHAR, 7, '0'), "
        "CASE WHEN i % 2 = 0 THEN '10.1000/S.' || i END, [], 'stored paper ' || i, md5('text ' || i), now() "
        "FROM range($n) t(i)", {"n": n})
    con.execute("INSERT INTO embeddings SELECT text_key, 'zero', list_resize([]::FLOAT[], 384, 0)::FLOAT[384] FROM papers")
    con.close()
    os.replace(tmp, db)
    return db


def build_start(work: Path, n: int, new: int, max_bytes: int | None) -> list[Row]:
    """`build` of `new` generated papers (2 CPUs: on 1 the embedding actor holds the only CPU) into a copy of a database of n stored papers."""
    db, dump = work / "start.duckdb", work / f"new-{new}.jsonl"
    shutil.copyfile(stored_database(work, n), db)
    shutil.rmtree(work / "start.duckdb.build", ignore_errors=True)
    if not dump.exists():
        dump.write_bytes(generate_dump(new, seed=1))
    run = Run(["nice", "-n", "10", sys.executable, "-m", "ingest", "build", str(dump), "--db", str(db),
               "--no-samples", "--num-cpus", "2"], max_bytes)
    label = f"build of {new:,} new papers into a database of {n:,} stored papers (2 CPUs, embedding)"
    if run.stopped:
        return [stopped_row(label, run, max_bytes)]
    ready = run.at(r"^build: \d+ files")
    db.unlink(missing_ok=True)
    return [(f"{label}: start (stored keys, Ray start-up)", ready, run.root_peak(ready),
             f"{cpu_note(run.cpu_at(ready))}; peak of the driver up to its 'build: N files' line"),
            (f"{label}: driver", run.seconds, run.root_peak(), "peak of the driver process alone, load included"),
            (f"{label}: all", run.seconds, run.peak, f"{cpu_note(run.cpu)}; driver, raylet and workers")]


def embed_sample(dump: Path, n: int, sample: int) -> list[Row]:
    """The real model on the first `sample` papers, extrapolated to n and to 1,000,000."""
    code = (
        "import time, json, sys, itertools; from ingest.embedder import get_embedder, paper_text\n"
        f"rows=[json.loads(l) for l in itertools.islice(open({str(dump)!r}), {sample})]\n"
        "texts=[paper_text(r['title'], r['summary']) for r in rows]; e=get_embedder(); e.embed(texts[:64])\n"
        "t=time.perf_counter(); e.embed(texts); print(json.dumps([time.perf_counter()-t, e.name]), file=sys.stderr)\n"
    )
    run = Run(py(code))
    embed_s, model = run.last_json()
    rate = sample / embed_s
    return [(f"embed {sample:,} papers ({model}), extrapolated to {n:,}", n / rate, run.peak,
             f"{rate:,.0f} papers/s; 1,000,000 papers: {1_000_000 / rate / 3600:.1f} h on this machine")]


def topics_and_facts(db: Path, n: int) -> list[Row]:
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
    run = Run(py(code))
    topics_s, k, full_s, part_s = run.last_json()
    return [
        (f"topics: re-cluster all {n:,} papers (auto k = {k})", topics_s, run.peak,
         "peak includes loading the database and hashed vectors"),
        (f"paper_facts: whole rebuild at {n:,} papers", full_s, 0, ""),
        ("paper_facts: refresh the 1,000 papers a write touched", part_s, 0, ""),
    ]


def load_note() -> str:
    return f"load average {os.getloadavg()[0]:.1f} at start"


def measure(stage: str, args, dump: Path, work: Path) -> list[Row]:
    """The rows of one stage, each command's note saying the load average it started at."""
    max_bytes = int(args.max_gb * 1024**3) if args.max_gb else None
    note = load_note()
    if stage == "single":
        rows = single_process(dump, work, max_bytes)
    elif stage in ("ray1", "ray2"):
        rows = ray_build(dump, work, int(stage[-1]), max_bytes)
    elif stage == "embed":
        rows = embed_sample(dump, args.records, min(args.embed_sample, args.records))
    elif stage == "start":
        rows = build_start(work, args.records, args.start_input, max_bytes)
    elif stage == "load":
        rows = build_load(work, args.records, args.load_base, args.load_memory, max_bytes)
    else:
        db = work / "add.duckdb"
        if not db.exists():
            raise SystemExit("topics needs the database of the single stage: run --stages single,topics")
        rows = topics_and_facts(db, args.records)
    return [(name, s, peak, "; ".join(x for x in (text, note if peak else "") if x)) for name, s, peak, text in rows]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--embed-sample", type=int, default=2_000)
    parser.add_argument("--stages", default=",".join(STAGES), help=f"comma-separated, in order, from {STAGES}")
    parser.add_argument("--dump", type=Path, help="the generated JSON lines (made there if missing; else a temp file)")
    parser.add_argument("--work", type=Path, help="folder for the databases (default: a temp folder)")
    parser.add_argument("--load-base", type=int, default=10_000,
                        help="load stage: papers really parsed and extracted; their shards are copied to --records")
    parser.add_argument("--start-input", type=int, default=1_000, help="start stage: new papers the build adds")
    parser.add_argument("--load-memory", default="4GB", help="load stage: DuckDB's memory_limit for the load")
    parser.add_argument("--max-gb", type=float, default=None, help="stop a command whose process tree passes this")
    parser.add_argument("--topics-on", type=Path, metavar="DB",
                        help="only re-cluster and time paper_facts on (a copy of) an existing database, e.g. the "
                             "1,000,000-paper one bench_dashboard.py generates")
    args = parser.parse_args()
    if args.topics_on:
        topics_on(args.topics_on)
        return
    stages = args.stages.split(",")
    if unknown := set(stages) - set(STAGES):
        parser.error(f"unknown stages {sorted(unknown)}; choose from {STAGES}")
    command = " ".join(sys.argv[1:])
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        work = args.work or Path(tmp)
        dump = args.dump or Path(tmp) / "papers.jsonl"
        if not dump.exists() and set(stages) - {"load", "start"}:
            dump.write_bytes(generate_dump(args.records, seed=0))
        for stage in stages:
            write_report(measure(stage, args, dump, work), args.records, command)


def topics_on(db: Path) -> None:
    with tempfile.TemporaryDirectory(dir=db.parent) as tmp:
        copy = Path(tmp) / "copy.duckdb"
        shutil.copyfile(db, copy)
        con = duckdb.connect(str(copy), read_only=True)
        n = con.execute("SELECT count(*) FROM papers").fetchone()[0]
        con.close()
        write_report(topics_and_facts(copy, n), n, f"--topics-on {db.name}")


HEADER = ("| stage | seconds | papers/s | peak memory (GB) | note |", "|---|---:|---:|---:|---|")


def write_report(rows: list[Row], n: int, command: str) -> None:
    """Add `rows` to the report for n papers, replacing rows of the same stage and keeping the others."""
    path = ROOT / "benchmarks" / "results" / ("scale.md" if n == 100_000 else f"scale-{n}.md")
    old = path.read_text().splitlines() if path.exists() else []
    commands = [line for line in old if line.startswith("- `python")]
    kept = {line.split(" | ")[0]: line for line in old if line.startswith("| ") and line not in HEADER}
    this = f"- `python benchmarks/bench_scale.py {command}`"
    for name, seconds, peak, note in rows:
        rate = f"{n / seconds:,.0f}" if seconds else ""
        cells = (name, f"{seconds:,.1f}" if seconds is not None else "not finished", rate, gb(peak) if peak else "", note)
        kept[f"| {name}"] = "| " + " | ".join(cells) + " |"
    lines = [
        f"# Scale benchmark: {n:,} generated papers",
        "",
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; measured with:",
        "",
        *commands, *([this] if this not in commands else []),
        "",
        *HEADER, *kept.values(),
    ]
    text = "\n".join(lines) + "\n"
    print("\n".join(kept[f"| {name}"] for name, *_ in rows), flush=True)
    path.write_text(text)


if __name__ == "__main__":
    main()
