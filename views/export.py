"""Export: the filtered papers and their claims as CSV, Excel, Parquet, JSON or BibTeX."""
from __future__ import annotations

import streamlit as st

from ingest import export
from ui import filters, layout, state, tables

LABELS = {"csv": "CSV", "xlsx": "Excel", "parquet": "Parquet", "json": "JSON", "bibtex": "BibTeX"}

st.title("Export")
f = layout.current_filters()
n = layout.match_count(f)
if n:
    fmt = st.radio("Format", list(export.FORMATS), format_func=LABELS.get, horizontal=True, key="export_format")
    described = filters.describe(f)
    eager = n <= state.settings().export_eager_rows

    def payload(what: str):
        """Small exports: bytes now (cached). Large ones: built on click, in the download's thread."""
        return state.export_file(fmt, f, what) if eager else state.deferred_export(fmt, f, what)

    with st.spinner("Preparing the file ..."):
        data = payload("papers")
    st.download_button(
        f"Download {n:,} papers ({LABELS[fmt]})",
        data=data,
        file_name=export.export_filename(described, fmt, "papers"),
        mime=export.MIME[fmt],
        key="download_papers",
        type="primary",
    )
    notes = {
        "xlsx": "The workbook has a `papers` sheet, a `claims` sheet, a `points` sheet (the trade-off points) and a "
                "`corrections` sheet (people's corrections; `corrected` marks their papers).",
        "json": "Each paper carries its `claims` list, its `points` (the trade-off points) and its `corrections`.",
        "bibtex": "One entry per paper; the claims are summarised in `note`.",
    }
    if fmt in ("csv", "parquet", "json"):
        for table, words in (("claims", "claims"), ("points", "trade-off points"), ("corrections", "corrections")):
            st.download_button(
                f"Download their {words} ({LABELS[fmt]})",
                data=payload(table),
                file_name=export.export_filename(described, fmt, table),
                mime=export.MIME[fmt],
                key=f"download_{table}",
            )
    if not eager:
        st.caption(f"{n:,} papers: the file is built when you click, which can take a while for Excel.")
    st.caption(notes.get(fmt, "Cells starting with =, +, - or @ are prefixed with ' so spreadsheets do not run them."))
    st.markdown("**Preview** (first 100 rows)")
    preview = state.query("export_papers", f).head(100)
    tables.show(preview, [c for c in tables.PREVIEW_FIRST if c in preview] + [c for c in preview if c not in tables.PREVIEW_FIRST],
                key="export_preview")
