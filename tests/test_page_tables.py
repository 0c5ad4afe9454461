"""No table a reader meets on Papers, Trade-offs, Topics, Upload or Export shows a raw column name or the text "None".

Walks each page through the states that add tables (a selected paper, a search, an upload preview, the
upload result) and checks every st.dataframe on screen: each shown column has a label from ui/tables.py
that is not the SQL name, empty cells are drawn blank, and no text cell holds "None" or "nan".
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.test_app_pages import ATOM, app_env, run  # noqa: F401  (app_env: the autouse fixture)

RAW_WORDS = ("None", "nan", "NaN", "NaT", "null")


def shown_columns(table) -> list[str]:
    order = list(table.proto.column_order)
    return order or [str(c) for c in table.value.columns]


def problems(at) -> list[str]:
    """What is wrong with the tables on screen, one line each."""
    found = []
    assert at.dataframe, "no table on screen"
    for table in at.dataframe:
        name = table.key or table.proto.id[-20:]
        config = json.loads(table.proto.columns or "{}")
        if table.proto.placeholder != "":
            found.append(f"{name}: empty cells are drawn as 'None'")
        frame: pd.DataFrame = table.value
        for column in shown_columns(table):
            label = (config.get(column) or {}).get("label")
            if not label or label == column or "_" in label:
                found.append(f"{name}: column {column!r} shows as {label or column!r}")
            if column in frame and frame[column].dtype == object:
                texts = frame[column].dropna().map(lambda v: v if isinstance(v, str) else "")
                bad = texts[texts.str.strip().isin(RAW_WORDS)]
                if len(bad):
                    found.append(f"{name}: column {column!r} shows {bad.iloc[0]!r}")
    return found


def test_papers_with_a_selected_paper():
    at = run()
    at.session_state["selected_paper"] = "p000001"
    at.run()
    assert len(at.dataframe) == 3  # papers, the paper's claims, similar papers (display tables carry no key)
    assert problems(at) == []
    order = list(at.dataframe[0].proto.column_order)
    assert order.index("best_speedup") <= 2 and order.index("quality_change") <= 2  # visible without scrolling


def test_topics_with_a_search():
    at = run("views/topics.py")
    at.text_input(key="semantic_q").input("distillation study").run()
    assert len(at.dataframe) == 2  # topics, search hits
    assert problems(at) == []


def test_upload_preview_result_and_history():
    at = run("views/upload.py")
    at.file_uploader[0].set_value(("checkerboard.atom.xml", ATOM.read_bytes(), "application/atom+xml")).run()
    assert len(at.dataframe) >= 3  # preview, history, settings
    assert problems(at) == []
    at.button(key="upload_store").click().run()
    assert any("1 new" in s.value for s in at.success)
    assert len(at.dataframe) >= 2  # history, settings
    assert problems(at) == []


def test_tradeoffs_tables():
    at = run("views/tradeoffs.py")
    at.session_state["t_lonely_open"] = True  # the lists under the plot are drawn only while open
    at.session_state["t_other_open"] = True
    at.run()
    assert len(at.dataframe) >= 2  # gains without a quality figure, the per-domain summary
    assert problems(at) == []


def test_export_preview():
    at = run("views/export.py")
    assert problems(at) == []


def test_the_check_catches_a_raw_table(monkeypatch):
    """The check itself: a table drawn with plain st.dataframe is reported."""
    import streamlit as st

    from ui import tables

    monkeypatch.setattr(tables, "show", lambda frame, columns=None, **kw: st.dataframe(frame, key=kw.get("key")))
    at = run("views/export.py")
    assert any("column 'best_speedup' shows as 'best_speedup'" in p for p in problems(at))


def test_every_label_is_human():
    from ui import tables

    for column, config in tables.COLUMNS.items():
        assert config["label"] != column and "_" not in config["label"], column
    with pytest.raises(KeyError, match="no reader-facing label"):
        tables.config(["title", "n_mystery"])
