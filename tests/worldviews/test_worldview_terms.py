"""The concentration measure (leader's lead) and its hazard term, with direction checks."""

import numpy as np
import pytest

from pausesim import scenario as S
from pausesim.metrics.trajectory import lead_over_runner_up, max_between
from pausesim.run import compare
from pausesim.worldviews import TERMS, hazard_terms
from pausesim.worldviews.terms import PAUSE_ONLY, TERM_UNITS, danger_weight, frontier_speed


def test_lead_is_best_minus_second_best_and_ignores_nan():
    cap = np.array(
        [
            [[3.0, 1.0], [1.0, 1.0], [2.5, 0.0]],  # sample 0: actors x time
            [[0.0, 5.0], [np.nan, 2.0], [1.0, np.nan]],  # sample 1: a NaN actor is left out
        ]
    )
    lead = lead_over_runner_up(cap, axis=1)
    assert lead == pytest.approx(np.array([[0.5, 0.0], [1.0, 3.0]]))
    time_major = np.moveaxis(cap, 1, 0)  # (actor, sample, time): same answer on any layout
    assert lead_over_runner_up(time_major, axis=0) == pytest.approx(lead)


def test_lead_is_undefined_without_a_runner_up():
    assert np.isnan(lead_over_runner_up(np.ones((2, 1, 3)), axis=1)).all()
    only_one = np.array([[[1.0], [np.nan]]])  # two actors, one undefined
    assert np.isnan(lead_over_runner_up(only_one, axis=1)).all()


def test_max_between_takes_the_grid_points_of_the_window():
    times = np.arange(5.0)
    series = np.array([[0.0, 4.0, 1.0, 9.0, 2.0]] * 4)
    got = max_between(
        series, times, np.array([0.5, 2.0, 3.5, np.nan]), np.array([2.5, 2.1, np.nan, 4.0])
    )
    # [1, 3] -> 9; [2, 3] -> 9 (t1 = 2.1 rounds up to the point at 3); [4, end] -> 2; no start
    assert got[:3] == pytest.approx([9.0, 9.0, 2.0]) and np.isnan(got[3])


def test_every_term_has_a_unit_and_pause_only_terms_are_terms():
    assert set(TERM_UNITS) == set(TERMS)
    assert PAUSE_ONLY <= set(TERMS) and "concentration" not in PAUSE_ONLY


@pytest.fixture(scope="module")
def realistic_terms():
    """Hazard terms of a small essay-realistic run, with its danger weight."""
    sc = S.load("essay-realistic", samples=60)
    cmp = compare(sc)
    ds = cmp.policy.trajectories
    terms = hazard_terms(ds, cmp.policy.params, sc.policy, sc.metrics, sc.risk)
    frontier = ds["frontier_capability"]
    dw = danger_weight(frontier, sc.metrics.danger_level_ooms, sc.risk.danger_width_ooms)
    return sc, ds, terms, frontier, dw


def test_concentration_term_is_danger_weight_times_lead_times_frontier_speed(realistic_terms):
    sc, ds, terms, frontier, dw = realistic_terms
    speed = np.maximum(0.0, frontier_speed(frontier).values)
    lead = lead_over_runner_up(ds["capability"].transpose("sample", "actor", "time").values, 1)
    expected = dw.values * lead * speed
    assert np.allclose(terms["concentration"].values, expected, rtol=1e-5, atol=1e-7)
    assert (terms["concentration"].values >= 0).all()


@pytest.fixture(scope="module")
def realistic():
    return compare(S.load("essay-realistic", samples=300), keep="none")


def test_a_coalition_pause_with_outsiders_shrinks_the_lead_at_the_danger_level(realistic):
    """The cap holds the leader (the coalition) while outsiders keep growing, and the forced
    lift fires when they catch up, so the leader is closer to the runner-up at the danger
    level than without a pause."""
    d = realistic.deltas["delta_lead_at_danger_ooms"].values
    assert np.mean(d < 0) > 0.9
    pol = realistic.policy.metrics["lead_max_takeoff_ooms"].values
    none = realistic.counterfactual.metrics["lead_max_takeoff_ooms"].values
    assert np.median(pol) < np.median(none)


def test_a_global_pause_narrows_the_lead_and_an_abrupt_lift_reopens_it():
    """Everyone is held at the same frozen cap, so followers close in while paused; when the
    cap goes at once every actor ramps toward its own feasible compute, and the leader, whose
    overhang is the largest, pulls away again, more than under a phased lift."""
    abrupt = compare(S.load("ideal-global", {"policy.lift.kind": "abrupt"}, samples=200))
    phased = compare(S.load("ideal-global", samples=200), keep="none")
    t = abrupt.policy.trajectories["time"].values
    lp = lead_over_runner_up(abrupt.policy.trajectories["capability"].values, 1)
    lc = lead_over_runner_up(abrupt.counterfactual.trajectories["capability"].values, 1)
    lift = abrupt.policy.metrics["lift_year"].values
    ok = np.isfinite(lift)
    rows = np.arange(len(lift))[ok]
    before = np.searchsorted(t, lift[ok] - 1e-9) - 1
    after = np.minimum(before + 8, len(t) - 1)  # two years later
    assert np.mean(lp[rows, before] < lc[rows, before]) > 0.6
    assert np.mean(lp[rows, after] > lp[rows, before]) > 0.7
    a = abrupt.policy.metrics["lead_at_danger_ooms"].values
    p = phased.policy.metrics["lead_at_danger_ooms"].values
    assert np.mean(a >= p - 1e-6) > 0.8


def test_own_speed_is_each_actors_excess_growth_weighted_by_its_frontier_share(realistic_terms):
    sc, ds, terms, frontier, dw = realistic_terms
    excess = np.maximum(0.0, frontier_speed(ds["capability"]) - sc.risk.safe_speed_ooms_per_year)
    share = ds["frontier_share"].sum("sector")
    expected = dw * (share * excess).sum("actor")
    assert np.allclose(terms["own_speed"].values, expected.values, rtol=1e-5, atol=1e-7)


def test_own_speed_counts_a_jump_from_behind_that_the_frontier_speed_misses():
    """After an abrupt lift a paused leader that outsiders have overtaken climbs back: its own
    models jump while the frontier (held by the outsider) grows steadily."""
    sc = S.load(
        "essay-realistic",
        {"policy.end.forced_margin_ooms": "none", "policy.end.political_lift_hazard_per_year": "0"},
        samples=150,
    )
    cmp = compare(sc, keep="none")
    integrated = cmp.policy.term_hazard.sel(horizon="K>=14.68")
    own, frontier = (float(integrated.sel(term=t).mean()) for t in ("own_speed", "speed"))
    assert own > 1.3 * frontier
    # without a pause the leader is the frontier, and the two nearly agree
    none = cmp.counterfactual.term_hazard.sel(horizon="K>=14.68")
    assert float(none.sel(term="own_speed").mean()) == pytest.approx(
        float(none.sel(term="speed").mean()), rel=0.1
    )
