"""Hybrid search: BM25 tokens and index, the index beside the database kept fresh by every write, RRF."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import lexical, pipeline, search, store  # noqa: E402
from ingest import queries as Q  # noqa: E402
from ingest.embedder import FakeEmbedder  # noqa: E402
from tests.dashboard_data import make_db  # noqa: E402

ATOM = ROOT / "tests" / "fixtures" / "corpora" / "arxiv-api-checkerboard.atom.xml"


def test_tokens_stem_and_drop_stop_words():
    assert lexical.tokens("Quantized LLMs: quantization of the models") == ["quantiz", "llms", "quantiz", "model"]
    assert lexical.tokens("") == [] and lexical.tokens("a of the") == []


def test_rrf_rewards_agreement_and_keeps_single_votes():
    fused = search.rrf([["a", "b", "c"], ["b", "d", "a"]], k=1)
    assert [pid for pid, _ in fused] == ["b", "a", "d", "c"]
    assert fused[0][1] == pytest.approx(1 / 3 + 1 / 2)
    assert search.rrf([[], []]) == [] and [p for p, _ in search.rrf([["x"], []])] == ["x"]


def test_bm25_ranks_the_paper_with_the_rare_word_first():
    index = lexical.build(["p1", "p2", "p3"], [
        "Speculative decoding with a draft model speeds up language model inference.",
        "We prune vision transformers for faster image classification.",
        "Language model inference on phones with quantized weights.",
    ])
    assert index.ranking("speculative decoding") == ["p1"]
    assert index.ranking("language model inference") [:2] == ["p1", "p3"] or index.ranking("language model inference")[:2] == ["p3", "p1"]
    assert index.ranking("pruning", allowed=["p1", "p3"]) == []
    assert index.ranking("zzzz") == [] and lexical.build([], []).ranking("anything") == []


@pytest.fixture
def db(tmp_path):
    path = make_db(tmp_path / "atlas.duckdb", 60)
    con = store.connect(path)
    yield path, con
    con.close()


def test_every_upload_and_removal_refreshes_the_index_beside_the_database(db):
    path, con = db
    root = lexical.index_root(path)
    assert len(lexical.for_database(con).ids) == 60  # make_db writes below the pipeline: the reader builds it
    assert (root / lexical.CURRENT).read_text() == lexical.fingerprint(con)

    summaries = pipeline.add_files(con, [ATOM], embedder=FakeEmbedder())
    lexical.wait()  # the rebuild runs in the background
    now = lexical.fingerprint(con)
    assert (root / lexical.CURRENT).read_text() == now
    index = lexical.load(root, now)
    assert len(index.ids) == 61 and index.ranking("checkerboard")  # the new paper is found by its words

    assert pipeline.remove_upload(con, summaries[0].ingest_id) == 1
    lexical.wait()
    assert (root / lexical.CURRENT).read_text() == lexical.fingerprint(con) != now
    assert len(lexical.load(root, lexical.fingerprint(con)).ids) == 60
    assert len([d for d in root.iterdir() if d.is_dir()]) <= 2  # old indexes are cleaned up


def test_a_write_does_not_wait_for_the_index(db, monkeypatch):
    """The upload returns once the texts are read; building happens on a background thread."""
    import threading

    _, con = db
    lexical.for_database(con)
    release = threading.Event()
    real_build = lexical.build
    monkeypatch.setattr(lexical, "build", lambda *a, **k: (release.wait(30), real_build(*a, **k))[1])
    pipeline.add_files(con, [ATOM], embedder=FakeEmbedder())  # would hang here if the build blocked the write
    assert not lexical._is_current(lexical.index_root(lexical.database_file(con)), lexical.fingerprint(con))
    release.set()
    lexical.wait()
    assert len(lexical.for_database(con).ids) == 61


def test_a_missing_or_broken_index_is_rebuilt_by_the_reader(db):
    path, con = db
    lexical.for_database(con)
    root = lexical.index_root(path)
    fp = lexical.fingerprint(con)
    (root / fp / lexical.IDS).write_text("not json")
    assert len(lexical.for_database(con).ids) == 60
    import shutil

    shutil.rmtree(root)
    assert len(lexical.for_database(con).ids) == 60 and (root / fp / lexical.IDS).exists()


def test_hybrid_search_fuses_both_sides_within_the_filters(db):
    _, con = db
    index = lexical.for_database(con)
    vec = np.asarray(con.execute("SELECT vector FROM embeddings WHERE text_key = 'tk000007'").fetchone()[0])
    word = con.execute("SELECT title FROM papers WHERE id = 'p000011'").fetchone()[0].split()[0]
    hits = search.hybrid_search(con, index, word, vec, None, 10)
    assert len(hits) == 10 and hits["rank_score"].is_monotonic_decreasing
    words = index.ranking(word, None, search.POOL)
    meaning = list(Q.semantic_search(con, vec, search.POOL)["id"])
    assert words and list(hits["id"]) == [pid for pid, _ in search.rrf([words, meaning])[:10]]
    assert hits["bm25_rank"].notna().any() and hits["embedding_rank"].notna().any()
    assert list(hits.columns[:6]) == Q.SEARCH_COLUMNS
    nlp = Q.Filters(domains=("nlp",))
    allowed = set(Q.filtered_ids(con, nlp))
    filtered = search.hybrid_search(con, index, word, vec, nlp, 20)
    assert len(filtered) and set(filtered["id"]) <= allowed
    words_only = search.hybrid_search(con, index, word, None, None, 5)  # no model
    assert words_only["embedding_rank"].isna().all() and words_only["bm25_rank"].iloc[0] == 1
    meaning_only = search.hybrid_search(con, None, word, vec, None, 5)  # no index
    assert meaning_only["id"].iloc[0] == "p000007"


def test_similar_papers_leave_the_paper_out(db):
    _, con = db
    index = lexical.for_database(con)
    similar = search.similar_papers(con, index, "p000001", 5)
    assert len(similar) == 5 and "p000001" not in set(similar["id"])
    assert search.similar_papers(con, index, "no-such-paper").empty


def test_concurrent_saves_leave_one_loadable_current_index(tmp_path):
    """Several writers at once, over rounds: whichever wins, `current` names a folder that is still there.
    (Before the publish step took a lock, one writer could prune the folder another had just published:
    this failed in most rounds.)"""
    import threading

    fingerprints = ("f1", "f1", "f2", "f2", "f3", "f1")
    for round_ in range(10):
        root = tmp_path / f"round{round_}.duckdb.bm25"
        indexes = [lexical.build(["a", "b"], ["fast decoding", "slow pruning"], fp) for fp in fingerprints]
        threads = [threading.Thread(target=lexical.save, args=(index, root)) for index in indexes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        current = (root / lexical.CURRENT).read_text()
        loaded = lexical.load(root, current)
        assert current in fingerprints and loaded is not None and loaded.ranking("decoding") == ["a"]
        left = [p.name for p in root.iterdir() if p.name.startswith(".") and p.name != ".lock"]
        assert not left  # no temporary folder or pointer left
