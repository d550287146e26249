"""Failures counted end to end: every non-finite engine output is flagged, named and left out.

Issue 10, item 1. The two reproductions: ``safety_culture = {us_allies = 0}`` (an allowed value)
made the alignment stock 0/0 = NaN, which the gap turned into 0 and the verdict read as "no
risk"; and a sample flagged as failed still entered the verdict with a finite risk.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rich.console import Console

from pausesim.cli.render import comparison_table, failure_note, run_table, verdict_table
from pausesim.engines.compute import engine as compute_engine
from pausesim.engines.compute.parameters import CATALOG
from pausesim.metrics import summarize
from pausesim.metrics.compute import FAILED_VARIABLES, failure_counts, flag_failed
from pausesim.risk import integrated_hazard, verdicts
from pausesim.run import compare, simulate
from pausesim.scenario import ScenarioError, load

#: An allowed value that overflows: a paused actor loses m * dt = 5 times its researchers in
#: one 5-year step, so its research share turns negative and its effort (R / R_ref)**lambda NaN.
OVERFLOW = {"brain_drain_per_year": "1.0", "grid.step": "5.0"}


def _text(table) -> str:
    console = Console(width=250, record=True)
    console.print(table)
    return console.export_text()


# -- reproduction 1: safety_culture = 0 --------------------------------------------------------


def test_zero_safety_culture_of_the_research_leader_gives_finite_alignment():
    sc = load("essay-realistic", {"safety_culture": "{us_allies=0.0}"}, samples=60)
    r = simulate(sc)
    ds = r.trajectories
    assert r.n_failed == 0
    assert np.isfinite(ds["alignment"].values).all()
    assert np.isfinite(ds["alignment_gap"].values).all()
    # the gap is real, not a NaN read as 0
    assert float(ds["alignment_gap"].max()) > 0
    assert np.isfinite(r.metrics["alignment_gap_at_danger"].values).any()


def test_zero_safety_culture_verdict_counts_every_world():
    sc = load("essay-realistic", {"safety_culture": "{us_allies=0.0}"}, samples=80)
    c = compare(sc, keep="none")
    v = c.verdicts()
    assert (v["n_failed"] == 0).all()
    assert ((v["n"] + v["n_undefined"]) == 80).all()
    ttp = v.loc["time-to-prepare"]
    assert np.isfinite(ttp["p_policy_better"]).all()
    # unprepared hazard is no longer silenced: the no-pause risk is far from zero
    cf = c.counterfactual.metrics["risk"].sel(worldview="time-to-prepare")
    assert float(cf.median()) > 0.01


def test_no_safety_culture_anywhere_means_no_alignment_progress():
    # (migrants bring no culture either: with q_mig > 0 receivers gain some, on the scale q = 1)
    sc = load(
        "essay-realistic", {"safety_culture": "0.0", "migrant_safety_culture": "0.0"}, samples=20
    )
    ds = simulate(sc).trajectories
    m = ds["alignment"].values  # (sample, actor, time)
    assert np.isfinite(m).all()
    np.testing.assert_array_equal(m[..., -1], m[..., 0])


def test_culture_reference():
    culture = np.array([[0.0, 0.7, 0.0], [0.4, 0.3, 0.0]])  # (actor, sample)
    effort = np.array([[1.0, 1.0, 1.0], [0.5, 0.5, 0.5]])
    lead = np.array([0, 0, 0])
    ref = compute_engine._culture_reference(culture, effort, lead)
    # leader without culture: the largest safety effort; leader with: its culture; none: 1
    np.testing.assert_allclose(ref, [0.2, 0.7, 1.0])


# -- the alignment gap and the hazard integral never hide a NaN ---------------------------------


def test_alignment_gap_propagates_nan_and_zeroes_only_empty_units():
    shares = np.array([[0.7], [0.3], [0.0]])
    capability = np.array([[2.0], [1.0], [-np.inf]])  # the third unit: an empty covert sector
    aligned = np.array([[1.0], [1.0], [1.0]])
    np.testing.assert_allclose(compute_engine._alignment_gap(shares, capability, aligned), [0.7])
    aligned[1] = np.nan
    assert np.isnan(compute_engine._alignment_gap(shares, capability, aligned)).all()


def test_integrated_hazard_keeps_nan():
    times = np.arange(2025.0, 2030.0)
    h = xr.DataArray(
        [[0.1, np.nan, 0.1, 0.1, 0.1]], dims=("sample", "time"), coords={"time": times}
    )
    out = integrated_hazard(h, np.array([[2029.0]]))
    assert np.isnan(out).all()


# -- reproduction 2: a failed sample never enters a verdict -------------------------------------


@pytest.fixture(scope="module")
def overflowing():
    return compare(load("essay-realistic", OVERFLOW, samples=30), keep="full")


def test_overflow_is_flagged_with_the_variable(overflowing):
    pol = overflowing.policy
    assert pol.n_failed > 0
    ds = pol.trajectories
    flags = ds["variable_failed"]
    assert bool(flags.sel(failure_check="capability").any())
    failed = pol.metrics["sample_failed"].values
    listed = pol.metrics[FAILED_VARIABLES].values
    assert all("capability" in s for s in listed[failed])
    assert all(s == "" for s in listed[~failed])
    counts = failure_counts(pol.metrics)
    assert counts["capability"] == int(flags.sel(failure_check="capability").sum())
    assert "capability" in ds.attrs["n_failed_by_variable"]


def test_failed_samples_leave_every_metric_and_verdict(overflowing):
    c = overflowing
    failed = c.deltas["sample_failed"].values
    assert failed.any()
    assert np.isnan(c.deltas["delta_risk"].values[failed]).all()
    for name, da in c.policy.metrics.data_vars.items():
        if da.dtype.kind == "f":
            assert np.isnan(da.values[failed]).all(), name
    v = c.verdicts()
    assert (v["n_failed"] == failed.sum()).all()
    assert ((v["n"] + v["n_undefined"] + v["n_failed"]) == failed.size).all()
    sweep = c.horizon_sweep()
    assert (sweep["n_failed"] == failed.sum()).all()
    assert (c.decomposition()["n"] <= (~failed).sum()).all()
    s = c.summary()
    pol = s.loc["policy"]
    assert (pol["n_failed"] == c.policy.n_failed).all()
    assert (pol["n"] - pol["n_undefined"] - pol["n_failed"] >= 0).all()
    assert (s.loc["comparison"]["n_failed"] == failed.sum()).all()


def test_captions_name_the_failing_variables(overflowing):
    c = overflowing
    text = _text(comparison_table(c))
    assert f"{c.policy.n_failed + c.counterfactual.n_failed} failed samples" in text
    assert "capability" in text
    assert "failed" in _text(verdict_table(c))
    assert "capability" in _text(run_table(c.policy))
    assert failure_note(c.counterfactual).startswith("0 failed samples")


def test_verdicts_count_failed_apart_from_undefined():
    d = xr.DataArray(
        np.array([-0.1, 0.2, np.nan, -0.3, 0.1])[:, None, None],
        dims=("sample", "worldview", "horizon"),
        coords={"worldview": ["w"], "horizon": ["2060"]},
    )
    failed = np.array([False, False, False, True, True])
    row = verdicts(d, failed).iloc[0]
    assert (row["n"], row["n_undefined"], row["n_failed"]) == (2, 1, 2)
    assert row["p_policy_better"] == 0.5
    assert verdicts(d).iloc[0]["n_failed"] == 0


def test_flag_failed_blanks_and_names():
    m = xr.Dataset(
        {
            "x": (("sample",), np.array([1.0, 2.0, 3.0])),
            "sample_failed": (("sample",), np.array([False, True, False])),
            FAILED_VARIABLES: (("sample",), np.array(["", "alignment", ""])),
        }
    )
    m = flag_failed(m, np.array([False, True, True]), "hazard")
    assert list(m[FAILED_VARIABLES].values) == ["", "alignment,hazard", "hazard"]
    assert list(m["sample_failed"].values) == [False, True, True]
    assert np.isnan(m["x"].values[1:]).all()
    row = summarize(m).loc["x"]
    assert (row["n"], row["n_undefined"], row["n_failed"]) == (3, 0, 2)


# -- property: extreme in-range values give finite outputs or flagged samples -------------------

_BOUNDS = {p.name: p.bounds for p in CATALOG}


@st.composite
def _extreme_overrides(draw):
    out = {}
    for name, (lo, hi) in _BOUNDS.items():
        pick = draw(st.sampled_from(["default", "low", "high", "inside"]))
        if pick == "low":
            out[name] = repr(float(lo))
        elif pick == "high":
            out[name] = repr(float(hi))
        elif pick == "inside":
            out[name] = repr(draw(st.floats(lo, hi, allow_nan=False)))
    out["grid.step"] = repr(draw(st.sampled_from([0.5, 1.0, 5.0])))
    return out


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
@given(_extreme_overrides())
def test_extreme_values_are_finite_or_flagged(overrides):
    n = 4
    try:
        sc = load("essay-realistic", overrides, samples=n)
    except ScenarioError:  # a contradiction the boundary rejects (e.g. shares summing past 1)
        assume(False)
    c = compare(sc, keep="full")
    for run in (c.policy, c.counterfactual):
        ds = run.trajectories
        failed = run.metrics["sample_failed"].values
        ok = ~failed
        for name, allowed in compute_engine._CHECKED.items():
            a = ds[name].values[ok].astype(float)
            if allowed == "finite or +inf":
                assert not (np.isnan(a) | np.isneginf(a)).any(), name
            elif allowed == "finite or NaN":
                assert not np.isinf(a).any(), name
            else:
                assert np.isfinite(a).all(), name
        assert np.isfinite(ds["hazard"].values[ok]).all()
        risk = run.metrics["risk"]
        assert np.isnan(risk.values[failed]).all()
        # a defined world's risk is NaN only where a capability level is not reached
        years = [h for h in risk["horizon"].values if not str(h).startswith("K>=")]
        assert np.isfinite(risk.sel(horizon=years).values[ok]).all()
    failed = c.deltas["sample_failed"].values
    v = c.verdicts()
    assert ((v["n"] + v["n_undefined"] + v["n_failed"]) == n).all()
    assert (v["n_failed"] == failed.sum()).all()
    d = c.deltas["delta_risk"]
    years = [h for h in d["horizon"].values if not str(h).startswith("K>=")]
    assert np.isfinite(d.sel(horizon=years).values[~failed]).all()
    assert (v.loc[(slice(None), years), "n_undefined"] == 0).all()


def test_fast_governance_decay_on_a_coarse_grid_stays_finite():
    # the second reproduction: the exact governance step keeps it finite (and, were it
    # not, the flags above would leave it out); every world enters the year verdicts
    sc = load("essay-realistic", {"governance_decay": "5", "grid.step": "5"}, samples=40)
    c = compare(sc, keep="none")
    assert c.policy.n_failed == 0 and c.counterfactual.n_failed == 0
    v = c.verdicts()
    assert (v.loc[(slice(None), ["2040", "2060"]), "n"] == 40).all()
