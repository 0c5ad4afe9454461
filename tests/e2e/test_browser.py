"""The real app in a real browser: `streamlit run app.py` on a free port, driven by headless Chromium.

Needs Debian's chromium at /usr/bin/chromium (`apt-get install -y chromium`); Playwright's own browser
download is not used. Saves a screenshot of every page into docs/screenshots/ for the README.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "docs" / "screenshots"
UPLOAD = ROOT / "tests" / "fixtures" / "corpora" / "arxiv-api-checkerboard.atom.xml"
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium (apt-get install -y chromium)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(sample_db_path: Path, tmp_path: Path):
    """The app serving a private copy of the sample database; yields its base URL."""
    yield from serve(sample_db_path, tmp_path)


def serve(db: Path, tmp_path: Path, **settings: str):
    """Run `streamlit run app.py` on `db` with these ATLAS_* settings (none by default) until closed; yields its URL."""
    port = free_port()
    env = {**os.environ, "ATLAS_DB": str(db), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env.pop("ATLAS_READONLY", None)
    env.pop("ATLAS_UPLOAD_PASSWORD", None)
    env.update(settings)
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(base + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the app did not start:\n" + (tmp_path / "server.log").read_text()[-3000:])
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        text = (tmp_path / "server.log").read_text(errors="replace")
        assert "Traceback" not in text, text[-3000:]


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROME_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        yield pg
        context.close()
        browser.close()


def settle(page, text: str | re.Pattern) -> None:
    """Wait until `text` is on screen and Streamlit has finished running the script."""
    page.get_by_text(text).first.wait_for()
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=60_000,
    )
    page.wait_for_timeout(400)


def no_error(page) -> None:
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator('[data-testid="stException"]').first.inner_text()
    assert "Traceback" not in page.inner_text("body")


def paper_count(page) -> int:
    text = page.get_by_text(re.compile(r"papers (match|\(no filter\))")).first.inner_text()
    return int(re.search(r"([\d,]+)", text).group(1).replace(",", ""))


def lasso_all(page) -> None:
    """Lasso the whole plotting area of the page's first plotly chart (every drawn dot)."""
    drag = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
    x0, y0, x1, y1 = drag["x"] + 3, drag["y"] + 3, drag["x"] + drag["width"] - 3, drag["y"] + drag["height"] - 3
    page.mouse.move(x0, y0)
    page.mouse.down()
    for x, y in ((x1, y0), (x1, y1), (x0, y1), (x0, y0 + 5)):
        page.mouse.move(x, y, steps=8)
    page.mouse.up()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    if page.locator(".js-plotly-plot").count():
        page.locator(".js-plotly-plot .main-svg").first.wait_for()
        page.wait_for_timeout(1500)  # WebGL traces paint after the SVG frame
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_every_page_filter_upload_and_download(server, page, tmp_path):
    # Papers (the default page)
    page.goto(server + "/")
    settle(page, re.compile(r"papers \(no filter\)"))
    no_error(page)
    total = paper_count(page)
    assert total >= 250
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's selection cell
    try:
        settle(page, "Selected paper")
    except Exception:  # selecting a canvas row is best effort; the detail is covered by AppTest
        pass
    shot(page, "papers")
    for path, title, name in (("/tradeoffs", "By domain", "tradeoffs"), ("/topics", "Search papers", "topics"),
                              ("/export", "Download", "export")):
        page.goto(server + path)
        settle(page, title)
        no_error(page)
        assert paper_count(page) == total, path
        shot(page, name)

    # lasso every point of the trade-off plot: the selected papers are listed in a table
    page.goto(server + "/tradeoffs")
    settle(page, "By domain")
    shot(page, "tradeoffs")
    lasso_all(page)
    settle(page, re.compile(r"\d+ selected points"))
    no_error(page)
    # the lasso's end and the list it made in one picture: the list's heading in the middle of the window
    page.get_by_text(re.compile(r"\d+ selected points")).first.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(500)
    shot(page, "tradeoffs-selected")

    # a filter through the UI: full-text search in the sidebar, mirrored in the URL
    search = page.get_by_label("Search titles and abstracts")
    search.fill("quantization")
    search.press("Enter")
    page.wait_for_url(re.compile(r"q=quantization"))
    settle(page, re.compile(r"of [\d,]+ papers match"))
    filtered = paper_count(page)
    assert 0 < filtered < total
    no_error(page)

    # the filter is kept when switching pages through the navigation ...
    page.get_by_role("link", name="Trade-offs").click()
    settle(page, "By domain")
    assert paper_count(page) == filtered and "q=quantization" in page.url
    # ... and a shared link opens the same filtered view
    for path, title in (("/tradeoffs", "By domain"), ("/topics", "Search papers"), ("/export", "Download")):
        page.goto(server + path + "?q=quantization")
        settle(page, title)
        no_error(page)
        assert paper_count(page) == filtered, path

    # the export downloads exactly the filtered rows
    page.goto(server + "/export?q=quantization")
    settle(page, "Download")
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile(r"Download [\d,]+ papers \(CSV\)")).click()
    download = info.value
    assert download.suggested_filename == "atlas-papers_q-quantization.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert len(rows) == filtered and len({r["id"] for r in rows}) == filtered
    assert all("quantization" in (r["title"] + r["abstract"]).lower() for r in rows)

    # hybrid search (BM25 + the real model)
    page.goto(server + "/topics")
    settle(page, "Search papers")
    box = page.get_by_label("Words or a description of what you are looking for")
    box.fill("faster inference of large language models")
    box.press("Enter")
    settle(page, "best matches within the filters")
    no_error(page)
    page.get_by_text("best matches within the filters").scroll_into_view_if_needed()
    shot(page, "topics-search")

    # upload a real Atom file: preview, store with progress, count grows
    page.goto(server + "/upload")
    settle(page, "Uploads")
    no_error(page)
    upload = tmp_path / UPLOAD.name
    shutil.copy(UPLOAD, upload)
    page.locator('input[type="file"]').set_input_files(str(upload))
    settle(page, "detected format")
    shot(page, "upload-preview")
    page.get_by_role("button", name=re.compile(r"Store \d+ records")).click()
    settle(page, re.compile(r"\d+ new, \d+ duplicates"))
    no_error(page)
    shot(page, "upload")
    page.goto(server + "/")
    settle(page, re.compile(r"papers \(no filter\)"))
    assert paper_count(page) == total + 1
