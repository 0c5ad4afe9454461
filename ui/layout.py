"""Small page furniture shared by every page: the match count, the clear empty-state messages, an expander
that draws its content only while open."""
from __future__ import annotations

from typing import Any

import streamlit as st

from ingest.queries import Filters

from . import state


def match_count(f: Filters) -> int:
    """Show 'N of M papers match' and return N; say plainly why a page is empty."""
    for _ in range(3):  # an upload committing between the two reads would pair counts of two states
        seen = state.version()
        total = state.query("total_papers")
        n = state.query("count_papers", f) if not f.is_empty() else total
        if state.version() == seen:
            break
    if total == 0:
        st.info("The database has no papers yet. Add some on the Upload page (or with `python -m ingest add`).")
    elif n == 0:
        st.warning(f"No papers match the filters (0 of {total:,}). Loosen or clear the filters in the sidebar.")
    else:
        st.caption(f"**{n:,}** of {total:,} papers match the filters." if not f.is_empty() else f"**{n:,}** papers (no filter).")
    return n


def current_filters() -> Filters:
    """The filters app.py drew in the sidebar this run."""
    return st.session_state.get("_filters") or Filters()


def lazy_expander(container: Any, label: str, key: str, expanded: bool) -> Any:
    """An expander that says whether it is open (on_change="rerun": opening it reruns the script), so its widgets
    are drawn only while it is open. Why: Streamlit draws a closed expander's widgets too, and the sidebar's two
    closed ones held 11 of its 21 widgets, drawn by React in every newly opened tab. Returns the expander when
    open, else None; a widget inside keeps its value while closed (persist_state="session", or re-stored)."""
    box = container.expander(label, expanded=expanded, key=key, on_change="rerun")
    return box if box.open else None


_MD_SPECIAL = "\\`*_{}[]()<>#+-.!|~$:"


def md_escape(text: str) -> str:
    """User text (a file name) made literal inside st.markdown / st.success: no links, emphasis or HTML."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))
