"""Compare like with like: the context facets, the points' context, the like-with-like choice and the leaderboard.

On the hand-made database (tests/dashboard_data.py), a paper with a quality claim (i % 6 in 0, 3) names
CONTEXTS[(i // 6) % 4]: top-1 accuracy on ImageNet against FlashAttention-2 on an A100 with Llama-2 7B; top-1
accuracy against the dense model with ViT-B/16; BLEU on WMT14 against FlashAttention-2 on an H100; or nothing.
So every expected set below is written from that rule, not read back from the code under test.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest import context_queries as C  # noqa: E402
from ingest import facets, facts, pipeline, schema, store  # noqa: E402
from ingest import queries as Q  # noqa: E402
from ingest.embedder import FakeEmbedder  # noqa: E402
from ingest.records import ReadResult, Record  # noqa: E402
from tests.dashboard_data import make_db  # noqa: E402
from ui import context_line, page_params  # noqa: E402
from ui import filters as ui_filters  # noqa: E402
from ui import leaderboard  # noqa: E402

N = 60


def with_context(k: int) -> set[int]:
    """Papers naming CONTEXTS[k]."""
    return {i for i in range(N) if i % 6 in (0, 3) and (i // 6) % 4 == k}


def pids(numbers: set[int]) -> set[str]:
    return {f"p{i:06d}" for i in numbers}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = make_db(tmp_path_factory.mktemp("ctx") / "atlas.duckdb", N)
    c = store.connect(path)
    yield c
    c.close()


@pytest.mark.parametrize(
    "f, expected",
    [
        (Q.Filters(metrics=("top-1 accuracy",)), with_context(0) | with_context(1)),
        (Q.Filters(metrics=("BLEU",)), with_context(2)),
        (Q.Filters(datasets=("ImageNet-1K",)), with_context(0)),  # canonical name, not the span "ImageNet"
        (Q.Filters(baselines=("FlashAttention-2",)), with_context(0) | with_context(2)),
        (Q.Filters(hardware=("A100", "H100")), with_context(0) | with_context(2)),
        (Q.Filters(models=("ViT-B/16",)), with_context(1)),  # unknown to the vocabulary: its own words
        (Q.Filters(metrics=("top-1 accuracy",), hardware=("A100",)), with_context(0)),
        (Q.Filters(metrics=("top-1 accuracy",), domains=("nlp",)), {i for i in with_context(0) | with_context(1) if i % 5 == 0}),
        (Q.Filters(models=("no such model",)), set()),
    ],
)
def test_facets_select_papers_with_a_claim_naming_the_value(con, f, expected):
    assert set(Q.papers_table(con, f)["id"]) == pids(expected)
    assert Q.count_papers(con, f) == len(expected)


def test_facet_counts_leave_out_their_own_choice(con):
    counts = facets.facet_counts(con, Q.Filters())
    assert counts["metric"] == {"top-1 accuracy": len(with_context(0) | with_context(1)), "BLEU": len(with_context(2))}
    assert counts["hardware"] == {"A100": len(with_context(0)), "H100": len(with_context(2))}
    assert counts["model"] == {"LLaMA-2-7B": len(with_context(0)), "ViT-B/16": len(with_context(1))}
    narrowed = facets.facet_counts(con, Q.Filters(hardware=("A100",)))
    assert narrowed["hardware"] == counts["hardware"]  # its own choice left out: H100 is still offered
    assert narrowed["metric"] == {"top-1 accuracy": len(with_context(0))}
    assert narrowed["dataset"] == {"ImageNet-1K": len(with_context(0))}


def test_facets_are_bound_parameters():
    where, params = Q.where_clause(Q.Filters(models=("x'); DROP TABLE papers; --",)))
    assert "DROP" not in where and params["facet_model"] == ["x'); DROP TABLE papers; --"]


def test_points_carry_the_context_of_both_ends(con):
    points = Q.tradeoff_points(con, Q.Filters(), "speed")
    row = points[points["id"] == "p000000"].iloc[0]
    assert (row["baseline"], row["hardware"], row["model"]) == ("FlashAttention-2", "A100", "LLaMA-2-7B")
    assert (row["quality_metric"], row["quality_dataset"]) == ("top-1 accuracy", "ImageNet-1K")
    note = points[points["id"] == "p000001"].iloc[0]  # a 'negligible' note: no metric, no dataset
    assert note["y_kind"] == "negligible" and pd.isna(note["quality_metric"]) and pd.isna(note["quality_dataset"])


def test_measured_on_keeps_one_metric_and_counts_the_rest(con):
    points = Q.tradeoff_points(con, Q.Filters(), "speed")
    speed_quality = {i for i in range(N) if i % 6 == 0}
    kept, left = C.measured_on(points, "top-1 accuracy")
    assert set(kept["id"]) == pids(speed_quality & (with_context(0) | with_context(1)))
    assert left == {"other metric": len(speed_quality & with_context(2)),
                    "metric unknown": len(points) - len(kept) - len(speed_quality & with_context(2)),
                    "other dataset": 0, "dataset unknown": 0}
    kept, left = C.measured_on(points, "top-1 accuracy", "ImageNet-1K")
    assert set(kept["id"]) == pids(speed_quality & with_context(0))
    assert left["dataset unknown"] == len(speed_quality & with_context(1)) and left["other dataset"] == 0
    everything, nothing = C.measured_on(points, None)
    assert len(everything) == len(points) and sum(nothing.values()) == 0
    assert list(C.metric_choices(points)["metric"]) == ["top-1 accuracy", "BLEU"]
    assert list(C.dataset_choices(points, "top-1 accuracy")["dataset"]) == ["ImageNet-1K"]


def test_describe_left_out_says_how_many_and_why():
    text = C.describe_left_out({"other metric": 2, "metric unknown": 1, "other dataset": 0, "dataset unknown": 0},
                               "BLEU", "WMT14")
    assert text.startswith("3 points left out, not BLEU on WMT14: 2 measured on another metric; 1 whose metric")
    assert C.describe_left_out(dict.fromkeys(C.LEFT_OUT_WHY, 0), "BLEU").startswith("No point left out")


def test_leaderboard_lists_the_points_measured_on_the_pair(con):
    choices = C.leaderboard_choices(con, Q.Filters())
    assert choices.iloc[0][["dataset", "metric"]].tolist() == ["ImageNet-1K", "top-1 accuracy"]
    assert set(zip(choices["dataset"], choices["metric"])) == {("ImageNet-1K", "top-1 accuracy"), ("WMT14", "BLEU")}
    rows = C.leaderboard(con, Q.Filters(), "ImageNet-1K", "top-1 accuracy")
    # every paper naming the pair has one point (speed or memory gain with its quality claim)
    assert set(rows["id"]) == pids(with_context(0)) and len(rows) == len(with_context(0))
    assert list(rows["gain"]) == sorted(rows["gain"], reverse=True)
    assert set(rows["hardware"]) == {"A100"} and set(rows["baseline"]) == {"FlashAttention-2"}
    nlp = C.leaderboard(con, Q.Filters(domains=("nlp",)), "ImageNet-1K", "top-1 accuracy")
    assert set(nlp["id"]) == pids({i for i in with_context(0) if i % 5 == 0})


def test_leaderboard_table_and_its_file_agree(con):
    rows = C.leaderboard(con, Q.Filters(), "WMT14", "BLEU")
    table = leaderboard.shown(rows, "best quality change")
    assert list(table.columns) == leaderboard.SHOWN
    assert list(table["y"]) == sorted(table["y"], reverse=True)
    got = pd.read_csv(io.BytesIO(leaderboard.file_bytes("csv", table)), encoding="utf-8-sig")
    assert list(got.columns) == ["Title", "Gain (x)", "Gain in", "Quality change", "Stated as", "Baseline", "Hardware",
                                 "Model", "Quality as written", "Method", "Year"]
    assert got["Gain (x)"].round(6).tolist() == table["gain"].round(6).tolist()
    assert got["Hardware"].tolist() == table["hardware"].tolist()
    book = pd.read_excel(io.BytesIO(leaderboard.file_bytes("xlsx", table)))
    assert book["Quality change"].tolist() == table["y"].tolist()
    with pytest.raises(ValueError, match="exports as csv, xlsx"):
        leaderboard.file_bytes("bibtex", table)


def test_context_line_leaves_out_what_is_unknown():
    assert (context_line.context_line(2.7, -0.4, "points", "FlashAttention-2", "A100", "LLaMA-2-7B", "top-1 accuracy",
                                      "ImageNet") == "2.7x vs FlashAttention-2 · A100 · LLaMA-2-7B | −0.4 top-1 accuracy on ImageNet")
    assert context_line.context_line(3.0, 0.0, "lossless", model="ViT-B/16") == "3x · ViT-B/16 | lossless"
    assert context_line.context_line(1.5, 2.0, "percent", metric="BLEU") == "1.5x | +2% BLEU"
    assert context_line.context_line(1.5, float("nan"), "other", baseline=" ") == "1.5x"


def test_url_round_trip_of_facets_and_page_choices():
    f = Q.Filters(metrics=("top-1 accuracy",), datasets=("ImageNet-1K",), baselines=("FlashAttention-2",),
                  hardware=("A100",), models=("LLaMA-2-7B",), domains=("nlp",))
    params = ui_filters.params_from_filters(f)
    assert params["hw"] == ["A100"] and params["metric"] == ["top-1 accuracy"]
    assert ui_filters.filters_from_state(ui_filters.state_from_params(params)) == f
    assert ("model", ["LLaMA-2-7B"]) in ui_filters.describe(f)
    page = page_params.state_from_params({"qmetric": ["BLEU"], "lbdataset": [""], "other": ["x"]})
    assert page == {"t_metric": "BLEU"}
    assert page_params.params_from_state({"t_metric": "BLEU", "t_dataset": "", "lb_metric": None}) == {"qmetric": ["BLEU"]}


# ---------------------------------------------------------------- the write side

VISION = ("Token pruning for vision transformers. On ImageNet, our method achieves a 1.8x speedup over DeiT-S "
          "on an A100 with a 0.3% top-1 accuracy drop.")


def _upload(con, abstracts: list[str]) -> None:
    records = [Record(title=f"Paper {i}", abstract=a) for i, a in enumerate(abstracts)]
    pipeline.add_results(con, [ReadResult(source="u.jsonl", format="arxiv_jsonl", records=records, skipped=[])],
                         ["u-hash"], FakeEmbedder())


def _fresh(con, table: str, definition: str, key: str) -> None:
    stored = con.execute(f"SELECT * FROM {table} ORDER BY ALL").df()
    recomputed = con.execute(f"SELECT * FROM ({definition}) ORDER BY ALL").df()
    pd.testing.assert_frame_equal(stored, recomputed)
    assert stored[key].notna().all()


def test_point_facts_follow_every_write(fresh_db):
    _upload(fresh_db, [VISION, "We get a 3x speedup with no loss in BLEU on WMT14 against the fp16 baseline."])
    _fresh(fresh_db, "point_facts", facts.POINT_FACTS_SELECT, "paper_id")
    _fresh(fresh_db, "paper_facts", facts.facts_select(fresh_db), "id")
    assert fresh_db.execute("SELECT count(*) FROM point_facts").fetchone()[0] == \
        fresh_db.execute("SELECT count(*) FROM points").fetchone()[0] > 0
    ingest_id = fresh_db.execute("SELECT max(id) FROM ingests").fetchone()[0]
    store.remove_ingest(fresh_db, ingest_id)
    assert fresh_db.execute("SELECT count(*) FROM point_facts").fetchone()[0] == 0


def test_an_older_database_gets_its_facets_by_migration(db_path):
    con = store.connect(db_path)
    _upload(con, [VISION])
    want = con.execute("SELECT id, metric_names, hardware_names FROM paper_facts ORDER BY id").fetchall()
    assert [r[2] for r in want] == [["A100"]]
    # back to the state before 010: paper_facts without the facet columns, no point_facts
    con.execute("CREATE OR REPLACE TABLE paper_facts AS SELECT * EXCLUDE (" + ", ".join(
        facet.column for facet in facets.FACETS) + ") FROM paper_facts")
    con.execute("DROP TABLE point_facts")
    con.execute("DELETE FROM _migrations WHERE name = '010_context_facts'")
    con.close()
    con = store.connect(db_path)
    assert "010_context_facts" not in schema.pending_migrations(con)
    assert con.execute("SELECT id, metric_names, hardware_names FROM paper_facts ORDER BY id").fetchall() == want
    assert con.execute("SELECT count(*) FROM point_facts").fetchone()[0] == \
        con.execute("SELECT count(*) FROM points").fetchone()[0]
    con.close()
