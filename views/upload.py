"""Upload: parse files or pasted text in memory, preview, store with a progress bar; history and removal.

Every write here takes the store's lock, so concurrent uploads queue rather than fail. Hidden entirely
when ATLAS_READONLY=1; behind ATLAS_UPLOAD_PASSWORD when set.
"""
from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from ingest.errors import IngestError
from ui import state, tables
from ui.layout import md_escape
from ui.plaintext import plain
from ui.settings import SETTINGS
from ui.progress import progress_callback
from ui.upload import PASTE_NAME, parse_uploads, password_ok

FORMAT_CHOICES = ["detect automatically", "webtext", "atom", "arxiv_jsonl", "semantic_scholar", "openalex", "bibtex", "ris", "wos", "csv"]

st.title("Upload")
settings = state.settings()
store = state.get_store()

if settings.read_only or store.read_only:
    st.info("This atlas is read-only: uploads, removals and re-clustering are switched off.")
    st.stop()

if settings.upload_password and not st.session_state.get("upload_unlocked"):
    given = st.text_input("Upload password", type="password", key="upload_password")
    if given and password_ok(given, settings.upload_password):
        st.session_state["upload_unlocked"] = True
        st.rerun()
    if given:
        st.error("Wrong password.")
    st.caption("Uploads, removals and re-clustering need the password set in ATLAS_UPLOAD_PASSWORD.")
    st.stop()

# ---------------------------------------------------------------- last result
summary = st.session_state.pop("last_upload", None)
if summary:
    kind, payload = summary
    if kind == "ok":
        for s in payload:
            st.success(f"{md_escape(s['file_name'])} [{s['format']}]: {s['n_new']:,} new, {s['n_duplicates']:,} duplicates, {len(s['skipped']):,} skipped")
            if s["skipped"]:
                tables.show(pd.DataFrame(s["skipped"]), key=f"skipped_{s['ingest_id']}")
            for note in s["notes"]:
                st.caption(f"note: {md_escape(note)}")
    elif kind == "msg":
        st.success(md_escape(payload))
    else:
        st.error(md_escape(payload))

# ---------------------------------------------------------------- input
round_ = st.session_state.setdefault("upload_round", 0)
files = st.file_uploader(
    "Drop one or more files (arXiv JSON lines, Atom, Semantic Scholar / OpenAlex JSON, BibTeX, RIS, WoS, CSV, copied web text)",
    accept_multiple_files=True,
    key=f"upload_files_{round_}",
    max_upload_size=settings.max_upload_mb,
)
pasted = st.text_area("... or paste text (titles and abstracts copied from a page, or any supported format)", key=f"upload_paste_{round_}", height=120)
fmt_choice = st.selectbox("Format", FORMAT_CHOICES, key="upload_format")
fmt = None if fmt_choice == FORMAT_CHOICES[0] else fmt_choice

inputs: list[tuple[str, bytes]] = [(f.name, f.getvalue()) for f in files or []]
if pasted.strip():
    inputs.append((PASTE_NAME, pasted.encode("utf-8")))

if inputs:
    digest = hashlib.sha256(repr([(n, hashlib.sha256(d).hexdigest()) for n, d in inputs] + [fmt]).encode()).hexdigest()
    cache = st.session_state.get("_parsed")
    if not cache or cache[0] != digest:
        with st.spinner("Reading ..."):
            cache = (digest, parse_uploads(inputs, fmt, settings.max_upload_mb, settings.max_records))
        st.session_state["_parsed"] = cache
    parsed = cache[1]
    for err in parsed.errors:
        st.error(md_escape(err))
    for result in parsed.results:
        st.markdown(f"**{md_escape(result.source)}** — detected format `{result.format}`: "
                    f"{len(result.records):,} records, {len(result.skipped):,} skipped")
        preview = pd.DataFrame(
            [{"title": plain(r.title), "year": r.year, "arxiv_id": r.arxiv_id, "doi": r.doi, "authors": list(r.authors[:3]),
              "abstract": plain(r.abstract[:300])} for r in result.records[:50]]
        )
        if not preview.empty:
            tables.show(preview, key=f"preview_{result.source}")
        if result.skipped:
            with st.expander(f"{len(result.skipped)} skipped records"):
                tables.show(pd.DataFrame([s.__dict__ for s in result.skipped]), key=f"skipped_{result.source}")
        for note in result.notes:
            st.caption(f"note: {md_escape(note)}")
    if parsed.results and not parsed.n_records and not parsed.errors:
        st.warning("No usable records were found (every record was skipped).")
    if st.button(f"Store {parsed.n_records:,} records", type="primary", disabled=not parsed.ok, key="upload_store"):
        bar = st.progress(0.0, text="waiting for other uploads to finish ...")
        try:
            with store.lock:
                bar.progress(0.0, text="reading done; extracting claims ...")
                from ingest import pipeline

                try:
                    embedder = state.get_model()
                except Exception:  # no model: store without vectors; `python -m ingest embed` later
                    embedder = None
                summaries = pipeline.add_results(store.con, parsed.results, parsed.hashes, embedder, progress_callback(bar))
        except IngestError as exc:
            st.session_state["last_upload"] = ("error", f"The upload failed and nothing was stored: {exc}")
        except Exception as exc:  # never a traceback; the transaction rolled back
            st.session_state["last_upload"] = ("error", f"The upload failed and nothing was stored ({type(exc).__name__}: {str(exc)[:200]})")
        else:
            st.session_state["last_upload"] = ("ok", [
                {"ingest_id": s.ingest_id, "file_name": s.file_name, "format": s.format, "n_new": s.n_new,
                 "n_duplicates": s.n_duplicates, "skipped": [sk.__dict__ for sk in s.skipped], "notes": list(s.notes)}
                for s in summaries
            ])
            st.session_state["upload_round"] = round_ + 1
            st.session_state.pop("_parsed", None)
            bar.progress(1.0, text="preparing the pages ...")
            state.warm()
        st.rerun()

# ---------------------------------------------------------------- history
st.subheader("Uploads")
history = state.query("ingests")
if history.empty:
    st.caption("Nothing uploaded yet.")
else:
    tables.show(history, ["file_name", "format", "finished_at", "n_records", "n_new", "n_duplicates", "n_skipped", "papers_now", "id"],
                key="upload_history")
    with st.form("remove_upload"):
        choice = st.selectbox("Remove an upload (its papers go unless another upload also has them)",
                              list(history["id"]), format_func=lambda i: f"#{i} {history.set_index('id').at[i, 'file_name']}")
        confirm = st.checkbox("Yes, remove it")
        if st.form_submit_button("Remove"):
            if not confirm:
                st.warning("Tick the box to confirm the removal.")
            else:
                from ingest import pipeline

                try:
                    with store.lock:
                        removed = pipeline.remove_upload(store.con, int(choice))
                except IngestError as exc:
                    st.error(f"Removal failed: {exc}")
                else:
                    state.warm()
                    st.session_state["last_upload"] = ("msg", f"Removed upload #{choice} and {removed:,} papers only it had.")
                    st.rerun()

# ---------------------------------------------------------------- topics
with st.expander("Re-cluster topics"):
    st.caption("New papers join the nearest existing topic at once; re-clustering recomputes every topic and the map.")
    k = st.number_input("Number of topics (0 = choose automatically)", min_value=0, max_value=200, value=0, step=1, key="recluster_k")
    if st.button("Re-cluster now", key="recluster"):
        from ingest import pipeline

        bar = st.progress(0.0, text="waiting for other writes ...")
        try:
            with store.lock:
                run_id = pipeline.recluster(store.con, int(k) or None, progress_callback(bar))
        except IngestError as exc:
            st.error(f"Re-clustering failed: {exc}")
        except Exception as exc:
            st.error(f"Re-clustering failed ({type(exc).__name__}: {str(exc)[:200]})")
        else:
            state.warm()
            st.session_state["last_upload"] = ("msg", f"Topic run {run_id} is now current.")
            st.rerun()

with st.expander("Settings"):
    tables.show(pd.DataFrame(SETTINGS, columns=["name", "default", "meaning"]), key="settings_table")
