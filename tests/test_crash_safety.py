"""Crash safety: SIGKILL the ingest process in the middle of a large upload (and of a re-extraction).

On restart the database must open, hold exactly what it held before and none of the interrupted work;
re-running the same command must then complete it. The kills are real `kill -9`s of real
`python -m ingest ...` processes on a real DuckDB file.

Where the kill lands:
- "in the transaction": the process runs with ATLAS_TEST_PAUSE_IN_TRANSACTION=<seconds> (a test hook in
  `store.transaction`), which prints a marker on stderr once every row of the transaction is written but
  before COMMIT, then sleeps. The test kills it at the marker: deterministic, never racy.
- "in the commit": the hook only synchronises (short pause); the test then polls the database's `.wal`
  file and kills while DuckDB writes the WAL, or while it checkpoints the WAL into the database file.
  A commit is atomic, so the database must afterwards hold either everything it held before or that
  plus the *whole* upload, never a part; the test records which (see KILL_LOG / docs/reliability.md).

Sizes: BIG_RECORDS generated arXiv JSON-lines records (one real sentence per abstract, from the bundled
arXiv daily files) on top of a first upload of FIRST_RECORDS; the commit-moment kills use MID_RECORDS.
The extraction before each write dominates the run time (~10 s per run of 30,000 on one core).
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ingest import pipeline, store
from ingest.extract import EXTRACTOR_VERSION

ROOT = Path(__file__).resolve().parent.parent
CORPORA = [
    ROOT / "tests/fixtures/corpora/arxiv-daily-2026-05-19.jsonl",
    ROOT / "tests/fixtures/corpora/arxiv-daily-2026-06-02.jsonl",
]
BIG_RECORDS = 30_000
MID_RECORDS = 5_000  # the commit-moment kills: any size has a commit to hit, and each run costs an extraction
FIRST_RECORDS = 2_000
OVERLAP = 200  # records of the big upload that repeat papers of the first one (duplicates -> paper_sources)
HOOK = "ATLAS_TEST_PAUSE_IN_TRANSACTION"
MARKER_TIMEOUT = 300.0
KILL_LOG: list[dict] = []  # what each kill found; written to test-artifacts/crash_safety.json

pytestmark = pytest.mark.slow


# ---------------------------------------------------------------- data

def _sentences() -> tuple[list[str], list[str]]:
    sentences, words = [], []
    for path in CORPORA:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            sentences += [s for s in re.split(r"(?<=[.!?])\s+", row["summary"]) if len(s) > 40]
            words += row["title"].split()
    return sentences, words


def generate_dump(ids: list[str], seed: int) -> bytes:
    """arXiv daily-dump JSON lines, one paper per id (cf. benchmarks/bench_ingest.py, shorter abstracts)."""
    rng = random.Random(seed)
    sentences, words = _sentences()
    lines = []
    for i, arxiv_id in enumerate(ids):
        lines.append(
            json.dumps(
                {
                    "id": arxiv_id,
                    "categories": [rng.choice(["cs.LG", "cs.CV", "cs.CL", "cs.AI"])],
                    "authors": ["A. Author", "B. Author"],
                    "title": " ".join(rng.choice(words) for _ in range(rng.randint(6, 12))) + f" {arxiv_id}",
                    "summary": rng.choice(sentences) + f" Variant {i}.",
                }
            )
        )
    return ("\n".join(lines) + "\n").encode()


FIRST_IDS = [f"2401.{i:05d}" for i in range(FIRST_RECORDS)]
BIG_IDS = FIRST_IDS[:OVERLAP] + [f"2402.{i:05d}" for i in range(BIG_RECORDS - OVERLAP)]
MID_IDS = FIRST_IDS[:OVERLAP] + [f"2403.{i:05d}" for i in range(MID_RECORDS - OVERLAP)]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """first.jsonl, big.jsonl, mid.jsonl, and base.duckdb: a database holding the first upload (never modified)."""
    root = tmp_path_factory.mktemp("crash")
    first = root / "first.jsonl"
    first.write_bytes(generate_dump(FIRST_IDS, seed=1))
    big = root / "big.jsonl"
    big.write_bytes(generate_dump(BIG_IDS, seed=2))
    mid = root / "mid.jsonl"
    mid.write_bytes(generate_dump(MID_IDS, seed=3))
    base = root / "base.duckdb"
    con = store.connect(base)
    pipeline.add_files(con, [first])
    con.close()
    return {"first": first, "big": big, "mid": mid, "base": base}


@pytest.fixture
def db(files, tmp_path) -> Path:
    """A private copy of the database holding the first upload."""
    path = tmp_path / "atlas.duckdb"
    shutil.copy(files["base"], path)
    return path


@pytest.fixture(scope="module", autouse=True)
def _write_kill_log():
    yield
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "crash_safety.json").write_text(json.dumps(KILL_LOG, indent=1))


# ---------------------------------------------------------------- what the database holds

TABLES = ("papers", "ingests", "paper_sources", "extractions", "claims", "embeddings")


def snapshot(path: Path) -> dict:
    """Counts, ids, and a digest of every stored value that an upload or a re-extraction writes."""
    con = store.connect(path, read_only=True)  # "the database opens"
    try:
        snap: dict = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        snap["paper_ids"] = frozenset(r[0] for r in con.execute("SELECT id FROM papers").fetchall())
        snap["ingests_rows"] = con.execute(
            "SELECT id, file_name, n_records, n_new, n_duplicates FROM ingests ORDER BY id"
        ).fetchall()
        for name, sql in {
            "papers_digest": "SELECT id, title, abstract, arxiv_id FROM papers ORDER BY id",
            "sources_digest": "SELECT paper_id, ingest_id, record_index FROM paper_sources ORDER BY ALL",
            "extractions_digest": "SELECT paper_id, extractor_version, method, n_claims, best_speedup "
            "FROM extractions ORDER BY paper_id",
            "claims_digest": "SELECT paper_id, idx, category, value, text, start_char, end_char FROM claims "
            "ORDER BY paper_id, idx",
        }.items():
            snap[name] = hashlib.sha256(repr(con.execute(sql).fetchall()).encode()).hexdigest()
    finally:
        con.close()
    return snap


def ids_of(dump: Path) -> frozenset[str]:
    """The paper ids of a dump's records, as the store computes them."""
    from ingest.readers import read_file

    return frozenset(store.paper_id(r) for r in read_file(dump).records)


@pytest.fixture(scope="module")
def big_ids(files) -> frozenset[str]:
    return ids_of(files["big"])


# ---------------------------------------------------------------- running and killing

class Ingest:
    """`python -m ingest ARGS` as a child process whose stderr is watched for the hook's marker."""

    def __init__(self, args: list[str], pause: float | None):
        env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
        env.pop(HOOK, None)
        if pause is not None:
            env[HOOK] = str(pause)
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ingest", *args], cwd=ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        self.marker = threading.Event()
        self.stderr: list[bytes] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            for line in iter(self.proc.stderr.readline, b""):
                self.stderr.append(line)
                if HOOK.encode() in line:
                    self.marker.set()
        except (ValueError, OSError):  # finish()'s communicate() closed the pipe: it keeps the rest
            return

    def wait_marker(self) -> float:
        """Seconds from start until the transaction's writes were done."""
        deadline = time.monotonic() + MARKER_TIMEOUT
        while not self.marker.wait(0.05):
            if self.proc.poll() is not None:
                pytest.fail(f"ingest exited ({self.proc.returncode}) before its transaction: {self.err()}")
            if time.monotonic() > deadline:
                self.kill()
                pytest.fail("ingest never reached its transaction")
        return time.monotonic() - self.started

    def kill(self) -> int:
        self.proc.send_signal(signal.SIGKILL)
        code = self.proc.wait(30)
        self._reader.join(5)
        return code

    def finish(self) -> str:
        out, rest = self.proc.communicate(timeout=MARKER_TIMEOUT)
        self._reader.join(5)
        if rest:
            self.stderr.append(rest)
        assert self.proc.returncode == 0, self.err()
        return out.decode()

    def err(self) -> str:
        return b"".join(self.stderr).decode(errors="replace")[-2000:]


def add_args(dump: Path, db: Path) -> list[str]:
    return ["add", str(dump), "--db", str(db), "--no-embed", "--no-samples", "--quiet"]


def assert_complete_upload(after: dict, before: dict, ids: frozenset[str], name: str = "big.jsonl") -> None:
    """`after` is `before` plus the whole upload `name` of the papers `ids` (OVERLAP of them known)."""
    new = ids - before["paper_ids"]
    expected = {
        "papers": before["papers"] + len(new),
        "ingests": before["ingests"] + 1,
        "paper_sources": before["paper_sources"] + len(ids),
        "extractions": before["extractions"] + len(new),
        "paper_ids": before["paper_ids"] | ids,
    }
    assert {k: after[k] for k in expected} == expected
    assert after["ingests_rows"][-1][1:] == (name, len(ids), len(ids) - OVERLAP, OVERLAP)
    assert after["ingests_rows"][:-1] == before["ingests_rows"]


# ---------------------------------------------------------------- tests

def test_sigkill_inside_the_upload_transaction_keeps_the_database_as_it_was(files, db, big_ids):
    before = snapshot(db)
    assert len(big_ids) == BIG_RECORDS and len(big_ids - before["paper_ids"]) == BIG_RECORDS - OVERLAP
    wal = Path(str(db) + ".wal")

    run = Ingest(add_args(files["big"], db), pause=120)
    reached = run.wait_marker()
    code = run.kill()
    assert code == -signal.SIGKILL

    after = snapshot(db)  # opens, replays or discards the WAL
    assert after == before, "the interrupted upload left a trace"
    assert not (big_ids - before["paper_ids"]) & after["paper_ids"]
    KILL_LOG.append({"kill": "upload, inside the transaction (before COMMIT)", "records": BIG_RECORDS,
                     "seconds_to_kill": round(reached, 1), "wal_existed_after_kill": wal.exists(),
                     "result": "database exactly as before"})

    # Re-running the same upload completes it.
    t0 = time.monotonic()
    out = Ingest(add_args(files["big"], db), pause=None).finish()
    assert f"{BIG_RECORDS} records, {BIG_RECORDS - OVERLAP} new, {OVERLAP} duplicates, 0 skipped" in out
    assert_complete_upload(snapshot(db), before, big_ids)
    KILL_LOG.append({"kill": "upload re-run after the kill", "records": BIG_RECORDS,
                     "seconds": round(time.monotonic() - t0, 1), "result": "complete"})


@pytest.mark.parametrize("moment", ["wal_write", "checkpoint"])
def test_sigkill_during_the_commit_is_all_or_nothing(files, db, moment):
    """Killed while DuckDB writes the WAL (or checkpoints it): before, or before + the whole upload."""
    before = snapshot(db)
    mid_ids = ids_of(files["mid"])
    wal = Path(str(db) + ".wal")
    db_size = db.stat().st_size
    assert not wal.exists()

    run = Ingest(add_args(files["mid"], db), pause=0.3)
    run.wait_marker()
    landed = "missed (the process finished first)"
    deadline = time.monotonic() + 120
    while run.proc.poll() is None and time.monotonic() < deadline:
        wal_size = wal.stat().st_size if wal.exists() else 0
        if moment == "wal_write" and wal_size > 0:
            landed = f"while the WAL was being written ({wal_size:,} bytes so far)"
            break
        if moment == "checkpoint" and wal_size > 0 and db.stat().st_size > db_size:
            landed = f"while checkpointing (database file {db_size:,} -> {db.stat().st_size:,} bytes)"
            break
        time.sleep(0.0005)
    run.kill()

    after = snapshot(db)
    if after == before:
        result = "database exactly as before"
    else:
        assert_complete_upload(after, before, mid_ids, "mid.jsonl")
        result = "upload complete (the commit had reached the WAL)"
    KILL_LOG.append({"kill": f"upload, during COMMIT ({moment})", "records": MID_RECORDS,
                     "landed": landed, "result": result})
    # (re-running after a kill is covered by the test above)


def test_sigkill_inside_reextract_keeps_the_old_extractions(db):
    con = store.connect(db)
    con.execute("UPDATE extractions SET extractor_version = 'old'")  # so a rewrite would show
    con.close()
    before = snapshot(db)
    assert before["extractions"] == FIRST_RECORDS and before["claims"] > 0

    run = Ingest(["reextract", "--db", str(db)], pause=120)
    reached = run.wait_marker()
    run.kill()
    after = snapshot(db)
    assert after == before
    KILL_LOG.append({"kill": "reextract, inside the transaction (old rows deleted, new ones written)",
                     "papers": FIRST_RECORDS, "seconds_to_kill": round(reached, 1),
                     "result": "database exactly as before (every extraction still 'old')"})

    out = Ingest(["reextract", "--db", str(db)], pause=None).finish()
    assert f"re-extracted {FIRST_RECORDS} papers" in out
    done = snapshot(db)
    con = store.connect(db, read_only=True)
    versions = {r[0] for r in con.execute("SELECT DISTINCT extractor_version FROM extractions").fetchall()}
    con.close()
    assert versions == {EXTRACTOR_VERSION}
    assert {k: done[k] for k in ("papers", "extractions", "claims", "claims_digest", "papers_digest")} == {
        k: before[k] for k in ("papers", "extractions", "claims", "claims_digest", "papers_digest")
    }
    KILL_LOG.append({"kill": "reextract re-run after the kill", "papers": FIRST_RECORDS, "result": "complete"})
