"""Risk integration, worldviews and verdicts."""

import numpy as np
import pytest
import xarray as xr

from pausesim import scenario as S
from pausesim.risk import cumulative_risk, integrated_hazard, verdicts
from pausesim.worldviews import (
    BUILTIN,
    TERMS,
    Worldview,
    WorldviewError,
    get_worldview,
    load_worldview,
)


def _hazard(values, times):
    return xr.DataArray(
        np.asarray(values, dtype=float), dims=("sample", "time"), coords={"time": times}
    )


def test_constant_hazard_integrates_in_closed_form():
    times = 2025.0 + 0.25 * np.arange(141)
    h = _hazard(np.full((3, 141), 0.02), times)
    until = np.array([[2040.0, 2060.0]] * 3)
    risk = cumulative_risk(h, until, ["2040", "2060"])
    assert np.allclose(risk.sel(horizon="2040"), 1 - np.exp(-0.02 * 15))
    assert np.allclose(risk.sel(horizon="2060"), 1 - np.exp(-0.02 * 35))


def test_partial_steps_count_in_proportion_and_nan_stays_nan():
    times = np.arange(10.0)
    h = _hazard([np.arange(10.0)], times)  # h = t on [t, t+1)
    got = integrated_hazard(h, np.array([[3.5, np.nan, 0.0]]))
    # 0 + 1 + 2 + 0.5 * 3
    assert got[0, 0] == pytest.approx(4.5)
    assert np.isnan(got[0, 1]) and got[0, 2] == 0.0


def test_level_horizon_integrates_until_the_frontier_reaches_the_level():
    from pausesim.risk import horizon_times

    times = 2025.0 + 0.25 * np.arange(41)
    frontier = xr.DataArray(
        np.array([times - 2025.0, 0.1 * (times - 2025.0)]),
        dims=("sample", "time"),
        coords={"time": times},
    )
    settings = S.RiskSettings(horizons=(), level_horizons=(4.0,))
    until = horizon_times(frontier, settings)
    assert until[0, 0] == pytest.approx(2029.0)
    assert np.isnan(until[1, 0])  # reaches only 1.0 by 2035: undefined, not dropped
    risk = cumulative_risk(_hazard(np.full((2, 41), 0.1), times), until, ["K>=4"])
    assert risk.values[0, 0] == pytest.approx(1 - np.exp(-0.4))
    assert np.isnan(risk.values[1, 0])


def test_verdicts_count_ties_and_undefined_and_give_the_binomial_se():
    d = xr.DataArray(
        np.array([[-0.1], [-0.2], [0.0], [0.3], [np.nan]])[:, None, :],
        dims=("sample", "worldview", "horizon"),
        coords={"worldview": ["w"], "horizon": ["2060"]},
    )
    v = verdicts(d).loc[("w", "2060")]
    assert v["p_policy_better"] == pytest.approx(0.5)
    assert v["n"] == 4 and v["n_ties"] == 1 and v["n_undefined"] == 1
    assert v["se"] == pytest.approx(np.sqrt(0.25 / 4))


def test_builtin_worldviews_are_documented_and_use_known_terms():
    assert set(BUILTIN) == {"feedback-loop", "time-to-prepare", "conflict-and-tyranny"}
    for w in BUILTIN.values():
        assert w.description and w.source
        assert set(w.weights) <= set(TERMS)


def test_scaling_every_weight_never_flips_a_verdict():
    """Only relative weights matter for the sign of delta_risk."""
    from pausesim.risk import run_risk
    from pausesim.run import compare

    sc = S.load("essay-realistic", samples=80)
    cmp = compare(sc, keep="full")
    w = BUILTIN["feedback-loop"]
    big = Worldview(name="big", weights={k: 5 * v for k, v in w.weights.items()})
    signs = []
    for view in (w, big):
        _, rp = run_risk(cmp.policy.trajectories, cmp.policy.params, sc.policy, sc, [view])
        _, rc = run_risk(
            cmp.counterfactual.trajectories, cmp.counterfactual.params, S.Policy.none(), sc, [view]
        )
        signs.append(np.sign((rp - rc).values))
    assert np.array_equal(signs[0], signs[1])


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("name = 'x'\n[weights]\nspeeed = 0.1\n", "unknown hazard term 'speeed'"),
        (
            "name = 'x'\n[weights]\nspeed = -1\n",
            "weight of 'speed' is -1; allowed range is \\[0, 10\\]",
        ),
        ("name = 'x'\n[weights]\nspeed = 0\n", "at least one positive weight"),
        ("name = 'x'\n", "weights: Field required"),
        ("name = 'x'\nextra = 1\n[weights]\nspeed = 1\n", "extra: Extra inputs are not permitted"),
        ("name = 'x'\n[weights\n", "malformed TOML"),
        ("name = 'bad name!'\n[weights]\nspeed = 1\n", "name: String should match pattern"),
    ],
)
def test_bad_worldview_files_are_rejected_with_the_field_named(tmp_path, content, match):
    f = tmp_path / "w.toml"
    f.write_text(content)
    with pytest.raises(WorldviewError, match=match):
        load_worldview(f)


def test_custom_worldview_from_toml_runs_in_a_comparison(tmp_path):
    from pausesim.run import compare

    f = tmp_path / "mine.toml"
    f.write_text("name = 'mine'\ndescription = 'speed only'\n[weights]\nspeed = 0.05\n")
    assert get_worldview(str(f)).weights == {"speed": 0.05}
    sc = S.load("essay-realistic", {"risk.worldviews": f'["feedback-loop", "{f}"]'}, samples=50)
    v = compare(sc).verdicts()
    assert set(v.index.get_level_values(0)) == {"feedback-loop", "mine"}


def test_inline_custom_worldviews_and_unknown_names_in_scenarios():
    sc = S.load(
        "essay-realistic",
        {
            "risk.custom": "[{name = 'gap-only', weights = {alignment_gap = 0.01}}]",
            "risk.worldviews": '["gap-only"]',
        },
        samples=30,
    )
    assert sc.risk.custom[0].name == "gap-only"
    with pytest.raises(S.ScenarioError, match="unknown worldview 'nope'"):
        S.load("essay-realistic", {"risk.worldviews": '["nope"]'})
    with pytest.raises(S.ScenarioError, match="risk.horizons: 2100 is outside the grid"):
        S.load("essay-realistic", {"risk.horizons": "[2100.0]"})


def test_conflict_terms_are_zero_without_a_pause_and_positive_during_one():
    from pausesim.run import compare

    cmp = compare(S.load("ideal-global", samples=40))
    cf = cmp.counterfactual.trajectories["hazard"].sel(worldview="conflict-and-tyranny")
    assert float(cf.max()) == 0.0
    pol = cmp.policy.trajectories["hazard"].sel(worldview="conflict-and-tyranny")
    assert (pol.sel(time=2028.0) > 0).all()
