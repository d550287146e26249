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
        ("policy", "overhang_ooms", 0.29047679901123047),
        ("policy", "max_jump_ooms_per_year", 1.088392972946167),
        ("comparison", "delay_years", 0.94627884793249),
        ("counterfactual", "danger_year", 2030.662034002774),
        ("policy", "frontier_share_at_danger[china]", 0.22707994282245636),
    ],
)
def test_essay_realistic_medians(essay, run, metric, expected):
    assert essay.summary().loc[(run, metric), "median"] == pytest.approx(expected, rel=REL)


@pytest.mark.parametrize(
    ("worldview", "horizon", "p_better", "mean_delta"),
    [
        ("feedback-loop", "2060", 0.64, -0.013923022621978545),
        ("feedback-loop", "K>=10.7", 0.49666666666666665, 0.00026896457986455135),
        ("time-to-prepare", "2060", 0.8533333333333334, -0.03308581504092057),
        ("conflict-and-tyranny", "2060", 0.0, 0.03150153205718706),
    ],
)
def test_essay_realistic_verdicts(essay, worldview, horizon, p_better, mean_delta):
    v = essay.verdicts().loc[(worldview, horizon)]
    assert v["p_policy_better"] == pytest.approx(p_better, abs=1e-12)
    assert v["mean_delta_risk"] == pytest.approx(mean_delta, rel=1e-5)


def test_ideal_global_numbers(ideal):
    s = ideal.summary()
    assert s.loc[("comparison", "delay_years"), "median"] == pytest.approx(
        3.7977089791573917, rel=REL
    )
    assert s.loc[("policy", "max_jump_ooms_per_year"), "median"] == pytest.approx(
        0.9584684371948242, rel=REL
    )
    v = ideal.verdicts()
    assert v.loc[("feedback-loop", "K>=10.7"), "p_policy_better"] == pytest.approx(
        0.9163879598662207, abs=1e-12
    )
    assert v.loc[("time-to-prepare", "2060"), "mean_delta_risk"] == pytest.approx(
        -0.09493892238140746, rel=1e-5
    )
