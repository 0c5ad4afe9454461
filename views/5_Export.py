"""Export: the filtered papers and their claims as CSV, Excel, Parquet, JSON or BibTeX."""
from __future__ import annotations

import streamlit as st

from ingest import export
from ui import filters, layout, state

LABELS = {"csv": "CSV", "xlsx": "Excel", "parquet": "Parquet", "json": "JSON", "bibtex": "BibTeX"}

st.title("Export")
f = layout.current_filters()
n = layout.match_count(f)
if n:
    fmt = st.radio("Format", list(export.FORMATS), format_func=LABELS.get, horizontal=True, key="export_format")
    described = filters.describe(f)
    with st.spinner("Preparing the file ..."):
        data = state.export_file(fmt, f, "papers")
    st.download_button(
        f"Download {n:,} papers ({LABELS[fmt]})",
        data=data,
        file_name=export.export_filename(described, fmt, "papers"),
        mime=export.MIME[fmt],
        key="download_papers",
        type="primary",
    )
    notes = {
        "xlsx": "The workbook has a `papers` sheet and a `claims` sheet.",
        "json": "Each paper carries its `claims` list.",
        "bibtex": "One entry per paper; the claims are summarised in `note`.",
    }
    if fmt in ("csv", "parquet", "json"):
        st.download_button(
            f"Download their claims ({LABELS[fmt]})",
            data=state.export_file(fmt, f, "claims"),
            file_name=export.export_filename(described, fmt, "claims"),
            mime=export.MIME[fmt],
            key="download_claims",
        )
    st.caption(notes.get(fmt, "Cells starting with =, +, - or @ are prefixed with ' so spreadsheets do not run them."))
    st.markdown("**Preview** (first 100 rows)")
    st.dataframe(state.query("export_papers", f).head(100), hide_index=True, key="export_preview")
