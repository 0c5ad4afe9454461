"""Several users at once against ONE real server: readers filter, switch pages and export while two
uploaders store different files at the same moment.

What must hold (the "concurrent users" part of the hardening issue):
- uploads are serialised, not failed: both succeed, their ingests are consecutive and do not overlap in time;
- every paper of both files lands: papers = before + new of A + new of B, exactly (ids computed here
  with the real readers and `store.plan`, independently of the server);
- readers never see half an upload: every count and every exported CSV matches one of the four
  consistent states (before, after A, after B, after both), never anything in between;
- nobody gets an error: no exception box, no st.error, no "Traceback" / "locked" on any page, nothing
  in the server log.

Everything runs on 127.0.0.1 only. One Chromium, one browser context per user (Playwright's async API,
so the sessions really overlap). Every loop is bounded in rounds and in time. Figures are written to
test-artifacts/concurrent_users.json (they are quoted in docs/reliability.md).
"""
from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
FILE_A = ROOT / "tests" / "fixtures" / "corpora" / "arxiv-api-search-testing.atom.xml"  # 100 new papers
FILE_B = ROOT / "tests" / "fixtures" / "readers" / "zotero.bib"  # 3 records: 2 new, 1 already in the samples
QUERY = "efficient"  # matches papers of the samples, of A and of B, so the four states differ
N_READERS = 3
READER_MAX_ROUNDS = 12
PHASE_SECONDS = 170  # hard cap on the concurrent phase
ARTIFACT = ROOT / "test-artifacts" / "concurrent_users.json"
# text that must never appear on a page (any case); error widgets are checked separately
BAD_TEXT = re.compile(r"traceback|database is locked|\blocked\b|lock on file|conflicting lock|transactioncontext|"
                      r"catalog error|page not found|the upload failed", re.I)
NOT_RUNNING = ("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
               " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.timeout(420),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium (apt-get install -y chromium)"),
]


# ---------------------------------------------------------------- the server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run app.py` on 127.0.0.1:<free port> over `db`; stop() must run before the file is opened."""

    def __init__(self, db: Path, log_path: Path):
        self.db, self.log_path = db, log_path
        self.proc: subprocess.Popen | None = None
        self.base = ""

    def start(self) -> str:
        port = free_port()
        env = {**os.environ, "ATLAS_DB": str(self.db), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        env.pop("ATLAS_READONLY", None)
        env.pop("ATLAS_UPLOAD_PASSWORD", None)
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(self.base + "/_stcore/health", timeout=2).read() == b"ok":
                    return self.base
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the app did not start:\n" + self.log_path.read_text(errors="replace")[-3000:])
            time.sleep(0.3)

    def stop(self) -> str:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if not self._log.closed:
            self._log.close()
        return self.log_path.read_text(errors="replace")


# ---------------------------------------------------------------- expected contents, computed without the server

def snapshot(db: Path) -> dict:
    """What the database holds, read straight from the file (the server must not be running)."""
    from ingest import queries, store

    con = store.connect(db, read_only=True)
    try:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        run = store.current_topic_run(con)
        return {
            "ids": {r[0] for r in con.execute("SELECT id FROM papers").fetchall()},
            "matching": set(queries.export_papers(con, queries.Filters(q=QUERY))["id"]),
            "ingests": con.execute("SELECT id, file_name, format, n_records, n_new, n_duplicates, n_skipped, started_at, "
                                   "finished_at FROM ingests ORDER BY id").fetchall(),
            "sources": con.execute("SELECT ingest_id, count(*) FROM paper_sources GROUP BY ingest_id ORDER BY 1").fetchall(),
            "papers_without_source": one("SELECT count(*) FROM papers WHERE id NOT IN (SELECT paper_id FROM paper_sources)"),
            "papers_without_extraction": one("SELECT count(*) FROM papers WHERE id NOT IN (SELECT paper_id FROM extractions)"),
            "extractions": one("SELECT count(*) FROM extractions"),
            "orphan_sources": one("SELECT count(*) FROM paper_sources WHERE paper_id NOT IN (SELECT id FROM papers)"),
            "papers_without_topic": one(
                f"SELECT count(*) FROM papers WHERE id NOT IN (SELECT paper_id FROM paper_topics WHERE run_id = {int(run)})"
            ) if run is not None else None,
            "papers_without_vector": one(
                "SELECT count(*) FROM papers WHERE text_key NOT IN (SELECT text_key FROM embeddings)"),
        }
    finally:
        con.close()


def planned_new(path: Path, known: dict[str, str]) -> tuple[set[str], set[str], int, int]:
    """(new paper ids, every identity key, records, skipped) of one file against the stored identities."""
    from ingest import store
    from ingest.readers import read_file

    result = read_file(path)
    planned = store.plan([result], known)
    keys = {k for r in result.records for k in store.identity_keys(r)}
    return {p.paper_id for p in planned if p.is_new}, keys, len(result.records), len(result.skipped)


# ---------------------------------------------------------------- the browser sessions

@dataclass
class Seen:
    session: str
    round: int
    action: str
    t0: float
    t1: float
    total: int | None = None  # "M papers" on the page
    matched: int | None = None  # "N of M papers match" with the filter on
    csv_rows: int | None = None
    csv_ids: frozenset | None = None


async def settle(page, text) -> None:
    await page.get_by_text(text).first.wait_for()
    await page.wait_for_function(NOT_RUNNING, timeout=90_000)
    await page.wait_for_timeout(300)


async def check_page(page, where: str) -> None:
    """Raise if the page shows an exception, an st.error or error text."""
    for testid in ("stException", "stAlertContentError"):
        boxes = page.locator(f'[data-testid="{testid}"]')
        if await boxes.count():
            raise AssertionError(f"{where}: {testid}: {(await boxes.first.inner_text())[:300]}")
    body = await page.inner_text("body")
    bad = BAD_TEXT.search(body)
    if bad:
        raise AssertionError(f"{where}: page text {bad.group(0)!r}: ...{body[max(0, bad.start() - 150):bad.end() + 150]}...")


async def counts(page) -> tuple[int | None, int]:
    """(matched or None, total) from the page's 'N of M papers match' / 'M papers (no filter)' caption."""
    text = await page.get_by_text(re.compile(r"papers (match|\(no filter\))")).first.inner_text()
    m = re.search(r"([\d,]+) of ([\d,]+) papers match", text)
    if m:
        return int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))
    return None, int(re.search(r"([\d,]+) papers \(no filter\)", text).group(1).replace(",", ""))


class Run:
    """Shared state of one concurrent phase: the observations, the errors and the upload timing."""

    def __init__(self, base: str, browser):
        self.base, self.browser = base, browser
        self.t_start = time.monotonic()
        self.deadline = self.t_start + PHASE_SECONDS
        self.seen: list[Seen] = []
        self.errors: list[str] = []
        self.actions = 0
        self.uploads: dict[str, dict] = {}
        self.ready = {"A": asyncio.Event(), "B": asyncio.Event()}
        self.go = asyncio.Event()
        self.uploads_done = asyncio.Event()

    async def context(self):
        ctx = await self.browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page = await ctx.new_page()
        page.set_default_timeout(90_000)
        return ctx, page

    # ------------------------------------------------------------ a reader
    async def reader(self, name: str) -> None:
        ctx, page = await self.context()
        base = self.base

        async def unfiltered(seen: Seen):
            await page.goto(base + "/")
            await settle(page, re.compile(r"papers \(no filter\)"))
            await check_page(page, seen.action)
            seen.matched, seen.total = await counts(page)
            assert seen.matched is None, "the unfiltered page shows a filtered count"

        async def apply_filter(seen: Seen):
            box = page.get_by_label("Search titles and abstracts")
            await box.fill(QUERY)
            await box.press("Enter")
            await page.wait_for_url(re.compile(rf"q={QUERY}"))
            await settle(page, re.compile(r"of [\d,]+ papers match"))
            await check_page(page, seen.action)
            seen.matched, seen.total = await counts(page)

        async def tradeoffs(seen: Seen):
            await page.get_by_role("link", name="Trade-offs").click()
            await settle(page, "By domain")
            await check_page(page, seen.action)
            assert f"q={QUERY}" in page.url, "the filter was lost switching pages"
            seen.matched, seen.total = await counts(page)

        async def export(seen: Seen):
            await page.get_by_role("link", name="Export").click()
            await settle(page, re.compile(r"Download [\d,]+ papers \(CSV\)"))
            await check_page(page, seen.action)
            seen.matched, seen.total = await counts(page)
            async with page.expect_download() as info:
                await page.get_by_role("button", name=re.compile(r"Download [\d,]+ papers \(CSV\)")).click()
            download = await info.value
            text = Path(await download.path()).read_text(encoding="utf-8-sig")
            rows = list(csv.DictReader(io.StringIO(text)))
            seen.csv_rows, seen.csv_ids = len(rows), frozenset(r["id"] for r in rows)
            assert len(seen.csv_ids) == len(rows), "duplicate ids in the CSV"
            await check_page(page, seen.action + " (after download)")

        steps = (("papers, no filter", unfiltered), ("papers, search filter", apply_filter),
                 ("trade-offs, filtered", tradeoffs), ("export, filtered CSV", export))
        try:
            for round_ in range(READER_MAX_ROUNDS):
                if time.monotonic() > self.deadline:
                    break
                done_at_start = self.uploads_done.is_set()
                for action, step in steps:
                    seen = Seen(name, round_, action, time.monotonic() - self.t_start, 0.0)
                    self.actions += 1
                    try:
                        await step(seen)
                    except Exception as exc:  # counted; the reader starts its next round afresh
                        self.errors.append(f"{name} round {round_} {action}: {type(exc).__name__}: {str(exc).strip()[:400]}")
                        break
                    finally:
                        seen.t1 = time.monotonic() - self.t_start
                        self.seen.append(seen)
                if done_at_start:  # one whole round on the final state is enough
                    break
            else:
                if not self.uploads_done.is_set():
                    self.errors.append(f"{name}: {READER_MAX_ROUNDS} rounds ran out before the uploads finished")
        finally:
            await ctx.close()

    # ------------------------------------------------------------ an uploader
    async def uploader(self, name: str, path: Path) -> None:
        ctx, page = await self.context()
        info = self.uploads[name] = {"file": path.name}
        try:
            self.actions += 1
            await page.goto(self.base + "/upload")
            await settle(page, "Uploads")
            await check_page(page, f"uploader {name} opening")
            await page.locator('input[type="file"]').set_input_files(str(path))
            await settle(page, "detected format")
            await check_page(page, f"uploader {name} preview")
            store_button = page.get_by_role("button", name=re.compile(r"Store [\d,]+ records"))
            await store_button.wait_for()
            self.ready[name].set()
            await asyncio.wait_for(self.go.wait(), timeout=120)
            self.actions += 1
            info["clicked"] = time.monotonic() - self.t_start
            await store_button.click()
            message = page.get_by_text(re.compile(r"[\d,]+ new, [\d,]+ duplicates"))
            await message.first.wait_for(timeout=150_000)
            await page.wait_for_function(NOT_RUNNING, timeout=90_000)
            info["done"] = time.monotonic() - self.t_start
            info["message"] = (await message.first.inner_text()).strip()
            await check_page(page, f"uploader {name} result")
        except Exception as exc:
            self.errors.append(f"uploader {name} ({path.name}): {type(exc).__name__}: {str(exc).strip()[:400]}")
        finally:
            self.ready[name].set()  # never leave the other uploader waiting
            await ctx.close()

    async def starter(self) -> None:
        """Release both uploaders at the same moment, once both previews are on screen."""
        try:
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in self.ready.values())), timeout=150)
        finally:
            self.go.set()

    async def both_uploads(self) -> None:
        try:
            await asyncio.gather(self.uploader("A", FILE_A), self.uploader("B", FILE_B), self.starter())
        finally:
            self.uploads_done.set()


async def concurrent_phase(base: str) -> Run:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROME_ARGS)
        try:
            run = Run(base, browser)
            await asyncio.gather(run.both_uploads(), *(run.reader(f"reader{i + 1}") for i in range(N_READERS)))
            return run
        finally:
            await browser.close()


# ---------------------------------------------------------------- the test

def test_concurrent_readers_and_simultaneous_uploads(sample_db_path: Path, tmp_path: Path):
    from ingest import store

    t0 = time.monotonic()
    before = snapshot(sample_db_path)
    con = store.connect(sample_db_path, read_only=True)
    try:
        known = store.existing_identities(con)
    finally:
        con.close()
    new_a, keys_a, records_a, skipped_a = planned_new(FILE_A, known)
    new_b, keys_b, records_b, skipped_b = planned_new(FILE_B, known)
    # the two files share no identity, so the end state does not depend on which upload goes first
    assert not keys_a & keys_b and not new_a & new_b
    assert new_a and new_b and records_b > len(new_b), "B must hold a new paper and a duplicate of the samples"
    b_ids = before["ids"]
    states = {"before": b_ids, "after A": b_ids | new_a, "after B": b_ids | new_b, "after both": b_ids | new_a | new_b}

    server = Server(sample_db_path, tmp_path / "server.log")
    server.start()
    try:
        run = asyncio.run(concurrent_phase(server.base))
    finally:
        log = server.stop()
    t_phase = time.monotonic() - t0

    after = snapshot(sample_db_path)
    matching = after["matching"]
    total_ok = {len(ids): name for name, ids in states.items()}
    matched_ok = {len(ids & matching): name for name, ids in states.items()}
    csv_ok = [frozenset(ids & matching) for ids in states.values()]
    assert len(total_ok) == 4 and len(matched_ok) == 4, "the states must be told apart by their counts"

    # ---- what the readers saw
    inconsistent, mixed_pairs = [], []
    states_seen: dict[str, int] = {}
    for s in run.seen:
        if s.total is not None:
            if s.total not in total_ok:
                inconsistent.append(f"{s.session} {s.action}: total {s.total}")
            else:
                states_seen[total_ok[s.total]] = states_seen.get(total_ok[s.total], 0) + 1
        if s.matched is not None and s.matched not in matched_ok:
            inconsistent.append(f"{s.session} {s.action}: {s.matched} match")
        if s.matched is not None and s.total in total_ok and matched_ok.get(s.matched) != total_ok[s.total]:
            # each number is a whole state, but the two come from two reads a commit can fall between
            mixed_pairs.append(f"{s.session} {s.action}: {s.matched} of {s.total}")
        if s.csv_ids is not None and s.csv_ids not in csv_ok:
            inconsistent.append(f"{s.session} {s.action}: CSV of {s.csv_rows} rows is no consistent state")
        if s.csv_rows is not None and s.csv_rows != s.matched:  # the file is built after the label was drawn
            mixed_pairs.append(f"{s.session} {s.action}: CSV of {s.csv_rows} rows under '{s.matched} papers'")
    upload_window = (min((u.get("clicked", 1e9) for u in run.uploads.values()), default=1e9),
                     max((u.get("done", 0.0) for u in run.uploads.values()), default=0.0))
    during = [s for s in run.seen if s.t0 < upload_window[1] and s.t1 > upload_window[0]]

    figures = {
        "sessions": {"readers": N_READERS, "uploaders": 2},
        "actions": run.actions,
        "reader_actions_completed": sum(1 for s in run.seen if s.total is not None),
        "reader_actions_during_uploads": len(during),
        "csv_downloads": sum(1 for s in run.seen if s.csv_ids is not None),
        "errors": run.errors,
        "inconsistent_views": inconsistent,
        "mixed_count_pairs": mixed_pairs,
        "totals_allowed": {name: len(ids) for name, ids in states.items()},
        "matched_allowed": {name: len(ids & matching) for name, ids in states.items()},
        "views_per_state": states_seen,
        "distinct_totals_seen": sorted({s.total for s in run.seen if s.total is not None}),
        "distinct_matched_seen": sorted({s.matched for s in run.seen if s.matched is not None}),
        "distinct_csv_rows_seen": sorted({s.csv_rows for s in run.seen if s.csv_rows is not None}),
        "uploads": run.uploads,
        "upload_window_s": [round(x, 1) for x in upload_window],
        "papers": {"before": len(b_ids), "new_A": len(new_a), "new_B": len(new_b), "after": len(after["ids"])},
        "runtime_s": round(time.monotonic() - t0, 1),
        "phase_s": round(t_phase, 1),
        "observations": [{k: v for k, v in asdict(s).items() if k != "csv_ids"} for s in run.seen],
    }
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(figures, indent=1, default=str))

    # ---- nobody saw an error, nothing half-done
    assert run.errors == [], "\n".join(run.errors)
    assert "Traceback" not in log and not re.search(r"database is locked|lock on file|Conflicting lock", log), log[-3000:]
    assert inconsistent == [], "\n".join(inconsistent)
    assert during, "no reader action overlapped the uploads: the test did not test concurrency"
    for i in range(N_READERS):  # each reader's last round started after both uploads: it sees the final state
        last = [s for s in run.seen if s.session == f"reader{i + 1}" and s.total is not None]
        assert last and last[-1].total == len(states["after both"]), f"reader{i + 1} never saw the final state"

    # ---- both uploads succeeded, one after the other
    msg_a, msg_b = run.uploads["A"].get("message", ""), run.uploads["B"].get("message", "")
    assert f"{len(new_a):,} new, {records_a - len(new_a):,} duplicates" in msg_a, msg_a
    assert f"{len(new_b):,} new, {records_b - len(new_b):,} duplicates" in msg_b, msg_b

    # ---- the database: exactly before + A + B
    assert after["ids"] == states["after both"]
    assert len(after["ids"]) == len(b_ids) + len(new_a) + len(new_b)
    old_ingests, new_ingests = after["ingests"][: len(before["ingests"])], after["ingests"][len(before["ingests"]):]
    assert old_ingests == before["ingests"]
    assert len(new_ingests) == 2
    by_file = {row[1]: row for row in new_ingests}
    assert set(by_file) == {FILE_A.name, FILE_B.name}
    for path, new, records, skipped in ((FILE_A, new_a, records_a, skipped_a), (FILE_B, new_b, records_b, skipped_b)):
        _, _, _, n_records, n_new, n_dup, n_skipped, _, _ = by_file[path.name]
        assert (n_records, n_new, n_dup, n_skipped) == (records + skipped, len(new), records - len(new), skipped), path.name
    ids = sorted(row[0] for row in new_ingests)
    assert ids == [before["ingests"][-1][0] + 1, before["ingests"][-1][0] + 2]
    first, second = sorted(new_ingests, key=lambda row: row[0])
    assert first[8] <= second[7], "the two uploads' writes overlapped in time: they were not serialised"
    sources = dict(after["sources"])
    assert sources[by_file[FILE_A.name][0]] == records_a and sources[by_file[FILE_B.name][0]] == records_b
    assert after["orphan_sources"] == 0 and after["papers_without_source"] == 0
    assert after["papers_without_extraction"] == 0 and after["extractions"] == len(after["ids"])
    assert after["papers_without_vector"] == before["papers_without_vector"] == 0
    if before["papers_without_topic"] is not None:
        assert after["papers_without_topic"] == before["papers_without_topic"]
