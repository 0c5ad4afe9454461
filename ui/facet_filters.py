"""The sidebar's context facets: metric, dataset, baseline, hardware and model, each with its paper counts.

Each facet offers the names the papers matching the other filters use, "A100 (12)" = picking it leaves 12
papers; names already chosen stay offered. The counts come from one cached read (facets.facet_counts) over
the precomputed paper_facts lists, so a filter change costs no join over the claims.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from ingest.facets import FACETS
from ingest.queries import Filters

from . import layout, state


def offered(counts: dict[str, int], known: dict[str, int], chosen: list[str]) -> list[str]:
    """The names to offer: those with matching papers (most first), then chosen ones that exist but match none."""
    return list(counts) + [name for name in chosen if name not in counts and name in known]


def _keep_known(known: dict[str, dict[str, int]]) -> None:
    """Each facet's choice cut to names in the database (a stale URL value dropped), re-stored as a session value
    so it holds while the expander is closed and its widget not drawn."""
    for facet in FACETS:
        key = f"f_{facet.field}"
        st.session_state[key] = [v for v in st.session_state.get(key) or [] if v in known[facet.field]]


def render(container: Any, current: Filters) -> None:
    """Draw the five facet multiselects (in an expander, open when one is set) into `container`; their counts
    are read only while it is open."""
    chosen_any = any(st.session_state.get(f"f_{facet.field}") for facet in FACETS)
    known = state.query("facet_counts", Filters()) if chosen_any else None  # every name in the database
    if known:
        _keep_known(known)
    box = layout.lazy_expander(container, "Compared on: metric, dataset, baseline, hardware, model",
                               "f_facets_open", chosen_any)
    if box is None:
        return
    counts = state.query("facet_counts", current)
    known = known or state.query("facet_counts", Filters())
    with box:
        st.caption("Names the papers' claims compare on (canonical where known); the number is how many "
                   "papers picking it leaves.")
        for facet in FACETS:
            key = f"f_{facet.field}"
            chosen = st.session_state.get(key) or []
            names = counts[facet.field]
            options = offered(names, known[facet.field], chosen)
            st.session_state[key] = chosen
            st.multiselect(facet.label, options, key=key, format_func=lambda v, n=names: f"{v} ({n.get(v, 0):,})",
                           placeholder="any" if options else "none named")
