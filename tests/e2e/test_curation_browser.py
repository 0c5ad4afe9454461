"""Curation in a real browser (headless Chromium against `streamlit run app.py` on the sample database):
correct a claim's value and direction, see the Trade-offs plot mark the paper, undo, add a missing claim by
its words, and the audit list. Saves the editing flow's screenshots into docs/screenshots/ for the README."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.test_browser import CHROMIUM, lasso_all, no_error, page, serve, server, settle, shot  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium (apt-get install -y chromium)"),
]


@pytest.fixture
def target(sample_db_path: Path) -> dict:
    """A sample paper with a speed-up drawn on the plot: its search words and its speed claim (read before the
    server opens the file)."""
    from ingest import store

    con = store.connect(sample_db_path)
    try:
        pid, title, abstract, text, value, direction = con.execute(
            """
            SELECT p.id, p.title, p.abstract, c.text, c.value, c.direction FROM points pt JOIN papers p ON p.id = pt.paper_id
            JOIN claims c ON c.paper_id = pt.paper_id AND c.idx = pt.gain_idx
            WHERE pt.axis = 'speed' AND pt.y IS NOT NULL AND c.unit = 'x' AND p.title NOT LIKE '%$%'
            ORDER BY p.id, c.idx LIMIT 1
            """
        ).fetchone()
    finally:
        con.close()
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z-]{3,}", title)][:5]
    missing = next(p for p in re.findall(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+ [A-Za-z]+", abstract) if abstract.count(p) == 1)
    from ui.plaintext import plain

    return {"id": pid, "title": title, "claim": plain(text), "value": value, "q": "+".join(words), "missing": missing,
            "direction": direction, "new_direction": "increase" if direction == "reduction" else "reduction"}


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the Streamlit selectbox labelled `label`: type to filter its list, Enter to take it."""
    page.get_by_label(label, exact=True).click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")


def open_selected_paper(page, server: str, target: dict) -> None:
    page.goto(f"{server}/?q={target['q']}")
    settle(page, re.compile(r"of [\d,]+ papers match"))
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's selection cell
    settle(page, "Selected paper")


def test_correct_undo_add_and_audit_in_the_browser(target, server, page):
    open_selected_paper(page, server, target)
    page.get_by_text("Correct this paper").click()
    settle(page, "Your name")
    page.get_by_label("Your name").fill("Ana")
    page.get_by_label("Your name").press("Enter")
    settle(page, "Save claim")
    if page.get_by_text(f"As written: “{target['claim']}”").count() == 0:  # not the first claim: pick it
        choose(page, "Claim", target["claim"])
        settle(page, f"As written: “{target['claim']}”")
    value = page.get_by_label("Value", exact=True)
    value.fill(f"{target['value'] + 10:g}")
    choose(page, "Direction", target["new_direction"])
    page.get_by_label("Note (optional)").first.fill("the abstract says latency")
    value.scroll_into_view_if_needed()
    shot(page, "curation-edit")
    page.get_by_role("button", name="Save claim").click()
    settle(page, "Saved: claim at")
    no_error(page)
    assert page.get_by_text(re.compile(rf"{target['value'] + 10:g}x speed {target['new_direction']}")).count() >= 1
    page.get_by_text("Saved: claim at").scroll_into_view_if_needed()
    shot(page, "curation-saved")

    # the Trade-offs plot marks the corrected paper (a ring, with its own legend entry); the filter finds it
    page.get_by_role("link", name="Trade-offs").click()
    settle(page, "By domain")
    page.get_by_text("Only corrected").click()
    settle(page, re.compile(r"1 of [\d,]+ papers match"))
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    page.get_by_text("corrected by a person (ring)").first.wait_for()  # the legend entry, once plotly has drawn
    no_error(page)
    shot(page, "curation-tradeoffs")
    page.get_by_text("Only corrected").click()
    settle(page, re.compile(r"papers \(no filter\)|of [\d,]+ papers match"))

    # undo brings the extractor's value back
    page.get_by_role("link", name="Papers").click()
    settle(page, "Selected paper")
    page.get_by_role("button", name="Undo this change").click()
    settle(page, "Undone")
    assert page.get_by_text(re.compile(rf"{target['value']:g}x speed {target['direction']}")).count() >= 1

    # a missing claim added by its words; words not in the abstract are refused with a clear message
    if not page.get_by_label("Your name").is_visible():  # the editor stays open after a change
        page.get_by_text("Correct this paper").click()
    choose(page, "Claim", "add a missing claim")
    settle(page, "Add claim")
    words = page.get_by_label(re.compile("The claim's words"))
    words.fill("words that are not in this abstract")
    page.get_by_role("button", name="Add claim").click()
    settle(page, "is not in the abstract")
    words.fill(target["missing"])  # some words with no claim in them: given a value, they become one
    page.get_by_label("Value", exact=True).fill("2")
    page.get_by_role("button", name="Add claim").click()
    settle(page, "Saved: claim at")
    assert page.get_by_text(target["missing"]).count() >= 1
    no_error(page)

    # from a dot on the Trade-offs plot: lasso it, open its paper, and the same editor is there
    page.get_by_role("link", name="Trade-offs").click()
    settle(page, "By domain")
    page.locator(".js-plotly-plot .main-svg").first.wait_for()
    lasso_all(page)
    settle(page, re.compile(r"\d+ selected points"))
    choose(page, "Open a selected paper (to read or correct it)", target["title"][:30])
    settle(page, "Correct this paper")
    no_error(page)

    # the audit list names the paper and who changed what
    page.get_by_role("link", name="Corrections").click()
    settle(page, "most recent corrections")
    no_error(page)
    shot(page, "curation-audit")


@pytest.fixture
def read_only_server(sample_db_path: Path, tmp_path: Path):
    yield from serve(sample_db_path, tmp_path, ATLAS_READONLY="1")


def test_read_only_mode_shows_no_edit_control_in_the_browser(target, read_only_server, page):
    open_selected_paper(page, read_only_server, target)
    no_error(page)
    assert page.get_by_text("Correct this paper").count() == 0
    assert page.get_by_role("button", name=re.compile("Save|Delete|Undo|Mark this paper")).count() == 0
