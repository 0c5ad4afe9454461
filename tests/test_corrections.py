"""Corrections: people's edits kept as data over the extractor's output, on a real DuckDB file.

Each test reads as a use: correct a claim, add one by its words, delete one, fix a method, undo, re-extract,
remove an upload, a stale edit refused."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest import corrections as C  # noqa: E402
from ingest import pipeline, store  # noqa: E402
from ingest import queries as Q  # noqa: E402
from ingest.records import ReadResult, Record  # noqa: E402

KERNEL = ("We present FlashKern, a fused attention kernel. FlashKern is 3.1x faster than the baseline and "
          "reduces memory by 40% while improving accuracy by 2 points on GLUE.")
OTHER = "We study pruning. Pruning half the weights keeps 98% of accuracy."


def upload(con, name: str = "u.jsonl", **papers: str) -> int:
    records = [Record(title=t, abstract=a) for t, a in papers.items()]
    return pipeline.add_results(con, [ReadResult(source=name, format="arxiv_jsonl", records=records)], [name])[0].ingest_id


def paper(con, title: str = "Kern") -> str:
    return con.execute("SELECT id FROM papers WHERE title = ?", [title]).fetchone()[0]


def facts(con, pid: str) -> dict:
    cur = con.execute("SELECT * FROM paper_facts WHERE id = ?", [pid])
    return dict(zip([d[0] for d in cur.description], cur.fetchone()))


def claim_at(con, pid: str, text: str) -> dict:
    return next(c for c in C.stored_extraction(con, pid)["claims"] if c["text"] == text)


@pytest.fixture
def kern(fresh_db):
    upload(fresh_db, Kern=KERNEL, Other=OTHER)
    return fresh_db, paper(fresh_db)


def test_correcting_a_claim_s_value_and_direction_changes_claims_points_and_facts(kern):
    con, pid = kern
    speed = claim_at(con, pid, "3.1x faster")
    assert facts(con, pid)["best_speedup"] == pytest.approx(3.1)
    C.correct(con, pid, "claim", C.claim_view(speed), {**C.claim_view(speed), "value": 4.2}, C.span_key(speed), "ana")
    assert claim_at(con, pid, "3.1x faster")["value"] == 4.2
    row = facts(con, pid)
    assert row["best_speedup"] == pytest.approx(4.2) and row["corrected"] and not row["checked"]
    assert 4.2 in set(con.execute("SELECT x FROM points WHERE paper_id = ?", [pid]).df()["x"])
    assert not facts(con, paper(con, "Other"))["corrected"]  # only the corrected paper is marked


def test_undo_restores_the_extractor_s_output(kern):
    con, pid = kern
    before = C.stored_extraction(con, pid)
    speed = claim_at(con, pid, "3.1x faster")
    c = C.correct(con, pid, "claim", speed, {**C.claim_view(speed), "direction": "overhead"}, C.span_key(speed))
    C.correct(con, pid, "method", before["method"], "FlashKern-2")
    assert C.stored_extraction(con, pid)["method"] == "FlashKern-2"
    assert facts(con, pid)["best_speedup"] is None  # an overhead is no speed-up
    for correction in reversed(C.active(con, pid)):
        C.undo(con, correction.id, "ana")
    assert C.stored_extraction(con, pid) == before
    assert not facts(con, pid)["corrected"]
    assert [r for r in Q.recent_corrections(con)["undone_by"]] == ["ana", "ana"]  # the audit keeps both, marked undone
    with pytest.raises(C.StaleEdit, match="already undone"):
        C.undo(con, c.id)


def test_adding_a_claim_by_its_words_and_deleting_one(kern):
    con, pid = kern
    abstract = con.execute("SELECT abstract FROM papers WHERE id = ?", [pid]).fetchone()[0]
    start, end = C.locate(abstract, "improving accuracy by 2 points")
    target = f"{start}:{end}"
    existing = C.current_value(C.stored_extraction(con, pid), "claim", target)
    new = C.make_claim(abstract, start, end, "quality", 2.0, "pp", "gain")
    if existing is not None:  # the extractor found it: delete it first, then add it back as a person's claim
        C.correct(con, pid, "claim", existing, None, target)
    C.correct(con, pid, "claim", None, new, target, note="missed by the extractor")
    assert claim_at(con, pid, "improving accuracy by 2 points")["unit"] == "pp"
    assert facts(con, pid)["quality_change"] == 2.0
    memory = claim_at(con, pid, "40%")
    C.correct(con, pid, "claim", memory, None, C.span_key(memory))
    texts = [c["text"] for c in C.stored_extraction(con, pid)["claims"]]
    assert "40%" not in texts and facts(con, pid)["memory_reduction"] is None


def test_apply_is_pure_and_follows_claims_by_their_span():
    """Deleting the first claim moves the others down; the trade-off point still pairs the same two spans."""
    ex = {"method": "M", "claims": [
        {"category": "memory", "value": 40.0, "unit": "%", "direction": "reduction", "text": "40%", "start": 0, "end": 3},
        {"category": "speed", "value": 2.0, "unit": "x", "direction": "increase", "text": "2x", "start": 10, "end": 12},
        {"category": "quality", "value": 1.0, "unit": "pp", "direction": "drop", "text": "1 point", "start": 20, "end": 27}],
        "points": [{"gain": 1, "quality": 2, "same_baseline": True}, {"gain": 0, "quality": 2, "same_baseline": None}]}
    out = C.apply(ex, [C.Correction("claim", "0:3", ex["claims"][0], None), C.Correction("method", "", "M", "N")])
    assert [c["text"] for c in out["claims"]] == ["2x", "1 point"] and out["method"] == "N"
    assert out["points"] == [{"gain": 0, "quality": 1, "same_baseline": True}]  # the deleted claim's point went with it
    assert len(ex["claims"]) == 3 and ex["method"] == "M"  # the input is untouched
    assert C.agrees(C.Correction("method", "", "M", "N"), out) and not C.agrees(C.Correction("method", "", "N", "M"), out)


def test_a_phrase_must_be_in_the_abstract_once_or_be_picked():
    text = "2x faster on A and 2x faster on B."
    with pytest.raises(C.CorrectionError, match="not in the abstract"):
        C.locate(text, "3x faster")
    with pytest.raises(C.CorrectionError, match="appears 2 times"):
        C.locate(text, "2x faster")
    assert C.locate(text, "2x faster", occurrence=2) == (19, 28)
    with pytest.raises(C.CorrectionError, match="direction is one of gain, drop"):
        C.make_claim(text, 0, 9, "quality", 2, "x", "increase")


def test_a_stale_edit_is_refused_and_nothing_is_written(kern):
    con, pid = kern
    method = C.stored_extraction(con, pid)["method"]
    C.correct(con, pid, "method", method, "KernA", author="ana")
    n = con.execute("SELECT count(*) FROM corrections").fetchone()[0]
    version = con.execute("SELECT n FROM data_version").fetchone()[0]
    with pytest.raises(C.StaleEdit, match="changed since you opened it .*KernA"):
        C.correct(con, pid, "method", method, "KernB", author="bo")  # bo's page still showed the old method
    assert C.stored_extraction(con, pid)["method"] == "KernA"
    assert con.execute("SELECT count(*) FROM corrections").fetchone()[0] == n
    assert con.execute("SELECT n FROM data_version").fetchone()[0] == version


def test_checked_mark_and_domains_and_points(kern):
    con, pid = kern
    C.correct(con, pid, "checked", False, True, author="ana")
    row = facts(con, pid)
    assert row["checked"] and not row["corrected"]
    ex = C.stored_extraction(con, pid)
    C.correct(con, pid, "domains", ex["domains"], ["systems", "language"])
    assert list(facts(con, pid)["domains"]) == ["systems", "language"]
    pairs = C.point_pairs(ex)
    assert pairs  # the extractor paired the speed-up with the accuracy gain
    C.correct(con, pid, "points", pairs, [])  # no point is right for this paper
    assert con.execute("SELECT count(*) FROM points WHERE paper_id = ?", [pid]).fetchone()[0] == 0
    C.correct(con, pid, "points", [], pairs[:1])
    assert C.point_pairs(C.stored_extraction(con, pid)) == pairs[:1]


def test_reextract_keeps_every_correction_and_says_which_agree(kern):
    con, pid = kern
    ex = C.stored_extraction(con, pid)
    speed = claim_at(con, pid, "3.1x faster")
    C.correct(con, pid, "claim", speed, {**C.claim_view(speed), "value": 4.2}, C.span_key(speed))
    C.correct(con, pid, "method", ex["method"], "FlashKern-2")
    C.correct(con, pid, "method", "FlashKern-2", ex["method"])  # back to what the extractor says
    n, report = pipeline.reextract_report(con)
    assert n == 2 and len(report.kept) == 3
    assert [c.after for c in report.agreeing] == [ex["method"]]
    assert claim_at(con, pid, "3.1x faster")["value"] == 4.2 and facts(con, pid)["corrected"]
    first = [c for c in C.active(con, pid) if c.field == "claim"][0]
    C.undo(con, first.id)
    assert claim_at(con, pid, "3.1x faster")["value"] == 3.1  # the new extractor's output is the base


def test_removing_an_upload_keeps_corrections_of_papers_another_upload_has(fresh_db):
    con = fresh_db
    first = upload(con, "a.jsonl", Kern=KERNEL, Other=OTHER)
    upload(con, "b.jsonl", Kern=KERNEL)
    kern, other = paper(con), paper(con, "Other")
    for pid in (kern, other):
        C.correct(con, pid, "checked", False, True)
    store.remove_ingest(con, first)
    assert {c.paper_id for c in C.active(con)} == {kern}
    assert facts(con, kern)["checked"]


# ---------------------------------------------------------------- the CLI: reextract and export-gold

def test_cli_reextract_says_which_corrections_agree_and_export_gold_scores_one_against_itself(db_path, tmp_path):
    from click.testing import CliRunner

    from ingest.cli import cli
    from ingest.extract import gold
    from ingest.gold_export import problems

    con = store.connect(db_path)
    upload(con, Kern=KERNEL, Other=OTHER)
    pid = paper(con)
    ex = C.stored_extraction(con, pid)
    speed = claim_at(con, pid, "3.1x faster")
    C.correct(con, pid, "claim", speed, {**C.claim_view(speed), "value": 4.2}, C.span_key(speed), "ana")
    C.correct(con, pid, "method", ex["method"], ex["method"] + "-v2", author="ana")
    C.correct(con, pid, "method", ex["method"] + "-v2", ex["method"], author="ana")
    C.correct(con, paper(con, "Other"), "checked", False, True, author="bo")
    con.close()
    runner = CliRunner()
    out = runner.invoke(cli, ["reextract", "--db", str(db_path)], catch_exceptions=False).output
    assert "kept 3 corrections; the new extractor now agrees with 1:" in out and "method:" in out

    result = runner.invoke(cli, ["export-gold", str(tmp_path / "people"), "--db", str(db_path)])
    assert result.exit_code == 0 and "wrote 2 papers" in result.output
    papers = gold.load("people", tmp_path)  # the gold loader reads it like a shipped set
    assert [p["title"] for p in papers] == ["Kern", "Other"]
    assert [c["value"] for c in papers[0]["claims"] if c["category"] == "speed"] == [4.2]
    assert all(problems(p, p["abstract"]) == [] for p in papers)
    predictions = [{k: v for k, v in p.items() if k != "abstract"} for p in papers]
    scores = gold.score(papers, predictions)
    assert all(scores[k] == 1.0 for k in ("claims_f1", "method_acc", "domain_acc", "points_f1", "quality_note_f1"))

    checked = runner.invoke(cli, ["export-gold", str(tmp_path / "checked"), "--checked", "--db", str(db_path)])
    assert checked.exit_code == 0 and "wrote 1 papers" in checked.output
    empty = runner.invoke(cli, ["export-gold", str(tmp_path / "none"), "--db", str(tmp_path / "empty.duckdb")])
    assert empty.exit_code == 1 and "no corrected or checked papers" in empty.output


def test_a_gold_row_that_breaks_the_guidelines_is_named():
    from ingest.gold_export import problems

    row = {"domains": ["cooking"], "tradeoffs": ["speed"], "quality_note": None, "points": [{"gain": 3, "quality": "note"}],
           "claims": [{"category": "speed", "value": 2.0, "unit": "x", "direction": "gain", "text": "2x faster"}]}
    found = problems(row, "It is 2x quicker.")
    assert any("cooking" in p for p in found) and any("'axis vs axis'" in p for p in found)
    assert any("direction 'gain'" in p for p in found) and any("verbatim" in p for p in found)
    assert any("does not index" in p for p in found)


def test_cli_export_has_the_corrected_column_and_the_corrections(db_path, tmp_path):
    import csv
    import io

    from click.testing import CliRunner

    from ingest.cli import cli

    con = store.connect(db_path)
    upload(con, Kern=KERNEL, Other=OTHER)
    C.correct(con, paper(con), "method", C.stored_extraction(con, paper(con))["method"], "FK", author="ana", note="acronym")
    con.close()
    runner = CliRunner()
    papers = runner.invoke(cli, ["export", "--db", str(db_path)]).stdout
    rows = {r["title"]: r for r in csv.DictReader(io.StringIO(papers.lstrip("\ufeff")))}
    assert rows["Kern"]["corrected"] == "True" and rows["Other"]["corrected"] == "False"
    made = runner.invoke(cli, ["export", "--corrections", "--format", "json", "--db", str(db_path)])
    assert '"field": "method"' in made.stdout and '"after": "\\"FK\\""' in made.stdout and '"note": "acronym"' in made.stdout


def test_a_database_from_before_corrections_upgrades_with_its_papers_unmarked(db_path):
    con = store.connect(db_path)
    upload(con, Kern=KERNEL)
    con.execute("DROP TABLE corrections")
    con.execute("DROP TABLE extractor_outputs")
    # paper_facts as 008 left it: no corrected / checked columns
    con.execute("CREATE OR REPLACE TABLE paper_facts AS SELECT * EXCLUDE (corrected, checked) FROM paper_facts")
    con.execute("DELETE FROM _migrations WHERE name = '009_corrections'")
    con.close()
    con = store.connect(db_path)  # 009_corrections runs
    assert facts(con, paper(con))["corrected"] is False and facts(con, paper(con))["checked"] is False
    C.correct(con, paper(con), "checked", False, True)
    assert facts(con, paper(con))["checked"] is True
    con.close()
