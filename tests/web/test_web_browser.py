"""The playground page in real headless Chromium (Debian's) through Playwright.

Small sample counts, so that every run answers in a fraction of a second. Screenshots go to
/tmp/pausesim-web-*.png for a person to look at.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlparse

N = 120
TIMEOUT = 60_000


def _requests(page) -> int:
    return int(page.evaluate("document.body.dataset.requests || '0'"))


def _wait_drawn(page, after: int = 0) -> None:
    """Wait until the page has drawn an answer newer than request number ``after``."""
    page.wait_for_function(
        f"Number(document.body.dataset.requests || 0) > {after} && "
        "document.querySelector('#spinner').hidden === true",
        timeout=TIMEOUT,
    )


def _open(page, live_server, hash_: str) -> None:
    page.goto(f"{live_server}/#{hash_}")
    _wait_drawn(page)


def _p(page, worldview: str = "feedback-loop") -> str:
    return page.locator(f"[data-testid=p-{worldview}]").inner_text()


def _slider_position(name: str, value: float) -> str:
    """The slider position (0 to 1000 on a log slider) that shows ``value``."""
    import math

    from pausesim.scenario import load
    from pausesim.web.controls import parameter_controls

    c = next(c for c in parameter_controls(load("essay-realistic")) if c["name"] == name)
    assert c["log"]
    lo, hi = c["slider_min"], c["slider_max"]
    return str(round(1000 * math.log(value / lo) / math.log(hi / lo)))


def _hash(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).fragment).items()}


def test_page_loads_with_charts_and_verdicts(page, live_server):
    _open(page, live_server, f"preset=essay-realistic&n={N}")
    for wv in ("feedback-loop", "time-to-prepare", "conflict-and-tyranny"):
        assert _p(page, wv).endswith("%")
    # plotly drew every chart (an svg with data traces)
    for sel in ("#fan", "#shares", "#dist-0", "#dist-3"):
        assert page.locator(f"{sel} .main-svg").count() >= 1, sel
        assert page.locator(f"{sel} .trace, {sel} .bars, {sel} .scatterlayer path").count() > 0
    text = page.locator("main").inner_text()
    assert "Danger level" in text and "P(pause lowers risk)" in text
    assert "Delay of the danger level" in text
    assert "overhang_ooms" not in text and "feedback-loop" not in text  # no code identifiers
    assert page.locator("#error").is_hidden()
    page.screenshot(path="/tmp/pausesim-web-loaded.png", full_page=True)
    assert not page.errors


def test_pick_preset_move_slider_reload_url(page, live_server, browser):
    _open(page, live_server, f"preset=essay-realistic&n={N}")
    before = _p(page)
    fan_before = page.evaluate("JSON.stringify(document.getElementById('fan').data[5].y)")

    # pick a preset
    seen = _requests(page)
    page.select_option("[data-testid=preset]", "ideal-global")
    _wait_drawn(page, seen)
    assert _hash(page)["preset"] == "ideal-global"
    assert page.locator("#preset-description").inner_text()
    ideal = _p(page, "time-to-prepare")

    # back to the essay's pause, with a belief moved: fast algorithmic progress
    seen = _requests(page)
    page.select_option("[data-testid=preset]", "essay-realistic")
    _wait_drawn(page, seen)
    assert page.input_value("#samples") == str(N)  # the number of worlds is kept
    seen = _requests(page)
    slider = page.locator("[data-name=alg_halving_months] input[type=range]")
    position = _slider_position("alg_halving_months", 5.5)  # Ho et al.'s fast end (p5)
    slider.fill(position)
    _wait_drawn(page, seen)
    state = _hash(page)
    assert "set.alg_halving_months" in state
    after = _p(page)
    assert after != before, (before, after)
    assert int(after.rstrip("%")) > int(before.rstrip("%"))  # faster progress: the pause helps
    fan_after = page.evaluate("JSON.stringify(document.getElementById('fan').data[5].y)")
    assert fan_after != fan_before
    assert "in every world" in page.locator("[data-name=alg_halving_months]").inner_text()
    page.screenshot(path="/tmp/pausesim-web-moved.png", full_page=True)

    # the shared URL reproduces the view in a fresh browser context
    url = page.url
    other = browser.new_context().new_page()
    other.goto(url)
    _wait_drawn(other)
    assert _p(other) == after
    assert _p(other, "time-to-prepare") == _p(page, "time-to-prepare")
    assert other.locator("[data-name=alg_halving_months]").get_attribute("class").count("changed")
    assert other.input_value("[data-name=alg_halving_months] input[type=range]") == position
    assert ideal  # the ideal-global view was drawn too
    other.context.close()
    assert not page.errors


def test_policy_b_and_a_bad_input(page, live_server):
    _open(page, live_server, f"preset=essay-realistic&n={N}")
    seen = _requests(page)
    page.select_option("[data-testid=versus]", "hardware-included")
    _wait_drawn(page, seen)
    assert _hash(page)["vs"] == "hardware-included"
    block = page.locator("#versus-block")
    assert block.is_visible()
    assert "hardware-included" in page.locator("#verdicts-ab-title").inner_text()
    assert page.locator("#verdicts-ab .verdict").count() == 3
    page.screenshot(path="/tmp/pausesim-web-versus.png", full_page=True)

    # a value the server refuses: the message names the field and the limit
    page.fill("#samples", "50000")
    page.dispatch_event("#samples", "change")
    page.locator("#error").wait_for(state="visible", timeout=TIMEOUT)
    message = page.locator("#error").inner_text()
    assert "samples" in message and "20000" in message
    page.screenshot(path="/tmp/pausesim-web-error.png")


def test_downloads(page, live_server, tmp_path):
    _open(page, live_server, f"preset=essay-realistic&n={N}&set.policy.end.duration_years=3")
    files = {}
    for key in ("csv", "json", "toml", "png"):
        with page.expect_download(timeout=TIMEOUT) as info:
            page.click(f"[data-testid=dl-{key}]")
        d = info.value
        path = tmp_path / d.suggested_filename
        d.save_as(path)
        files[key] = path
    assert files["csv"].name.endswith(".csv")
    lines = files["csv"].read_text().splitlines()
    assert len(lines) == N + 1  # header and one row per world
    summary = json.loads(files["json"].read_text())
    assert summary["samples"] == N and len(summary["verdicts"]) >= 3
    assert files["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert files["png"].stat().st_size > 10_000
    data = tomllib.loads(files["toml"].read_text())
    assert data["policy"]["end"]["duration_years"] == 3
    # the command line runs the downloaded scenario
    cli = Path(sys.executable).with_name("pausesim")
    done = subprocess.run(
        [str(cli), "run", str(files["toml"]), "--samples", "50"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert not page.errors
