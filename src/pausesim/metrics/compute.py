"""Assemble the per-sample metrics of one run into a labelled Dataset."""

from __future__ import annotations

import numpy as np
import xarray as xr

from pausesim.metrics.trajectory import (
    crossing_time,
    inference_gain_at_lift,
    max_jump,
    overhang_at_lift,
    pick_at,
    value_at,
)
from pausesim.policy import Policy

#: metric name -> (unit, description); every metric of :func:`run_metrics`.
RUN_METRICS: dict[str, tuple[str, str]] = {
    "danger_year": ("year", "first year the frontier reaches the danger level"),
    "takeoff_years": ("year", "years from the takeoff-start level to the takeoff-end level"),
    "max_jump_ooms_per_year": (
        "OOM/yr",
        "largest rise of frontier capability over the jump window",
    ),
    "overhang_ooms": ("OOM", "compute the coalition could use but does not, at the lift"),
    "inference_gain_ooms": (
        "OOM",
        "capability the coalition's frozen models gained through inference by the lift",
    ),
    "lift_year": ("year", "when the pause ended"),
    "pause_years": ("year", "how long the pause was in force"),
    "capability_end": ("OOM", "frontier capability at the end of the grid"),
    "low_safety_share_at_danger": (
        "1",
        "frontier share of low-safety labs when the danger level is reached",
    ),
    "low_safety_share_max": ("1", "largest frontier share of low-safety labs over the grid"),
    "coalition_share_at_danger": (
        "1",
        "frontier share of coalition actors (legal and covert) at the danger level",
    ),
    "covert_share_at_danger": ("1", "frontier share of covert labs at the danger level"),
    "frontier_share_at_danger": ("1", "frontier share per actor at the danger level"),
    "alignment_at_danger": ("OOM", "frontier-weighted alignment stock at the danger level"),
    "alignment_gap_at_danger": ("OOM", "frontier-weighted alignment gap at the danger level"),
    "n_pauses": ("1", "number of pause episodes (re-pauses included)"),
}


def run_metrics(ds: xr.Dataset, policy: Policy, settings) -> xr.Dataset:
    """Per-sample metrics of a run.

    ``settings`` is a :class:`~pausesim.scenario.MetricSettings` (levels in OOM above the
    reference, jump window).
    """
    times = ds["time"].values
    frontier = ds["frontier_capability"].values
    danger = crossing_time(frontier, times, settings.danger_level_ooms)
    t_from = crossing_time(frontier, times, settings.takeoff_from_ooms)
    t_to = crossing_time(frontier, times, settings.takeoff_to_ooms)
    lift = ds["lift_time"].values
    # the first grid point at or after the start year is when the pause actually starts
    i_start = min(int(np.searchsorted(times, policy.start_year - 1e-9)), len(times) - 1)
    start = times[i_start] if not policy.is_none else np.nan
    # Shares are only needed at the danger level: pick that step first, then sum (NaN as 0,
    # like xarray's sums), instead of summing the whole (sample, actor, sector, time) array.
    shares = ds["frontier_share"].transpose("sample", "actor", "sector", "time")
    at_danger = _nan_as_zero(pick_at(shares.values, times, danger))  # (sample, actor, sector)
    undefined = np.isnan(danger)
    actors = list(shares["actor"].values)
    members = [actors.index(a) for a in policy.coalition.everyone_ever]
    sectors = list(shares["sector"].values)
    coalition_at_danger = _sum_in_order(at_danger[:, members]) if members else np.zeros_like(danger)
    covert_at_danger = (
        at_danger[:, :, sectors.index("covert")].sum(axis=1)
        if "covert" in sectors
        else np.zeros_like(danger)
    )
    low = ds["low_safety_frontier_share"].values
    data = {
        "danger_year": danger,
        "takeoff_years": t_to - t_from,
        "max_jump_ooms_per_year": max_jump(frontier, times, settings.jump_window_years),
        "overhang_ooms": overhang_at_lift(ds, policy),
        "lift_year": lift,
        "pause_years": np.where(np.isfinite(lift), lift - start, np.nan),
        "capability_end": frontier[:, -1].astype(float),
        "low_safety_share_at_danger": value_at(low, times, danger),
        "low_safety_share_max": low.max(axis=1).astype(float),
        "coalition_share_at_danger": np.where(undefined, np.nan, coalition_at_danger),
        "covert_share_at_danger": np.where(undefined, np.nan, covert_at_danger),
    }
    out = xr.Dataset(
        {k: (("sample",), np.asarray(v, dtype=float)) for k, v in data.items()},
        coords={"sample": ds["sample"].values, "actor": ds["actor"].values},
    )
    per_actor = np.where(undefined[:, None], np.nan, at_danger.sum(axis=2))
    out["frontier_share_at_danger"] = (("sample", "actor"), per_actor)
    if "deployed_capability" in ds:
        out["inference_gain_ooms"] = (("sample",), inference_gain_at_lift(ds, policy))
    if "alignment_frontier" in ds:
        out["alignment_at_danger"] = (
            ("sample",),
            value_at(ds["alignment_frontier"].values, times, danger).astype(float),
        )
        out["alignment_gap_at_danger"] = (
            ("sample",),
            value_at(ds["alignment_gap"].values, times, danger).astype(float),
        )
        out["n_pauses"] = ds["n_pauses"]
    out["sample_failed"] = ds["sample_failed"]
    for k, (unit, desc) in RUN_METRICS.items():
        if k in out:
            out[k].attrs.update(units=unit, description=desc)
    return out


def _nan_as_zero(x: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(x), 0.0, x)


def _sum_in_order(x: np.ndarray) -> np.ndarray:
    """Sum ``(sample, ...)`` over the other axes one term at a time, in C order.

    The order of the float32 additions that xarray's ``sum(("actor", "sector"))`` over the
    whole trajectory makes, so the metric keeps its last bit.
    """
    terms = x.reshape(x.shape[0], -1)
    total = terms[:, 0].copy()
    for j in range(1, terms.shape[1]):
        total += terms[:, j]
    return total
