"""The tornado: each bar is two ordinary runs at the parameter's ends, on common random numbers."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from pausesim import scenario as scenario_mod
from pausesim.cli.app import app
from pausesim.run import compare
from pausesim.sensitivity import Output, get_method
from pausesim.sensitivity.outputs import per_world, summary
from pausesim.sensitivity.tornado import COLUMNS, parameter_ends, tornado

#: Small runs: a coarse grid and a few dozen worlds keep each compare well under a second.
FAST = {"grid.step": "0.5"}
N = 40
P_FB = Output("p_better", "feedback-loop", "K>=10.68")
OUTPUTS = [P_FB, Output("delta_risk", "time-to-prepare", "2060"), Output("overhang")]


def _load(name: str, extra: dict | None = None, n: int = N):
    return scenario_mod.load(name, {**FAST, **(extra or {})}, samples=n)


def _inline(values: dict) -> str:
    """Per-actor values as a TOML inline table (what ``--set`` takes)."""
    return "{" + ", ".join(f"{a} = {v!r}" for a, v in values.items()) + "}"


@pytest.fixture(scope="module")
def realistic_bars():
    sc = _load("essay-realistic")
    return sc, tornado(sc, OUTPUTS, parameters=["alignment_rate", "safety_culture"])


@pytest.mark.parametrize("name", ["alignment_rate", "safety_culture"])
def test_a_bar_equals_two_set_runs_at_the_parameter_ends(realistic_bars, name):
    sc, frame = realistic_bars
    lo, hi = parameter_ends(sc, name)
    assert any(lo[a] != hi[a] for a in lo)
    text = (repr(lo[None]), repr(hi[None])) if None in lo else (_inline(lo), _inline(hi))
    c_lo = compare(_load("essay-realistic", {name: text[0]}), keep="none")
    c_hi = compare(_load("essay-realistic", {name: text[1]}), keep="none")
    for out in OUTPUTS:
        row = frame[(frame["parameter"] == name) & (frame["output"] == out.label)].iloc[0]
        a, b = per_world(c_lo, out), per_world(c_hi, out)
        assert row["at_low"] == summary(a)[0]
        assert row["at_high"] == summary(b)[0]
        assert row["swing"] == pytest.approx(summary(b)[0] - summary(a)[0], abs=1e-15)
        both = np.isfinite(a) & np.isfinite(b)
        assert row["n"] == both.sum()
        d = b[both] - a[both]
        assert row["swing_se"] == pytest.approx(d.std(ddof=1) / np.sqrt(both.sum()))


def test_frame_is_tidy_sorted_and_has_the_base(realistic_bars):
    sc, frame = realistic_bars
    assert list(frame.columns) == COLUMNS
    assert len(frame) == 2 * len(OUTPUTS)
    base = compare(sc, keep="none")
    for out in OUTPUTS:
        g = frame[frame["output"] == out.label]
        assert list(g["swing"].abs()) == sorted(g["swing"].abs(), reverse=True)
        assert (g["base"] == summary(per_world(base, out))[0]).all()
    # the outputs keep the order they were asked in
    assert list(dict.fromkeys(frame["output"])) == [o.label for o in OUTPUTS]


def test_per_actor_ends_are_each_actors_own_percentiles():
    sc = _load("essay-realistic")
    lo, hi = parameter_ends(sc, "safety_culture")
    assert set(lo) == set(sc.actors)
    assert len({round(v, 9) for v in lo.values()}) > 1  # the actors differ
    assert all(lo[a] <= hi[a] for a in lo)


def test_seeded_regression_on_a_shipped_scenario():
    """essay-realistic, 60 worlds, grid step 0.5, the preset's seed (20230916).

    Worlds (of 60) where the pause lowers risk, at the low end, the high end and as sampled.
    alignment_rate acts on risk only through the alignment-gap term, which feedback-loop
    weighs at 0.000215: there it moves no verdict, under time-to-prepare it moves 28 of 60.
    """
    sc = _load("essay-realistic", n=60)
    outs = [P_FB, Output("p_better", "time-to-prepare", "K>=10.68"), Output("delay")]
    frame = tornado(sc, outs, parameters=["alignment_rate", "paused_spend_growth_fraction"])
    got = {(r.output, r.parameter): (r.at_low, r.at_high, r.base) for r in frame.itertuples()}
    for key, counts in REGRESSION.items():
        assert np.round(np.array(got[key]) * 60, 9).tolist() == list(counts), key
    delay = frame[frame["output"] == "delay"].set_index("parameter")
    assert delay.loc["paused_spend_growth_fraction", "swing"] == pytest.approx(
        0.8335953635830682 - 1.0660727645222134, abs=1e-9
    )
    assert delay.loc["alignment_rate", "swing"] == 0.0


REGRESSION = {
    (P_FB.label, "paused_spend_growth_fraction"): (43, 15, 22),
    (P_FB.label, "alignment_rate"): (22, 22, 22),
    ("p_better[time-to-prepare, K>=10.68]", "alignment_rate"): (46, 18, 40),
    ("p_better[time-to-prepare, K>=10.68]", "paused_spend_growth_fraction"): (47, 35, 40),
}


def test_levers_run_on_the_scenarios_own_worlds():
    sc = _load("essay-realistic", n=24)
    frame = tornado(sc, [P_FB], parameters=["alignment_rate"], levers=True)
    levers = frame[frame["kind"] == "lever"]
    assert "policy.hardware_rnd_paused" in set(levers["parameter"])
    assert (levers["at_low"] == levers["base"]).all()  # the low end is the policy as given
    # cap kinds that need a threshold the preset does not set are skipped, with the reason
    assert any("cap.kind" in s for s in frame.attrs["skipped_levers"])


def test_ftm_engine_takeoff_outputs():
    sc = scenario_mod.load(
        "ftm-best-guess",
        {"flop_gap_training": '{kind = "lognormal", p5 = 10.0, p95 = 1e8}'},
        samples=4,
    )
    frame = get_method("tornado").analyze(sc, [Output("max_jump")], progress=None)
    assert list(frame["parameter"]) == ["flop_gap_training"]
    assert np.isfinite(frame["swing"]).all()
    with pytest.raises(ValueError, match="engine 'ftm' has no risk.*overhang"):
        tornado(sc, [P_FB])


def test_errors_name_the_field_and_the_allowed_values():
    sc = _load("essay-realistic", n=8)
    with pytest.raises(ValueError, match="parameters: unknown parameter 'alignment_rat'"):
        tornado(sc, [P_FB], parameters=["alignment_rat"])
    with pytest.raises(ValueError, match="low_safety_threshold' is fixed.*alignment_rate"):
        tornado(sc, [P_FB], parameters=["low_safety_threshold"])
    with pytest.raises(ValueError, match="fixes every parameter"):
        tornado(scenario_mod.load("ftm-best-guess", samples=1), [Output("max_jump")])


def test_progress_reaches_the_total():
    sc = _load("essay-realistic", n=8)
    seen = []
    tornado(sc, [P_FB], parameters=["alignment_rate"], progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)


def test_cli_sensitivity_tornado_writes_files(tmp_path):
    r = CliRunner().invoke(
        app,
        [
            "sensitivity",
            "essay-realistic",
            "--method",
            "tornado",
            "-n",
            "16",
            "--set",
            "grid.step=0.5",
            "-p",
            "alignment_rate",
            "--levers",
            "--output",
            "p_better:feedback-loop:K>=10.68",
            "--out",
            str(tmp_path / "t"),
        ],
    )
    assert r.exit_code == 0, r.output
    for suffix in ("csv", "parquet", "json"):
        assert (tmp_path / "t" / f"sensitivity_tornado.{suffix}").exists()
    assert "alignment_rate" in r.output
    import pandas as pd

    table = pd.read_csv(tmp_path / "t" / "sensitivity_tornado.csv")
    assert {"alignment_rate", "policy.hardware_rnd_paused"} <= set(table["parameter"])
