"""The Topics search and the similar papers under AppTest: hybrid ranking, and words alone without a model."""
from __future__ import annotations

import ui.state
from tests.test_app_pages import app_env, frame, run  # noqa: F401  (app_env: the autouse fixture)


def test_search_ranks_by_words_and_meaning():
    at = run("views/topics.py")
    at.text_input(key="semantic_q").input("distillation study").run()
    hits = frame(at, "rank_score", "bm25_rank")
    assert hits["bm25_rank"].notna().any() and hits["embedding_rank"].notna().any()
    assert not any("words only" in c.value for c in at.caption)


def test_without_the_model_search_still_ranks_by_words(monkeypatch):
    def broken():
        raise RuntimeError("model files missing")

    monkeypatch.setattr(ui.state, "get_model", broken)
    at = run("views/topics.py")
    at.text_input(key="semantic_q").input("distillation study").run()
    assert not at.error
    hits = frame(at, "rank_score", "bm25_rank")
    assert len(hits) and hits["embedding_rank"].isna().all() and hits["bm25_rank"].iloc[0] == 1
    assert any("Ranked by words only" in c.value for c in at.caption)
