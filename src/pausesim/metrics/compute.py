"""Assemble the per-sample metrics of one run into a labelled Dataset."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import xarray as xr

from pausesim.metrics.trajectory import (
    crossing_time,
    inference_gain_at_lift,
    lead_over_runner_up,
    max_between,
    max_jump,
    overhang_at_lift,
    pick_at,
    value_at,
)
from pausesim.policy import Policy


class MetricInfo(NamedTuple):
    """A metric's unit (as stored in the variable's ``units``), description and short label.

    ``display_unit`` is the unit shown to people where it differs (``"share"`` for a share of
    the frontier stored as ``"1"``, ``"years"`` for a duration), ``unit_long`` the unit
    spelled out (default: :data:`pausesim.units.UNIT_NAMES`). :mod:`pausesim.labels` reads
    them for the CLI, the report and the web page.
    """

    unit: str
    description: str
    label: str
    display_unit: str = ""
    unit_long: str = ""


#: Name of the per-sample variable listing what failed (comma-separated, ``""`` if nothing).
FAILED_VARIABLES = "failed_variables"

_SHARE = "share of the frontier's effective compute (0 to 1)"

#: metric name -> :class:`MetricInfo`; every metric of :func:`run_metrics`, and the risk per
#: worldview and horizon that :func:`pausesim.run.simulate` adds.
RUN_METRICS: dict[str, MetricInfo] = {
    "danger_year": MetricInfo(
        "year",
        "first year the frontier reaches the danger level",
        "Year the danger level is reached",
        unit_long="calendar year",
    ),
    "takeoff_years": MetricInfo(
        "year",
        "years from the takeoff-start level to the takeoff-end level",
        "Takeoff duration",
        "years",
    ),
    "max_jump_ooms_per_year": MetricInfo(
        "OOM/yr",
        "largest rise of frontier capability over the jump window",
        "Largest capability jump",
    ),
    "overhang_ooms": MetricInfo(
        "OOM",
        "compute the coalition could use but does not, at the lift",
        "Compute overhang at the lift",
    ),
    "inference_gain_ooms": MetricInfo(
        "OOM",
        "capability the coalition's frozen models gained through inference by the lift",
        "Capability gained through inference",
    ),
    "lift_year": MetricInfo(
        "year", "when the (first) pause ended", "Year the pause ended", unit_long="calendar year"
    ),
    "pause_years": MetricInfo(
        "year",
        "how long the first pause episode was in force (undefined if it never ended)",
        "Length of the first pause",
        "years",
    ),
    "lift_reason": MetricInfo(
        "code",
        "why the first pause episode ended (codes in the variable's attribute 'reasons')",
        "Why the pause ended",
        unit_long="reason code (see the variable's attribute 'reasons')",
    ),
    "paused_years_total": MetricInfo(
        "year",
        "years a pause was in force within the grid, all episodes",
        "Years paused in total",
        "years",
    ),
    "defection_overhang_ooms": MetricInfo(
        "OOM",
        "compute the cap withheld from a defector when it left the coalition (per actor)",
        "Overhang released by a defection",
    ),
    "capability_end": MetricInfo(
        "OOM", "frontier capability at the end of the grid", "Frontier capability at the end"
    ),
    "low_safety_share_at_danger": MetricInfo(
        "1",
        "frontier share of low-safety labs when the danger level is reached",
        "Low-safety labs' share at the danger level",
        unit_long=_SHARE,
    ),
    "low_safety_share_max": MetricInfo(
        "1",
        "largest frontier share of low-safety labs over the grid",
        "Low-safety labs' largest share",
        unit_long=_SHARE,
    ),
    "covert_share_max": MetricInfo(
        "1",
        "largest frontier share of covert labs over the grid",
        "Covert labs' largest share",
        unit_long=_SHARE,
    ),
    "coalition_share_at_danger": MetricInfo(
        "1",
        "frontier share of coalition actors (legal and covert) at the danger level",
        "Coalition's share at the danger level",
        unit_long=_SHARE,
    ),
    "covert_share_at_danger": MetricInfo(
        "1",
        "frontier share of covert labs at the danger level",
        "Covert labs' share at the danger level",
        unit_long=_SHARE,
    ),
    "frontier_share_at_danger": MetricInfo(
        "1",
        "frontier share per actor at the danger level",
        "Frontier share at the danger level",
        unit_long=_SHARE,
    ),
    "alignment_at_danger": MetricInfo(
        "OOM",
        "frontier-weighted alignment stock at the danger level",
        "Alignment stock at the danger level",
        unit_long="orders of magnitude of capability that alignment handles",
    ),
    "alignment_gap_at_danger": MetricInfo(
        "OOM",
        "frontier-weighted alignment gap at the danger level",
        "Alignment gap at the danger level",
        unit_long="orders of magnitude of capability beyond what alignment handles",
    ),
    "n_pauses": MetricInfo(
        "1",
        "number of pause episodes (re-pauses included)",
        "Number of pauses",
        "pauses",
        "count of pause episodes",
    ),
    "lead_at_danger_ooms": MetricInfo(
        "OOM",
        "capability of the best actor minus the second-best's when the frontier reaches the "
        "danger level (each actor counts its legal and covert labs together)",
        "Leader's lead at the danger level",
    ),
    "lead_max_takeoff_ooms": MetricInfo(
        "OOM",
        "largest lead of the best actor over the second-best during the takeoff, from the "
        "takeoff-start to the takeoff-end level (to the end of the grid if it is not reached)",
        "Leader's largest lead in the takeoff",
    ),
    "sample_failed": MetricInfo(
        "bool",
        "the world hit NaN or overflow in a checked variable and is left out of every metric",
        "Failed world",
        "yes/no",
    ),
    FAILED_VARIABLES: MetricInfo(
        "text",
        "the variables that hit NaN or overflow in the world, comma-separated",
        "What failed",
        "names",
        "comma-separated variable names",
    ),
    "risk": MetricInfo(
        "1",
        "probability of catastrophe accumulated by the horizon under the worldview",
        "Risk",
        "probability",
        "probability of catastrophe accumulated by the horizon",
    ),
}

#: per-sample comparison metric -> :class:`MetricInfo`; every variable of
#: :func:`pausesim.run.comparison_deltas` (``delta_<metric>`` of other metrics are labelled
#: from the metric by :mod:`pausesim.labels`).
DELTA_METRICS: dict[str, MetricInfo] = {
    "delay_years": MetricInfo(
        "year",
        "danger year, policy minus no pause: how much later the danger level is reached",
        "Delay of the danger level",
        "years",
    ),
    "max_jump_ratio": MetricInfo(
        "1",
        "largest capability jump with the pause divided by the largest without",
        "Largest jump, pause over no pause",
        "x",
        "ratio (1: the same jump as without a pause)",
    ),
    "delta_risk": MetricInfo(
        "1",
        "risk by the horizon, policy minus no pause, per worldview",
        "Change in risk",
        "probability",
        "change of the probability of catastrophe (negative: the pause lowers risk)",
    ),
}


def run_metrics(ds: xr.Dataset, policy: Policy, settings, summary: dict | None = None):
    """Per-sample metrics of a run.

    ``settings`` is a :class:`~pausesim.scenario.MetricSettings` (levels in OOM above the
    reference, jump window). ``summary`` holds the per-sample quantities that the metrics
    read from the trajectories (:func:`trajectory_summary`); an engine that accumulates them
    while it steps (:class:`pausesim.engines.compute.online.Online`) passes them here with a
    ``ds`` of its per-sample outputs only.
    """
    s = trajectory_summary(ds, policy, settings) if summary is None else summary
    danger = s["danger"]
    times = ds["time"].values
    lift = ds["lift_time"].values
    # the first grid point at or after the start year is when the pause actually starts
    i_start = min(int(np.searchsorted(times, policy.start_year - 1e-9)), len(times) - 1)
    start = times[i_start] if not policy.is_none else np.nan
    at_danger = s["at_danger"]  # (sample, actor, sector), NaN as 0
    undefined = np.isnan(danger)
    actors = [str(a) for a in ds["actor"].values]
    members = [actors.index(a) for a in policy.coalition.everyone_ever]
    sectors = s["sectors"]
    coalition_at_danger = _sum_in_order(at_danger[:, members]) if members else np.zeros_like(danger)
    covert_at_danger = (
        at_danger[:, :, sectors.index("covert")].sum(axis=1)
        if "covert" in sectors
        else np.zeros_like(danger)
    )
    data = {
        "danger_year": danger,
        "takeoff_years": s["takeoff_to"] - s["takeoff_from"],
        "max_jump_ooms_per_year": s["max_jump"],
        # exact pause events where the engine records them, else estimates from the grid
        **(
            episode_metrics(ds, policy)
            or {
                "overhang_ooms": overhang_at_lift(ds, policy),
                "lift_year": lift,
                "pause_years": np.where(np.isfinite(lift), lift - start, np.nan),
            }
        ),
        "capability_end": s["capability_end"],
        "low_safety_share_at_danger": s["low_safety_at_danger"],
        "low_safety_share_max": s["low_safety_max"],
        "covert_share_max": s["covert_max"],
        "coalition_share_at_danger": np.where(undefined, np.nan, coalition_at_danger),
        "covert_share_at_danger": np.where(undefined, np.nan, covert_at_danger),
        "lead_at_danger_ooms": s["lead_at_danger"],
        "lead_max_takeoff_ooms": s["lead_max_takeoff"],
    }
    out = xr.Dataset(
        {k: (("sample",), np.asarray(v, dtype=float)) for k, v in data.items()},
        coords={"sample": ds["sample"].values, "actor": ds["actor"].values},
    )
    per_actor = np.where(undefined[:, None], np.nan, at_danger.sum(axis=2))
    out["frontier_share_at_danger"] = (("sample", "actor"), per_actor)
    if "inference_gain" in s:
        out["inference_gain_ooms"] = (("sample",), s["inference_gain"])
    if "alignment_at_danger" in s:
        out["alignment_at_danger"] = (("sample",), s["alignment_at_danger"].astype(float))
        out["alignment_gap_at_danger"] = (
            ("sample",),
            s["alignment_gap_at_danger"].astype(float),
        )
        out["n_pauses"] = ds["n_pauses"]
    if "defection_overhang" in ds:
        out["defection_overhang_ooms"] = (
            ("sample", "actor"),
            ds["defection_overhang"].transpose("sample", "actor").values.astype(float),
        )
    out = _with_failures(out, ds)
    if "lift_reason" in out:
        out["lift_reason"].attrs["reasons"] = ds["episode_reason"].attrs.get("reasons", "")
    for k, info in RUN_METRICS.items():
        if k in out:
            out[k].attrs.update(units=info.unit, description=info.description)
    return out


def trajectory_summary(ds: xr.Dataset, policy: Policy, settings) -> dict[str, np.ndarray]:
    """The per-sample quantities :func:`run_metrics` reads from the trajectories of ``ds``.

    Keys: ``sectors`` (of ``frontier_share``), ``danger``, ``takeoff_from``, ``takeoff_to``
    (crossing times), ``max_jump``,
    ``capability_end``, ``low_safety_at_danger``, ``low_safety_max``, ``covert_max``,
    ``at_danger`` (frontier shares ``(sample, actor, sector)`` at the danger level, NaN as 0),
    ``lead_at_danger``, ``lead_max_takeoff`` and, where the engine publishes their inputs,
    ``inference_gain``, ``alignment_at_danger`` and ``alignment_gap_at_danger``.
    """
    times = ds["time"].values
    frontier = ds["frontier_capability"].values
    danger = crossing_time(frontier, times, settings.danger_level_ooms)
    t_from = crossing_time(frontier, times, settings.takeoff_from_ooms)
    t_to = crossing_time(frontier, times, settings.takeoff_to_ooms)
    # Shares are only needed at the danger level: pick that step first, then sum (NaN as 0,
    # like xarray's sums), instead of summing the whole (sample, actor, sector, time) array.
    shares = ds["frontier_share"].transpose("sample", "actor", "sector", "time")
    sectors = [str(v) for v in shares["sector"].values]
    low = ds["low_safety_frontier_share"].values
    lead = lead_over_runner_up(ds["capability"].transpose("sample", "actor", "time").values, 1)
    s = {
        "danger": danger,
        "takeoff_from": t_from,
        "takeoff_to": t_to,
        "max_jump": max_jump(frontier, times, settings.jump_window_years),
        "capability_end": frontier[:, -1].astype(float),
        "low_safety_at_danger": value_at(low, times, danger),
        "low_safety_max": low.max(axis=1).astype(float),
        "sectors": sectors,
        "covert_max": _covert_max(shares, sectors),
        "at_danger": _nan_as_zero(pick_at(shares.values, times, danger)),
        "lead_at_danger": value_at(lead, times, danger),
        "lead_max_takeoff": max_between(lead, times, t_from, t_to),
    }
    if "deployed_capability" in ds:
        s["inference_gain"] = inference_gain_at_lift(ds, policy)
    if "alignment_frontier" in ds:
        s["alignment_at_danger"] = value_at(ds["alignment_frontier"].values, times, danger)
        s["alignment_gap_at_danger"] = value_at(ds["alignment_gap"].values, times, danger)
    return s


def episode_metrics(ds: xr.Dataset, policy: Policy) -> dict[str, np.ndarray]:
    """Exact pause events from an engine that records episodes (``episode_*`` outputs).

    The first episode's start, end, reason and released overhang replace the grid-based
    estimates, and the years in force sum every episode (open ones up to the grid's end).
    Empty for engines without episode records.
    """
    if "episode_start" not in ds:
        return {}
    start = ds["episode_start"].transpose("sample", "episode").values
    end = ds["episode_end"].transpose("sample", "episode").values
    reason = ds["episode_reason"].transpose("sample", "episode").values
    t_end = float(ds["time"].values[-1])
    t_start = float(ds["time"].values[0])
    length = np.where(np.isnan(end), t_end, end) - np.maximum(start, t_start)
    total = np.where(np.isnan(start), 0.0, np.maximum(length, 0.0)).sum(axis=1)
    first_end = end[:, 0]
    return {
        "lift_year": first_end,
        "pause_years": first_end - start[:, 0],
        "lift_reason": reason[:, 0].astype(float),
        "paused_years_total": total,
        # no episode at all (nobody pauses, or the coalition never has a member): nothing held
        "overhang_ooms": np.where(
            np.isnan(start[:, 0]),
            0.0,
            ds["episode_overhang"].transpose("sample", "episode").values[:, 0],
        ),
    }


def _covert_max(shares: xr.DataArray, sectors: list) -> np.ndarray:
    """Largest frontier share of all covert sectors together over the grid, per sample."""
    if "covert" not in sectors:
        return np.zeros(shares.sizes["sample"])
    covert = shares.values[:, :, sectors.index("covert"), :]  # (sample, actor, time)
    # (a sector without compute holds a share of 0, not NaN: a NaN share is a failed sample,
    # flagged by the engine, and stays NaN here until _with_failures blanks it)
    return covert.sum(axis=1).max(axis=1).astype(float)


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




def _with_failures(out: xr.Dataset, ds: xr.Dataset) -> xr.Dataset:
    """Attach the engine's failure flags to the metrics and blank the failed samples' metrics.

    ``ds["variable_failed"]`` ``(sample, failure_check)`` names the outputs that failed (the
    compute engine); an engine with only ``sample_failed`` (or the ftm engine's own check) is
    named by ``ds.attrs["engine"]``.
    """
    failed = ds["sample_failed"].values.astype(bool)
    if "variable_failed" in ds:
        flags = ds["variable_failed"].transpose("sample", "failure_check")
        names = [str(v) for v in flags["failure_check"].values]
        listed = _join_names(flags.values, names)
    else:
        listed = np.where(failed, str(ds.attrs.get("engine", "engine")), "")
    out["sample_failed"] = (("sample",), failed)
    out[FAILED_VARIABLES] = (("sample",), listed.astype(str))
    return flag_failed(out, failed, None)


def _join_names(flags: np.ndarray, names: list[str]) -> np.ndarray:
    """Per row of ``flags`` ``(sample, name)``: the flagged names joined by commas."""
    joined = np.full(flags.shape[0], "", dtype=object)
    for j in np.flatnonzero(flags.any(axis=0)):
        rows = flags[:, j]
        sep = np.where(joined[rows] == "", "", ",")
        joined[rows] = joined[rows] + sep + names[j]
    return joined.astype(str)


def flag_failed(metrics: xr.Dataset, failed: np.ndarray, variable: str | None) -> xr.Dataset:
    """Mark ``failed`` samples as failed (adding ``variable`` to their list) and blank them.

    Every float metric of a failed sample becomes NaN: its state is not trustworthy anywhere
    (the stocks are coupled, e.g. the alignment stock can end a pause), so it is left out of
    every metric's ``n`` and counted in ``n_failed`` (:func:`pausesim.metrics.summarize`).
    ``variable=None`` only blanks samples already flagged.
    """
    failed = np.asarray(failed, dtype=bool)
    if variable is not None and failed.any():
        listed = metrics[FAILED_VARIABLES].values.astype(object)
        sep = np.where(listed[failed] == "", "", ",")
        listed[failed] = listed[failed] + sep + variable
        metrics[FAILED_VARIABLES] = (("sample",), listed.astype(str))
        metrics["sample_failed"] = (("sample",), metrics["sample_failed"].values | failed)
    if not failed.any():
        return metrics
    mask = xr.DataArray(~failed, dims="sample")
    for name, da in metrics.data_vars.items():
        if "sample" in da.dims and da.dtype.kind == "f":
            metrics[name] = da.where(mask).assign_attrs(da.attrs)
    return metrics


def failure_counts(metrics: xr.Dataset) -> dict[str, int]:
    """Failed samples per failing variable (a sample with several counts once for each)."""
    if FAILED_VARIABLES not in metrics:
        return {}
    counts: dict[str, int] = {}
    for listed in metrics[FAILED_VARIABLES].values:
        for name in str(listed).split(","):
            if name:
                counts[name] = counts.get(name, 0) + 1
    return counts
