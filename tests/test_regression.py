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
        ("policy", "overhang_ooms", 0.4870157241821289),
        ("policy", "max_jump_ooms_per_year", 1.231431007385254),
        ("comparison", "delay_years", 1.20940959798736),
        ("counterfactual", "danger_year", 2028.9268887038425),
        ("policy", "frontier_share_at_danger[china]", 0.2382843866944313),
    ],
)
def test_essay_realistic_medians(essay, run, metric, expected):
    assert essay.summary().loc[(run, metric), "median"] == pytest.approx(expected, rel=REL)


@pytest.mark.parametrize(
    ("worldview", "horizon", "p_better", "mean_delta"),
    [
        ("feedback-loop", "2060", 0.5433333333333333, -0.00929966906724885),
        ("feedback-loop", "K>=10.68", 0.31, 0.005519270265082558),
        ("time-to-prepare", "2060", 0.79, -0.032967615801254346),
        ("conflict-and-tyranny", "2060", 0.0, 0.032909575005717805),
    ],
)
def test_essay_realistic_verdicts(essay, worldview, horizon, p_better, mean_delta):
    v = essay.verdicts().loc[(worldview, horizon)]
    assert v["p_policy_better"] == pytest.approx(p_better, abs=1e-12)
    assert v["mean_delta_risk"] == pytest.approx(mean_delta, rel=1e-5)


def test_ideal_global_numbers(ideal):
    s = ideal.summary()
    assert s.loc[("comparison", "delay_years"), "median"] == pytest.approx(
        3.897606345225654, rel=REL
    )
    assert s.loc[("policy", "max_jump_ooms_per_year"), "median"] == pytest.approx(
        1.0165526866912842, rel=REL
    )
    v = ideal.verdicts()
    assert v.loc[("feedback-loop", "K>=10.68"), "p_policy_better"] == pytest.approx(
        0.9566666666666667, abs=1e-12
    )
    assert v.loc[("time-to-prepare", "2060"), "mean_delta_risk"] == pytest.approx(
        -0.10388409254816718, rel=1e-5
    )
