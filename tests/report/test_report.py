"""`pausesim report`: one self-contained HTML file, its figures, and the numbers they show."""

import re

import numpy as np
import plotly.graph_objects as go
import pytest
from typer.testing import CliRunner

from pausesim.cli.app import app
from pausesim.plots import figures as F
from pausesim.plots.source import as_source
from pausesim.report import build_report
from pausesim.report.build import _plotly_js
from pausesim.run import load_result

runner = CliRunner()

TRAJECTORY_FIGURES = ["capability", "effective_compute", "pause_state", "alignment"]


def assert_self_contained(text: str) -> None:
    """plotly.js embedded exactly once, no script, link or image fetched from the network."""
    banner = _plotly_js()[:60]
    assert text.count(banner) == 1
    assert text.count("plotly.js v") == 1
    tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", text, flags=re.I)
    for tag in tags:
        assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", tag, flags=re.I), tag
    outside = text.replace(_plotly_js(), "")  # the page itself, without the embedded library
    assert "cdn.plot.ly" not in outside and "mathjax" not in outside.lower()
    assert not re.search(r"https?://", re.sub(r"<pre>.*?</pre>", "", outside, flags=re.S))


def figure_ids(text: str) -> list[str]:
    return re.findall(r'<div id="fig-([\w-]+)" class="plotly-graph-div"', text)


@pytest.fixture(scope="module")
def preset_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "essay.html"
    r = runner.invoke(app, ["report", "essay-realistic", "-n", "200", "-o", str(out)])
    assert r.exit_code == 0, r.output
    return out


def test_report_from_a_preset_is_one_offline_file_with_every_figure(
    preset_report, comparison_figures
):
    text = preset_report.read_text(encoding="utf-8")
    assert_self_contained(text)
    assert figure_ids(text) == comparison_figures
    assert "Not shown" not in text
    # every figure is drawn by Plotly.newPlot on its own div, with data
    for key in comparison_figures:
        assert f'Plotly.newPlot(                        "fig-{key}"' in text or re.search(
            rf'Plotly\.newPlot\(\s*"fig-{key}",\s*\[\{{', text
        ), key


def test_report_speaks_to_readers_not_in_code_identifiers(preset_report):
    text = preset_report.read_text(encoding="utf-8")
    body = text.split("</head>", 1)[1]
    visible = re.sub(r"<script.*?</script>", "", body, flags=re.S)
    visible = re.sub(r"<pre>.*?</pre>", "", visible, flags=re.S)  # the scenario TOML
    for ident in ("overhang_ooms", "delay_years", "frontier_share_at_danger", "us_allies"):
        assert ident not in visible, ident
    for words in ("danger level", "Delay bought", "US and allies", "Wilson", "Feedback loop"):
        assert words in visible, words
    # sources of the catalog in the parameter table
    assert "Ho et al. (2024)" in visible


def test_headline_shows_the_comparisons_own_numbers(comparison):
    rep = build_report(comparison)
    delay = comparison.deltas["delay_years"].values
    m, lo, hi = np.quantile(delay[np.isfinite(delay)], [0.5, 0.05, 0.95])
    assert f"{m:.2f} (90%: {lo:.2f} to {hi:.2f})" in rep.html
    v = comparison.verdicts().reset_index()
    row = v[v["horizon"] == F.headline_horizon(comparison.scenario)].iloc[0]
    assert f"lowers risk in {100 * row.p_policy_better:.0f}% of worlds" in rep.html
    assert f"{100 * row.p_low:.0f}–{100 * row.p_high:.0f}%" in rep.html


def test_report_from_a_saved_folder(saved_folder, tmp_path, comparison_figures):
    out = tmp_path / "saved.html"
    r = runner.invoke(app, ["report", str(saved_folder), "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert_self_contained(text)
    assert figure_ids(text) == comparison_figures
    assert f"read from {saved_folder}" in text


def test_saved_folder_without_trajectories_says_so(saved_without_trajectories, tmp_path):
    out = tmp_path / "none.html"
    r = runner.invoke(app, ["report", str(saved_without_trajectories), "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "holds no trajectories" in text and "--keep quantiles" in text
    ids = figure_ids(text)
    assert not set(TRAJECTORY_FIGURES) & set(ids)
    assert {"delay", "overhang", "risk", "decomposition"} <= set(ids)
    for key in TRAJECTORY_FIGURES:
        assert re.search(rf'id="sec-{key}"><h3>[^<]*</h3><p class="missing">Not shown', text)


def test_saved_and_live_figures_agree(comparison, saved_folder):
    live, saved = as_source(comparison), as_source(load_result(saved_folder))
    for build in (F.risk, lambda s: F.fan(s, "capability"), F.decomposition):
        a, b = build(live), build(saved)
        assert len(a.data) == len(b.data)
        for ta, tb in zip(a.data, b.data, strict=True):
            for axis in ("x", "y"):
                va, vb = np.asarray(getattr(ta, axis)), np.asarray(getattr(tb, axis))
                if va.dtype.kind in "fiu":
                    np.testing.assert_allclose(va, vb.astype(float))
                else:
                    assert list(va) == list(vb)


def test_fan_median_and_bands_are_the_quantile_trajectories(comparison):
    fig = F.fan(comparison, "capability")
    q = comparison.policy.trajectories["frontier_capability"]
    medians = [t for t in fig.data if t.name == "With the pause: median"]
    np.testing.assert_allclose(medians[0].y, q.sel(quantile=0.5).values)
    band = [t for t in fig.data if t.name == "With the pause: 90% of worlds"][0]
    np.testing.assert_allclose(band.y, q.sel(quantile=0.95).values)
    cf = [t for t in fig.data if t.name == "No pause: median"][0]
    np.testing.assert_allclose(
        cf.y, comparison.counterfactual.trajectories["frontier_capability"].sel(quantile=0.5)
    )
    assert fig.layout.yaxis.title.text == "Frontier capability (OOM)"


def test_risk_figure_is_the_verdicts_with_their_wilson_interval(comparison):
    fig = F.risk(comparison)
    v = comparison.verdicts()
    trace = fig.data[0]
    rows = v.loc[v.index.get_level_values(0)[0]]
    np.testing.assert_allclose(trace.y, 100 * rows["p_policy_better"].values)
    np.testing.assert_allclose(
        np.asarray(trace.y) + trace.error_y.array, 100 * rows["p_high"].values
    )
    assert trace.name == "Feedback loop"


def test_distributions_hold_every_defined_world(comparison):
    fig = F.distribution(comparison, "max_jump_ooms_per_year")
    assert [t.name for t in fig.data] == ["With the pause", "No pause"]
    assert (
        len(fig.data[0].x) == np.isfinite(comparison.policy.metrics["max_jump_ooms_per_year"]).sum()
    )
    fig = F.distribution(comparison, "pause_years")
    reasons = comparison.policy.lift_reasons()
    assert sum(len(t.x) for t in fig.data) == int(
        np.isfinite(comparison.policy.metrics["pause_years"]).sum()
    )
    assert len(fig.data) == int((reasons["n"] > 0).sum())
    assert all(t.name.startswith("ended: ") for t in fig.data)


def test_decomposition_bars_sum_to_the_total_change(comparison):
    fig = F.decomposition(comparison)
    d = comparison.decomposition([F.headline_horizon(comparison.scenario)])
    for trace, (_, g) in zip(fig.data, d.groupby("worldview", sort=False), strict=True):
        np.testing.assert_allclose(sum(trace.x), g["mean_delta"].sum())


def test_cruxes_folder_adds_its_ranking(tmp_path, comparison):
    cx = tmp_path / "cx"
    r = runner.invoke(
        app, ["cruxes", "essay-realistic", "-n", "200", "--boot", "20", "-o", str(cx)]
    )
    assert r.exit_code == 0, r.output
    rep = build_report(comparison, cruxes=cx)
    assert "cruxes-ranking" in rep.figures
    assert "What you would have to believe" in rep.html
    assert "the pause helps in most worlds only if" in rep.html
    # an analysis folder is not a comparison
    r = runner.invoke(app, ["report", str(cx), "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 2 and "--cruxes" in r.output


def test_bad_inputs_are_refused_with_the_field_named(saved_folder, tmp_path):
    r = runner.invoke(app, ["report", str(saved_folder), "-n", "5", "-o", str(tmp_path / "a")])
    assert r.exit_code == 2 and "--samples" in r.output
    r = runner.invoke(app, ["report", "essay-realistic", "-o", str(tmp_path / "no" / "a.html")])
    assert r.exit_code == 2 and "does not exist" in r.output
    r = runner.invoke(app, ["report", "essay-realistic", "-n", "20", "--set", "nope=1"])
    assert r.exit_code == 2 and "nope" in r.output
    r = runner.invoke(app, ["report", "essay-realistic", "-n", "20", "--cruxes", str(tmp_path)])
    assert r.exit_code == 2 and "--cruxes" in r.output


def test_a_run_without_a_pause_reports_without_verdicts(tmp_path):
    out = tmp_path / "run.html"
    r = runner.invoke(app, ["report", "no-pause", "-n", "50", "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "A single run has no counterfactual" in text
    assert "capability" in figure_ids(text) and "risk" not in figure_ids(text)


def test_figures_are_plotly_figures_with_titled_axes(comparison):
    for key in ("capability", "overhang", "risk", "shares"):
        spec = {
            s.key: s
            for s in __import__("pausesim.report.build", fromlist=["x"])._specs(
                as_source(comparison)
            )
        }[key]
        fig = spec.build(as_source(comparison))
        assert isinstance(fig, go.Figure)
        assert fig.layout.title.text
        assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_full_trajectories_are_reduced_to_the_same_bands():
    from pausesim.run import compare
    from pausesim.scenario import load

    c = compare(load("essay-realistic", samples=40), keep="full")
    fig = F.fan(c, "capability")
    med = [t for t in fig.data if t.name == "With the pause: median"][0]
    full = c.policy.trajectories["frontier_capability"].transpose("sample", "time").values
    np.testing.assert_allclose(med.y, np.quantile(full, 0.5, axis=0))
    paused = F.pause_state(c).data[0]
    share = c.policy.trajectories["paused"].sel(actor="us_allies").mean("sample").values
    np.testing.assert_allclose(paused.y, 100 * share)
