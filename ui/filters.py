"""The sidebar filters: drawn once per run by app.py, kept across pages, mirrored in the URL.

Why this shape: widgets drawn in the entry script survive page switches; the URL is read once per
session (so a shared link opens the same view) and rewritten after every run (so the address bar is
always a link to what is on screen). Parsing the URL never trusts it: bad numbers are dropped.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

import streamlit as st

from ingest.facets import FACETS
from ingest.queries import CATEGORIES, Filters

from . import facet_filters, layout, page_params

# session-state key -> (URL key, kind)
FIELDS: dict[str, tuple[str, str]] = {
    "f_q": ("q", "str"),
    "f_domains": ("domain", "strs"),
    "f_topics": ("topic", "ints"),
    "f_categories": ("cat", "strs"),
    "f_both": ("both", "bool"),
    "f_smin": ("smin", "float"),
    "f_smax": ("smax", "float"),
    "f_qmin": ("qmin", "float"),
    "f_qmax": ("qmax", "float"),
    "f_ingests": ("ingest", "ints"),
    "f_ymin": ("ymin", "int"),
    "f_ymax": ("ymax", "int"),
    "f_checked": ("checked", "bool"),
    "f_corrected": ("corrected", "bool"),
}
FIELDS.update({f"f_{facet.field}": (facet.url, "strs") for facet in FACETS})  # the context facets
EMPTY: dict[str, Any] = {"str": "", "strs": [], "ints": [], "bool": False, "float": None, "int": None}


def _parse(kind: str, values: list[str]) -> Any:
    try:
        if kind == "str":
            return values[-1][:500] if values else ""
        if kind == "strs":
            return [v[:100] for v in values if v]
        if kind == "ints":
            return [int(v) for v in values if v.lstrip("-").isdigit()]
        if kind == "bool":
            return bool(values) and values[-1] in ("1", "true", "yes")
        if kind == "float":
            value = float(values[-1]) if values else None
            return value if value is None or abs(value) < 1e9 else None
        if kind == "int":
            return int(values[-1]) if values else None
    except (ValueError, IndexError):
        return EMPTY[kind]
    return EMPTY[kind]


def state_from_params(params: Mapping[str, list[str]]) -> dict[str, Any]:
    """Session-state values from URL query parameters ({key: [values]}); unknown keys ignored."""
    return {key: _parse(kind, list(params.get(url_key, []))) for key, (url_key, kind) in FIELDS.items()}


def params_from_filters(f: Filters) -> dict[str, list[str]]:
    """The URL query parameters for `f` (only the filters that are set)."""
    out: dict[str, list[str]] = {}
    values = {
        "q": f.q, "domain": list(f.domains), "topic": [str(t) for t in f.topics], "cat": list(f.categories),
        "both": "1" if f.both_numbers else "", "smin": f.speedup_min, "smax": f.speedup_max,
        "qmin": f.quality_min, "qmax": f.quality_max, "ingest": [str(i) for i in f.ingests],
        "ymin": f.year_min, "ymax": f.year_max,
        "checked": "1" if f.only_checked else "", "corrected": "1" if f.only_corrected else "",
        **{facet.url: list(getattr(f, facet.attr)) for facet in FACETS},
    }
    for key, value in values.items():
        if value in (None, "", []):
            continue
        out[key] = [str(v) for v in value] if isinstance(value, list) else [f"{value:g}" if isinstance(value, float) else str(value)]
    return out


def filters_from_state(state: Mapping[str, Any]) -> Filters:
    def get(key: str) -> Any:
        return state.get(key, EMPTY[FIELDS[key][1]])

    return Filters(
        q=(get("f_q") or "").strip(),
        domains=tuple(get("f_domains") or ()),
        topics=tuple(int(t) for t in get("f_topics") or ()),
        categories=tuple(get("f_categories") or ()),
        both_numbers=bool(get("f_both")),
        speedup_min=get("f_smin"),
        speedup_max=get("f_smax"),
        quality_min=get("f_qmin"),
        quality_max=get("f_qmax"),
        ingests=tuple(int(i) for i in get("f_ingests") or ()),
        year_min=get("f_ymin"),
        year_max=get("f_ymax"),
        only_checked=bool(get("f_checked")),
        only_corrected=bool(get("f_corrected")),
        **{facet.attr: tuple(get(f"f_{facet.field}") or ()) for facet in FACETS},
    )


def describe(f: Filters) -> list[tuple[str, Any]]:
    """(name, value) pairs of the set filters: used for export file names and the page captions."""
    return [
        (name, value)
        for name, value in (
            ("q", f.q), ("domain", list(f.domains)), ("topic", list(f.topics)), ("cat", list(f.categories)),
            ("both", f.both_numbers), ("smin", f.speedup_min), ("smax", f.speedup_max),
            ("qmin", f.quality_min), ("qmax", f.quality_max), ("ingest", list(f.ingests)),
            ("ymin", f.year_min), ("ymax", f.year_max),
            ("checked", f.only_checked), ("corrected", f.only_corrected),
            *((facet.url, list(getattr(f, facet.attr))) for facet in FACETS),
        )
        if value not in (None, "", [], False)
    ]


def clear() -> None:
    """Button callback: every filter back to empty."""
    for key, (_, kind) in FIELDS.items():
        st.session_state[key] = EMPTY[kind]


def set_topic(topic_id: int | None) -> None:
    """Used by the Topics page: filter every page to one topic (None clears the topic filter)."""
    st.session_state["f_topics"] = [] if topic_id is None else [int(topic_id)]


def _init_from_url() -> None:
    if st.session_state.get("_filters_from_url"):
        return
    params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    for key, value in (state_from_params(params) | page_params.state_from_params(params)).items():
        st.session_state.setdefault(key, value)
    st.session_state["_filters_from_url"] = True


def _keep_valid(key: str, allowed: Any) -> None:
    """Drop values the widget no longer offers (a removed upload, a new topic run)."""
    current = st.session_state.get(key) or []
    st.session_state[key] = [v for v in current if v in allowed]


def render_sidebar(options: Mapping[str, Any]) -> Filters:
    """Draw the filter widgets in the sidebar and return the Filters they describe."""
    _init_from_url()
    _keep_valid("f_domains", options["domains"])
    _keep_valid("f_topics", options["topics"])
    _keep_valid("f_ingests", options["ingests"])
    topics: dict[int, str] = options["topics"]
    uploads: dict[int, str] = options["ingests"]
    sb = st.sidebar
    sb.header("Filters")
    sb.text_input("Search titles and abstracts", key="f_q", placeholder="e.g. quantization llama")
    sb.multiselect("Domain", options["domains"], key="f_domains")
    sb.multiselect("Topic", list(topics), key="f_topics", format_func=_label(topics))
    sb.multiselect("Claim category", list(CATEGORIES), key="f_categories")
    sb.checkbox("Has a speed-up and a quality number", key="f_both")
    facet_filters.render(sb, filters_from_state(st.session_state))
    _numbers_and_years(sb, options["years"])
    sb.multiselect("Source upload", list(uploads), key="f_ingests", format_func=lambda i: f"#{i} {uploads.get(i, '')}")
    c1, c2 = sb.columns(2)
    c1.checkbox("Only checked", key="f_checked", help="Papers a person marked checked")
    c2.checkbox("Only corrected", key="f_corrected", help="Papers with a person's correction")
    filters = filters_from_state(st.session_state)
    sb.button("Clear filters", on_click=clear, disabled=filters.is_empty(), width="stretch")
    mirror_in_url(filters)
    return filters


def _numbers_and_years(container: Any, years: tuple[Any, Any]) -> None:
    """The speed-up, quality and year ranges, in an expander open when one is set."""
    box = layout.lazy_expander(container, "Numbers and years", "f_numbers_open",
                               _any_set("f_smin", "f_smax", "f_qmin", "f_qmax", "f_ymin", "f_ymax"))
    if box is None:
        return
    with box:
        c1, c2 = st.columns(2)
        kept = {"value": None, "persist_state": "session"}
        c1.number_input("Speed-up from (x)", min_value=0.0, step=0.5, key="f_smin", **kept)
        c2.number_input("Speed-up to (x)", min_value=0.0, step=0.5, key="f_smax", **kept)
        c1.number_input("Quality change from (points)", step=0.5, key="f_qmin", **kept)
        c2.number_input("Quality change to (points)", step=0.5, key="f_qmax", **kept)
        lo, hi = years
        c1.number_input("Year from", step=1, min_value=1900, max_value=2100, key="f_ymin",
                        help=f"Papers whose year is known ({lo}-{hi})" if lo else "No years known yet", **kept)
        c2.number_input("Year to", step=1, min_value=1900, max_value=2100, key="f_ymax", **kept)


def _any_set(*keys: str) -> bool:
    return any(st.session_state.get(k) is not None for k in keys)


def _label(mapping: Mapping[int, str]) -> Callable[[int], str]:
    return lambda key: f"{key}: {mapping.get(key, '?')}"


def mirror_in_url(f: Filters) -> None:
    """Rewrite the query string from the filters and the page choices (page_params) when it differs. The sidebar
    calls it every full run; a fragment that holds page choices (the Trade-offs plot) calls it on its own reruns."""
    wanted = params_from_filters(f) | page_params.params_from_state(st.session_state)
    current = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    if current != wanted:
        st.query_params.from_dict(wanted)
