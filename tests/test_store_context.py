"""The claims table keeps each claim's context (migration 007_claim_context), written by an upload."""
from __future__ import annotations

from ingest import pipeline, store
from ingest.records import ReadResult, Record


def test_an_upload_stores_each_claims_context(fresh_db):
    abstract = "We propose FastAttn. On a single A100, FastAttn is 2.7x faster than FlashAttention-2."
    result = ReadResult(source="u.jsonl", format="arxiv_jsonl", records=[Record(title="FastAttn", abstract=abstract)],
                        skipped=[])
    pipeline.add_results(fresh_db, [result], ["u-hash"], None)
    row = fresh_db.execute(
        "SELECT text, baseline, baseline_start, baseline_end, hardware, hardware_canonical, dataset, dataset_start "
        "FROM claims").fetchone()
    text, baseline, b_start, b_end, hardware, hardware_canonical, dataset, dataset_start = row
    assert text == "2.7x faster" and baseline == "FlashAttention-2" == abstract[b_start:b_end]
    assert hardware == "A100" == hardware_canonical
    assert dataset is None and dataset_start is None


def test_a_database_from_before_gains_the_columns_and_keeps_its_claims(db_path):
    import duckdb

    from ingest.schema import MIGRATIONS

    con = duckdb.connect(str(db_path))  # a database as the previous version left it: migrations 001-006
    con.execute("CREATE TABLE _migrations (name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)")
    for name, fn in MIGRATIONS:
        if name == "007_claim_context":
            break
        fn(con)
        con.execute("INSERT INTO _migrations VALUES (?, current_timestamp)", [name])
    con.execute("INSERT INTO claims (paper_id, idx, category, value, unit, text, start_char, end_char) "
                "VALUES ('p', 0, 'speed', 2.0, 'x', '2x faster', 0, 9)")
    con.close()
    con = store.connect(db_path)
    cols = {r[0] for r in con.execute("DESCRIBE claims").fetchall()}
    assert {"metric", "metric_start", "metric_end", "metric_canonical", "model_canonical"} <= cols
    assert con.execute("SELECT text, metric FROM claims").fetchall() == [("2x faster", None)]
    con.close()
