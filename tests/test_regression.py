"""Seeded regression numbers: the same scenario, seed and version give the same numbers.

If a deliberate model change moves these, update them in the same commit and say why.
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
        ("policy", "overhang_ooms", 0.2933320999145508),
        ("policy", "max_jump_ooms_per_year", 1.0919452905654907),
        ("comparison", "delay_years", 0.9207962642157099),
        ("counterfactual", "danger_year", 2030.662034002774),
        ("policy", "frontier_share_at_danger[china]", 0.22964918613433838),
    ],
)
def test_essay_realistic_medians(essay, run, metric, expected):
    assert essay.summary().loc[(run, metric), "median"] == pytest.approx(expected, rel=REL)


@pytest.mark.parametrize(
    ("worldview", "horizon", "p_better", "mean_delta"),
    [
        ("feedback-loop", "2060", 0.8166666666666667, -0.022991847790541864),
        ("feedback-loop", "K>=10.7", 0.49666666666666665, 0.0005470162575138298),
        ("time-to-prepare", "2060", 0.9166666666666666, -0.04350780815644611),
        ("conflict-and-tyranny", "2060", 0.0, 0.02035219571118578),
    ],
)
def test_essay_realistic_verdicts(essay, worldview, horizon, p_better, mean_delta):
    v = essay.verdicts().loc[(worldview, horizon)]
    assert v["p_policy_better"] == pytest.approx(p_better, abs=1e-12)
    assert v["mean_delta_risk"] == pytest.approx(mean_delta, rel=1e-5)


def test_ideal_global_numbers(ideal):
    s = ideal.summary()
    assert s.loc[("comparison", "delay_years"), "median"] == pytest.approx(
        3.9485744129301565, rel=REL
    )
    assert s.loc[("policy", "max_jump_ooms_per_year"), "median"] == pytest.approx(
        0.9711501598358154, rel=REL
    )
    v = ideal.verdicts()
    assert v.loc[("feedback-loop", "K>=10.7"), "p_policy_better"] == pytest.approx(
        0.9233333333333333, abs=1e-12
    )
    assert v.loc[("time-to-prepare", "2060"), "mean_delta_risk"] == pytest.approx(
        -0.13793756287991774, rel=1e-5
    )
