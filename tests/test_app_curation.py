"""Curation in the app (AppTest): correct a claim's value and direction, undo, add a claim by its words,
delete one, fix a method, mark checked, a stale edit refused, read-only mode without any edit control; the
plot, the filters and the exports follow."""
from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import corrections as C  # noqa: E402
from ingest import queries as Q  # noqa: E402
from ingest import store  # noqa: E402
from ui.curate import NEW_CLAIM  # noqa: E402
from tests.test_app_pages import app_env, download, figure, run  # noqa: E402,F401 - app_env: the shared fixture

PAPER = "p000000"  # 'a 2.6x speedup' paired with 'a 0.8 point accuracy gain' (tests/dashboard_data.py)


def open_paper(page: str | None = None, paper: str = PAPER):
    at = run(page)
    at.session_state["selected_paper"] = paper
    at.run()
    return at


def db_read(fn, *args):
    con = store.connect(store.resolve_db_path(), read_only=False)  # the same DuckDB instance the app holds
    try:
        return fn(con, *args)
    finally:
        con.close()


def claims(paper: str = PAPER) -> dict[str, dict]:
    return {c["text"]: c for c in db_read(C.stored_extraction, paper)["claims"]}


def messages(at) -> str:
    """The success / error / info lines, with the markdown escapes (md_escape) taken off."""
    return re.sub(r"\\(.)", r"\1", " ".join(m.value for m in [*at.success, *at.error, *at.info]))


def test_correct_a_claim_s_value_and_direction_then_undo():
    at = open_paper()
    speed = claims()["a 2.6x speedup"]
    span = C.span_key(speed)
    at.text_input(key="curator_name").input("Ana")
    at.number_input(key=f"curate_edit_{PAPER}_{span}_value").set_value(3.5)
    at.selectbox(key=f"curate_edit_{PAPER}_{span}_dir").set_value("reduction")
    at.button(key=f"curate_save_claim_{PAPER}_{span}").click().run()
    assert not at.exception, at.exception
    assert "Saved: claim at" in messages(at) and "2.6x speed increase" in messages(at) and "3.5x speed reduction" in messages(at)
    assert claims()["a 2.6x speedup"]["value"] == 3.5 and claims()["a 2.6x speedup"]["direction"] == "reduction"
    points = db_read(Q.tradeoff_points, Q.Filters(), "speed")
    assert points.set_index("id").loc[PAPER, "gain"] == 3.5 and points.set_index("id").loc[PAPER, "corrected"]
    assert db_read(Q.recent_corrections)["author"].tolist() == ["Ana"]
    at.switch_page("views/export.py").run()
    at.switch_page("views/papers.py").run()  # the name is remembered across pages
    assert at.text_input(key="curator_name").value == "Ana"
    at.button(key="curate_undo_last").click().run()
    assert "Undone" in messages(at)
    assert db_read(Q.recent_corrections)["undone_by"].tolist() == ["Ana"]
    assert claims()["a 2.6x speedup"] == speed  # the extractor's output again
    assert not db_read(Q.paper_detail, PAPER)["corrected"]


def test_add_a_missing_claim_by_its_words_and_delete_a_wrong_one():
    at = open_paper()
    at.selectbox(key=f"curate_claim_{PAPER}").set_value(NEW_CLAIM).run()
    at.text_input(key=f"curate_new_text_{PAPER}").input("no such words here")
    at.button(key=f"curate_add_claim_{PAPER}").click().run()
    assert "is not in the abstract" in messages(at)
    abstract = db_read(Q.paper_detail, PAPER)["abstract"]
    phrase = "real-time experiments"  # not a claim, but a span the test can pick: the value makes it one
    assert phrase in abstract
    at.text_input(key=f"curate_new_text_{PAPER}").input(phrase)
    at.selectbox(key=f"curate_new_{PAPER}_cat").set_value("speed")
    at.number_input(key=f"curate_new_{PAPER}_value").set_value(5.0)
    at.button(key=f"curate_add_claim_{PAPER}").click().run()
    assert not at.exception, at.exception
    assert claims()[phrase]["value"] == 5.0 and abstract[claims()[phrase]["start"]:claims()[phrase]["end"]] == phrase
    gain = claims()["a 0.8 point accuracy gain"]
    at.selectbox(key=f"curate_claim_{PAPER}").set_value(C.span_key(gain)).run()
    at.button(key=f"curate_delete_claim_{PAPER}_{C.span_key(gain)}").click().run()
    assert "a 0.8 point accuracy gain" not in claims()
    assert db_read(Q.paper_detail, PAPER)["quality_change"] is None or pd.isna(db_read(Q.paper_detail, PAPER)["quality_change"])


def test_fix_a_method_and_mark_checked_then_filter_plot_and_export():
    at = open_paper()
    at.text_input(key=f"curate_method_{PAPER}").input("QuantX")
    at.button(key=f"curate_save_fields_{PAPER}").click().run()
    assert "Saved: method quantization → QuantX" in messages(at)
    at.button(key=f"curate_checked_{PAPER}").click().run()
    detail = db_read(Q.paper_detail, PAPER)
    assert detail["method"] == "QuantX" and detail["checked"] and detail["corrected"]
    at.sidebar.checkbox(key="f_checked").check().run()
    assert db_read(Q.count_papers, Q.Filters(only_checked=True)) == 1
    assert at.query_params["checked"] == "1" or at.query_params["checked"] == ["1"]
    at.switch_page("views/tradeoffs.py").run()
    traces, _ = figure(at, "tradeoff_chart")
    ring = [t for t in traces if t.get("name", "").startswith("corrected by a person")]
    assert ring and list(ring[0]["customdata"]) == [PAPER]
    at.switch_page("views/export.py").run()
    at.radio(key="export_format").set_value("xlsx").run()
    _, data = download(at, "download_papers")
    book = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert book["papers"]["corrected"].tolist() == [True] and book["papers"]["method"].tolist() == ["QuantX"]
    assert sorted(book["corrections"]["field"]) == ["checked", "method"]
    at.switch_page("views/corrections.py").run()
    assert not at.exception and "QuantX" in " ".join(at.dataframe[0].value["change"])


def test_fix_the_trade_off_points():
    at = open_paper()
    assert len(db_read(Q.tradeoff_points, Q.Filters(), "speed").query("id == @PAPER")) == 1
    at.multiselect(key=f"curate_points_sel_{PAPER}").set_value([])  # the speed-up and the gain are not one setting
    at.button(key=f"curate_save_points_{PAPER}").click().run()
    assert "Saved: trade-off points" in messages(at)
    assert db_read(Q.tradeoff_points, Q.Filters(), "speed").query("id == @PAPER").empty
    assert db_read(Q.gains_without_quality, Q.Filters(), "speed")["id"].eq(PAPER).any()  # listed as a lone gain now
    at.button(key="curate_undo_last").click().run()
    assert len(db_read(Q.tradeoff_points, Q.Filters(), "speed").query("id == @PAPER")) == 1


def test_a_stale_edit_is_refused_with_a_clear_message_and_nothing_lost():
    at = open_paper()  # this person sees method 'quantization'
    db_read(lambda con: C.correct(con, PAPER, "method", "quantization", "Q-Other", author="Bo"))  # someone else
    at.text_input(key=f"curate_method_{PAPER}").input("Q-Mine")
    at.button(key=f"curate_save_fields_{PAPER}").click().run()
    text = messages(at)
    assert "changed since you opened it" in text and "Q-Other" in text and "Your value was: Q-Mine" in text
    assert db_read(Q.paper_detail, PAPER)["method"] == "Q-Other"
    assert at.text_input(key=f"curate_method_{PAPER}").value == "Q-Mine"  # nothing lost: the typed value stays
    at.button(key=f"curate_save_fields_{PAPER}").click().run()  # saved now, knowingly over the current value
    assert "Saved: method Q-Other → Q-Mine" in messages(at) and db_read(Q.paper_detail, PAPER)["method"] == "Q-Mine"


def test_read_only_mode_shows_no_edit_control(monkeypatch):
    monkeypatch.setenv("ATLAS_READONLY", "1")
    at = open_paper()
    assert at.text  # the paper is shown
    keys = [w.key for w in [*at.text_input, *at.button, *at.selectbox, *at.number_input] if w.key]
    assert not any(k.startswith("curate") or k == "curator_name" for k in keys)
    assert not [e for e in at.expander if "Correct this paper" in e.label]


def test_the_upload_password_guards_edits(monkeypatch):
    monkeypatch.setenv("ATLAS_UPLOAD_PASSWORD", "s3cret")
    at = open_paper()
    assert not [w for w in at.text_input if w.key == f"curate_method_{PAPER}"]
    at.text_input(key="curate_password").input("s3cret").run()
    assert [w for w in at.text_input if w.key == f"curate_method_{PAPER}"]


def test_the_corrections_page_says_when_there_are_none():
    at = run("views/corrections.py")
    assert "Nobody has corrected a paper yet" in messages(at)


def test_the_audit_links_each_correction_to_its_paper_and_the_link_opens_it():
    db_read(lambda con: C.correct(con, PAPER, "method", "quantization", "QuantX", author="Ana"))
    at = run("views/corrections.py")
    links = list(at.dataframe[0].value["paper_link"])
    assert links == [f"papers?paper={PAPER}"]
    other = "p000007"  # a link (?paper=ID) opens that paper's panel on Papers
    opened = run(None, paper=other)
    assert not opened.exception
    title = db_read(Q.paper_detail, other)["title"]
    assert any(title in t.value for t in opened.text), "the linked paper's panel is shown"
    assert opened.query_params.get("paper") in (other, [other])  # and the link survives the URL rewrite
