"""The dashboard's read module: every filter changes the count it should, nothing else."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest import queries as Q  # noqa: E402
from ingest import store  # noqa: E402
from tests.dashboard_data import DOMAINS, EVIL_TITLE, make_db  # noqa: E402

N = 60


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = make_db(tmp_path_factory.mktemp("q") / "atlas.duckdb", N)
    c = store.connect(path)
    yield c
    c.close()


def ids(frame) -> set[str]:
    return set(frame["id"])


def test_no_filter_counts_everything(con):
    assert Q.count_papers(con, Q.Filters()) == N == Q.total_papers(con)
    assert len(Q.papers_table(con, Q.Filters())) == N


@pytest.mark.parametrize(
    "f, expected",
    [
        (Q.Filters(domains=("vision",)), {i for i in range(N) if i % 5 == 1}),
        (Q.Filters(domains=("systems",)), {i for i in range(N) if i % 5 == 3 or i % 7 == 0}),
        (Q.Filters(topics=(2,)), {i for i in range(N) if i % 5 == 2}),
        (Q.Filters(topics=(2, 3)), {i for i in range(N) if i % 5 in (2, 3)}),
        (Q.Filters(categories=("quality",)), {i for i in range(N) if i % 6 in (0, 3)}),
        (Q.Filters(categories=("speed",)), {i for i in range(N) if i % 6 in (0, 1, 2)}),
        (Q.Filters(categories=("memory", "speed")), {i for i in range(N) if i % 6 != 5}),
        (Q.Filters(both_numbers=True), {i for i in range(N) if i % 6 == 0}),
        (Q.Filters(ingests=(2,)), {i for i in range(N) if i % 2 == 1}),
        (Q.Filters(year_min=2024), {i for i in range(N) if 2020 + i % 6 >= 2024}),
        (Q.Filters(year_min=2021, year_max=2021), {i for i in range(N) if i % 6 == 1}),
        (Q.Filters(domains=("nlp",), both_numbers=True), {i for i in range(N) if i % 5 == 0 and i % 6 == 0}),
    ],
)
def test_filters_select_the_right_papers(con, f, expected):
    want = {f"p{i:06d}" for i in expected}
    assert ids(Q.papers_table(con, f)) == want
    assert Q.count_papers(con, f) == len(want)


def test_number_ranges(con):
    table = Q.papers_table(con, Q.Filters())
    sp = table["best_speedup"]
    f = Q.Filters(speedup_min=3.0, speedup_max=6.0)
    assert ids(Q.papers_table(con, f)) == set(table.loc[(sp >= 3) & (sp <= 6), "id"])
    qc = table["quality_change"]
    f = Q.Filters(quality_min=-1.0)
    assert ids(Q.papers_table(con, f)) == set(table.loc[qc >= -1, "id"])


def test_text_search_is_data_not_sql(con):
    assert Q.count_papers(con, Q.Filters(q="study 1")) > 0
    assert ids(Q.papers_table(con, Q.Filters(q="hyperlink script"))) == {"p000000"}
    # SQL and LIKE metacharacters in user text match literally, like Python's `in`.
    table = Q.export_papers(con)
    for hostile in ("' OR 1=1 --", "%", "_", "\\", "'); DROP TABLE papers; --", "<script>"):
        terms = hostile.lower().split()
        literal = sum(
            all(t in title.lower() or t in abstract.lower() for t in terms)
            for title, abstract in zip(table["title"], table["abstract"])
        )
        assert Q.count_papers(con, Q.Filters(q=hostile)) == literal
    assert Q.total_papers(con) == N


def test_sorting_and_limit(con):
    top = Q.papers_table(con, Q.Filters(), sort="best speed-up", limit=5)
    assert len(top) == 5
    assert list(top["best_speedup"]) == sorted(top["best_speedup"], reverse=True)
    assert top["best_speedup"].iloc[0] == Q.papers_table(con, Q.Filters())["best_speedup"].max()


def test_paper_detail_and_claims_are_spans_of_the_abstract(con):
    paper = Q.paper_detail(con, "p000000")
    assert paper["title"] == EVIL_TITLE
    claims = Q.claims_for(con, "p000000")
    assert len(claims) == 2
    for c in claims.itertuples():
        assert paper["abstract"][c.start_char : c.end_char] == c.text
    assert Q.paper_detail(con, "missing") is None


def test_tradeoff_points_speed(con):
    pts = Q.tradeoff_points(con, Q.Filters(), "speed")
    # speed number AND (quality number OR a lossless/negligible word): kinds 0 and 1
    assert ids(pts) == {f"p{i:06d}" for i in range(N) if i % 6 in (0, 1)}
    words = pts[pts["words_only"]]
    assert set(words["id"]) == {f"p{i:06d}" for i in range(N) if i % 6 == 1}
    assert (words["y"] == 0).all() and set(words["y_kind"]) == {"negligible"}
    table = Q.papers_table(con, Q.Filters()).set_index("id")
    np.testing.assert_allclose(pts["gain"], table.loc[pts["id"], "best_speedup"])  # the paper's one speed claim
    assert pts["gain_text"].str.contains("speedup").all()
    measured = pts[~pts["words_only"]]
    np.testing.assert_allclose(measured["y"], table.loc[measured["id"], "quality_change"])
    assert (measured["y_kind"] == "points").all()


def test_tradeoff_points_memory_is_a_factor(con):
    pts = Q.tradeoff_points(con, Q.Filters(), "memory")
    assert ids(pts) == {f"p{i:06d}" for i in range(N) if i % 6 == 3}
    table = Q.papers_table(con, Q.Filters()).set_index("id")
    saved = Q.export_papers(con).set_index("id").loc[pts["id"], "memory_reduction"].to_numpy()
    np.testing.assert_allclose(pts["gain"], 1 / (1 - saved / 100), rtol=1e-5)
    assert table.loc[pts["id"], "quality_change"].notna().all()
    with pytest.raises(ValueError):
        Q.tradeoff_points(con, Q.Filters(), "vibes")


def test_lone_gains_are_counted_whole_and_listed_up_to_a_limit(con):
    every = Q.gains_without_quality(con, Q.Filters(), "speed")
    assert len(every) > 2 and Q.count_gains_without_quality(con, Q.Filters(), "speed") == len(every)
    first = Q.gains_without_quality(con, Q.Filters(), "speed", limit=2)
    assert list(first["id"]) == list(every["id"][:2])
    assert Q.count_gains_without_quality(con, Q.Filters(domains=("nlp",)), "speed") == len(
        Q.gains_without_quality(con, Q.Filters(domains=("nlp",)), "speed"))


def test_gains_without_quality_are_the_rest(con):
    lonely = Q.gains_without_quality(con, Q.Filters(), "speed")
    assert ids(lonely) == {f"p{i:06d}" for i in range(N) if i % 6 == 2}  # a speed-up, no quality of any kind
    assert lonely["evidence"].str.contains("speedup").all()
    assert ids(Q.gains_without_quality(con, Q.Filters(), "memory")) == {f"p{i:06d}" for i in range(N) if i % 6 == 4}


def test_export_points_name_both_ends(con):
    pts = Q.export_points(con)
    assert len(pts) == 30 and set(pts["axis"]) == {"speed", "memory"}
    note = pts[pts["with_note"]]
    assert note["quality_idx"].isna().all() and (note["quality_kind"] == "negligible").all()
    claims = Q.export_claims(con).set_index(["paper_id", "idx"])
    for row in pts[~pts["with_note"]].itertuples():
        assert claims.loc[(row.paper_id, row.gain_idx), "text"] == row.gain_text
        assert claims.loc[(row.paper_id, int(row.quality_idx)), "category"] == "quality"
    plotted = Q.tradeoff_points(con, Q.Filters(), "speed").set_index(["id", "point"])
    context = ["baseline", "hardware", "model", "quality_metric", "quality_dataset"]
    for row in pts[pts["axis"] == "speed"].itertuples():  # the export says what each dot was measured on
        assert [getattr(row, c) for c in context] == list(plotted.loc[(row.paper_id, row.idx), context])
    assert pts["quality_metric"].notna().any() and pts["baseline"].notna().any()


def test_tradeoff_points_follow_filters(con):
    pts = Q.tradeoff_points(con, Q.Filters(domains=("nlp",)), "speed")
    assert ids(pts) == {f"p{i:06d}" for i in range(N) if i % 6 in (0, 1) and i % 5 == 0}


def test_pareto_frontier():
    x = [1, 2, 3, 4, 2, 5]
    y = [5, 4, 1, 2, 1, -3]
    # (1,5), (2,4), (4,2), (5,-3) are undominated; (3,1) and (2,1) are dominated by (4,2) / (2,4).
    assert Q.pareto_frontier(x, y) == [0, 1, 3, 5]
    assert Q.pareto_frontier([], []) == []
    assert Q.pareto_frontier([1, 1], [2, 2]) == [0]
    assert Q.pareto_frontier([1, float("nan")], [1, 1]) == [0]


def test_domain_summary(con):
    summary = Q.domain_summary(con, Q.Filters()).set_index("domain")
    assert set(summary.index) == set(DOMAINS)
    assert summary.loc["vision", "papers"] == N // 5
    table = Q.papers_table(con, Q.Filters(domains=("vision",)))
    assert summary.loc["vision", "median_speedup"] == pytest.approx(table["best_speedup"].median())


def test_topics_map_and_search(con):
    topics = Q.topic_list(con, Q.Filters(domains=("nlp",)))
    assert len(topics) == 5 and topics["size"].sum() == N
    assert topics.set_index("topic_id").loc[0, "matching"] == N // 5
    assert len(Q.topic_map(con, Q.Filters())) == N
    vec = con.execute("SELECT vector FROM embeddings WHERE text_key = 'tk000007'").fetchone()[0]
    hits = Q.semantic_search(con, np.asarray(vec), 3)
    assert hits["id"].iloc[0] == "p000007" and hits["score"].iloc[0] == pytest.approx(1.0, abs=1e-4)
    assert len(Q.semantic_search(con, np.asarray(vec), 3, Q.Filters(topics=(0,)))) == 3


def test_options_ingests_and_version(con):
    options = Q.filter_options(con)
    assert options["domains"] == sorted(DOMAINS)
    assert set(options["topics"]) == set(range(5)) and set(options["ingests"]) == {1, 2}
    history = Q.ingests(con)
    assert list(history["id"]) == [2, 1] and history["papers_now"].sum() == N
    before = Q.data_version(con)
    assert Q.data_version(con) == before


def test_empty_database(fresh_db):
    f = Q.Filters(domains=("nlp",))
    assert Q.count_papers(fresh_db, Q.Filters()) == 0
    assert Q.papers_table(fresh_db, f).empty
    assert Q.tradeoff_points(fresh_db, Q.Filters(), "speed").empty
    assert Q.gains_without_quality(fresh_db, Q.Filters(), "speed").empty and Q.export_points(fresh_db).empty
    assert Q.topic_list(fresh_db).empty and Q.topic_map(fresh_db, Q.Filters()).empty
    assert Q.filter_options(fresh_db)["domains"] == []
    assert Q.export_papers(fresh_db).empty and Q.export_claims(fresh_db).empty
