"""One capability scale: effective FLOP at 2022 algorithms, K = 0 at GPT-4, for both engines."""

import numpy as np
import pytest

from pausesim import scenario as S
from pausesim import units
from pausesim.run import simulate


def test_davidson_thresholds_on_the_scale():
    assert units.DANGER_LEVEL_OOMS == pytest.approx(np.log10(1e32 / 2.1e25), abs=0.005)
    assert units.FULL_AUTOMATION_OOMS == pytest.approx(np.log10(1e36 / 2.1e25), abs=0.005)
    # the metrics and the equal-capability horizon default to them
    sc = S.load("no-pause")
    assert sc.metrics.danger_level_ooms == units.DANGER_LEVEL_OOMS
    assert sc.risk.level_horizons == (units.FULL_AUTOMATION_OOMS,)


def test_a_run_counts_its_algorithms_relative_to_2022():
    # GPT-4 itself (trained 2022) is 0 whatever the algorithmic rate
    assert units.capability_of_run(2.1e25, 2022.0, 0.5) == pytest.approx(0.0)
    # a 2025 run gains three years of algorithms, a 2015 run loses seven
    assert units.capability_of_run(2.1e26, 2025.0, 0.4) == pytest.approx(1.0 + 1.2)
    assert units.capability_of_run(2.1e21, 2015.0, 0.4) == pytest.approx(-4.0 - 2.8)


def _capability(name, year, **fields):
    r = simulate(S.load(name, **fields))
    fr = r.trajectories["frontier_capability"]
    return fr.sel(time=year, method="nearest").values.astype(float)


def test_both_engines_agree_at_a_common_start():
    """Started in 2022 from the ftm's biggest run (3e24 FLOP), the compute engine's leader and
    the ftm engine report the same capability: the same run on the same scale."""
    ftm = _capability("ftm-best-guess", 2022.0, samples=5)
    compute = S.load(
        "no-pause",
        {
            "grid.start": "2022.0",
            "initial_frontier_compute_flop": "3e24",
            "initial_frontier_cost_usd": "1e7",
        },
        samples=50,
    )
    k = simulate(compute).trajectories["frontier_capability"].isel(time=0).values
    expected = np.log10(3e24 / 2.1e25)
    assert ftm == pytest.approx(expected, abs=1e-6)
    assert k == pytest.approx(expected, abs=1e-5)


def test_how_far_the_engines_differ_in_2025_and_why():
    """Same units, different worlds. The compute engine starts at the observed 2025 frontier
    (Grok-3-class runs, ~4.6e26 FLOP, with three years of algorithmic progress since 2022:
    K ~ 2.6); Davidson's model starts from its 2022 inputs (3e24 FLOP, K = -0.85) and grows
    slower than 2022-2025 did, so its best guess says K ~ 0.7 in 2025. The gap, 1-3 OOM, is
    the 2023-2025 scale-up the ftm's 2022 calibration predates, not a unit mismatch."""
    compute = np.median(_capability("no-pause", 2025.0, samples=400))
    ftm = np.median(_capability("ftm-best-guess", 2025.0, samples=5))
    assert 1.0 < compute - ftm < 3.0
    # and the compute engine's 2025 frontier is the data's: Grok-3 (4.64e26 FLOP, Feb 2025,
    # Epoch AI) at the catalog's algorithmic rates (halving 5.5-12.5 months)
    rates = np.log10(2) * 12 / np.array([12.5, 5.5])
    grok3 = units.capability_of_run(4.64e26, 2025.0, rates)
    assert grok3[0] < compute < grok3[1]
