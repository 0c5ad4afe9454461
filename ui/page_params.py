"""Page choices mirrored in the URL beside the sidebar filters, so a link opens the same plot or leaderboard.

Why a registry: the sidebar rewrites the whole query string after every run (filters.mirror_in_url); it keeps
these keys too, so a page's own choice (the like-with-like metric, the leaderboard's dataset and metric, the
open paper)
survives that rewrite and a shared link. Values are plain names; a page checks them against what it offers.
"""
from __future__ import annotations

from typing import Any, Mapping

# session-state key of the page's widget -> URL key
PAGE_PARAMS: dict[str, str] = {
    "t_axis": "axis",           # Trade-offs: the efficiency axis
    "t_metric": "qmetric",      # Trade-offs: compare on this quality metric
    "t_dataset": "qdataset",    # ... and this dataset
    "lb_dataset": "lbdataset",  # Leaderboard: dataset
    "lb_metric": "lbmetric",    # ... and metric
    "selected_paper": "paper",  # Papers: the open paper (a link from the Corrections page opens it)
}


def state_from_params(params: Mapping[str, list[str]]) -> dict[str, str]:
    """Session-state values for the page keys present in the URL (the last value, cut to 200 characters)."""
    return {key: params[url][-1][:200] for key, url in PAGE_PARAMS.items() if params.get(url) and params[url][-1]}


def params_from_state(state: Mapping[str, Any]) -> dict[str, list[str]]:
    """URL parameters for the page choices that are set (an empty choice means 'any' and is left out)."""
    return {url: [str(state[key])] for key, url in PAGE_PARAMS.items() if isinstance(state.get(key), str) and state[key]}


def keep_offered(state: Any, key: str, offered: list[str]) -> None:
    """Drop a choice the page no longer offers (a stale or hand-edited link), so the widget falls back to its default."""
    if key in state and state[key] not in offered:
        del state[key]
