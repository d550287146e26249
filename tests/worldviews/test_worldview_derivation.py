"""Weights from shares: the closed form, and the shipped worldviews against the current model."""

import numpy as np
import pytest

from pausesim import scenario as S
from pausesim.run import compare
from pausesim.worldviews import BUILTIN, feedback_loop, time_to_prepare
from pausesim.worldviews.derivation import (
    REFERENCE_HORIZON,
    REFERENCE_MEANS,
    reference_means,
    shares_of,
    weights_from_shares,
)

DERIVED = {"feedback-loop": feedback_loop, "time-to-prepare": time_to_prepare}


def test_weights_from_shares_give_back_the_shares_and_the_total():
    means = {"a": 0.2, "b": 10.0, "c": 3.0}
    shares = {"a": 0.7, "b": 0.2, "c": 0.1}
    w = weights_from_shares(shares, means, 0.05, digits=15)
    assert shares_of(w, means) == pytest.approx(shares)
    assert sum(w[t] * means[t] for t in w) == pytest.approx(0.05)
    assert w["a"] / w["b"] == pytest.approx((0.7 / 0.2) * (10.0 / 0.2))


@pytest.mark.parametrize(
    ("shares", "match"),
    [({"a": 0.5, "b": 0.2}, "shares must sum to 1"), ({"a": 0.5, "z": 0.5}, "term 'z'")],
)
def test_weights_from_shares_reject_bad_input(shares, match):
    with pytest.raises(ValueError, match=match):
        weights_from_shares(shares, {"a": 1.0, "b": 1.0}, 0.05)


@pytest.mark.parametrize("name", sorted(DERIVED))
def test_shipped_weights_carry_the_stated_shares(name):
    module = DERIVED[name]
    got = shares_of(BUILTIN[name].weights, REFERENCE_MEANS)
    for term, share in module.SHARES.items():
        assert got[term] == pytest.approx(share.value, abs=2e-3)
        assert share.low <= share.value <= share.high


@pytest.fixture(scope="module")
def remeasured():
    return reference_means(samples=800)


@pytest.mark.parametrize("name", sorted(DERIVED))
def test_on_the_current_model_the_shares_stay_within_their_stated_ranges(name, remeasured):
    """Fails when the engine moves the reference worlds so far that the weights no longer say
    what their sources say: re-derive them (docs/worldviews.md) rather than widen a range."""
    got = shares_of(BUILTIN[name].weights, remeasured)
    for term, share in DERIVED[name].SHARES.items():
        assert share.low <= got[term] <= share.high, (term, got[term], share)


def test_on_the_current_model_fast_takeoff_carries_almost_all_feedback_loop_risk(remeasured):
    got = shares_of(BUILTIN["feedback-loop"].weights, remeasured)
    fast = sum(got[t] for t in feedback_loop.FAST_TAKEOFF)
    share = feedback_loop.FAST_TAKEOFF_SHARE
    assert share.low <= fast <= share.high
    assert fast == pytest.approx(share.value, abs=0.1)


@pytest.mark.parametrize("preset", ["essay-realistic", "ideal-global"])
def test_feedback_loop_puts_most_of_its_risk_on_fast_takeoff_with_and_without_the_pause(preset):
    """The essay: 'almost all the catastrophic misalignment risk comes from these fast
    takeoff scenarios', in the pause run too, not only on the reference worlds."""
    cmp = compare(S.load(preset, {"risk.worldviews": '["feedback-loop"]'}, samples=300))
    d = cmp.decomposition([REFERENCE_HORIZON]).set_index("term")
    fast = list(feedback_loop.FAST_TAKEOFF)
    assert d.loc[fast, "share_no_pause"].sum() > 0.5
    assert d.loc[fast, "share_policy"].sum() > 0.5
    assert np.isclose(d["share_policy"].sum(), 1.0)
