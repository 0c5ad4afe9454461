"""`python -m ingest prepare` (run by `make run` after installing): the first start finds its database built."""
from __future__ import annotations

from click.testing import CliRunner

from ingest import cli as cli_module
from ingest import lexical, store


def test_prepare_builds_the_sample_database_once(db_path, monkeypatch):
    monkeypatch.setattr(cli_module, "_embedder", lambda: None)  # the model has its own tests; keep this fast
    first = CliRunner().invoke(cli_module.cli, ["prepare", "--db", str(db_path), "--quiet"], catch_exceptions=False)
    assert first.exit_code == 0 and "278 sample papers stored" in first.output
    con = store.connect(db_path)
    try:
        assert con.execute("SELECT count(*) FROM papers").fetchone()[0] == 278
        assert (lexical.index_root(db_path) / lexical.CURRENT).read_text() == lexical.fingerprint(con)
    finally:
        con.close()
    again = CliRunner().invoke(cli_module.cli, ["prepare", "--db", str(db_path), "--quiet"], catch_exceptions=False)
    assert again.exit_code == 0 and "already holds papers" in again.output
