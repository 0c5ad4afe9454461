"""Every setting the app reads, as one table of name, default and help (shown on the Upload page).

Settings come from environment variables so a deployment (Docker, systemd, CI) configures the app
without editing files; `get_settings()` parses them once and clamps nonsense to the default.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ingest.store import resolve_db_path

SETTINGS: list[tuple[str, str, str]] = [
    ("ATLAS_DB", "data/atlas.duckdb", "Database file. Created and filled with the bundled samples at first start."),
    ("ATLAS_READONLY", "0", "1: no upload, removal, re-clustering or correction (the Upload page and every edit control are hidden)."),
    ("ATLAS_UPLOAD_PASSWORD", "", "When set, uploads, removals, re-clustering and corrections ask for this password."),
    ("ATLAS_MAX_UPLOAD_MB", "200", "Largest file (and largest pasted text) accepted, in megabytes."),
    ("ATLAS_MAX_RECORDS", "200000", "Most records one upload may hold."),
    ("ATLAS_TABLE_ROWS", "2000", "Most rows the Papers table sends to the browser (sorted server-side first)."),
    ("ATLAS_PLOT_POINTS", "2000", "Most points drawn on the trade-off plot (the frontier is always drawn; the rest a stable sample)."),
    ("ATLAS_MAP_POINTS", "10000", "Most papers drawn on the topic map (a stable sample when more match; every rerun resends them)."),
    ("ATLAS_EXPORT_EAGER_ROWS", "20000", "Exports of up to this many papers are prepared with the page; larger ones when the button is clicked."),
    ("ATLAS_MODEL_CACHE", "data/cache/model", "Where the converted embedding model is kept."),
]


@dataclass(frozen=True)
class Settings:
    db_path: Path
    read_only: bool
    upload_password: str
    max_upload_mb: int
    max_records: int
    table_rows: int
    plot_points: int
    map_points: int
    export_eager_rows: int


def _int(name: str, default: int, low: int = 1) -> int:
    try:
        value = int(os.environ.get(name, "").strip() or default)
    except ValueError:
        return default
    return value if value >= low else default


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def get_settings() -> Settings:
    return Settings(
        db_path=resolve_db_path(),
        read_only=_flag("ATLAS_READONLY"),
        upload_password=os.environ.get("ATLAS_UPLOAD_PASSWORD", ""),
        max_upload_mb=_int("ATLAS_MAX_UPLOAD_MB", 200),
        max_records=_int("ATLAS_MAX_RECORDS", 200_000),
        table_rows=_int("ATLAS_TABLE_ROWS", 2000),
        plot_points=_int("ATLAS_PLOT_POINTS", 2_000),
        map_points=_int("ATLAS_MAP_POINTS", 10_000),
        export_eager_rows=_int("ATLAS_EXPORT_EAGER_ROWS", 20_000),
    )
