"""Invariants of the compute engine over random policies and worlds (hypothesis)."""

import numpy as np
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pausesim.engines.base import check_outputs
from pausesim.grid import TimeGrid
from pausesim.metrics.trajectory import overhang_at_lift
from pausesim.policy import Policy
from pausesim.testing import policies, run_engine, sample_world

GRID = TimeGrid(start=2025.0, end=2050.0, step=0.5)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policy=policies(), seed=st.integers(0, 10_000))
def test_trajectories_are_consistent_for_any_policy(policy, seed):
    params = sample_world(n=64, seed=seed)
    ds = run_engine(params, policy, grid=GRID, seed=seed)
    check_outputs(ds)
    assert not ds["sample_failed"].any()
    shares = ds["frontier_share"].values
    assert np.all(shares >= 0) and np.all(shares <= 1 + 1e-6)
    assert np.allclose(shares.sum(axis=(1, 2)), 1.0, atol=1e-5)
    low = ds["low_safety_frontier_share"].values
    assert np.all(low >= -1e-6) and np.all(low <= 1 + 1e-6)
    # the frontier is the best actor
    assert np.allclose(ds["frontier_capability"].values, ds["capability"].max("actor").values)
    # runs never exceed what is affordable, nor the cap (plus loopholes) where it applies
    assert (ds["physical_compute"] <= ds["feasible_compute"] + 1e-5).all()
    capped = ds["in_coalition"] & np.isfinite(ds["cap"])
    loophole = xr.DataArray(params["cap_loophole_ooms"], dims="sample")
    assert ((ds["physical_compute"] <= ds["cap"] + loophole + 1e-4) | ~capped).all()
    # only coalition members are ever paused, and only after the start
    assert not (ds["paused"] & ~ds["in_coalition"]).any()
    assert not ds["paused"].sel(time=slice(None, policy.start_year - 1e-6)).any()
    # a lift, if any, happens after the start; the overhang at the lift is never negative
    lift = ds["lift_time"].values
    assert (lift[np.isfinite(lift)] > policy.start_year - 1e-9).all()
    o = overhang_at_lift(ds, policy)
    assert (o[np.isfinite(o)] >= -1e-5).all()


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_no_pause_has_zero_overhang_for_any_world(seed):
    ds = run_engine(sample_world(n=64, seed=seed), Policy.none(), grid=GRID)
    assert (overhang_at_lift(ds, Policy.none()) == 0).all()
    assert not ds["paused"].any()


@settings(max_examples=15, deadline=None)
@given(policy=policies(), seed=st.integers(0, 10_000))
def test_same_seed_same_numbers(policy, seed):
    params = sample_world(n=32, seed=seed)
    a = run_engine(params, policy, grid=GRID, seed=seed)
    b = run_engine(params, policy, grid=GRID, seed=seed)
    assert a.equals(b)
