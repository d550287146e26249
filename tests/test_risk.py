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
        ("name = 'x'\n", "weights: is required"),
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
    from pausesim.worldviews import hazard_terms
    from pausesim.worldviews.terms import PAUSE_ONLY

    sc = S.load("ideal-global", samples=40)
    cmp = compare(sc)
    for run, pol in ((cmp.counterfactual, S.Policy.none()), (cmp.policy, sc.policy)):
        terms = hazard_terms(run.trajectories, run.params, pol, sc.metrics, sc.risk)
        during = sum(terms[t] for t in PAUSE_ONLY).sel(time=2028.0)
        if pol.is_none:
            assert all(float(terms[t].max()) == 0.0 for t in PAUSE_ONLY)
        else:
            assert (during > 0).all()


# -- decomposition by term and horizons ---------------------------------------------------------


def _terms(values: dict, times):
    return xr.Dataset(
        {k: (("sample", "time"), np.asarray(v, dtype=np.float32)) for k, v in values.items()},
        coords={"sample": np.arange(len(next(iter(values.values())))), "time": times},
    )


def test_term_hazard_integrates_each_term_in_closed_form():
    from pausesim.risk import term_hazard

    times = 2025.0 + 0.25 * np.arange(41)
    t = _terms({"a": np.full((2, 41), 0.5), "b": np.tile(times - 2025.0, (2, 1))}, times)
    got = term_hazard(t, np.array([[2029.0, np.nan], [2030.0, 2027.0]]), ["x", "y"])
    assert got.dims == ("sample", "term", "horizon")
    assert got.sel(term="a").values[0, 0] == pytest.approx(0.5 * 4)
    # left rule: sum over steps of (t_k - 2025) * 0.25 until 2030 = 0.25^2 * (0 + ... + 19)
    assert got.sel(term="b").values[1, 0] == pytest.approx(0.0625 * 190)
    assert np.isnan(got.values[0, :, 1]).all()


def test_term_hazard_agrees_with_integrated_hazard_at_any_end_time():
    from pausesim.risk import term_hazard

    rng = np.random.default_rng(3)
    times = 2025.0 + 0.25 * np.arange(30)
    values = rng.random((2, 50, 30))
    values[0, 7, 11] = np.nan  # a failed step counts as no hazard, as in integrated_hazard
    t = _terms({"a": values[0], "b": values[1]}, times)
    until = rng.uniform(2024.0, 2033.5, (50, 4))
    until[3, 1] = np.nan
    got = term_hazard(t, until, list("wxyz"))
    for k in ("a", "b"):
        ref = integrated_hazard(t[k].astype(float), until)
        assert np.allclose(got.sel(term=k).values, ref, rtol=1e-6, atol=1e-7, equal_nan=True)


def _term_arrays(p, c, terms):
    dims = ("sample", "term", "horizon")
    coords = {"term": terms, "horizon": ["h"]}
    return (
        xr.DataArray(np.asarray(p, dtype=float)[:, :, None], dims=dims, coords=coords),
        xr.DataArray(np.asarray(c, dtype=float)[:, :, None], dims=dims, coords=coords),
    )


def test_decomposition_parts_sum_to_the_total_and_count_signs():
    from pausesim.risk import decomposition

    view = Worldview(name="v", weights={"speed": 2.0, "alignment_gap": 1.0})
    # two worlds; total change: world 0: 2*(+1) + (-3) = -1, world 1: 2*(+1) + (+1) = +3
    p, c = _term_arrays(
        [[2.0, 0.0], [3.0, 2.0]], [[1.0, 3.0], [2.0, 1.0]], ["speed", "alignment_gap"]
    )
    d = decomposition(p, c, [view]).set_index("term")
    assert d.loc["speed", "mean_delta"] == pytest.approx(2.0)
    assert d.loc["alignment_gap", "mean_delta"] == pytest.approx(-1.0)
    assert d["mean_delta"].sum() == pytest.approx(1.0)  # mean of (-1, +3)
    assert d["share_of_delta"].sum() == pytest.approx(1.0)
    assert d.loc["speed", "p_same_sign"] == pytest.approx(0.5)  # agrees in world 1 only
    assert d.loc["alignment_gap", "p_same_sign"] == pytest.approx(1.0)
    assert d.loc["speed", "share_no_pause"] == pytest.approx(2 * 1.5 / (2 * 1.5 + 2.0))


def test_horizon_dependence_flags_a_verdict_whose_sign_moves():
    import pandas as pd

    from pausesim.risk import horizon_dependence

    sweep = pd.DataFrame(
        {
            "worldview": ["a", "a", "b", "b", "c", "c"],
            "horizon": ["2040", "K>=8", "2040", "K>=8", "2040", "K>=8"],
            "p_policy_better": [0.6, 0.4, 0.7, 0.8, 0.6, 0.7],
            "mean_delta_risk": [-0.01, -0.001, -0.02, -0.03, -0.01, 0.002],
            "se": [0.01, 0.06, 0.01, 0.01, 0.01, 0.01],
        }
    ).set_index(["worldview", "horizon"])
    dep = horizon_dependence(sweep)
    assert not dep.loc["a", "p_crosses_half_beyond_2se"]  # 0.4 +- 0.06 reaches 0.5
    assert dep.loc["a", "p_crosses_half"] and not dep.loc["a", "delta_changes_sign"]
    assert not dep.loc["b", "sign_depends_on_horizon"]
    assert dep.loc["c", "delta_changes_sign"] and dep.loc["c", "sign_depends_on_horizon"]
    assert dep.loc["a", "horizon_p_min"] == "K>=8" and dep.loc["a", "p_max"] == 0.6


def test_report_horizons_hold_the_scenarios_and_the_sweep():
    from pausesim.risk import SWEEP_LEVELS_ABOVE_DANGER, report_horizons

    sc = S.load("essay-realistic", {"risk.horizons": "[2033.0, 2060.0]"})
    h = report_horizons(sc)
    assert set(sc.risk.horizons) <= set(h.horizons) and set(sc.risk.level_horizons) <= set(
        h.level_horizons
    )
    assert list(h.horizons) == sorted(h.horizons) and h.horizons[-1] == sc.grid.end
    danger = sc.metrics.danger_level_ooms
    assert {round(danger + d, 2) for d in SWEEP_LEVELS_ABOVE_DANGER} <= set(h.level_horizons)


@pytest.fixture(scope="module")
def essay_comparison():
    from pausesim.run import compare

    return compare(S.load("essay-realistic", samples=200), keep="none")


def test_the_terms_reproduce_the_risk_and_the_decomposition_sums_to_its_change(essay_comparison):
    """risk = 1 - exp(-sum_i w_i I_i) in every world; the parts of the mean change of integrated
    hazard add up to the change computed from the two risks."""
    from pausesim.risk import worldview_hazard

    cmp = essay_comparison
    d = cmp.decomposition()
    for w in cmp.worldviews:
        for run in (cmp.policy, cmp.counterfactual):
            for h in run.metrics["horizon"].values:
                from_terms = worldview_hazard(run.term_hazard, w).sel(horizon=h).values
                from_risk = -np.log1p(-run.metrics["risk"].sel(worldview=w.name, horizon=h).values)
                assert np.allclose(from_terms, from_risk, rtol=1e-4, atol=1e-7)
        for h in cmp.policy.metrics["horizon"].values:
            rp = cmp.policy.metrics["risk"].sel(worldview=w.name, horizon=h).values
            rc = cmp.counterfactual.metrics["risk"].sel(worldview=w.name, horizon=h).values
            total = np.mean(-np.log1p(-rp) + np.log1p(-rc))
            parts = d[(d["worldview"] == w.name) & (d["horizon"] == h)]["mean_delta"]
            assert parts.sum() == pytest.approx(total, rel=1e-3, abs=1e-7)


def test_the_sweep_agrees_with_the_verdicts_at_the_scenarios_horizons(essay_comparison):
    cmp = essay_comparison
    v, sweep = cmp.verdicts(), cmp.horizon_sweep()
    for (w, h), row in v.iterrows():
        s = sweep.loc[(w, h)]
        assert abs(s["p_policy_better"] - row["p_policy_better"]) <= 2 / row["n"]
        assert s["mean_delta_risk"] == pytest.approx(row["mean_delta_risk"], rel=1e-3, abs=1e-6)
    flags = cmp.horizon_dependence()["sign_depends_on_horizon"]
    assert (v["sign_depends_on_horizon"] == [flags[w] for w in v.index.get_level_values(0)]).all()


def test_a_comparison_saves_its_decomposition_and_horizon_sweep(tmp_path, essay_comparison):
    from pausesim.io import load_table
    from pausesim.run import save_result

    save_result(essay_comparison, tmp_path, trajectories=False)
    dec = load_table(tmp_path / "decomposition.csv")
    assert {"worldview", "horizon", "term", "mean_delta", "share_of_delta", "p_same_sign"} <= set(
        dec.columns
    )
    verdict = load_table(tmp_path / "verdicts.csv")
    assert {"fixed_by_construction", "sign_depends_on_horizon"} <= set(verdict.columns)
    sweep = load_table(tmp_path / "horizons.csv")
    assert set(sweep["kind"]) == {"year", "level"}


def test_verdict_intervals_are_wilson_and_honest_at_zero():
    """P(better) = 0 is not '0.00 +- 0.00': the Wilson interval keeps an upper bound."""
    from scipy import stats

    from pausesim.risk import verdicts

    d = np.full((200, 1, 2), 0.01)
    d[:30, 0, 1] = -0.01  # 30 of 200 worlds better at the second horizon
    da = xr.DataArray(
        d,
        dims=("sample", "worldview", "horizon"),
        coords={"worldview": ["w"], "horizon": ["a", "b"]},
    )
    v = verdicts(da)
    never, some = v.loc[("w", "a")], v.loc[("w", "b")]
    assert never["p_policy_better"] == 0.0 and never["se"] == 0.0
    ci = stats.binomtest(0, 200).proportion_ci(method="wilson")
    assert never["p_low"] == pytest.approx(ci.low, abs=1e-12)
    assert never["p_high"] == pytest.approx(ci.high) and never["p_high"] > 0.01
    ci = stats.binomtest(30, 200).proportion_ci(method="wilson")
    assert (some["p_low"], some["p_high"]) == pytest.approx((ci.low, ci.high))
