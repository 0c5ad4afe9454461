"""Two versions of the app side by side in one Chromium, alternating every action: a before/after that holds on a
shared, loaded machine, where whole benchmark runs one after the other meet different loads.

Starts `streamlit run app.py` from this checkout and from another one (`--before DIR`, e.g. made with
`git archive <commit> | tar -x -C DIR`), each on its own copy of the sample database (or of --papers N generated papers), and times with
bench_browser.py's definitions: a link opened in a new tab beside an app tab (/tradeoffs?domain=nlp and /), and
the page switches Papers -> Trade-offs -> Papers in a tab of each. Each round runs every action on both, in
turns (before first in even rounds, after first in odd ones). Medians of --repeat rounds.

Usage: .venv/bin/python benchmarks/bench_browser_ab.py --before /tmp/old-checkout [--repeat 8] [--papers 100000]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
from pathlib import Path

import bench_browser as B

VERSIONS = ("before", "after")


def serve(checkout: Path, db: Path, work: Path):
    """A server of `checkout` on a private copy of `db` (and its BM25 index); returns (process, url)."""
    copy = work / "atlas.duckdb"
    shutil.copy(db, copy)
    if Path(str(db) + ".bm25").exists():
        shutil.copytree(Path(str(db) + ".bm25"), Path(str(copy) + ".bm25"))
    model = checkout / "data" / "cache" / "model"
    if not model.exists():  # share this checkout's converted model
        model.parent.mkdir(parents=True, exist_ok=True)
        model.symlink_to(B.ROOT / "data" / "cache" / "model")
    B.ROOT, root = checkout, B.ROOT  # start_server runs app.py from B.ROOT
    try:
        return B.start_server(copy, work / "server.log")
    finally:
        B.ROOT = root


def round_of(v: str, ctx, tab, watcher, base: str, times: dict) -> None:
    """Every timed action once on version `v`."""
    for path, marker, name in B.LINKS:
        times.setdefault((name, v), []).append(B.open_link(ctx, base, path, marker, f"{v}: {name}"))
    for link, marker, name in (("Trade-offs", B.PLOT, "page switch: Papers -> Trade-offs"),
                               ("Papers", B.TABLE, "page switch: Trade-offs -> Papers")):
        times.setdefault((name, v), []).append(
            B.timed(tab, watcher, lambda: tab.get_by_role("link", name=link).click(), marker, f"{v}: {name}"))


def run(before: Path, repeat: int, cache: Path, papers: str = "sample") -> dict:
    from playwright.sync_api import sync_playwright

    db = B.database(papers, cache)
    works = {v: Path(tempfile.mkdtemp(prefix=f"bench-ab-{v}-")) for v in VERSIONS}
    servers = {v: serve(before if v == "before" else B.ROOT, db, works[v]) for v in VERSIONS}
    times: dict = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=B.CHROMIUM, args=B.CHROME_ARGS)
            ctx, tab, watcher = {}, {}, {}
            for v in VERSIONS:
                ctx[v] = browser.new_context(viewport=B.VIEWPORT)
                tab[v], watcher[v] = ctx[v].new_page(), B.RunWatcher()
                watcher[v].attach(tab[v])
                tab[v].goto(servers[v][1] + "/")
                B.settle(tab[v], B.TABLE, None)
                round_of(v, ctx[v], tab[v], watcher[v], servers[v][1], {})  # each tab has loaded the plot bundle
            for i in range(repeat):
                for v in (VERSIONS if i % 2 == 0 else VERSIONS[::-1]):
                    round_of(v, ctx[v], tab[v], watcher[v], servers[v][1], times)
            browser.close()
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            proc.wait(timeout=20)
        for work in works.values():
            shutil.rmtree(work, ignore_errors=True)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", required=True, help="the other checkout (the version before)")
    ap.add_argument("--repeat", type=int, default=8)
    ap.add_argument("--cache", default=str(B.ROOT / "data" / "cache"))
    ap.add_argument("--papers", default="sample", help="'sample' or a number of generated papers, as bench_browser.py")
    args = ap.parse_args()
    times = run(Path(args.before).resolve(), args.repeat, Path(args.cache), args.papers)
    print(f"Interleaved ({args.papers}), load average {B.START_LOAD:.1f} at start, {os.getloadavg()[0]:.1f} at the end; "
          f"median of {args.repeat}, seconds (and of the splits: before run / run / after, kB sent):\n\n"
          "| action | before | after | after won | before: split, kB | after: split, kB |\n|---|---:|---:|---:|---|---|")
    for name in dict.fromkeys(name for name, _ in times):
        old, new = times[(name, "before")], times[(name, "after")]
        won = sum(b < a for a, b in zip(old, new))
        print(f"| {name} | {statistics.median(old):.2f} | {statistics.median(new):.2f} | {won} of {len(new)} | "
              f"{split_summary(f'before: {name}')} | {split_summary(f'after: {name}')} |")


def split_summary(key: str) -> str:
    """Median before run / run / after and kB sent of one version's action (its warm-up round included)."""
    splits = B.SPLITS.get(key, [])
    med = lambda field: statistics.median(getattr(s, field) for s in splits)  # noqa: E731
    return (f"{med('before_run'):.2f} / {med('script_run'):.2f} / {med('after_run'):.2f}, {med('kilobytes'):.0f}"
            if splits else "")


if __name__ == "__main__":
    main()
