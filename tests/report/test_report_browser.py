"""The report opened offline in real headless Chromium (Debian package) through Playwright."""

import re
from pathlib import Path

import pytest

from pausesim.report import write_report
from pausesim.run import load_result
from pausesim.testing import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
)

#: Per plot div: its id, whether plotly drew its SVG, its data traces and the drawn trace groups.
RENDERED = """() => Array.from(document.querySelectorAll('.plotly-graph-div')).map(d => ({
  id: d.id,
  svg: d.querySelectorAll('.main-svg').length,
  data: (d.data || []).length,
  drawn: d.querySelectorAll('g.trace, g.barlayer g.trace, path.box').length,
  title: (d.querySelector('.gtitle') || {}).textContent || '',
}))"""


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        yield b
        b.close()


def open_offline(browser, path: Path):
    """A page showing ``path`` with every non-file request blocked; console errors collected."""
    page = browser.new_page(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith(("file://", "data:", "blob:")):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.plotly-graph-div'))"
        ".every(d => d.querySelector('.main-svg'))",
        timeout=30_000,
    )
    return page, errors, requests


def check_rendered(page, errors, requests, expected):
    figs = page.evaluate(RENDERED)
    assert [f["id"] for f in figs] == [f"fig-{k}" for k in expected]
    for f in figs:
        assert f["svg"] >= 1, f
        assert f["data"] >= 1 and f["drawn"] >= 1, f
        assert f["title"], f
    assert errors == []
    assert requests == []


@pytest.fixture(scope="module")
def reports(comparison, saved_folder, tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    live = folder / "live.html"
    saved = folder / "saved.html"
    write_report(comparison, live)
    write_report(load_result(saved_folder), saved)
    return live, saved


def test_every_figure_renders_offline_without_errors(browser, reports, comparison_figures):
    for path in reports:
        page, errors, requests = open_offline(browser, path)
        check_rendered(page, errors, requests, comparison_figures)
        shot = Path("/tmp") / f"pausesim-report-{path.stem}.png"
        page.screenshot(path=str(shot), full_page=True)
        page.close()


def test_download_buttons_export_png_and_svg_offline(browser, reports, tmp_path):
    page, errors, requests = open_offline(browser, reports[0])
    for fmt, magic in (("png", b"\x89PNG"), ("svg", b"<svg")):
        with page.expect_download() as info:
            page.click(f"#sec-risk button:has-text('{fmt.upper()}')")
        target = tmp_path / f"risk.{fmt}"
        info.value.save_as(target)
        data = target.read_bytes()
        assert data.startswith(magic) or magic in data[:200]
        assert len(data) > 2000
    with page.expect_download() as info:  # plotly's own camera button
        page.hover("#fig-capability")
        page.click("#fig-capability .modebar-btn[data-title^='Download plot']")
    assert info.value.suggested_filename == "capability.png"
    assert errors == [] and requests == []
    page.close()


def test_figures_show_labels_not_identifiers(browser, reports):
    page, _, _ = open_offline(browser, reports[0])
    text = page.evaluate(
        "() => Array.from(document.querySelectorAll('.plotly-graph-div svg text'))"
        ".map(t => t.textContent).join(' | ')"
    )
    for words in ("Frontier capability (OOM)", "US and allies", "share of worlds (%)", "year"):
        assert words in text, words
    for ident in ("frontier_capability", "us_allies", "overhang_ooms", "catch_up"):
        assert not re.search(rf"\b{ident}\b", text), ident
    page.close()
