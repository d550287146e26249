"""`--images`: every figure as PNG and SVG through kaleido and Debian's chromium."""

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pausesim.cli.app import app
from pausesim.report import build_report, export_images

pytestmark = pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists(),
    reason="needs Debian's chromium at /usr/bin/chromium for kaleido (apt-get install chromium)",
)


def test_export_images_writes_png_and_svg(comparison, tmp_path):
    pytest.importorskip("kaleido")
    rep = build_report(comparison)
    rep.figures = {k: rep.figures[k] for k in ("capability", "risk")}
    paths = export_images(rep, tmp_path / "img")
    assert sorted(p.name for p in paths) == [
        "capability.png",
        "capability.svg",
        "risk.png",
        "risk.svg",
    ]
    png = (tmp_path / "img" / "risk.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    svg = (tmp_path / "img" / "capability.svg").read_text(encoding="utf-8")
    assert "<svg" in svg[:500] and "Frontier capability" in svg


def test_cli_images_option(tmp_path, monkeypatch):
    pytest.importorskip("kaleido")
    out = tmp_path / "r.html"
    r = CliRunner().invoke(
        app, ["report", "no-pause", "-n", "30", "-o", str(out), "--images", str(tmp_path / "i")]
    )
    assert r.exit_code == 0, r.output
    names = {p.name for p in (tmp_path / "i").iterdir()}
    shown = re.findall(r'<div id="fig-([\w-]+)" class="plotly-graph-div"', out.read_text("utf-8"))
    assert "capability" in shown
    assert names == {f"{k}.{fmt}" for k in shown for fmt in ("png", "svg")}
    assert f"wrote {len(names)} images" in r.output
