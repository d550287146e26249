"""Notebook use: HTML summaries without plotly, a `.plot` accessor, and a core free of plotly."""

import subprocess
import sys
import textwrap

import plotly.graph_objects as go
import pytest

from pausesim.plots import PlotAccessor
from pausesim.plots.figures import NoData
from pausesim.run import compare, load_result, simulate
from pausesim.scenario import load


def test_comparison_renders_as_an_html_headline(comparison):
    text = comparison._repr_html_()
    assert text.startswith("<div>") and "<table>" in text
    assert "comparison with no pause, 200 sampled worlds" in text
    assert "Delay bought (years)" in text and "Verdict, Feedback loop" in text
    table = text.split("</table>")[0]  # the hint after it shows notebook users the calls
    for ident in ("delay_years", "overhang_ooms", "us_allies", "feedback-loop"):
        assert ident not in table
    assert ".plot.fan('capability')" in text


def test_result_renders_and_says_when_it_has_no_trajectories():
    r = simulate(load("essay-realistic", samples=30), keep="none")
    text = r._repr_html_()
    assert "run, 30 sampled worlds" in text and "Verdict" not in text
    assert "kept no trajectories" in text
    with pytest.raises(NoData, match="keep='quantiles'"):
        r.plot.fan("capability")
    assert isinstance(r.plot.distribution("overhang_ooms"), go.Figure)


@pytest.mark.parametrize(
    "call",
    [
        lambda p: p.fan("capability"),
        lambda p: p.fan("effective_compute"),
        lambda p: p.pause_state(),
        lambda p: p.alignment(),
        lambda p: p.distribution("overhang_ooms"),
        lambda p: p.distribution("delay_years"),
        lambda p: p.distribution("pause_years"),
        lambda p: p.lift_reasons(),
        lambda p: p.shares(),
        lambda p: p.risk(),
        lambda p: p.risk_levels(),
        lambda p: p.decomposition(),
        lambda p: p.cruxes(),
    ],
)
def test_plot_accessor_returns_plotly_figures(comparison, call):
    assert isinstance(comparison.plot, PlotAccessor)
    fig = call(comparison.plot)
    assert isinstance(fig, go.Figure) and len(fig.data) > 0


def test_saved_results_plot_too(saved_folder):
    fig = PlotAccessor(load_result(saved_folder)).risk()
    assert isinstance(fig, go.Figure) and len(fig.data) == 3


def test_unknown_metric_is_named():
    c = compare(load("essay-realistic", samples=20), keep="none")
    with pytest.raises(NoData, match="no 'Nope'"):
        c.plot.distribution("nope")


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300
    )


def test_core_imports_and_runs_without_plotly():
    r = _run(
        """
        import sys
        sys.modules["plotly"] = None  # any import of plotly now fails
        import pausesim.run, pausesim.metrics, pausesim.risk, pausesim.plots
        import pausesim.cli.app
        from pausesim.run import compare
        from pausesim.scenario import load
        c = compare(load("essay-realistic", samples=20), keep="quantiles")
        assert "Delay bought" in c._repr_html_()
        try:
            c.plot.fan("capability")
        except ImportError:
            print("plot needs plotly")
        """
    )
    assert r.returncode == 0, r.stderr
    assert "plot needs plotly" in r.stdout


def test_importing_the_core_does_not_load_plotly():
    r = _run(
        """
        import sys
        import pausesim.run, pausesim.metrics, pausesim.risk, pausesim.plots, pausesim.cli.app
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("plotly", "kaleido")))
        """
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
