"""The built-in hazard terms that worldviews weigh (DESIGN §4).

Every term is a ``(sample, time)`` array computed from the published trajectories. The
misalignment terms are multiplied by a smooth *danger weight* that rises from 0 to 1 around the
danger level (a logistic of width ``danger_width_ooms``), because capability below the danger
level is not what any of the worldviews fears.

========================  ==========================================================  =======
term                      definition                                                  unit
========================  ==========================================================  =======
``speed``                 danger weight x max(0, dK*/dt - v_safe): frontier growth    OOM/yr
                          beyond what alignment can track (the essay: discontinuity)
``alignment_gap``         danger weight x frontier-share-weighted max(0, K - M)       OOM^2/yr
                          x dK*/dt: capability gained while alignment lags
``low_safety``            danger weight x frontier share of low-safety labs           OOM/yr
                          x dK*/dt: capability gained by low-safety labs
``unprepared``            danger weight x alignment gap x exp(-eta Gamma): the gap    OOM
                          left after governance capacity, per year of exposure
                          (time-to-prepare)
``hostility``             [pause in force] x exp(-max(0, K_coalition - K_outsiders)): 1
                          tension with non-pause states, highest when they catch up
``coalition_conflict``    [pause in force] x (members - 1) / (actors - 1): conflict   1
                          among pause countries about the lift
``enforcement``           [pause in force] x coalition share of the world x           1
                          enforcement intensity: global enforcement machinery
                          (the essay's and Barnett's tyranny risk)
========================  ==========================================================  =======

The feedback-loop terms accrue per OOM of frontier progress (they are multiplied by the
frontier's speed ``dK*/dt``): in that view the risk lies in each step of capability taken
without alignment, so standing still accrues none and a delay alone changes nothing. The
time-to-prepare term accrues per year of exposure past the danger level, as its advocates
argue. Comparing risks at equal capability (``RiskSettings.level_horizons``) rather than equal
dates removes the advantage a delay gets from simply pushing hazard past a date horizon
(literature review, crux 6).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

TERMS: dict[str, str] = {
    "speed": "frontier capability growth beyond the safe speed, near or past the danger level",
    "alignment_gap": "frontier progress made while models are beyond what alignment handles",
    "low_safety": "frontier progress made by low-safety labs",
    "unprepared": "alignment gap not covered by governance capacity",
    "hostility": "hostility between pause and non-pause states while a pause is in force",
    "coalition_conflict": "conflict among pause countries about the lift",
    "enforcement": "global enforcement machinery a pause needs (tyranny risk)",
}

#: outputs an engine must publish for the alignment-based terms.
NEEDS_ALIGNMENT = ("alignment_gap", "governance")


def danger_weight(frontier: xr.DataArray, danger_level: float, width: float) -> xr.DataArray:
    """Logistic rise from 0 to 1 around the danger level."""
    return 1.0 / (1.0 + np.exp(-(frontier - danger_level) / width))


def frontier_speed(frontier: xr.DataArray, window_years: float = 1.0) -> xr.DataArray:
    """Trailing growth rate of frontier capability over ``window_years`` (OOM/yr)."""
    times = frontier["time"].values
    step = float(times[1] - times[0])
    w = max(1, int(round(window_years / step)))
    values = frontier.values.astype(float)
    speed = np.zeros_like(values)
    speed[:, w:] = (values[:, w:] - values[:, :-w]) / (w * step)
    speed[:, 1:w] = (values[:, 1:w] - values[:, :1]) / (
        np.arange(1, min(w, values.shape[1])) * step
    )
    return frontier.copy(data=np.nan_to_num(speed, nan=0.0))


def hazard_terms(ds: xr.Dataset, params: xr.Dataset, policy, metrics, risk) -> xr.Dataset:
    """All hazard terms ``(sample, time)`` of one run.

    ``params`` are the sampled parameters (for ``governance_hazard_reduction``), ``metrics`` the
    scenario's :class:`~pausesim.scenario.MetricSettings` (danger level) and ``risk`` its
    :class:`~pausesim.scenario.RiskSettings` (safe speed, danger width).
    """
    missing = [v for v in NEEDS_ALIGNMENT if v not in ds]
    if missing:
        raise ValueError(
            f"engine '{ds.attrs.get('engine')}' does not publish {missing}, which the hazard "
            "terms need; risk is available for the compute engine"
        )
    frontier = ds["frontier_capability"].astype(float)
    dw = danger_weight(frontier, metrics.danger_level_ooms, risk.danger_width_ooms)
    speed = np.maximum(0.0, frontier_speed(frontier))
    gap = ds["alignment_gap"].astype(float)
    eta = xr.DataArray(params["governance_hazard_reduction"].values, dims="sample")
    in_force = ds["in_force"] if "in_force" in ds else ds["paused"].any("actor")
    members = ds["in_coalition"]
    cap = ds["capability"]
    k_coal = cap.where(members).max("actor")
    k_out = cap.where(~members).max("actor")
    has_outsiders = (~members).any("actor")
    proximity = np.exp(-np.maximum(0.0, (k_coal - k_out).fillna(0.0)))
    n_actors = ds.sizes["actor"]
    n_members = members.sum("actor")
    world_share = ds["frontier_share"].isel(time=0).sum("sector")  # the AI world at the start
    coalition_share = world_share.where(members).sum("actor")
    enf = policy.enforcement
    intensity = max(enf.chip_mechanism_coverage, 1.0 - np.exp(-enf.detection_hazard_per_year))
    zero = xr.zeros_like(frontier)
    terms = {
        "speed": dw * np.maximum(0.0, speed - risk.safe_speed_ooms_per_year),
        "alignment_gap": dw * gap * speed,
        "low_safety": dw * ds["low_safety_frontier_share"].astype(float) * speed,
        "unprepared": dw * gap * np.exp(-eta * ds["governance"].astype(float)),
        "hostility": (in_force & has_outsiders) * proximity + zero,
        "coalition_conflict": in_force * (n_members - 1) / max(1, n_actors - 1) + zero,
        "enforcement": in_force * coalition_share * intensity + zero,
    }
    out = xr.Dataset(
        {k: v.transpose("sample", "time").astype(np.float32) for k, v in terms.items()}
    )
    for k, desc in TERMS.items():
        out[k].attrs["description"] = desc
    return out
