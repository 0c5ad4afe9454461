"""`python -m ingest ...`: thin commands over the library (sqlite-utils style).

Each command parses its arguments, calls one library function and turns IngestError into a one-line
message and a non-zero exit status.
"""
from __future__ import annotations

import json
import sys
import unicodedata
from contextlib import contextmanager
from functools import wraps
from typing import Iterator

import click

from . import pipeline, store
from .errors import IngestError


def user_errors(fn):
    """Show IngestError as `Error: <message>` with exit status 1, never a traceback."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except IngestError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


db_option = click.option(
    "--db", "db", type=click.Path(dir_okay=False), default=None,
    help="Database file (default: $ATLAS_DB, else data/atlas.duckdb).",
)
format_option = click.option(
    "--format", "fmt", default=None, help="Skip format detection: webtext, atom, oai_pmh, arxiv_jsonl, "
    "semantic_scholar, openalex, bibtex, ris, wos, csv.",
)


@contextmanager
def open_db(db: str | None) -> Iterator:
    """The database named by --db / $ATLAS_DB, closed however the command ends."""
    con = store.connect(store.resolve_db_path(db))
    try:
        yield con
    finally:
        con.close()


class TqdmProgress:
    """One tqdm bar per stage, on stderr, so stdout stays clean for data."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.bars: dict = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        from tqdm import tqdm

        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = tqdm(total=total, desc=stage, unit="paper", file=sys.stderr, leave=False)
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


@click.group()
def cli() -> None:
    """Tradeoff Atlas ingest: read abstract dumps, extract claims, embed, cluster, export."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@format_option
@user_errors
def parse(files: tuple[str, ...], fmt: str | None) -> None:
    """Print the records parsed from FILES as JSON lines (one paper per line).

    Example: python -m ingest parse data/samples/000_423b64eaf3071395.txt | head -1
    """
    from .readers.stream import iter_file

    for path in files:  # JSON lines (plain or gzip) stream in blocks: a 4 GB dump prints in constant memory
        for block in iter_file(path, fmt):
            for record in block.records:
                click.echo(json.dumps(record.to_dict(), ensure_ascii=False))
            _report_skipped(block)


def printable(text: str) -> str:
    """Text from a file, safe for a terminal: control characters (escape sequences) become spaces."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)


def _report_skipped(result) -> None:
    for note in result.notes:
        click.echo(f"{printable(result.source)}: note: {note}", err=True)
    for s in result.skipped:
        title = f" ({printable(s.title[:60])})" if s.title else ""
        click.echo(f"{printable(result.source)}: skipped record {s.index}{title}: {s.reason}", err=True)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@db_option
@format_option
@click.option("--no-embed", is_flag=True, help="Store without embedding (faster; run `embed` later).")
@click.option("--no-samples", is_flag=True, help="Do not seed a new database with the bundled samples.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@user_errors
def add(files: tuple[str, ...], db: str | None, fmt: str | None, no_embed: bool, no_samples: bool, quiet: bool) -> None:
    """Store the papers of FILES in the database as one upload (all or nothing).

    A database that does not exist yet is created and first filled with the bundled sample dumps
    (like the app's first start), unless --no-samples.

    Example: python -m ingest add ../shared/corpora/arxiv-daily-2026-05-19.jsonl --db /tmp/a.duckdb
    """
    path = store.resolve_db_path(db)
    is_new = not path.exists()
    results, hashes = pipeline.read_files(files, fmt)  # a bad file fails before the database is touched
    con = store.connect(path)
    progress = TqdmProgress(enabled=not quiet)
    try:
        embedder = None if no_embed else _embedder()
        if is_new and not no_samples:
            pipeline.build_sample_database(con, embedder, progress)
        summaries = pipeline.add_results(con, results, hashes, embedder, progress)
    finally:
        progress.close()
        con.close()
    _print_summaries(summaries)


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@db_option
@format_option
@click.option("--address", default=None, help="Ray cluster address (default: $RAY_ADDRESS, else a local Ray).")
@click.option("--num-cpus", type=click.IntRange(1), default=None, help="CPUs of the local Ray (default: all).")
@click.option("--no-embed", is_flag=True, help="Store without embedding (run `embed` later).")
@click.option("--no-samples", is_flag=True, help="Do not seed a new database with the bundled samples.")
@click.option("--part-bytes", type=click.IntRange(1), default=None, hidden=True, help="Bytes of JSON lines per parse task.")
@user_errors
def build(inputs: tuple[str, ...], db: str | None, fmt: str | None, address: str | None, num_cpus: int | None,
          no_embed: bool, no_samples: bool, part_bytes: int | None) -> None:
    """Batch-build FILES and FOLDERS into the database on Ray Data, as one upload.

    Parse, extract and embed run as Ray tasks and actors (GPUs when the cluster has them) into Parquet
    shards next to the database; one transaction then loads them. A killed build run again resumes from
    its finished shards.

    Example: python -m ingest build ../shared/corpora/ --db /tmp/a.duckdb
    """
    from .build import build as run_build

    summaries = run_build(
        inputs, store.resolve_db_path(db), fmt, address=address, num_cpus=num_cpus, embed=not no_embed,
        samples=not no_samples, report=lambda line: click.echo(line, err=True), **({"part_bytes": part_bytes} if part_bytes else {}),
    )
    _print_summaries(summaries)


def _print_summaries(summaries) -> None:
    for s in summaries:
        click.echo(
            f"{printable(s.file_name)} [{s.format}]: {s.n_records} records, {s.n_new} new, "
            f"{s.n_duplicates} duplicates, {len(s.skipped)} skipped"
        )
        for note in s.notes:
            click.echo(f"  note: {note}")
        for sk in s.skipped:
            click.echo(f"  skipped record {sk.index}: {sk.reason}")


def _embedder():
    from .embedder import get_embedder

    return get_embedder()


@cli.command(name="extract")
@click.argument("file", required=False, type=click.File("r", encoding="utf-8"))
@user_errors
def extract_cmd(file) -> None:
    """Read JSON lines {"id", "title", "abstract"} (stdin without FILE); write one extraction per line.

    Does not load the embedding model. Example: python -m ingest extract < papers.jsonl
    """
    from .extract import FIELDS, extract

    source = file or sys.stdin
    for n, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise IngestError(f"line {n}: invalid JSON ({exc.msg})") from exc
        out = extract(row.get("title") or "", row.get("abstract") or "")
        click.echo(json.dumps({"id": row.get("id"), **{k: out[k] for k in FIELDS}}, ensure_ascii=False))


@cli.command()
@db_option
@user_errors
def reextract(db: str | None) -> None:
    """Re-run the current extractor over every stored paper (one transaction)."""
    progress = TqdmProgress()
    try:
        with open_db(db) as con:
            n, reapplied = pipeline.reextract_report(con, progress)
    finally:
        progress.close()
    click.echo(f"re-extracted {n} papers")
    if reapplied.kept:
        click.echo(f"kept {len(reapplied.kept)} corrections; the new extractor now agrees with {len(reapplied.agreeing)}:")
    for c in reapplied.agreeing:
        click.echo(f"  #{c.id} {c.paper_id} {corrections_words(c)}")


def corrections_words(c) -> str:
    from .corrections import describe_field, show

    return printable(f"{describe_field(c.field, c.target)}: {show(c.before)} -> {show(c.after)} (by {c.author})")


@cli.command("export-gold")
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--checked", is_flag=True, help="Only papers marked checked (default: every corrected or checked paper).")
@db_option
@user_errors
def export_gold(out: str, checked: bool, db: str | None) -> None:
    """Write the corrected papers as OUT.jsonl + OUT.gold.jsonl in the gold format (GUIDELINES.md), to score
    an extractor with score.py or train one.

    Example: python -m ingest export-gold data/corrected && python ../shared/gold/score.py
    data/corrected.gold.jsonl predictions.jsonl
    """
    from .gold_export import export_gold as write

    with open_db(db) as con:
        n, inputs, gold = write(con, out, checked)
    click.echo(f"wrote {n} papers: {inputs} (inputs), {gold} (gold)")


@cli.command()
@db_option
@user_errors
def embed(db: str | None) -> None:
    """Embed the stored papers that have no vector yet."""
    progress = TqdmProgress()
    try:
        with open_db(db) as con:
            n = pipeline.embed_missing(con, _embedder(), progress)
    finally:
        progress.close()
    click.echo(f"embedded {n} papers")


@cli.command()
@click.option("--k", type=click.IntRange(2, 200), default=None, help="Number of topics (default: automatic).")
@db_option
@user_errors
def topics(k: int | None, db: str | None) -> None:
    """Re-cluster every paper into topics (a new topic run)."""
    with open_db(db) as con:
        pipeline.embed_missing(con, _embedder())
        run_id = pipeline.recluster(con, k)
        rows = con.execute(
            "SELECT topic_id, size, label FROM topics WHERE run_id = ? ORDER BY size DESC", [run_id]
        ).fetchall()
    click.echo(f"topic run {run_id}: {len(rows)} topics")
    for topic_id, size, label in rows:
        click.echo(f"  {topic_id:3d}  {size:6d}  {label}")


@cli.command()
@db_option
@user_errors
def uploads(db: str | None) -> None:
    """List the uploads (ingests) stored in the database."""
    with open_db(db) as con:
        rows = con.execute(
            "SELECT id, file_name, format, n_new, n_duplicates, n_skipped, finished_at FROM ingests ORDER BY id"
        ).fetchall()
    for r in rows:
        click.echo(f"{r[0]:4d}  {r[1]}  [{r[2]}]  new={r[3]} duplicates={r[4]} skipped={r[5]}  {r[6]:%Y-%m-%d %H:%M}")


@cli.command()
@click.argument("ingest_id", type=int)
@db_option
@user_errors
def remove(ingest_id: int, db: str | None) -> None:
    """Remove an upload; its papers go unless another upload also has them."""
    with open_db(db) as con:
        n = pipeline.remove_upload(con, ingest_id)
    click.echo(f"removed upload {ingest_id} and {n} papers only it had")


def _gold_papers(gold_dir: str | None, load):
    """`load(directory)` on the --gold folder, its missing or mismatched files said in one line."""
    from pathlib import Path

    from .extract import gold

    try:
        return load(Path(gold_dir) if gold_dir else gold.GOLD_DIR)
    except (FileNotFoundError, ValueError) as exc:
        raise IngestError(str(exc)) from exc


gold_option = click.option(
    "--gold", "gold_dir", type=click.Path(exists=True, file_okay=False), default=None,
    help="Folder with seeds/arxiv .jsonl + .gold.jsonl and score.py (default: tests/fixtures/gold).",
)


@cli.command(name="train-extractor")
@gold_option
@user_errors
def train_extractor(gold_dir: str | None) -> None:
    """Train the extractor's learned parts on both gold sets and write their model files.

    Deterministic: the same gold gives the same files. Example: python -m ingest train-extractor
    """
    from .extract import gold, training

    papers = _gold_papers(gold_dir, lambda d: [p for name in gold.SETS for p in gold.load(name, d)])
    trained = training.train_all(papers, progress=lambda name: click.echo(f"training {name} ...", err=True))
    for path in training.write_models(trained):
        click.echo(f"wrote {path} ({path.stat().st_size:,} bytes)")


@cli.command(name="evaluate-extractor")
@gold_option
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Also write the table to this file.")
@user_errors
def evaluate_extractor(gold_dir: str | None, folds: int, out: str | None) -> None:
    """Score the extractor in-sample, across sources (trained on one gold set, scored on the other) and by
    k-fold cross-validation; prints a Markdown table. Takes a few minutes (it trains 2 + 1 + folds times)."""
    from pathlib import Path

    from .extract import training

    rows = _gold_papers(gold_dir, lambda d: training.evaluate(d, folds=folds,
                                                              progress=lambda msg: click.echo(msg, err=True)))
    table = training.markdown(rows)
    click.echo(table)
    if out:
        Path(out).write_text(table, encoding="utf-8")


@cli.command()
@db_option
@click.option("--quiet", is_flag=True, help="No progress bars.")
@user_errors
def prepare(db: str | None, quiet: bool) -> None:
    """Get the first start ready: convert the embedding model (cached) and, when the database is empty,
    build it from the bundled samples with topics and the search index. `make run` runs this after
    installing, so the app opens on the sample data in seconds instead of building it on first visit."""
    embedder = _embedder()
    progress = TqdmProgress(enabled=not quiet)
    try:
        with open_db(db) as con:
            if not pipeline.is_empty(con):
                click.echo(f"{store.resolve_db_path(db)} already holds papers; model ready")
                return
            summaries = pipeline.build_sample_database(con, embedder, progress)
    finally:
        progress.close()
    from . import lexical

    lexical.wait()  # the search index too, before the app starts
    click.echo(f"model ready; {sum(s.n_new for s in summaries):,} sample papers stored in {store.resolve_db_path(db)}")


def _add_export() -> None:
    from .export_cli import export

    cli.add_command(export)


_add_export()


def main() -> None:
    cli(prog_name="python -m ingest")


if __name__ == "__main__":
    main()
