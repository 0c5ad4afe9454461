"""`python -m ingest`: the command-line contract other tools and the README rely on."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest import store
from ingest.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
CORPORA = ROOT / "tests" / "fixtures" / "corpora"
DAILY = [CORPORA / "arxiv-daily-2026-05-19.jsonl", CORPORA / "arxiv-daily-2026-06-02.jsonl"]


def run(*args: str):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result


def count_papers(db: Path) -> int:
    con = store.connect(db)
    try:
        return con.execute("SELECT count(*) FROM papers").fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize(
    "name, expected", [("000_423b64eaf3071395.txt", 81), ("001_43439270bb8cae3a.txt", 200)]
)
def test_parse_prints_one_clean_json_line_per_paper(name, expected):
    result = run("parse", SAMPLES / name)
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == expected
    for row in rows:
        assert row["title"] and row["abstract"]
        assert not row["title"].startswith("Subscribe")
        assert "Daily Papers" not in row["title"] and "email inbox" not in row["abstract"]


def test_the_sample_database_holds_278_distinct_papers(db_path):
    result = run("add", *sorted(SAMPLES.glob("*.txt")), "--db", db_path, "--no-embed", "--no-samples", "--quiet")
    assert result.exit_code == 0, result.output
    assert count_papers(db_path) == 278
    assert "3 duplicates" in result.output


def test_both_arxiv_daily_files_store_1338_papers_and_a_second_add_stores_nothing(db_path):
    first = run("add", *DAILY, "--db", db_path, "--no-embed", "--no-samples", "--quiet")
    assert first.exit_code == 0, first.output
    assert count_papers(db_path) == 1338
    again = run("add", DAILY[1], "--db", db_path, "--no-embed", "--quiet")
    assert again.exit_code == 0
    assert " 0 new" in again.output
    assert count_papers(db_path) == 1338


def test_a_new_database_starts_with_the_samples(db_path):
    result = run("add", CORPORA / "arxiv-api-checkerboard.atom.xml", "--db", db_path, "--no-embed", "--quiet")
    assert result.exit_code == 0, result.output
    assert count_papers(db_path) == 278 + 1


def test_gzip_files_are_read_like_plain_ones(db_path, tmp_path):
    packed = tmp_path / "daily.jsonl.gz"
    packed.write_bytes(gzip.compress(DAILY[0].read_bytes()))
    out = run("parse", packed)
    assert out.exit_code == 0
    assert len(out.stdout.splitlines()) == len(run("parse", DAILY[0]).stdout.splitlines())


def test_a_bad_file_is_one_line_error_and_the_database_is_untouched(db_path, tmp_path):
    run("add", DAILY[0], "--db", db_path, "--no-embed", "--no-samples", "--quiet")
    before = count_papers(db_path)
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    result = CliRunner().invoke(cli, ["add", str(DAILY[1]), str(empty), "--db", str(db_path), "--no-embed"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("Error: empty.json:")
    assert count_papers(db_path) == before


def test_extract_reads_json_lines_and_keeps_their_order():
    lines = [
        {"id": "a", "title": "Fast", "abstract": "Our method is 2.7x faster with less than 1% accuracy drop."},
        {"id": "b", "title": "Slow", "abstract": "We study things."},
    ]
    stdin = "\n".join(json.dumps(x) for x in lines) + "\n"
    result = CliRunner().invoke(cli, ["extract"], input=stdin)
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert list(rows[0]) == ["id", "method", "domains", "tradeoffs", "quality_note", "claims", "points"]
    assert rows[0]["points"] == [{"gain": 0, "quality": 1, "same_baseline": None}]


def test_extract_does_not_load_the_embedding_model():
    code = (
        "import sys, io; sys.stdin = io.StringIO('{\"id\":1,\"title\":\"t\",\"abstract\":\"2x faster\"}\\n')\n"
        "from ingest.cli import cli\n"
        "try:\n    cli(['extract'])\nexcept SystemExit:\n    pass\n"
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules, 'model loaded'\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr


def test_python_dash_m_ingest_exits_non_zero_on_failure(tmp_path):
    missing_abstracts = tmp_path / "table.csv"
    missing_abstracts.write_text("Title,Year\nA paper,2024\n")
    out = subprocess.run(
        [sys.executable, "-m", "ingest", "parse", str(missing_abstracts)], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode != 0
    assert "table.csv" in out.stderr and "Traceback" not in out.stderr


def test_uploads_lists_history_and_remove_takes_one_back(db_path):
    run("add", DAILY[0], "--db", db_path, "--no-embed", "--no-samples", "--quiet")
    before = count_papers(db_path)  # the daily dump lists some papers twice (623 distinct of 826 lines)
    run("add", CORPORA / "arxiv-api-checkerboard.atom.xml", "--db", db_path, "--no-embed", "--quiet")
    listing = run("uploads", "--db", db_path).output.splitlines()
    assert len(listing) == 2 and "arxiv-api-checkerboard.atom.xml" in listing[1]
    result = run("remove", "2", "--db", db_path)
    assert result.exit_code == 0 and "1 papers only it had" in result.output
    assert count_papers(db_path) == before
    missing = CliRunner().invoke(cli, ["remove", "99", "--db", str(db_path)])
    assert missing.exit_code == 1 and "no upload with id 99" in missing.output


def test_reextract_reports_every_stored_paper(db_path):
    run("add", DAILY[0], "--db", db_path, "--no-embed", "--no-samples", "--quiet")
    result = run("reextract", "--db", db_path)
    assert result.exit_code == 0 and f"re-extracted {count_papers(db_path)} papers" in result.output


def test_titles_from_files_cannot_send_escape_sequences_to_the_terminal(tmp_path):
    dump = tmp_path / "evil.jsonl"
    dump.write_text(json.dumps({"id": "2401.00001", "title": "Evil \u001b[2J title", "summary": ""}) + "\n"
                    + json.dumps({"id": "2401.00002", "title": "Good", "summary": "A real abstract about speed."}) + "\n")
    result = CliRunner().invoke(cli, ["parse", str(dump)])
    assert result.exit_code == 0
    assert "\x1b" not in result.stderr and "Evil  [2J title" in result.stderr


@pytest.mark.parametrize("command", ["train-extractor", "evaluate-extractor"])
def test_training_commands_say_which_gold_file_is_missing(command, tmp_path):
    result = CliRunner().invoke(cli, [command, "--gold", str(tmp_path)])
    assert result.exit_code == 1
    assert "seeds.jsonl is missing (copy it from ../shared/gold/)" in result.output
    assert "Traceback" not in result.output
