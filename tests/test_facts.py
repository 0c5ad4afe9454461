"""paper_facts, the dashboard's precomputed per-paper table, always equals its definition over the source tables."""
from __future__ import annotations

import pandas as pd
import pytest

from ingest import facts, pipeline, store
from ingest.embedder import FakeEmbedder
from ingest.records import ReadResult, Record

FAST = "Our method achieves a 2.5x speedup with less than 1% accuracy drop and 40% less memory."
VISION = "Vision transformer token pruning gives a 1.8x speedup for image classification with no accuracy loss."


def upload(con, *titles_and_abstracts: tuple[str, str], name: str = "upload.jsonl"):
    records = [Record(title=t, abstract=a) for t, a in titles_and_abstracts]
    result = ReadResult(source=name, format="arxiv_jsonl", records=records, skipped=[])
    return pipeline.add_results(con, [result], [name + "-hash"], FakeEmbedder())[0]


def stored(con) -> pd.DataFrame:
    return con.execute("SELECT * FROM paper_facts ORDER BY id").df()


def recomputed(con) -> pd.DataFrame:
    return con.execute(f"SELECT * FROM ({facts.facts_select(con)}) ORDER BY id").df()


def assert_fresh(con) -> None:
    pd.testing.assert_frame_equal(stored(con), recomputed(con))


def test_a_new_database_has_an_empty_facts_table(fresh_db):
    assert stored(fresh_db).empty


def test_every_kind_of_write_leaves_the_facts_equal_to_their_definition(fresh_db):
    first = upload(fresh_db, *[(f"Fast paper {i}", FAST + f" Variant {i}.") for i in range(6)], name="a.jsonl")
    assert_fresh(fresh_db)
    assert len(stored(fresh_db)) == 6
    upload(fresh_db, *[(f"Vision paper {i}", VISION + f" Variant {i}.") for i in range(6)], name="b.jsonl")
    assert_fresh(fresh_db)
    pipeline.recluster(fresh_db, k=2)  # topic ids, labels and map places arrive
    assert_fresh(fresh_db)
    assert stored(fresh_db)["topic_label"].notna().all()
    pipeline.reextract(fresh_db)
    assert_fresh(fresh_db)
    store.remove_ingest(fresh_db, first.ingest_id)
    assert_fresh(fresh_db)
    assert sorted(stored(fresh_db)["title"]) == [f"Vision paper {i}" for i in range(6)]


def test_claim_lists_keep_reading_order_for_the_hover_evidence(fresh_db):
    upload(fresh_db, ("Fast paper", FAST))
    claim_list = stored(fresh_db)["claim_list"].iloc[0]
    texts = [c["text"] for c in claim_list]
    assert texts == sorted(texts, key=FAST.index)
    assert {c["category"] for c in claim_list} >= {"speed", "quality", "memory"}


def test_a_rolled_back_write_leaves_the_facts_as_they_were(fresh_db, monkeypatch):
    upload(fresh_db, ("Existing paper", FAST))
    before = stored(fresh_db)

    def broken_embeddings(con, vectors, model_name):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "write_embeddings", broken_embeddings)
    with pytest.raises(RuntimeError):
        upload(fresh_db, ("New paper", VISION))
    pd.testing.assert_frame_equal(stored(fresh_db), before)


def test_an_old_database_opened_read_only_gets_a_clear_message(db_path):
    con = store.connect(db_path)
    con.execute("DELETE FROM _migrations WHERE name = '006_paper_facts'")
    con.close()
    with pytest.raises(store.StoreError, match="older version.*006_paper_facts.*read-write"):
        store.connect(db_path, read_only=True)
    store.connect(db_path).close()  # read-write upgrades it ...
    store.connect(db_path, read_only=True).close()  # ... and then read-only works


def test_the_migration_builds_the_table_from_existing_data(db_path):
    con = store.connect(db_path)
    upload(con, ("Fast paper", FAST))
    con.execute("DROP TABLE paper_facts")
    con.execute("DELETE FROM _migrations WHERE name = '006_paper_facts'")
    con.close()
    con = store.connect(db_path)
    assert_fresh(con)
    assert len(stored(con)) == 1
    con.close()


def test_writes_refresh_only_the_papers_they_touch(fresh_db, monkeypatch):
    upload(fresh_db, *[(f"Fast paper {i}", FAST + f" Variant {i}.") for i in range(6)], name="a.jsonl")
    pipeline.recluster(fresh_db, k=2)
    rows = "SELECT * FROM paper_facts WHERE title LIKE 'Fast paper%' ORDER BY id"
    before = fresh_db.execute(rows).fetchall()
    monkeypatch.setattr(facts, "refresh", lambda con: pytest.fail("a whole rebuild for a write that knows its papers"))
    second = upload(fresh_db, ("Vision paper", VISION), ("Fast paper 0", FAST + " Variant 0."), name="b.jsonl")
    assert second.n_new == 1 and second.n_duplicates == 1
    assert_fresh(fresh_db)
    assert fresh_db.execute(rows).fetchall() == before  # untouched rows stay as they were
    store.remove_ingest(fresh_db, second.ingest_id)
    assert_fresh(fresh_db)
    pipeline.embed_missing(fresh_db, FakeEmbedder())
    assert_fresh(fresh_db)


def test_a_facts_table_from_an_older_definition_is_rebuilt_whole(fresh_db):
    upload(fresh_db, ("Fast paper", FAST))
    fresh_db.execute("CREATE OR REPLACE TABLE paper_facts AS SELECT id, title FROM papers")  # an older layout
    upload(fresh_db, ("Vision paper", VISION), name="b.jsonl")
    assert_fresh(fresh_db)
