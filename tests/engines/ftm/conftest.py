"""Fixtures of the ftm engine tests."""

from __future__ import annotations

import numpy as np
import pytest
from ftm_reference_data import (
    CASES,
    REFERENCE,
    REFERENCE_GRID,
    load_case,
    params_for,
    reference_available,
)

from pausesim.engines.ftm import FTMEngine
from pausesim.policy import Policy


@pytest.fixture(scope="session")
def reference_run():
    """All 26 reference cases simulated together, one sample each, full trajectories."""
    if not reference_available():
        pytest.skip(f"reference outputs of epoch-research/ftm not found at {REFERENCE}")
    cases = [load_case(c) for c in CASES]
    engine = FTMEngine(record="full")
    ds = engine.simulate(params_for(cases), Policy.none(), REFERENCE_GRID, np.random.default_rng(0))
    return {name: (i, case) for i, (name, case) in enumerate(zip(CASES, cases, strict=True))}, ds
