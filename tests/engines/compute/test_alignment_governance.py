"""Alignment research, governance capacity and the essay's realistic-pause consequences."""

import numpy as np
import pytest

from pausesim import scenario as S
from pausesim.mechanisms.alignment import feedback_factor, feedback_floor
from pausesim.policy import Coalition, EndRule, Policy
from pausesim.run import compare
from pausesim.testing import run_engine, sample_world, software_pause

EVERYONE = ("us_allies", "china", "rest_of_world")


def test_feedback_factor_is_one_at_the_start_and_zero_at_gpt2():
    k0 = np.array([2.6])
    floor = feedback_floor(np.array([0.43]))
    assert feedback_factor(k0, k0, floor, np.array([0.7])) == pytest.approx(1.0)
    assert feedback_factor(floor, k0, floor, np.array([0.7])) < 1e-100
    # beta = 0: the studied model does not matter
    assert feedback_factor(
        np.array([-2.0, 5.0]), np.array([2.6, 2.6]), np.array([-2.8, -2.8]), np.array([0.0, 0.0])
    ) == pytest.approx([1.0, 1.0])


def test_gpt2_floor_is_counted_in_2022_algorithms():
    # 1.92e21 FLOP in 2019.1, 2.9 years of algorithmic progress before 2022
    assert feedback_floor(np.array([0.0]))[0] == pytest.approx(np.log10(1.92e21 / 2.1e25))
    assert feedback_floor(np.array([0.5]))[0] == pytest.approx(
        np.log10(1.92e21 / 2.1e25) - 0.5 * 2.9
    )


def test_a_pause_slows_coalition_alignment_when_the_feedback_loop_is_strong():
    params = sample_world(
        n=200, seed=1, feedback_exponent=1.5, pause_safety_effort_boost=0.0, safety_sharing=0.0
    )
    base = run_engine(params, Policy.none())
    pol = run_engine(params, software_pause(years=8.0))
    m = lambda ds: ds["alignment"].sel(actor="us_allies", time=2034.0).values  # noqa: E731
    assert (m(pol) < m(base)).all()
    # ... and speeds it up when it is absent and the pause frees safety effort
    params = sample_world(
        n=200,
        seed=1,
        feedback_exponent=0.0,
        pause_safety_effort_boost=1.0,
        safety_approval_slowdown=0.0,
        subfrontier_relevance=1.0,
        alignment_lead_max_ooms=30.0,
        safety_sharing=0.0,
    )
    base = run_engine(params, Policy.none())
    pol = run_engine(params, software_pause(years=8.0))
    assert (m(pol) > m(base)).all()


def test_government_approval_slows_safety_research_during_the_pause():
    fast = run_engine(
        sample_world(n=100, seed=2, safety_approval_slowdown=0.0), software_pause(years=8.0)
    )
    slow = run_engine(
        sample_world(n=100, seed=2, safety_approval_slowdown=0.8), software_pause(years=8.0)
    )
    a = lambda ds: ds["alignment"].sel(actor="us_allies", time=2034.0).values  # noqa: E731
    assert (a(slow) <= a(fast)).all() and (a(slow) < a(fast)).any()


def test_safety_research_exemption_lets_alignment_study_models_above_the_cap():
    params = sample_world(n=100, seed=3, feedback_exponent=1.0, alignment_lead_max_ooms=0.5)
    capped = run_engine(params, software_pause(years=10.0))
    exempt = run_engine(params, software_pause(years=10.0, safety_research_exempt=True))
    a = lambda ds: ds["alignment"].sel(actor="us_allies", time=2036.0).values  # noqa: E731
    assert (a(exempt) > a(capped)).all()


def test_safety_sharing_lets_non_pause_actors_use_the_coalitions_safety_research():
    """The essay's footnote 8: with sharing, the pause's extra safety work reaches the actors
    who hold the frontier, so the pause looks better."""
    deltas = {}
    for share in (0.0, 1.0):
        sc = S.load(
            "essay-realistic",
            {"safety_sharing": str(share), "pause_safety_effort_boost": "1.0"},
            samples=300,
        )
        deltas[share] = (
            compare(sc)
            .deltas["delta_risk"]
            .sel(worldview="time-to-prepare", horizon="2060")
            .mean()
            .item()
        )
    assert deltas[1.0] < deltas[0.0]
    # and the alignment stock of China rises with sharing
    lo = run_engine(sample_world(n=50, seed=4, safety_sharing=0.0), software_pause())
    hi = run_engine(sample_world(n=50, seed=4, safety_sharing=1.0), software_pause())
    a_hi = hi["alignment"].sel(actor="china", time=2040.0).values
    a_lo = lo["alignment"].sel(actor="china", time=2040.0).values
    # equal only where both have reached the lead limit over the models they study
    assert (a_hi >= a_lo - 1e-5).all() and (a_hi > a_lo).mean() > 0.8


def test_alignment_never_runs_further_ahead_of_studied_models_than_the_lead_limit():
    params = sample_world(
        n=100, seed=5, alignment_rate=5.0, alignment_lead_max_ooms=1.0, feedback_exponent=0.0
    )
    ds = run_engine(params, software_pause(years=10.0))
    studied = ds["capability"]  # without covert labs and the exemption, what is studied is legal
    assert (ds["alignment"] <= studied.max("actor") + 1.0 + 1e-4).all()


def test_governance_grows_while_paused_and_decays_after():
    params = sample_world(
        n=50,
        seed=6,
        governance_growth_baseline=0.0,
        governance_growth_paused=0.5,
        governance_decay=0.1,
        repause_hazard=0.0,
    )
    ds = run_engine(params, software_pause(years=5.0))
    g = ds["governance"]
    assert float(g.sel(time=2026.0).max()) == 0.0
    assert (g.sel(time=2032.0) > g.sel(time=2029.0)).all()
    assert (g.sel(time=2045.0) < g.sel(time=2032.0)).all()
    # exact closed form while paused (the stock is stepped exactly): from 2027.0 on,
    # g_p / d (1 - exp(-d (t - 2027)))
    for years in (1.0, 4.0):
        expected = 0.5 / 0.1 * -np.expm1(-0.1 * years)
        assert np.allclose(g.sel(time=2027.0 + years).values, expected, rtol=1e-5)


def test_governance_can_make_an_abrupt_lift_phased_and_bring_the_pause_back():
    params = sample_world(
        n=400, seed=7, governance_phased_lift=5.0, governance_growth_paused=1.0, repause_hazard=0.0
    )
    ds = run_engine(params, software_pause(years=5.0))
    after = ds["cap"].sel(time=2033.0).values
    assert np.isfinite(after).mean() > 0.9  # the cap is still rising: the lift became phased
    none = run_engine(
        sample_world(n=400, seed=7, governance_phased_lift=0.0, repause_hazard=0.0),
        software_pause(years=5.0),
    )
    assert np.isinf(none["cap"].sel(time=2033.0).values).all()
    again = run_engine(
        sample_world(n=400, seed=7, repause_hazard=2.0, governance_phased_lift=0.0),
        software_pause(years=2.0),
    )
    assert (again["n_pauses"].values >= 2).mean() > 0.5
    assert (none["n_pauses"].values == 1).all()


def test_conditional_pause_lifts_when_alignment_reaches_the_target():
    params = sample_world(n=200, seed=8, repause_hazard=0.0)
    pol = Policy(
        name="conditional",
        coalition=Coalition(members=("us_allies",)),
        end=EndRule(duration_years=float("inf"), alignment_target=2.5),
        safety_research_exempt=True,
    )
    ds = run_engine(params, pol)
    lift = ds["lift_time"].values
    assert np.isfinite(lift).any()
    times = ds["time"].values
    for s in np.flatnonzero(np.isfinite(lift))[:20]:
        # the lift is at the crossing, between the grid points around it
        k = int(np.searchsorted(times, lift[s] - 1e-9))
        stock = ds["alignment"].isel(sample=s).sel(actor="us_allies")
        assert float(stock.isel(time=k)) >= 2.5 - 1e-4
        if lift[s] > 2027.0 + 1e-9:  # (a stock already past the target lifts at the start)
            assert float(stock.isel(time=k - 1)) < 2.5 + 1e-4
    # never lifted where the target was never reached
    for s in np.flatnonzero(~np.isfinite(lift)):
        assert float(ds["alignment"].isel(sample=s).sel(actor="us_allies").max()) < 2.5 + 1e-4


def test_longer_global_pause_never_raises_time_to_prepare_risk_without_feedback_or_speed():
    """beta = 0 and no speed term (DESIGN §4): delay buys alignment and governance and nothing
    else moves against it. A *global* pause with full relevance and no theory limit, so that the
    frontier does not move to actors with less alignment (with a partial coalition it can:
    the pause hands the frontier to actors whose alignment lags)."""
    from pausesim.worldviews import Worldview, hazard_terms

    view = Worldview(name="ttp-no-speed", weights={"unprepared": 0.005})
    params = sample_world(
        n=150,
        seed=9,
        feedback_exponent=0.0,
        subfrontier_relevance=1.0,
        alignment_lead_max_ooms=30.0,
        safety_approval_slowdown=0.0,
        covert_share_max=0.0,
        repause_hazard=0.0,
        governance_phased_lift=0.0,
    )
    pds = params.to_dataset()
    sc = S.load("no-pause")
    prev = None
    for years in (0.0, 2.0, 5.0, 10.0, 15.0):
        pol = Policy.none() if years == 0 else software_pause(members=EVERYONE, years=years)
        ds = run_engine(params, pol)
        from pausesim.risk import cumulative_risk

        h = view.hazard(hazard_terms(ds, pds, pol, sc.metrics, sc.risk))
        risk = cumulative_risk(h, np.full((150, 1), 2060.0), ["2060"]).values[:, 0]
        if prev is not None:
            assert (risk <= prev + 1e-9).all(), years
        prev = risk


def test_alignment_gap_risk_rises_with_pause_length_under_a_strong_loop_and_abrupt_lift():
    """The essay's harm 1 inside its own realistic pause: high beta, alignment that cannot run
    ahead of what it studies, abrupt lift; risk from the alignment-gap terms alone, compared at
    equal capability (K>=10.68). (Under the essay's full worldview, fast takeoff carries most
    of the risk and a longer unilateral pause lowers frontier speed: docs/worldviews.md.)"""
    from pausesim.risk import run_risk
    from pausesim.worldviews import Worldview

    gap_only = Worldview(name="gap-only", weights={"alignment_gap": 0.003, "low_safety": 0.004})
    means = []
    for years in (2.0, 5.0, 10.0):
        sc = S.load(
            "essay-realistic",
            {
                "feedback_exponent": "1.5",
                "alignment_lead_max_ooms": "0.5",
                "governance_phased_lift": "0",
                "repause_hazard": "0",
                "policy.end.duration_years": str(years),
                "policy.end.forced_margin_ooms": "none",
                "policy.end.political_lift_hazard_per_year": "0",
            },
            samples=400,
        )
        result = compare(sc).policy
        _, risk = run_risk(result.trajectories, result.params, result.policy, sc, [gap_only])
        means.append(float(risk.sel(worldview="gap-only", horizon="K>=10.68").mean()))
    assert means[0] < means[1] < means[2], means


def test_a_phased_lift_never_tightens_members_runs():
    params = sample_world(n=100, seed=10, cap_loophole_ooms=0.4, governance_phased_lift=0.0)
    ds = run_engine(params, software_pause(years=5.0, lift="phased", ramp=0.5))
    run = ds["physical_compute"].sel(actor="us_allies").values.astype(float)
    assert (np.diff(run, axis=-1) >= -1e-5).all()


def test_no_pause_is_in_effect_while_the_coalition_is_empty():
    from pausesim.policy import CoalitionChange

    pol = Policy(
        name="joiners-only",
        coalition=Coalition(joins=(CoalitionChange(actor="china", year=2030.0),)),
        end=EndRule(duration_years=10.0),
    )
    ds = run_engine(sample_world(n=50, seed=11, governance_growth_baseline=0.0), pol)
    assert not ds["in_force"].sel(time=slice(None, 2029.9)).any()
    assert ds["in_force"].sel(time=2031.0).all()
    # no capacity is built by a pause nobody is in
    assert float(ds["governance"].sel(time=2029.75).max()) == 0.0


def test_re_pauses_happen_in_steps_where_other_samples_lift():
    """Each sample's re-pause is decided on its own: it does not wait for a step in which no
    other sample lifts (with hundreds of samples and a politicised hazard, some sample lifts at
    almost every step)."""
    params = sample_world(n=400, seed=12, repause_hazard=5.0, governance_growth_baseline=1.0)
    pol = software_pause(years=30.0).model_copy(
        update={"end": EndRule(duration_years=30.0, political_lift_hazard_per_year=2.0)}
    )
    ds = run_engine(params, pol)
    assert (ds["n_pauses"].values >= 3).mean() > 0.5
