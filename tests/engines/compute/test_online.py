"""Metrics and risk accumulated in the engine's loop equal those computed from trajectories.

``keep="none"`` runs the compute engine with :class:`pausesim.engines.compute.online.Online`
(a ring of a few steps, no trajectories); ``keep="full"`` stores the trajectories and computes
the metrics and risk from them after the fact. Both must agree to the last bit, including
dtypes, undefined (NaN) values and failed samples.
"""

from __future__ import annotations

import numpy as np
import pytest

from pausesim.engines.compute.online import ring_rows
from pausesim.run import compare, estimate_memory, simulate
from pausesim.scenario import load


def _assert_same(a, b):
    """Every metric and integrated hazard of ``a`` and ``b`` identical (NaN where NaN)."""
    assert not b.trajectories.data_vars  # keep="none": nothing stored
    assert set(a.metrics.data_vars) == set(b.metrics.data_vars)
    for name, x in a.metrics.data_vars.items():
        y = b.metrics[name].transpose(*x.dims)
        assert x.dtype == y.dtype, name
        if x.dtype.kind == "f":
            np.testing.assert_array_equal(x.values, y.values, err_msg=name)
        else:
            assert (x.values == y.values).all(), name
    if a.term_hazard is not None:
        assert a.term_hazard.dims == b.term_hazard.dims
        assert list(a.term_hazard["horizon"].values) == list(b.term_hazard["horizon"].values)
        np.testing.assert_array_equal(a.term_hazard.values, b.term_hazard.values)


@pytest.mark.parametrize(
    ("preset", "overrides"),
    [
        ("essay-realistic", {}),
        ("ideal-global", {}),
        ("gradual-lift", {}),
        ("conditional-on-alignment", {}),
        ("hardware-included", {}),
        ("compute-governance", {}),
        # coarse grids: the level horizons end inside a step, the jump window is one step
        ("essay-realistic", {"grid.step": "1.0"}),
        ("essay-fixed-duration", {"grid.step": "0.5", "metrics.jump_window_years": "2.0"}),
        # a jump window longer than the speed window sets the ring
        ("essay-realistic", {"metrics.jump_window_years": "3.0"}),
    ],
)
def test_keep_none_equals_the_metrics_of_the_trajectories(preset, overrides):
    sc = load(preset, overrides, samples=150)
    full = compare(sc, keep="full")
    none = compare(sc, keep="none")
    _assert_same(full.policy, none.policy)
    _assert_same(full.counterfactual, none.counterfactual)
    assert full.verdicts().equals(none.verdicts())
    # the comparison's deltas, their undefined worlds included
    np.testing.assert_array_equal(full.deltas["delay_years"], none.deltas["delay_years"])


def test_keep_none_counts_the_same_failed_samples():
    # an allowed value that overflows (tests/test_failures.py): the failed samples, the
    # variables named and the blanked metrics are the same in both paths
    sc = load("essay-realistic", {"brain_drain_per_year": "1.0", "grid.step": "5.0"}, samples=80)
    full, none = simulate(sc, keep="full"), simulate(sc, keep="none")
    assert full.n_failed > 0
    assert full.n_failed == none.n_failed
    _assert_same(full, none)


def test_keep_none_keeps_only_a_ring_of_steps():
    sc = load("essay-realistic", samples=10)
    rows = ring_rows(sc.grid.times, sc.metrics)
    # one year of 0.25-year steps (the hazard's trailing speed), this step and the next
    assert rows == 6 < sc.grid.n_steps
    est_none = estimate_memory(sc, n_policies=2, keep="none")
    est_full = estimate_memory(sc, n_policies=2, keep="full")
    assert est_none.chunk_bytes * 10 < est_full.chunk_bytes
