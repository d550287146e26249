"""``compare`` and ``run`` print a headline in plain words first, and fit 80 columns."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from typer.testing import CliRunner

from pausesim.cli import render
from pausesim.cli.app import app
from pausesim.labels import actor_label
from pausesim.run import compare, simulate
from pausesim.scenario import load

N = 300
runner = CliRunner()


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def comparison():
    """The worlds ``compare essay-realistic -n 300`` simulates (same seed, same numbers)."""
    return compare(load("essay-realistic", samples=N), keep="none")


@pytest.fixture(scope="module")
def printed():
    r = runner.invoke(app, ["compare", "essay-realistic", "-n", str(N)], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    return r.output


def _fits(output: str, width: int = 80) -> None:
    for line in output.splitlines():
        assert len(line) <= width, f"{len(line)} columns: {line!r}"
        assert "…" not in line, f"truncated: {line!r}"


def test_compare_fits_80_columns_with_and_without_full(printed):
    _fits(printed)
    r = runner.invoke(
        app, ["compare", "essay-realistic", "-n", "100", "--full"], env={"COLUMNS": "80"}
    )
    assert r.exit_code == 0, r.output
    _fits(r.output)
    assert "Every metric: essay-realistic vs no pause" in r.output
    assert "Every metric:" not in printed and "Verdict by worldview and horizon" not in printed


@pytest.mark.parametrize("full", [False, True])
def test_no_table_is_wider_than_80_columns_even_uncropped(comparison, full):
    """Rich crops a too-wide table at the terminal's edge: print without cropping to see it."""
    for report in (
        render.comparison_report(comparison, full=full),
        render.run_report(comparison.policy, full=full),
    ):
        out = io.StringIO()
        console = Console(file=out, width=80, color_system=None)
        for part in report:
            console.print(part, crop=False)
        _fits(out.getvalue())


def test_the_headline_states_the_numbers_of_the_comparison(comparison, printed):
    s = comparison.summary()
    flat = _flat(printed)
    assert flat.index("Danger level") < flat.index("Delay of the danger level")
    assert "capability K = 6.68" in flat and "about 1e32 FLOP" in flat and "GPT-4" in flat
    delay = s.loc[("comparison", "delay_years")]
    assert f"Delay of the danger level {delay['median']:.2f} years [" in flat
    assert f"{delay['p5']:.2f}, {delay['p95']:.2f}]" in flat
    overhang = s.loc[("policy", "overhang_ooms")]
    assert f"Compute overhang at the lift {overhang['median']:.2f} OOM [" in flat
    jump, jump_cf = (s.loc[(run, "max_jump_ooms_per_year")] for run in ("policy", "counterfactual"))
    assert (
        f"Largest capability jump {jump['median']:.2f} OOM/yr [{jump['p5']:.2f}, "
        f"{jump['p95']:.2f}] {jump_cf['median']:.2f} OOM/yr" in flat
    )
    for actor in comparison.scenario.actors:
        a = s.loc[("policy", f"frontier_share_at_danger[{actor}]")]
        b = s.loc[("counterfactual", f"frontier_share_at_danger[{actor}]")]
        shares = f"{a['median']:.0%} [{a['p5']:.0%}, {a['p95']:.0%}] {b['median']:.0%}"
        assert f"{actor_label(actor)} {shares}" in flat, actor
    reasons = comparison.policy.lift_reasons().set_index("reason")
    catch_up = reasons.loc["catch_up"]
    assert (
        f"Why the pause ended: outsiders caught up in {catch_up['share']:.0%} of worlds "
        f"(after {catch_up['pause_years_median']:.2f} years, median)" in flat
    )


def test_the_verdict_per_worldview_has_its_wilson_interval(comparison, printed):
    v = comparison.verdicts()
    flat = _flat(printed)
    assert "Risk is accumulated until the frontier reaches capability K = 10.68" in flat
    titles = {
        "feedback-loop": "Feedback loop",
        "time-to-prepare": "Time to prepare",
        "conflict-and-tyranny": "Conflict and tyranny",
    }
    for w, title in titles.items():
        row = v.loc[(w, "K>=10.68")]
        word = "better" if row["p_low"] > 0.5 else "worse" if row["p_high"] < 0.5 else "unclear"
        p = f"{row['p_policy_better']:.0%} [{row['p_low']:.0%}, {row['p_high']:.0%}]"
        dagger = " †" if row["sign_depends_on_horizon"] else ""
        change = f"{100 * row['mean_delta_risk']:+.2f} pts"
        assert f"{title}{dagger} {word} {p} {change}" in flat, w
    # the essay's own worldview finds this pause worse, the other two better (DESIGN §4)
    assert v.loc[("feedback-loop", "K>=10.68"), "p_high"] < 0.5
    assert v.loc[("time-to-prepare", "K>=10.68"), "p_low"] > 0.5


def test_run_prints_a_headline_and_the_full_table_on_request():
    sc = load("essay-realistic", samples=100)
    result = simulate(sc, keep="none")
    r = runner.invoke(app, ["run", "essay-realistic", "-n", "100"], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    _fits(r.output)
    flat = _flat(r.output)
    danger = result.summary().loc["danger_year"]
    assert f"Year the danger level is reached {danger['median']:.1f} [" in flat
    assert "Risk until K≥10.68 (full automation):" in flat and "Feedback loop" in flat
    assert "Every metric of" not in flat
    r = runner.invoke(app, ["run", "essay-realistic", "-n", "100", "--full"], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    _fits(r.output)
    assert "Every metric of essay-realistic" in r.output
    assert "Leader's lead at the danger level (OOM)" in _flat(r.output)


def test_out_writes_the_same_files_plus_worlds_csv(tmp_path):
    out = tmp_path / "o"
    r = runner.invoke(app, ["compare", "essay-realistic", "-n", "40", "--keep", "none", "-o", out])
    assert r.exit_code == 0, r.output
    files = sorted(p.name for p in out.iterdir())
    assert files == [
        "cruxes.csv",
        "decomposition.csv",
        "deltas.csv",
        "deltas.parquet",
        "horizons.csv",
        "lift_reasons.csv",
        "manifest.json",
        "metrics_counterfactual.csv",
        "metrics_counterfactual.parquet",
        "metrics_policy.csv",
        "metrics_policy.parquet",
        "scenario.toml",
        "summary.csv",
        "verdicts.csv",
        "worlds.csv",
    ]
