"""Seeded regression numbers: the same scenario, seed and version give the same numbers.

If a deliberate model change moves these, regenerate them in the same commit and say why.
"""

import pytest

from pausesim import scenario as S
from pausesim.run import compare

REL = 1e-6


@pytest.fixture(scope="module")
def essay():
    return compare(S.load("essay-realistic", samples=300))


@pytest.fixture(scope="module")
def ideal():
    return compare(S.load("ideal-global", samples=300))


@pytest.mark.parametrize(
    ("run", "metric", "expected"),
    [
        ("policy", "overhang_ooms", 0.44292885114777647),
        ("policy", "max_jump_ooms_per_year", 1.241791009902954),
        ("comparison", "delay_years", 1.073682095815684),
        ("counterfactual", "danger_year", 2028.9244753566709),
        ("policy", "frontier_share_at_danger[china]", 0.2042345330119133),
        ("policy", "pause_years", 2.015609130684311),
        ("policy", "covert_share_max", 0.009829368442296982),
    ],
)
def test_essay_realistic_medians(essay, run, metric, expected):
    assert essay.summary().loc[(run, metric), "median"] == pytest.approx(expected, rel=REL)


@pytest.mark.parametrize(
    ("worldview", "horizon", "p_better", "mean_delta"),
    [
        ("feedback-loop", "2060", 0.43333333333333335, 0.0054880750376915845),
        ("feedback-loop", "K>=10.68", 0.37, 0.008303298970618827),
        ("time-to-prepare", "2060", 0.83, -0.03040416855453232),
        ("conflict-and-tyranny", "2060", 0.83, -0.02554530903655594),
    ],
)
def test_essay_realistic_verdicts(essay, worldview, horizon, p_better, mean_delta):
    v = essay.verdicts().loc[(worldview, horizon)]
    assert v["p_policy_better"] == pytest.approx(p_better, abs=1e-12)
    assert v["mean_delta_risk"] == pytest.approx(mean_delta, rel=1e-5)


def test_essay_realistic_lift_reasons(essay):
    reasons = essay.policy.lift_reasons().set_index("reason")["n"].to_dict()
    assert reasons == {"duration": 1, "catch_up": 237, "politicised": 62}


def test_ideal_global_numbers(ideal):
    s = ideal.summary()
    assert s.loc[("comparison", "delay_years"), "median"] == pytest.approx(
        3.819138587917678, rel=REL
    )
    assert s.loc[("policy", "max_jump_ooms_per_year"), "median"] == pytest.approx(
        1.032355546951294, rel=REL
    )
    v = ideal.verdicts()
    assert v.loc[("feedback-loop", "K>=10.68"), "p_policy_better"] == pytest.approx(
        0.97, abs=1e-12
    )
    assert v.loc[("time-to-prepare", "2060"), "mean_delta_risk"] == pytest.approx(
        -0.10435545800064858, rel=1e-5
    )
