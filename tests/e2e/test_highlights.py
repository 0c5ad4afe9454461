"""In a real browser, after LaTeX/markdown rendering: every highlight sits on exactly its extracted claim.

Picks the sample paper whose abstract has the most LaTeX/markdown around its claims (`\\%`, "20.6times",
`**1.9x**`), opens it on the Papers page and compares each drawn <mark> with the claim's own text carried
through the same conversion, and the whole shown abstract with the converted abstract.
"""
from __future__ import annotations

import re
import urllib.parse

import duckdb
import pytest

from tests.e2e.test_browser import CHROMIUM, SHOTS, no_error, page, server, settle  # noqa: F401  (fixtures)
from ui.highlight import kind, spans
from ui.plaintext import plain

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium (apt-get install -y chromium)"),
]
MARKUP = re.compile(r"\\%|\d\s?times|\*\*|\$")


def markup_heavy_paper(db_path) -> tuple[str, str, list[dict]]:
    """(title, abstract, claims) of the paper with the most claims written in LaTeX or markdown."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows = con.execute(
            "SELECT p.id, p.title, p.abstract, list(struct_pack(text := c.text, category := c.category, "
            "direction := c.direction, s := c.start_char, e := c.end_char) ORDER BY c.start_char) "
            "FROM papers p JOIN claims c ON c.paper_id = p.id GROUP BY ALL"
        ).fetchall()
    finally:
        con.close()
    best = max(rows, key=lambda r: (sum(bool(MARKUP.search(c["text"])) for c in r[3]), len(r[3]), r[0]))
    assert sum(bool(MARKUP.search(c["text"])) for c in best[3]) >= 2, "the samples should hold claims written in LaTeX"
    return best[1], best[2], best[3]


def test_highlights_sit_on_the_extracted_spans_after_rendering(server, page, sample_db_path):  # noqa: F811
    title, abstract, claims = markup_heavy_paper(sample_db_path)
    words = [w for w in re.findall(r"[A-Za-z]{4,}", title)][:4]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server + "/?q=" + urllib.parse.quote(" ".join(words)))
    settle(page, re.compile(r"of [\d,]+ papers match"))
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first (only) row's selection cell
    settle(page, "Selected paper")
    page.locator("mark[data-kind]").first.wait_for()  # the abstract is drawn a moment after the panel's heading
    settle(page, "Selected paper")
    no_error(page)

    marks = page.locator("mark[data-kind]")
    drawn = marks.evaluate_all(
        "els => els.map(m => [m.dataset.kind, Array.from(m.childNodes).filter(n => n.nodeType === 3)"
        ".map(n => n.textContent).join('')])"
    )
    kept = spans(abstract, [{**c, "start_char": c["s"], "end_char": c["e"]} for c in claims])
    expected = [(kind(c), plain(abstract[start:end])) for start, end, c in kept]
    assert [tuple(d) for d in drawn] == expected
    assert not [text for _, text in drawn if re.search(r"\\%|\*\*|\$|\dtimes", text)]  # no markup left in a highlight
    shown = page.locator("mark[data-kind]").first.locator("xpath=..").evaluate(
        "d => Array.from(d.childNodes).map(n => n.nodeType === 3 ? n.textContent"
        " : Array.from(n.childNodes).filter(c => c.nodeType === 3).map(c => c.textContent).join('')).join('')"
    )
    assert shown == plain(abstract)
    assert "\\%" not in shown and "**" not in shown
    page.locator("mark[data-kind]").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "papers-abstract.png"))
