"""The store: identity, duplicates, one transaction per upload, removal, migrations."""
from __future__ import annotations

import pytest

from ingest import pipeline, store
from ingest.embedder import FakeEmbedder
from ingest.records import ReadResult, Record, Skipped
from ingest.schema import MIGRATIONS, schema_version


def paper(title: str, abstract: str = "We propose a method that is 2x faster.", **kw) -> Record:
    return Record(title=title, abstract=abstract, **kw)


def upload(con, *records: Record, name: str = "upload.jsonl", skipped=(), embedder=None):
    result = ReadResult(source=name, format="arxiv_jsonl", records=list(records), skipped=list(skipped))
    return pipeline.add_results(con, [result], [name + "-hash"], embedder)[0]


def count(con, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_a_new_database_has_every_migration(fresh_db):
    assert schema_version(fresh_db) == len(MIGRATIONS)


def test_migrate_is_idempotent_and_keeps_data(db_path):
    con = store.connect(db_path)
    upload(con, paper("Fast Attention"))
    con.close()
    con = store.connect(db_path)  # re-opening runs migrate() again
    assert count(con, "papers") == 1
    assert schema_version(con) == len(MIGRATIONS)


def test_same_arxiv_id_is_one_paper_with_two_sources(fresh_db):
    upload(fresh_db, paper("Fast Attention", arxiv_id="2401.00001"), name="a.jsonl")
    second = upload(fresh_db, paper("Fast attention (v2 title)", arxiv_id="2401.00001"), name="b.jsonl")
    assert (second.n_new, second.n_duplicates) == (0, 1)
    assert count(fresh_db, "papers") == 1
    assert count(fresh_db, "paper_sources") == 2


def test_same_doi_or_same_normalised_title_is_a_duplicate(fresh_db):
    upload(fresh_db, paper("Sparse Mixture of Experts", doi="10.1/abc"))
    by_doi = upload(fresh_db, paper("A different title", doi="10.1/ABC"))
    by_title = upload(fresh_db, paper("sparse  mixture-of-experts"))
    assert by_doi.n_duplicates == 1 and by_title.n_duplicates == 1
    assert count(fresh_db, "papers") == 1


def test_duplicates_inside_one_upload_are_stored_once(fresh_db):
    summary = upload(fresh_db, paper("KV Cache Compression"), paper("KV cache compression"))
    assert (summary.n_new, summary.n_duplicates) == (1, 1)


def test_paper_ids_are_stable_across_databases(tmp_path):
    ids = []
    for name in ("one.duckdb", "two.duckdb"):
        con = store.connect(tmp_path / name)
        upload(con, paper("Token Merging", arxiv_id="2210.09461"))
        ids.append(con.execute("SELECT id FROM papers").fetchone()[0])
        con.close()
    assert ids[0] == ids[1]


def test_an_upload_records_its_skipped_records(fresh_db):
    summary = upload(fresh_db, paper("Good Paper"), skipped=[Skipped(2, "no abstract", "Bad Paper")])
    assert summary.n_records == 2
    row = fresh_db.execute("SELECT n_skipped, skipped FROM ingests").fetchone()
    assert row[0] == 1 and "no abstract" in row[1]


def test_a_failing_upload_leaves_the_database_unchanged(fresh_db, monkeypatch):
    upload(fresh_db, paper("Existing Paper"))
    before = {t: count(fresh_db, t) for t in ("papers", "ingests", "paper_sources", "claims", "extractions")}

    def broken_embeddings(con, vectors, model_name):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "write_embeddings", broken_embeddings)
    with pytest.raises(RuntimeError):
        upload(fresh_db, paper("New Paper"), embedder=FakeEmbedder())
    after = {t: count(fresh_db, t) for t in before}
    assert after == before


def test_extraction_and_claims_are_stored_with_the_paper(fresh_db):
    upload(fresh_db, paper("Speedy", "Our method achieves a 2.5x speedup with less than 1% accuracy drop."))
    version, n_claims = fresh_db.execute("SELECT extractor_version, n_claims FROM extractions").fetchone()
    assert version and n_claims == count(fresh_db, "claims")
    for text, start, end in fresh_db.execute(
        "SELECT c.text, c.start_char, c.end_char FROM claims c"
    ).fetchall():
        abstract = fresh_db.execute("SELECT abstract FROM papers").fetchone()[0]
        assert abstract[start:end] == text


def test_removing_an_upload_keeps_papers_another_upload_has(fresh_db):
    first = upload(fresh_db, paper("Shared Paper"), paper("Only In First"), name="first.bib")
    upload(fresh_db, paper("Shared Paper"), name="second.bib")
    removed = store.remove_ingest(fresh_db, first.ingest_id)
    assert removed == 1
    titles = [r[0] for r in fresh_db.execute("SELECT title FROM papers").fetchall()]
    assert titles == ["Shared Paper"]
    assert count(fresh_db, "extractions") == 1


def test_removing_an_unknown_upload_is_a_clear_error(fresh_db):
    with pytest.raises(store.StoreError, match="no upload with id 42"):
        store.remove_ingest(fresh_db, 42)


def test_embeddings_are_keyed_by_text_and_never_computed_twice(fresh_db):
    calls = []

    class CountingEmbedder(FakeEmbedder):
        def embed(self, texts, progress=None):
            calls.append(len(texts))
            return super().embed(texts, progress)

    embedder = CountingEmbedder()
    upload(fresh_db, paper("Alpha"), paper("Beta"), embedder=embedder)
    upload(fresh_db, paper("Alpha"), paper("Gamma"), embedder=embedder)
    assert calls == [2, 1]
    assert count(fresh_db, "embeddings") == 3


def test_new_papers_join_the_current_topic_run(fresh_db):
    embedder = FakeEmbedder()
    vision = "Vision transformer token pruning for image classification with fewer FLOPs."
    text = "Large language model quantization reduces memory of the KV cache for long context."
    upload(fresh_db, *[paper(f"Vision paper {i}", vision + f" Variant {i}.") for i in range(6)], embedder=embedder)
    upload(fresh_db, *[paper(f"LLM paper {i}", text + f" Variant {i}.") for i in range(6)], embedder=embedder)
    run_id = pipeline.recluster(fresh_db, k=2)
    upload(fresh_db, paper("Another LLM paper", text + " Variant 99."), embedder=embedder)
    topic_of = dict(
        fresh_db.execute(
            "SELECT p.title, t.topic_id FROM paper_topics t JOIN papers p ON p.id = t.paper_id WHERE run_id = ?",
            [run_id],
        ).fetchall()
    )
    assert topic_of["Another LLM paper"] == topic_of["LLM paper 0"] != topic_of["Vision paper 0"]
    sizes = fresh_db.execute("SELECT sum(size) FROM topics WHERE run_id = ?", [run_id]).fetchone()[0]
    assert sizes == 13


def test_a_new_paper_far_from_every_topic_is_unassigned_until_the_next_reclustering(fresh_db):
    embedder = FakeEmbedder()
    vision = "Vision transformer token pruning for image classification with fewer FLOPs."
    text = "Large language model quantization reduces memory of the KV cache for long context."
    upload(fresh_db, *[paper(f"Vision paper {i}", vision + f" Variant {i}.") for i in range(6)], embedder=embedder)
    upload(fresh_db, *[paper(f"LLM paper {i}", text + f" Variant {i}.") for i in range(6)], embedder=embedder)
    run_id = pipeline.recluster(fresh_db, k=2)
    upload(fresh_db, paper("Sourdough baking", "Hydration, levain and oven spring of rustic sourdough bread loaves."),
           paper("Another LLM paper", text + " Variant 99."), embedder=embedder)
    rows = dict(fresh_db.execute("SELECT title, topic_label FROM paper_facts").fetchall())
    assert rows["Sourdough baking"] == "unassigned"
    assert rows["Another LLM paper"] == rows["LLM paper 0"] != "unassigned"
    topics = fresh_db.execute("SELECT topic_id, size FROM topics WHERE run_id = ? ORDER BY topic_id", [run_id]).fetchall()
    assert topics[0] == (-1, 1) and sum(size for _, size in topics) == 14
    assert store.topic_centroids(fresh_db, run_id)[0] == [0, 1]  # never a centre to join
    new_run = pipeline.recluster(fresh_db, k=2)
    assert fresh_db.execute("SELECT count(*) FROM paper_topics WHERE run_id = ? AND topic_id < 0", [new_run]).fetchone()[0] == 0


def test_reextract_rewrites_every_extraction_in_one_go(fresh_db):
    upload(fresh_db, paper("One"), paper("Two"))
    fresh_db.execute("UPDATE extractions SET extractor_version = 'old'")
    assert pipeline.reextract(fresh_db) == 2
    versions = {r[0] for r in fresh_db.execute("SELECT extractor_version FROM extractions").fetchall()}
    assert versions == {pipeline.EXTRACTOR_VERSION}


def test_a_second_process_gets_a_clear_message_when_the_file_is_busy(db_path):
    import subprocess
    import sys

    holder = store.connect(db_path)
    try:
        code = (
            "import sys; from ingest import store\n"
            "try:\n    store.connect(sys.argv[1], wait=0.5)\n"
            "except store.StoreError as e:\n    print(e); sys.exit(3)\n"
        )
        out = subprocess.run([sys.executable, "-c", code, str(db_path)], capture_output=True, text=True)
    finally:
        holder.close()
    assert out.returncode == 3
    assert "in use by another process" in out.stdout


def test_every_write_bumps_the_data_version_that_keys_the_caches(fresh_db):
    from ingest.queries import data_version

    seen = [data_version(fresh_db)]
    first = upload(fresh_db, paper("One"))
    seen.append(data_version(fresh_db))
    pipeline.reextract(fresh_db)  # same counts, new content
    seen.append(data_version(fresh_db))
    store.remove_ingest(fresh_db, first.ingest_id)
    seen.append(data_version(fresh_db))
    upload(fresh_db, paper("Two"))  # the same counts as after the first upload
    seen.append(data_version(fresh_db))
    assert len(set(seen)) == len(seen)
