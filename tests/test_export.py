"""Export bytes parse back to exactly the filtered rows; formulas are neutralised; the CLI works."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest import export as X  # noqa: E402
from ingest import queries as Q  # noqa: E402
from ingest import store  # noqa: E402
from ingest.export_cli import export as export_cmd  # noqa: E402
from tests.dashboard_data import EVIL_TITLE, make_db  # noqa: E402

REQUIRED = ["id", "title", "arxiv_id", "doi", "method", "domains", "topic_id", "topic_label", "best_speedup",
            "quality_change", "quality_note", "n_claims"]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return make_db(tmp_path_factory.mktemp("x") / "atlas.duckdb", 40)


@pytest.fixture(scope="module")
def frames(db):
    con = store.connect(db, read_only=True)
    f = Q.Filters(domains=("nlp",))
    papers, claims = Q.export_papers(con, f), Q.export_claims(con, f)
    con.close()
    return papers, claims


def test_neutralise_cell():
    assert X.neutralise_cell("=1+1") == "'=1+1"
    for s in ("+1", "-cmd", "@SUM(A1)", "\t=x", "\r=x"):
        assert X.neutralise_cell(s).startswith("'")
    assert X.neutralise_cell("safe = text") == "safe = text"
    assert X.neutralise_cell(-1.5) == -1.5


def test_csv_roundtrip_and_neutralised(frames):
    papers, _ = frames
    back = pd.read_csv(io.BytesIO(X.to_csv(papers)), encoding="utf-8-sig")
    assert list(back["id"]) == list(papers["id"])
    assert set(REQUIRED) <= set(back.columns)
    evil = back.loc[back["id"] == "p000000", "title"].iloc[0]
    assert evil == "'" + EVIL_TITLE
    assert back.loc[back["id"] == "p000000", "domains"].iloc[0] == "; ".join(papers.loc[papers["id"] == "p000000", "domains"].iloc[0])
    assert not any(str(v).startswith(("=", "+", "@")) for v in back.select_dtypes("object").to_numpy().ravel())
    pd.testing.assert_series_equal(back["quality_change"], papers["quality_change"], check_names=False)


def test_xlsx_has_papers_and_claims(frames):
    papers, claims = frames
    book = pd.read_excel(io.BytesIO(X.to_xlsx(papers, claims)), sheet_name=None)
    assert list(book["papers"]["id"]) == list(papers["id"])
    assert len(book["claims"]) == len(claims)
    assert book["papers"].loc[0, "title"].startswith("'=")


def test_parquet_keeps_types(frames):
    papers, _ = frames
    back = pd.read_parquet(io.BytesIO(X.to_parquet(papers)))
    assert list(back["id"]) == list(papers["id"])
    assert list(back.loc[0, "domains"]) == list(papers.loc[0, "domains"])
    assert back.loc[0, "title"] == EVIL_TITLE  # not a spreadsheet format: kept verbatim


def test_json_nests_claims(frames):
    papers, claims = frames
    rows = json.loads(X.to_json(papers, claims))
    assert [r["id"] for r in rows] == list(papers["id"])
    assert sum(len(r["claims"]) for r in rows) == len(claims)
    assert all(r["best_speedup"] is None or isinstance(r["best_speedup"], float) for r in rows)


def test_bibtex_entries_are_escaped_and_unique(frames):
    papers, _ = frames
    text = X.to_bibtex(papers).decode()
    assert text.count("@misc{") + text.count("@article{") == len(papers)
    keys = [line.split("{", 1)[1].rstrip(",") for line in text.splitlines() if line.startswith("@")]
    assert len(set(keys)) == len(keys)
    assert text.count("{") - text.count("\\{") == text.count("}") - text.count("\\}")
    tricky = pd.DataFrame([{"id": "a", "title": "50% of {braces} & $math$ under_score", "authors": ["Jane Doe"], "year": 2024}])
    out = X.to_bibtex(tricky).decode()
    assert r"50\% of \{braces\} \& \$math\$ under\_score" in out and "doe2024braces" in out


def test_export_filename_is_safe():
    name = X.export_filename([("domain", ["nlp", "vision"]), ("q", "../../etc/passwd"), ("both", True)], "csv")
    assert name == "atlas-papers_domain-nlp-vision_q-etc-passwd_both.csv"
    assert X.export_filename([], "bibtex") == "atlas-papers.bib"


@pytest.mark.parametrize("fmt", X.FORMATS)
def test_cli_exports_every_paper(db, tmp_path, fmt):
    out = tmp_path / f"all.{X.EXTENSIONS[fmt]}"
    result = CliRunner().invoke(export_cmd, ["--format", fmt, "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if fmt == "csv":
        frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    elif fmt == "xlsx":
        frame = pd.read_excel(io.BytesIO(data), sheet_name="papers")
    elif fmt == "parquet":
        frame = pd.read_parquet(io.BytesIO(data))
    elif fmt == "json":
        frame = pd.DataFrame(json.loads(data))
    else:
        assert data.decode().count("\n@") + 1 == 40
        return
    assert len(frame) == 40 and frame["id"].is_unique
    assert set(REQUIRED) <= set(frame.columns)


def test_cli_claims_and_errors(db, tmp_path):
    out = tmp_path / "claims.csv"
    result = CliRunner().invoke(export_cmd, ["--format", "csv", "--claims", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0
    claims = pd.read_csv(out, encoding="utf-8-sig")
    assert {"paper_id", "category", "value", "text"} <= set(claims.columns) and len(claims) > 0
    bad = CliRunner().invoke(export_cmd, ["--format", "bibtex", "--claims", "--db", str(db)])
    assert bad.exit_code != 0 and "BibTeX" in bad.output
    missing = CliRunner().invoke(export_cmd, ["--db", str(tmp_path / "nope.duckdb")])
    assert missing.exit_code == 1 and "Traceback" not in missing.output and "no database" in missing.output
    stdout = CliRunner().invoke(export_cmd, ["--format", "json", "--db", str(db)])
    assert stdout.exit_code == 0 and len(json.loads(stdout.stdout_bytes)) == 40
