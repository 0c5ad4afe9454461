"""The `points` table: written with the claims, rebuilt by reextract, removed with its paper, backfilled by its
migration, exported."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest import export as X  # noqa: E402
from ingest import pipeline, store  # noqa: E402
from ingest import queries as Q  # noqa: E402
from ingest.export_cli import export as export_cmd  # noqa: E402
from ingest.extract import extract  # noqa: E402
from ingest.records import ReadResult, Record  # noqa: E402

TWO_SETTINGS = ("Using the LLaMA family, we maintain 96.7% of the 11B model's performance (50.4% vs 52.1%) while "
                "decreasing computational cost by 41.5%. In the Qwen family we achieve 92.9% of the 14B model's "
                "performance (74.3% vs 80.0%) while decreasing computational cost by 67%.")
NOTE = "Our kernel is 3.1x faster with no accuracy loss."
NONE = "We reduce memory by 40%. Separately, a new loss improves accuracy by 2 points on GLUE."


def upload(con, name: str = "u.jsonl", **papers: str):
    records = [Record(title=t, abstract=a) for t, a in papers.items()]
    return pipeline.add_results(con, [ReadResult(source=name, format="arxiv_jsonl", records=records)], [name])[0]


def stored(con) -> pd.DataFrame:
    return con.execute("SELECT p.title, pt.* FROM points pt JOIN papers p ON p.id = pt.paper_id "
                       "ORDER BY p.title, pt.idx").df()


def test_an_upload_stores_each_paper_s_points(fresh_db):
    upload(fresh_db, EAD=TWO_SETTINGS, Kernel=NOTE, Apart=NONE)
    pts = stored(fresh_db)
    ead = pts[pts["title"] == "EAD"]
    assert set(ead["axis"]) == {"compute"} and not ead["with_note"].any()
    # one setting per model pair, each at the points its own scores give (the extractor may also list the
    # parenthesised scores as a claim of their own: those pair with the same gain and land on the same y)
    in_points = ead[ead["y_kind"] == "points"]
    by_x = {round(x, 3): sorted({round(y, 1) for y in g["y"]}) for x, g in in_points.groupby("x")}
    assert by_x == {1.709: [-1.7], 3.030: [-5.7]}
    claims = fresh_db.execute("SELECT idx, text FROM claims WHERE paper_id = ?", [ead["paper_id"].iloc[0]]).fetchall()
    texts = dict(claims)
    assert [texts[i] for i in ead["gain_idx"]] == list(ead["gain_text"])
    assert [texts[int(i)] for i in ead["quality_idx"]] == list(ead["quality_text"])
    kernel = pts[pts["title"] == "Kernel"].iloc[0]
    assert kernel["with_note"] and pd.isna(kernel["quality_idx"]) and kernel["y"] == 0
    assert kernel["y_kind"] == "lossless" and kernel["x"] == 3.1
    assert "Apart" not in set(pts["title"])
    # the stored rows are what extract() pairs
    ex = extract("EAD", TWO_SETTINGS)
    assert [(p["gain"], p["quality"]) for p in ex["points"]] == list(zip(ead["gain_idx"], ead["quality_idx"]))


def test_reextract_rebuilds_and_removal_deletes_points(fresh_db):
    upload(fresh_db, EAD=TWO_SETTINGS, Kernel=NOTE)
    before = stored(fresh_db).drop(columns="paper_id")
    fresh_db.execute("DELETE FROM points")
    fresh_db.execute("INSERT INTO points SELECT id, 99, 0, NULL, true, NULL, 'speed', 1, 0, 'lossless', 'x', 'y' "
                     "FROM papers")  # stale rows a re-extraction must replace
    assert pipeline.reextract(fresh_db) == 2
    pd.testing.assert_frame_equal(stored(fresh_db).drop(columns="paper_id"), before)
    upload(fresh_db, name="second.jsonl", Other=NOTE.replace("3.1x", "2.2x"))
    assert store.remove_ingest(fresh_db, 1) == 2
    assert list(stored(fresh_db)["title"]) == ["Other"]


def test_the_migration_backfills_points_from_stored_claims(db_path):
    con = store.connect(db_path)
    upload(con, EAD=TWO_SETTINGS, Kernel=NOTE)
    want = stored(con)
    # a database from before the points table: no table, no record of its migration
    con.execute("DROP TABLE points")
    con.execute("DELETE FROM _migrations WHERE name = '007_points'")
    con.close()
    con = store.connect(db_path)
    pd.testing.assert_frame_equal(stored(con), want)
    con.close()


def test_exports_carry_the_points(fresh_db, tmp_path):
    upload(fresh_db, EAD=TWO_SETTINGS, Kernel=NOTE)
    papers, claims, points = Q.export_papers(fresh_db), Q.export_claims(fresh_db), Q.export_points(fresh_db)
    assert len(points) == len(stored(fresh_db)) >= 3
    assert {"gain_factor", "quality_change", "quality_kind", "same_baseline"} <= set(points.columns)
    sheet = pd.read_excel(io.BytesIO(X.export_bytes("xlsx", papers, claims, points)), sheet_name="points")
    assert list(sheet["gain_text"]) == list(points["gain_text"])
    nested = json.loads(X.export_bytes("json", papers, claims, points))
    by_title = {p["title"]: p for p in nested}
    assert [p["quality_kind"] for p in by_title["Kernel"]["points"]] == ["lossless"]
    assert len(by_title["EAD"]["points"]) == len(points) - 1
    path = str(fresh_db.execute("PRAGMA database_list").fetchone()[2])
    fresh_db.close()
    out = tmp_path / "points.csv"
    result = CliRunner().invoke(export_cmd, ["--format", "csv", "--points", "--db", path, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out, encoding="utf-8-sig")) == len(points)
    both = CliRunner().invoke(export_cmd, ["--format", "csv", "--points", "--claims", "--db", path])
    assert both.exit_code != 0 and "give one of" in both.output
    bib = CliRunner().invoke(export_cmd, ["--format", "bibtex", "--points", "--db", path])
    assert bib.exit_code != 0 and "points cannot be exported as BibTeX" in bib.output
