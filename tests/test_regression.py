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
        ("policy", "max_jump_ooms_per_year", 1.091945230960846),
        ("comparison", "delay_years", 0.9177025331654249),
        ("counterfactual", "danger_year", 2031.0818349773783),
        ("policy", "frontier_share_at_danger[china]", 0.2287992686033249),
    ],
)
def test_essay_realistic_medians(essay, run, metric, expected):
    assert essay.summary().loc[(run, metric), "median"] == pytest.approx(expected, rel=REL)


@pytest.mark.parametrize(
    ("worldview", "horizon", "p_better", "mean_delta"),
    [
        ("feedback-loop", "2060", 0.82, -0.022276816721343535),
        ("feedback-loop", "K>=10.7", 0.5466666666666666, 0.00018873316606822323),
        ("time-to-prepare", "2060", 0.9133333333333333, -0.0408973128453114),
        ("conflict-and-tyranny", "2060", 0.0, 0.020002415264602582),
    ],
)
def test_essay_realistic_verdicts(essay, worldview, horizon, p_better, mean_delta):
    v = essay.verdicts().loc[(worldview, horizon)]
    assert v["p_policy_better"] == pytest.approx(p_better, abs=1e-12)
    assert v["mean_delta_risk"] == pytest.approx(mean_delta, rel=1e-5)


def test_ideal_global_numbers(ideal):
    s = ideal.summary()
    assert s.loc[("comparison", "delay_years"), "median"] == pytest.approx(
        3.9347192501996915, rel=REL
    )
    assert s.loc[("policy", "max_jump_ooms_per_year"), "median"] == pytest.approx(
        0.9711501598358154, rel=REL
    )
    v = ideal.verdicts()
    assert v.loc[("feedback-loop", "K>=10.7"), "p_policy_better"] == pytest.approx(0.92, abs=1e-12)
    assert v.loc[("time-to-prepare", "2060"), "mean_delta_risk"] == pytest.approx(
        -0.135632870404207, rel=1e-5
    )
