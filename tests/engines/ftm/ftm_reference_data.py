"""Helpers and fixtures of the ftm validation tests: the reference outputs of epoch-research/ftm."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pausesim.engines.ftm.parameters import CATALOG
from pausesim.grid import TimeGrid
from pausesim.params.sampling import SampledParams

#: ``<repo>/../shared/reference/ftm``: the reference outputs (not shipped with the package).
REFERENCE = Path(__file__).resolve().parents[3].parent / "shared" / "reference" / "ftm"
PRESETS = (
    "best_guess",
    "conservative",
    "aggressive",
    "short_timelines",
    "med_timelines",
    "long_timelines",
)
RANDOM_SETS = tuple(f"random/set_{i:02d}" for i in range(20))
CASES = PRESETS + RANDOM_SETS
#: The reference runs t_start <= t < t_end = 2100 (end excluded); pausesim's grid includes its
#: end, so the same 780 rows are 2022.0 ... 2099.9.
REFERENCE_GRID = TimeGrid(start=2022.0, end=2099.9, step=0.1)


def reference_available() -> bool:
    """True when the reference directory is next to the repository."""
    return (REFERENCE / "best_guess.json").is_file()


requires_reference = pytest.mark.skipif(
    not reference_available(),
    reason=f"reference outputs of epoch-research/ftm not found at {REFERENCE} "
    "(they live in the shared workspace, outside the repository)",
)


def load_case(name: str) -> dict:
    """The JSON record of one reference run."""
    return json.loads((REFERENCE / f"{name}.json").read_text())


def params_for(cases: list[dict]) -> SampledParams:
    """Catalog medians, overridden by each case's ``parameters_passed_to_SimulateTakeOff``."""
    n = len(cases)
    values = {p.name: np.full(n, p.default.median()) for p in CATALOG}
    for i, case in enumerate(cases):
        for key, value in case["parameters_passed_to_SimulateTakeOff"].items():
            values[key][i] = float(value)
    return SampledParams(("world",), values, n)
