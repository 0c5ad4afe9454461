"""Time as the user feels it: a real Chromium (Playwright, Debian's /usr/bin/chromium) against `streamlit run app.py`.

Each figure is the time from a user action to the page settled: Streamlit's running indicator gone, no
stale (greyed) element left, the page's main element drawn, and the content changed from before the
action (so an action is never timed as settled before its rerun even started). Median of --repeat runs.

Links are opened in a new tab three ways: beside a tab of the app (same browser, its in-memory HTTP cache),
with a cold cache (a new browser profile) and with a warm one (a profile on disk that opened them before).

Also times the first start after `make run`'s install step (`python -m ingest prepare`): server process
start to the Papers page settled in a fresh browser.

Usage: .venv/bin/python benchmarks/bench_browser.py [--papers sample|100000] [--repeat 5]
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
START_LOAD = os.getloadavg()[0]
SEARCHES = ["speculative decoding", "quantization of large language models", "pruning vision transformers",
            "knowledge distillation", "mixture of experts", "retrieval-augmented generation", "kv cache compression"]

SETTLED = """
([marker, before]) => {
  if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]')) return false;
  if (document.querySelector('[data-testid="stElementContainer"][data-stale="true"]')) return false;
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  if (marker && !document.querySelector(marker)) return false;
  return before === null || main.innerText !== before;
}
"""


class RunWatcher:
    """Notes when the server says a script run finished (Streamlit's `script_finished` message on the
    websocket), so an action is timed to the end of ITS rerun, never to a page that merely looks quiet
    because the rerun has not started yet. Also keeps every frame's arrival and size, which splits an
    action's time into the server's script run and what the browser does after it (see Split)."""

    def __init__(self) -> None:
        self.started: list[float] = []
        self.finished: list[float] = []
        self.frames: list[tuple[float, int]] = []

    def attach(self, page) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        def on_frame(payload) -> None:
            if isinstance(payload, (bytes, bytearray)):
                now = time.perf_counter()
                self.frames.append((now, len(payload)))
                try:
                    kind = ForwardMsg.FromString(bytes(payload)).WhichOneof("type")
                    if kind == "new_session":  # sent as every script run starts
                        self.started.append(now)
                    elif kind == "script_finished":
                        self.finished.append(now)
                except Exception:  # noqa: BLE001 - not a ForwardMsg: ignore
                    pass

        page.on("websocket", lambda ws: ws.on("framereceived", on_frame))

    def wait_after(self, page, t0: float, timeout_s: float = 120) -> float:
        """Wait for the first script run to finish after t0; return when it did."""
        deadline = time.perf_counter() + timeout_s
        while not any(t > t0 for t in self.finished):
            if time.perf_counter() > deadline:
                raise TimeoutError("no script run finished after the action")
            page.wait_for_timeout(5)
        return min(t for t in self.finished if t > t0)

    def start_of(self, t0: float, run_end: float) -> float:
        """When the run that ended at run_end started (its new_session message); t0 when none was seen."""
        return max((t for t in self.started if t0 < t <= run_end), default=t0)

    def kilobytes(self, t0: float, t1: float) -> float:
        """What the server sent between t0 and t1 (the script run's elements: figure JSON, tables)."""
        return sum(n for t, n in self.frames if t0 < t <= t1) / 1000


@dataclass
class Split:
    """Where one action's time went: until the script run started (the browser sending the action, or
    loading the page in a fresh tab), the script run (from its new_session to its script_finished message
    as the browser receives them), after it until the page settled (the browser drawing), and the size of
    what the server sent."""

    total: float
    before_run: float
    script_run: float
    after_run: float
    kilobytes: float


SPLITS: dict[str, list[Split]] = {}


def database(kind: str, cache: Path) -> Path:
    """The sample database as `python -m ingest prepare` builds it, or a generated one of N papers."""
    path = cache / f"browser-{kind}.duckdb"
    if path.exists():
        return path
    t = time.perf_counter()
    if kind == "sample":
        subprocess.run([sys.executable, "-m", "ingest", "prepare", "--db", str(path), "--quiet"], cwd=ROOT, check=True,
                       env={**os.environ, "HF_HUB_OFFLINE": "1"})
    else:
        from tests.dashboard_data import make_db

        make_db(path, int(kind), n_topics=20, n_ingests=5)
        from ingest import lexical, store

        con = store.connect(path)  # make_db writes below the pipeline: build the search index an upload would
        lexical.for_database(con)
        con.close()
    print(f"built {path.name} in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "ATLAS_DB": str(db), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if urllib.request.urlopen(base + "/_stcore/health", timeout=2).read() == b"ok":
                return proc, base
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the app did not start:\n" + log.read_text(errors="replace")[-3000:])
        time.sleep(0.1)


def main_text(page) -> str:
    return page.evaluate("() => (document.querySelector('[data-testid=\"stMain\"]') || document.body).innerText")


def settle(page, marker: str | None, before: str | None, timeout_ms: int = 120_000) -> None:
    try:
        page.wait_for_function(SETTLED, arg=[marker, before], timeout=timeout_ms, polling="raf")
    except Exception:
        state = page.evaluate("""(marker) => ({
          running: !!document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]'),
          stale: Array.from(document.querySelectorAll('[data-testid="stElementContainer"][data-stale="true"]')).map(e => e.innerText.slice(0, 80)),
          marker: marker ? !!document.querySelector(marker) : null})""", marker)
        raise RuntimeError(f"page never settled: {state}") from None


def timed(page, watcher: RunWatcher, action, marker: str | None, name: str) -> float:
    """Seconds from `action()` to its script run finished and the page settled with changed content."""
    before = main_text(page)
    t = time.perf_counter()
    action()
    run_end = watcher.wait_after(page, t)
    settle(page, marker, before)
    return _note(name, t, run_end, time.perf_counter(), watcher)


def _note(name: str, t: float, run_end: float, settled: float, watcher: RunWatcher) -> float:
    start = watcher.start_of(t, run_end)
    split = Split(settled - t, start - t, run_end - start, settled - run_end, watcher.kilobytes(t, run_end))
    SPLITS.setdefault(name, []).append(split)
    print(f"  {name}: {split.total:.2f} s (before run {split.before_run:.2f}, run {split.script_run:.2f}, "
          f"after {split.after_run:.2f}, {split.kilobytes:.0f} kB)", file=sys.stderr, flush=True)
    return split.total


HEADING = '[data-testid="stHeading"] h1'
TABLE = '[data-testid="stDataFrame"] canvas'
PLOT = ".js-plotly-plot .main-svg"
VIEWPORT = {"width": 1280, "height": 900}
LINKS = (("/tradeoffs?domain=nlp", PLOT, "open by link: /tradeoffs?domain=nlp"), ("/", TABLE, "open by link: / (Papers)"))
READ_S = 6  # seconds a user spends on Papers before the first switch to Trade-offs in a tab


def open_link(context, base: str, path: str, marker: str, name: str) -> float:
    """Seconds from opening base+path in a new tab of `context` to its run finished and the page settled."""
    fresh = context.new_page()
    mine = RunWatcher()
    mine.attach(fresh)
    t = time.perf_counter()
    fresh.goto(base + path)
    run_end = mine.wait_after(fresh, t)
    fresh.wait_for_selector(HEADING, timeout=120_000)
    settle(fresh, marker, None)
    took = _note(name, t, run_end, time.perf_counter(), mine)
    fresh.close()
    return took


def open_by_link(p, browser, ctx, base: str, repeat: int, times: dict[str, list[float]]) -> None:
    """Each link opened in a new tab three ways: beside a tab of the app, with a cold and with a warm cache."""
    # A new tab of this browser, which loaded the app in another tab: Streamlit's hashed bundles are in
    # its (in-memory) HTTP cache, the tab still evaluates them.
    for i in range(repeat):
        for path, marker, name in LINKS:
            times.setdefault(name, []).append(open_link(ctx, base, path, marker, name))
    # Cold cache: a new browser profile each time (nothing cached: every bundle fetched and compiled).
    for i in range(repeat):
        for path, marker, name in LINKS:
            cold = browser.new_context(viewport=VIEWPORT)
            times.setdefault(f"{name} (cold cache: new browser profile)", []).append(
                open_link(cold, base, path, marker, f"{name} (cold cache: new browser profile)"))
            cold.close()
    # Warm cache: a browser profile on disk that opened these pages before (HTTP cache and V8's code
    # cache, which Chromium writes from a script's second load on), as a returning user's browser.
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as profile:
        warm = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=CHROME_ARGS,
                                                    viewport=VIEWPORT)
        for path, marker, name in LINKS * 2:
            open_link(warm, base, path, marker, "(setup)")
        for i in range(repeat):
            for path, marker, name in LINKS:
                label = f"{name} (warm cache: profile that opened it before)"
                times.setdefault(label, []).append(open_link(warm, base, path, marker, label))
        warm.close()


def run(kind: str, repeat: int, cache: Path) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    db = database(kind, cache)
    work = Path(tempfile.mkdtemp(prefix="bench-browser-"))
    copy = work / "atlas.duckdb"
    shutil.copy(db, copy)
    if Path(str(db) + ".bm25").exists():
        shutil.copytree(Path(str(db) + ".bm25"), Path(str(copy) + ".bm25"))
    times: dict[str, list[float]] = {}
    t0 = time.perf_counter()
    proc, base = start_server(copy, work / "server.log")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
            ctx = browser.new_context(viewport=VIEWPORT)
            watcher = RunWatcher()
            page = ctx.new_page()
            watcher.attach(page)
            page.goto(base + "/")
            settle(page, TABLE, None)
            times["first start: server start to Papers settled (cold)"] = [time.perf_counter() - t0]

            open_by_link(p, browser, ctx, base, repeat, times)

            # A user reads Papers a while before the first plot of the tab: this switch loads and evaluates the
            # plotly.js bundle (ui/plot.py) in the tab, the switches below reuse a tab that has it.
            name = f"first page switch in a tab, after {READ_S} s on Papers: Papers -> Trade-offs"
            for i in range(repeat):
                fresh = ctx.new_page()
                mine = RunWatcher()
                mine.attach(fresh)
                fresh.goto(base + "/")
                settle(fresh, TABLE, None)
                fresh.wait_for_timeout(READ_S * 1000)
                times.setdefault(name, []).append(
                    timed(fresh, mine, lambda: fresh.get_by_role("link", name="Trade-offs").click(), PLOT, name))
                fresh.close()

            page.goto(base + "/")
            settle(page, TABLE, None)
            for i in range(repeat):
                times.setdefault("page switch: Papers -> Trade-offs", []).append(
                    timed(page, watcher, lambda: page.get_by_role("link", name="Trade-offs").click(), PLOT,
                          "page switch: Papers -> Trade-offs"))
                times.setdefault("page switch: Trade-offs -> Papers", []).append(
                    timed(page, watcher, lambda: page.get_by_role("link", name="Papers").click(), TABLE,
                          "page switch: Trade-offs -> Papers"))

            box = page.get_by_text("Has a speed-up and a quality number")
            for i in range(repeat):
                times.setdefault("filter change: 'has both numbers' on Papers", []).append(
                    timed(page, watcher, box.click, TABLE, "filter change: 'has both numbers' on Papers"))
            if repeat % 2:  # leave the filter off for what follows
                timed(page, watcher, box.click, TABLE, "(setup)")

            # each setup step waits for its own run too, so no run of it lands inside the next timed action
            timed(page, watcher, lambda: page.get_by_role("link", name="Trade-offs").click(), PLOT, "(setup)")
            radios = page.locator('[data-testid="stRadio"]').first
            for i in range(repeat):
                axis = "memory" if i % 2 == 0 else "speed"
                times.setdefault("axis change: speed <-> memory on Trade-offs", []).append(
                    timed(page, watcher, lambda: radios.get_by_text(axis, exact=True).click(), PLOT,
                          "axis change: speed <-> memory on Trade-offs"))

            timed(page, watcher, lambda: page.get_by_role("link", name="Topics").click(), PLOT, "(setup)")
            search = page.get_by_label("Words or a description of what you are looking for")
            for i in range(repeat):
                search.fill(SEARCHES[i % len(SEARCHES)])  # typing is not timed; Enter runs the search
                times.setdefault("search on Topics (new query each time)", []).append(
                    timed(page, watcher, lambda: search.press("Enter"), TABLE, "search on Topics (new query each time)"))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", default="sample", help="sample (the 278 bundled papers) or a number to generate")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cache", default=str(ROOT / "data" / "cache"))
    args = ap.parse_args()
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    times = run(args.papers, args.repeat, cache)
    label = "the 278 sample papers" if args.papers == "sample" else f"{int(args.papers):,} generated papers"
    lines = [f"Browser time on {label} (Chromium {platform.machine()}, 1280x900, load average {START_LOAD:.1f} at start; "
             f"median of {args.repeat}, seconds). Split by the websocket messages: 'before run' from the action to the "
             "script run's start (the browser sending the action; in a new tab, loading the page), 'run' the "
             "script run (server), 'after' from its end to the page settled (the browser drawing); kB: what the "
             "server sent for the run:", "",
             "| action | median s | before run | run | after | kB | runs |", "|---|---:|---:|---:|---:|---:|---|"]
    for name, values in times.items():
        splits = SPLITS.get(name, [])
        parts = " | ".join(f"{statistics.median(getattr(x, k) for x in splits):{fmt}}" if splits else ""
                           for k, fmt in (("before_run", ".2f"), ("script_run", ".2f"), ("after_run", ".2f"),
                                         ("kilobytes", ".0f")))
        lines.append(f"| {name} | {statistics.median(values):.2f} | {parts} | {', '.join(f'{v:.2f}' for v in values)} |")
    table = "\n".join(lines)
    out = ROOT / "benchmarks" / "results" / f"browser-{args.papers}.md"
    out.write_text(table + "\n", encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
