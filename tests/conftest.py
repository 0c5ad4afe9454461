"""Shared fixtures. The real embedding model and real DuckDB files are used wherever users meet them."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# `make test` (and CI) draws the same hypothesis examples every run, so a red run can be reproduced and a
# submission never fails on an example no earlier run drew; `HYPOTHESIS_PROFILE=explore make test` draws new
# ones to hunt for bugs.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLES = ROOT / "data" / "samples"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path for a new database file (not created yet)."""
    return tmp_path / "atlas.duckdb"


@pytest.fixture
def fresh_db(db_path: Path):
    """An open, migrated, empty database file."""
    from ingest import store

    con = store.connect(db_path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def real_embedder():
    """The shipped all-MiniLM-L6-v2 model, loaded once per test session."""
    from ingest.embedder import get_embedder

    return get_embedder()


@pytest.fixture(scope="session")
def _sample_db_master(tmp_path_factory, real_embedder) -> Path:
    from ingest import pipeline, store

    path = tmp_path_factory.mktemp("sample") / "atlas.duckdb"
    con = store.connect(path)
    pipeline.build_sample_database(con, real_embedder)
    con.close()
    return path


@pytest.fixture
def sample_db_path(_sample_db_master: Path, tmp_path: Path) -> Path:
    """A private copy of the sample database (278 papers, real embeddings, one topic run)."""
    path = tmp_path / "sample.duckdb"
    shutil.copy(_sample_db_master, path)
    return path
