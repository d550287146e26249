"""Helpers for testing pausesim and models built on it (like ``xarray.testing``).

Small functions to sample a world with point overrides and to run an engine directly, plus
hypothesis strategies for policies, so that property tests read as statements about the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from pausesim.distributions import Point
from pausesim.engines import get_engine
from pausesim.grid import TimeGrid
from pausesim.params.sampling import SampledParams, sample_params
from pausesim.policy import Coalition, EndRule, Lift, Policy

#: Debian's Chromium, which the browser tests drive through Playwright (``.ci/run`` installs the
#: ``chromium`` package; a browser downloaded by ``playwright install`` is never used).
CHROMIUM = Path("/usr/bin/chromium")
#: Its flags: headless as root, and no background connections (the network is closed).
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def sample_world(
    engine: str = "compute", n: int = 200, seed: int = 0, **overrides: float | Mapping
) -> SampledParams:
    """Sample the engine's default world; numeric overrides become point values."""
    eng = get_engine(engine)
    ov = {}
    for k, v in overrides.items():
        if isinstance(v, Mapping):
            ov[k] = {a: Point(value=float(x)) for a, x in v.items()}
        elif isinstance(v, int | float):
            ov[k] = Point(value=float(v))
        else:
            ov[k] = v
    return sample_params(eng.catalog, eng.default_actors, ov, n, np.random.default_rng(seed))


def run_engine(
    params: SampledParams,
    policy: Policy,
    engine: str = "compute",
    grid: TimeGrid | None = None,
    seed: int = 1,
) -> xr.Dataset:
    """Simulate ``params`` under ``policy`` with a seeded event generator."""
    return get_engine(engine).simulate(
        params, policy, grid or TimeGrid(), np.random.default_rng(seed)
    )


def software_pause(
    members=("us_allies",),
    years: float = 5.0,
    start: float = 2027.0,
    lift: str = "abrupt",
    ramp: float = 0.5,
    **fields,
) -> Policy:
    """A pause with only a fixed end (no forced or politicised lift) unless told otherwise."""
    return Policy(
        name="test-pause",
        coalition=Coalition(members=tuple(members)),
        start_year=start,
        end=EndRule(duration_years=years),
        lift=Lift(kind=lift, ramp_ooms_per_year=ramp),
        **fields,
    )


def policies():
    """Hypothesis strategy of valid compute-engine policies over the default actors."""
    from hypothesis import strategies as st

    from pausesim.policy import Cap, Enforcement

    actors = ("us_allies", "china", "rest_of_world")
    return st.builds(
        lambda members, start, years, lift, ramp, cap, hw, chips, hazard, margin, det, cov: Policy(
            name="hypothesis",
            coalition=Coalition(members=tuple(members)),
            start_year=start,
            end=EndRule(
                duration_years=years,
                political_lift_hazard_per_year=hazard,
                forced_margin_ooms=margin,
            ),
            lift=Lift(kind=lift, ramp_ooms_per_year=ramp),
            cap=cap,
            hardware_rnd_paused=hw,
            chip_production_paused=chips,
            enforcement=Enforcement(detection_hazard_per_year=det, chip_mechanism_coverage=cov),
        ),
        st.lists(st.sampled_from(actors), min_size=1, max_size=3, unique=True),
        st.floats(2025.0, 2040.0),
        st.floats(0.5, 30.0),
        st.sampled_from(["abrupt", "phased"]),
        st.floats(0.1, 3.0),
        st.one_of(
            st.just(Cap(kind="frozen")),
            st.builds(lambda t: Cap(kind="fixed", threshold_flop=t), st.floats(1e24, 1e28)),
            st.builds(
                lambda d: Cap(kind="declining", decline_ooms_per_year=d), st.floats(0.01, 0.5)
            ),
        ),
        st.booleans(),
        st.booleans(),
        st.floats(0.0, 1.0),
        st.one_of(st.none(), st.floats(0.0, 2.0)),
        st.floats(0.0, 5.0),
        st.floats(0.0, 1.0),
    )
