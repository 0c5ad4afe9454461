"""`python -m ingest export`: the Export page's files from the command line.

A click command object so `ingest/cli.py` can `cli.add_command(export)`; it reads through
`queries.export_papers` / `export_claims` and writes through `export.export_bytes`, the same code as the
page, so both give byte-identical files for the same database.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import export as exporter
from . import queries, store
from .errors import IngestError


@click.command(name="export")
@click.option("--format", "fmt", type=click.Choice(exporter.FORMATS), default="csv", show_default=True,
              help="File format.")
@click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
              help="Database file (default: $ATLAS_DB, else data/atlas.duckdb).")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Output file (default: standard output).")
@click.option("--claims", is_flag=True,
              help="Export the claims table (one row per claim) instead of the papers.")
@click.option("--points", is_flag=True,
              help="Export the trade-off points (one row per plotted point) instead of the papers.")
@click.option("--corrections", is_flag=True,
              help="Export people's corrections (one row each, undone ones too) instead of the papers.")
def export(fmt: str, db: str | None, out: str | None, claims: bool, points: bool, corrections: bool) -> None:
    """Write every paper (one row each) or, with --claims / --points, every claim / trade-off point, as CSV,
    Excel, Parquet, JSON or BibTeX.

    Example: python -m ingest export --format xlsx --out papers.xlsx
    """
    try:
        con = store.connect(store.resolve_db_path(db), read_only=True)
    except IngestError as exc:
        raise click.ClickException(str(exc)) from exc
    tables = {"claims": queries.export_claims, "points": queries.export_points, "corrections": queries.export_corrections}
    chosen = [name for name, flag in (("claims", claims), ("points", points), ("corrections", corrections)) if flag]
    if len(chosen) > 1:
        raise click.UsageError("give one of --claims, --points, --corrections")
    try:
        if chosen:
            what = chosen[0]
            if fmt == "bibtex":
                raise click.UsageError(f"{what} cannot be exported as BibTeX; use csv, xlsx, parquet or json")
            data = exporter.claims_bytes(fmt, tables[what](con), what)
        else:
            nested = fmt in ("xlsx", "json")
            data = exporter.export_bytes(fmt, queries.export_papers(con),
                                         *[tables[name](con) if nested else None for name in tables])
    finally:
        con.close()
    if out:
        Path(out).write_bytes(data)
        click.echo(f"wrote {out} ({len(data):,} bytes)", err=True)
    else:
        if fmt in ("xlsx", "parquet") and sys.stdout.isatty():
            raise click.UsageError(f"{fmt} is binary: give --out FILE or redirect standard output")
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
