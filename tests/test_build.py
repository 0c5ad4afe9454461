"""`python -m ingest build` (Ray Data) gives what `add` gives: the same papers, claims, duplicates,
provenance and vectors; a build killed midway and run again finishes with nothing lost or doubled."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from ingest import build, build_known, build_load, build_plan, pipeline, staging, store

from conftest import FIXTURES, ROOT

CORPUS = [
    FIXTURES / "corpora" / name
    for name in ("arxiv-daily-2026-05-19.jsonl", "arxiv-daily-2026-06-02.jsonl", "arxiv-api-search-testing.atom.xml",
                 "semantic-scholar-paper.json", "arxiv-kaggle-snapshot-record.jsonl")
] + [FIXTURES / "readers" / "oai_arxiv_page1.xml"]  # a deleted record and a resumption-token note
SAME = {
    "papers": "SELECT * EXCLUDE (added_at) FROM papers ORDER BY id",
    "extractions": "SELECT * FROM extractions ORDER BY paper_id",
    "claims": "SELECT * FROM claims ORDER BY paper_id, idx",
    "points": "SELECT * FROM points ORDER BY paper_id, idx",
    "provenance": "SELECT ps.paper_id, i.file_name, ps.record_index FROM paper_sources ps "
                  "JOIN ingests i ON i.id = ps.ingest_id ORDER BY ALL",
    "uploads": "SELECT file_name, format, sha256, n_records, n_new, n_duplicates, n_skipped, skipped FROM ingests ORDER BY id",
    "facts": "SELECT * EXCLUDE (claim_list) FROM paper_facts ORDER BY id",
}


def _tables(path: Path) -> dict[str, list]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {name: con.execute(sql).fetchall() for name, sql in SAME.items()}
        out["vectors"] = dict(con.execute("SELECT text_key, vector FROM embeddings").fetchall())
        return out
    finally:
        con.close()


def _assert_same(built: dict, added: dict) -> None:
    for name in SAME:
        assert built[name] == added[name], name
    assert built["vectors"].keys() == added["vectors"].keys()
    diff = max(float(np.abs(np.subtract(built["vectors"][k], added["vectors"][k])).max()) for k in added["vectors"])
    assert diff < 1e-5


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for path in CORPUS:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def added(corpus_dir, tmp_path_factory, real_embedder) -> dict:
    """The reference: `add` of the same files (files in the order `build` lists the folder)."""
    path = tmp_path_factory.mktemp("add") / "add.duckdb"
    con = store.connect(path)
    pipeline.add_files(con, sorted(corpus_dir.iterdir()), embedder=real_embedder)
    con.close()
    return _tables(path)


def _build_cmd(corpus: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "ingest", "build", str(corpus), "--db", str(db), "--no-samples",
            "--num-cpus", "2", "--part-bytes", "300000"]


@pytest.mark.slow
def test_killed_build_resumes_and_matches_add(corpus_dir, added, tmp_path):
    db = tmp_path / "built.duckdb"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    first = subprocess.Popen(_build_cmd(corpus_dir, db), cwd=ROOT, env=env, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = build.staging_root(db)
    deadline = time.monotonic() + 400
    while time.monotonic() < deadline and len(list(root.glob("*/shards/*.parquet"))) < 2 and first.poll() is None:
        time.sleep(0.1)
    os.killpg(first.pid, signal.SIGKILL)  # the driver and the local Ray it started, mid-build
    first.wait()
    finished = len(list(root.glob("*/shards/*.parquet")))
    assert finished >= 2, "the build ended before it could be killed"
    assert _tables(db)["papers"] == []  # nothing partial was loaded

    second = subprocess.run(_build_cmd(corpus_dir, db), cwd=ROOT, env=env, capture_output=True, text=True, timeout=500)
    assert second.returncode == 0, second.stderr[-2000:]
    assert "resuming" in second.stderr
    assert "oai_arxiv_page1.xml [oai_pmh]: 3 records, 2 new, 0 duplicates, 1 skipped" in second.stdout
    _assert_same(_tables(db), added)
    assert not root.exists()  # the staging folder goes once loaded


def _descendants(root: int) -> list[int]:
    """PIDs under `root`, from /proc (the local Ray the build started: raylet, workers)."""
    children: dict[int, list[int]] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        kids = children.get(todo.pop(), [])
        out += kids
        todo += kids
    return out


def _worker_running(root: int, task: str) -> int | None:
    """A Ray worker under `root` whose process title says it is running `task` (idle ones say ray::IDLE)."""
    for pid in _descendants(root):
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if title.startswith("ray::") and task in title:
            return pid
    return None


@pytest.fixture(scope="module")
def added_no_embed(corpus_dir, tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("add-no-embed") / "add.duckdb"
    con = store.connect(path)
    pipeline.add_files(con, sorted(corpus_dir.iterdir()))
    con.close()
    return _tables(path)


@pytest.mark.slow
def test_a_worker_killed_mid_task_loses_and_doubles_nothing(corpus_dir, added_no_embed, tmp_path):
    """SIGKILL of the Ray worker that is extracting and writing shards: Ray runs the task again (or the
    build fails cleanly and a re-run resumes); either way the database ends as `add` leaves it."""
    db = tmp_path / "built.duckdb"
    cmd = _build_cmd(corpus_dir, db)[:-1] + ["100000", "--no-embed"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    first = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    victim, deadline = None, time.monotonic() + 400
    while victim is None and first.poll() is None and time.monotonic() < deadline:
        if next(build.staging_root(db).glob("*/shards/*.parquet"), None):  # midway: a shard is written
            victim = _worker_running(first.pid, "write_rows")
        time.sleep(0.05)
    assert victim is not None, "no worker was caught running the stages"
    os.kill(victim, signal.SIGKILL)
    out, err = first.communicate(timeout=500)
    if first.returncode:  # a clean failure: nothing loaded, the finished shards kept for the re-run
        assert "run the same command again to resume" in err, err[-2000:]
        assert _tables(db)["papers"] == []
        again = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=500)
        assert again.returncode == 0, again.stderr[-2000:]
        out = again.stdout
    assert "arxiv-daily-2026-06-02.jsonl [arxiv_jsonl]" in out
    built = _tables(db)
    for name in SAME:
        assert built[name] == added_no_embed[name], name


@pytest.mark.slow
def test_each_part_is_one_task_so_parts_run_in_parallel(tmp_path):
    """Ray bundles `batch_size` rows of input into a fused task: a batch size on a stage after parse would put
    that many parts (a whole build) into one task, on one CPU."""
    import ray

    _, parts = build.plan_parts([CORPUS[0], CORPUS[1]], None, part_bytes=300_000)
    build.init_ray(None, 2)
    try:
        ds = build.stages_dataset(parts, tmp_path / "staging", None, {}, gpus=0, embed=False)
        stats = ds.materialize().stats()
    finally:
        ray.shutdown()
    assert len(parts) > 2
    tasks = re.search(r"MapBatches\(parse_part\)\S*: (\d+) tasks executed", stats)
    assert tasks and int(tasks.group(1)) == len(parts), stats


def _stage_without_ray(paths: list[Path], folder: Path, part_bytes: int) -> list[build.Part]:
    """The stage functions as Ray calls them, in this process, one shard per parsed block."""
    _, parts = build.plan_parts(paths, None, part_bytes)
    for part in parts:
        batch = pa.table({"part": [json.dumps(asdict(part))]})
        for table in build.parse_part(batch, None, staging.finished_rows(folder)):
            build.write_rows(build.extract_rows(table), str(folder))
    return parts


def test_stage_functions_and_load_match_add_and_doubled_shards_count_once(tmp_path):
    paths = [FIXTURES / "readers" / "arxiv_broken_line.jsonl", FIXTURES / "readers" / "oai_arxiv_page1.xml",
             FIXTURES / "readers" / "arxiv_daily.jsonl.gz"]
    folder = tmp_path / "staging"
    parts = _stage_without_ray(paths, folder, part_bytes=500)
    assert len(parts) > len(paths)  # the plain JSON-lines file is cut into byte ranges
    n_shards = len(staging.shard_files(folder))
    assert _stage_without_ray(paths, folder, part_bytes=500) == parts
    assert len(staging.shard_files(folder)) == n_shards  # resuming a finished build: nothing left to write
    for shard in staging.shard_files(folder)[:2]:  # a worker that outlived its driver wrote these twice
        shutil.copy(shard, shard.with_name("again-" + shard.name))
    built, reference = tmp_path / "built.duckdb", tmp_path / "added.duckdb"
    con = store.connect(built)
    con.execute("SET memory_limit = '2GiB'")
    limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    summaries = build_load.load_staging(con, folder, [p.name for p in paths],
                                        [build.file_sha256(p) for p in paths], len(parts),
                                        datetime.now(), embedded=False, memory_limit="100MB")
    assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == limit  # the load's cap is lifted
    con.close()
    con = store.connect(reference)
    expected = pipeline.add_files(con, paths)
    con.close()
    assert [(s.file_name, s.format, s.n_records, s.n_new, s.n_duplicates, s.skipped, s.notes) for s in summaries] == [
        (s.file_name, s.format, s.n_records, s.n_new, s.n_duplicates, s.skipped, s.notes) for s in expected
    ]
    a, b = _tables(built), _tables(reference)
    for name in SAME:
        assert a[name] == b[name], name


def test_an_unfinished_build_is_not_loaded(tmp_path):
    folder = tmp_path / "staging"
    parts = _stage_without_ray([FIXTURES / "readers" / "arxiv_broken_line.jsonl"], folder, part_bytes=10**9)
    con = store.connect(tmp_path / "db.duckdb")
    with pytest.raises(build.IngestError, match=r"incomplete \(1 of 2 parts finished\)"):
        build_load.load_staging(con, folder, ["arxiv_broken_line.jsonl"], ["x"], len(parts) + 1,
                                datetime.now(), embedded=False)
    assert con.execute("SELECT count(*) FROM ingests").fetchone()[0] == 0
    con.close()


def test_progress_line_gives_rate_and_eta():
    assert build.progress_line(500, 400, 4.0, 2000) == "build: 500 / 2,000 records (25.0%), 100 records/s, ETA 0 min 15 s"
    assert build.progress_line(10, 10, 1.0, None) == "build: 10 records, 10 records/s"


def test_built_papers_join_the_current_topic_run_like_added_ones(sample_db_path, tmp_path, real_embedder):
    paths = [FIXTURES / "readers" / "oai_arxiv_page1.xml", FIXTURES / "readers" / "arxiv_broken_line.jsonl"]
    reference = tmp_path / "added.duckdb"
    shutil.copy(sample_db_path, reference)
    con = store.connect(reference)
    pipeline.add_files(con, paths, embedder=real_embedder)
    con.close()

    con = store.connect(sample_db_path)
    _, parts = build.plan_parts(paths, None)
    folder = tmp_path / "staging"
    known = build_known.write_known(con, folder / "known", texts=True)
    embed = build.EmbedRows()
    for part in parts:
        for table in build.parse_part(pa.table({"part": [json.dumps(asdict(part))]}), known, {}):
            build.write_rows(embed(build.extract_rows(table)), str(folder))
    build_load.load_staging(con, folder, [p.name for p in paths], [build.file_sha256(p) for p in paths],
                            len(parts), datetime.now(), embedded=True)
    con.close()
    sql = ("SELECT p.title, pt.topic_id, round(pt.x, 4), round(pt.y, 4) FROM paper_topics pt "
           "JOIN papers p ON p.id = pt.paper_id ORDER BY ALL")
    got, want = (duckdb.connect(str(p), read_only=True).execute(sql).fetchall() for p in (sample_db_path, reference))
    assert got == want
    assert len(got) == 278 + 2 + 2  # the samples, the OAI page, the JSON lines


def test_a_folder_holding_the_database_is_not_its_own_input(tmp_path):
    (tmp_path / "b.jsonl").write_text("{}\n")
    (tmp_path / "a.xml").write_text("<x/>")
    (tmp_path / ".hidden").write_text("x")
    db = tmp_path / "atlas.duckdb"
    for own in (db, tmp_path / "atlas.duckdb.wal", build.staging_root(db) / "k" / "shards" / "s.parquet"):
        own.parent.mkdir(parents=True, exist_ok=True)
        own.write_text("x")
    assert [p.name for p in build.input_files([tmp_path], db)] == ["a.xml", "b.jsonl"]
    with pytest.raises(build.IngestError, match="no such file or folder"):
        build.input_files([tmp_path / "missing"], db)


def test_the_plan_on_keys_is_the_planners_in_file_order(tmp_path):
    """Records that share no key are planned in bulk by DuckDB, the rest one by one: together exactly what
    store.Planner gives walking every record in file order against the stored papers."""
    con = store.connect(tmp_path / "db.duckdb")
    con.execute("INSERT INTO papers (id, title, abstract, arxiv_id, doi, title_key, text_key) VALUES "
                "('stored1', 't', 'a', '2401.00001', NULL, 'stored title', 'x'), "
                "('stored2', 't', 'a', NULL, '10.9/ÄÖ', 'other stored title', 'y')")
    records = [  # file_index, position, arxiv_id, doi, title_key
        (0, 1, "2401.00001", None, "a"), (0, 2, "2402.00002", "10.1/X", "b"), (0, 3, None, "10.1/x", "c"),
        (0, 4, "", None, "b"), (0, 5, None, None, "alone"), (1, 1, "2403.00003", None, "stored title"),
        (1, 2, "2402.00002", None, "d"), (1, 3, None, "10.9/äö", "e"), (1, 4, "2404.00004", "10.2/Y", "f"),
        (1, 5, None, "10.1/Ü", "g"), (0, 6, "2405.00005", None, "c"),
    ]
    frame = pd.DataFrame(records, columns=["file_index", "position", "arxiv_id", "doi", "title_key"])
    frame["shard"], frame["row"], frame["kind"] = 1, range(len(frame)), "record"
    con.register("_frame", frame)
    con.execute("CREATE TEMP TABLE _rows AS SELECT * FROM _frame")
    build_plan.plan(con)
    planned = {(f, p): (pid, new) for f, p, pid, new in
               con.execute("SELECT file_index, position, paper_id, is_new FROM _plan").fetchall()}
    planner = store.Planner(store.existing_identities(con))
    expected = {(f, p): planner.place(store.keys_of(a, d, t)) for f, p, a, d, t in sorted(records)}
    con.close()
    assert planned == expected
    assert sum(new for _, new in planned.values()) == 4  # the rest are duplicates, in and across files, and of stored papers


def test_the_stored_keys_files_find_what_existing_identities_finds(tmp_path):
    """The parse tasks' check against the Parquet files equals the old one against every stored identity held
    in Python, non-ASCII ids included (DuckDB's lower() is not Python's there)."""
    from ingest.frames import insert_frame

    con = store.connect(tmp_path / "db.duckdb")
    stored = [("a", "2401.00001", None, "alpha", "ta"), ("b", None, "10.1/ABC", "beta", "tb"),
              ("c", "İD.7", None, "gamma", "tc"), ("d", None, None, "delta", "td")]
    insert_frame(con, "papers", pd.DataFrame(stored, columns=["id", "arxiv_id", "doi", "title_key", "text_key"]).assign(
        title="t", abstract="", authors=[[]] * 4, categories=[[]] * 4, added_at=datetime.now()))
    con.execute("INSERT INTO embeddings SELECT text_key, 'm', list_resize([]::FLOAT[], 384, 0)::FLOAT[384] "
                "FROM papers WHERE id IN ('a', 'c')")
    records = [("2401.00001", None, "other", "tb"), (None, "10.1/abc", "x", "ta"), ("i̇d.7", None, "y", "new"),
               ("İD.7", None, "z", "tc"), (None, None, "delta", "t5"), ("2401.99999", "10.1/new", "fresh", "t6")]
    positions = list(range(1, len(records) + 1))
    keys = [store.keys_of(a, d, t) for a, d, t, _ in records]
    texts = [text for *_, text in records]
    got = build_known.known_positions(build_known.write_known(con, tmp_path / "known", texts=True), positions, keys, texts)
    identities, vectors = set(store.existing_identities(con)), store.known_text_keys(con)
    con.close()
    want = ({p for p, ks in zip(positions, keys) if any(k in identities for k in ks)},
            {p for p, text in zip(positions, texts) if text in vectors})
    assert got == want
    assert want[0] == {1, 2, 3, 4, 5} and want[1] == {2, 4}


@pytest.mark.slow
def test_a_one_cpu_build_with_embedding_finishes(tmp_path):
    """Ray gives an actor one CPU by default: on a 1-CPU cluster the embedding actor held the only one and no
    parse task was ever scheduled (the build hung)."""
    db = tmp_path / "one.duckdb"
    subprocess.run([sys.executable, "-m", "ingest", "build", str(FIXTURES / "readers" / "arxiv_broken_line.jsonl"),
                    "--db", str(db), "--no-samples", "--num-cpus", "1"], cwd=ROOT, check=True, timeout=300,
                   capture_output=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM papers JOIN embeddings USING (text_key)").fetchone()[0] == 2
    finally:
        con.close()
