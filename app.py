"""Tradeoff Atlas: the Streamlit entry point (`streamlit run app.py`).

Runs on every interaction, before the page: opens the shared database (building it from the bundled
samples at first start), draws the sidebar filters (kept across pages, mirrored in the URL) and hands
over to the page chosen in the navigation. Pages read `st.session_state["_filters"]`.

The page scripts live in views/, not pages/: Streamlit treats a pages/ folder beside the entry script as
a legacy (v1) multipage app until st.navigation first runs. In the browser a deep link such as
/tradeoffs?domain=vision then meets a "Page not found" dialog, and under AppTest every rerun goes through
the v1 wrapper and loses the sidebar's widget state. st.navigation over views/ has neither problem.
"""
from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Tradeoff Atlas", page_icon=":material/scatter_plot:", layout="wide")

from ingest.errors import IngestError  # noqa: E402
from ui import filters, state  # noqa: E402
from ui.progress import progress_callback  # noqa: E402

def ensure_sample_data(store: state.Store) -> None:
    """First start: fill an empty database from data/samples with a visible progress bar."""
    cur = store.reader()
    try:
        empty = cur.execute("SELECT count(*) FROM ingests").fetchone()[0] == 0
    finally:
        cur.close()
    if not empty or store.read_only:
        return
    with store.lock:
        from ingest import pipeline

        if not pipeline.is_empty(store.con):
            return
        with st.status("First start: building the database from the bundled sample papers ...", expanded=True) as status:
            bar = st.progress(0.0, text="reading the samples")
            try:
                embedder = state.get_model()
            except Exception as exc:  # no model: papers still load, without topics or search
                st.warning(f"The embedding model could not be loaded ({type(exc).__name__}); building without topics.")
                embedder = None
            pipeline.build_sample_database(store.con, embedder, progress_callback(bar))
            state.warm()
            status.update(label="Sample database ready", state="complete", expanded=False)


def main() -> None:
    settings = state.settings()
    try:
        store = state.get_store()
        ensure_sample_data(store)
        state.preload_model()
        options = state.query("filter_options")
    except IngestError as exc:
        st.error(f"Cannot open the database: {exc}")
        st.stop()
    except ImportError as exc:
        st.error(f"The app is not fully installed: {exc}")
        st.stop()
    st.session_state["_filters"] = filters.render_sidebar(options)
    pages = [
        st.Page("views/papers.py", title="Papers", icon=":material/table_rows:", url_path="papers", default=True),
        st.Page("views/tradeoffs.py", title="Trade-offs", icon=":material/scatter_plot:", url_path="tradeoffs"),
        st.Page("views/leaderboard.py", title="Leaderboard", icon=":material/leaderboard:", url_path="leaderboard"),
        st.Page("views/topics.py", title="Topics", icon=":material/bubble_chart:", url_path="topics"),
    ]
    pages.append(st.Page("views/corrections.py", title="Corrections", icon=":material/edit_note:", url_path="corrections"))
    if not settings.read_only:
        pages.append(st.Page("views/upload.py", title="Upload", icon=":material/upload:", url_path="upload"))
    pages.append(st.Page("views/export.py", title="Export", icon=":material/download:", url_path="export"))
    page = st.navigation(pages)
    page.run()


main()
