"""Start loading Streamlit's plotly chunk in the browser before the first plot needs it.

Why: Streamlit loads its plotly code (one 4.7 MB JavaScript chunk) only when the first plotly element of a tab
arrives, after the script run, and evaluating it takes 1-2 s of the browser's CPU (3-5 s on this busy 2-core
machine): most of opening Trade-offs by link, and of the first switch to it in a tab. A page that draws a plot
starts the import at once (while the server still runs the script); every other page starts it once the page
has been quiet for a second, so a later switch to a plot finds the chunk ready. The import is the very module
Streamlit's own lazy import asks for (same URL, so the browser evaluates it once).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import streamlit as st

_SCRIPT = """<script>
(() => {
  if (window.__atlasPlotlyWarmup) return;
  window.__atlasPlotlyWarmup = true;
  const entry = document.querySelector('script[type="module"][src*="/static/js/index."]');
  if (!entry) return;
  const load = () => import(new URL("CHUNK", entry.src).href).catch(() => {});
  if (PLOT_PAGES.some(p => location.pathname.endsWith("/" + p))) return load();
  let quiet = 0;  // two checks in a row without Streamlit's running indicator: the page has settled
  const check = setInterval(() => {
    quiet = document.querySelector('[data-testid="stStatusWidgetRunningIcon"]') ? 0 : quiet + 1;
    if (quiet < 2) return;
    clearInterval(check);
    (window.requestIdleCallback || setTimeout)(load);
  }, 500);
})();
</script>"""


@lru_cache(maxsize=1)
def chunk_name() -> str | None:
    """The file name of the installed Streamlit's plotly chunk (content-hashed), None when there is not exactly one."""
    names = [p.name for p in (Path(st.__file__).parent / "static" / "static" / "js").glob("PlotlyChart.*.js")]
    return names[0] if len(names) == 1 else None


def script(plot_pages: list[str]) -> str | None:
    """The warm-up script: import the chunk at once on the pages at `plot_pages` (URL paths), once the page is
    quiet elsewhere; None when the chunk is not found. One script for every page, so the element never changes
    and a page switch does not redraw it."""
    name = chunk_name()
    if name is None:
        return None
    return _SCRIPT.replace("CHUNK", name).replace("PLOT_PAGES", json.dumps(sorted(plot_pages)))


def start(plot_pages: list[str]) -> None:
    """Add the warm-up script at the end of the sidebar (an empty element: nothing moves on the page)."""
    body = script(plot_pages)
    if body:
        st.sidebar.html(body, unsafe_allow_javascript=True)
