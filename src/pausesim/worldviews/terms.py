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
``own_speed``             danger weight x frontier-share-weighted max(0, dK_a/dt -    OOM/yr
                          v_safe): each actor's own growth beyond the safe speed
                          (the essay: "each new AI system is only modestly more
                          powerful than the last"), so a developer's jump from
                          behind counts although the frontier's does not
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
``concentration``         danger weight x lead x dK*/dt, where lead = K of the best   OOM^2/yr
                          actor minus K of the second-best (each actor's K is the
                          best of its legal and covert labs; coalition members count
                          separately; 0 in a one-actor world): capability gained
                          while one actor is ahead of all others (the essay's
                          'concentrating immense power')
========================  ==========================================================  =======

``hostility``, ``coalition_conflict`` and ``enforcement`` are zero whenever no pause is in force
(:data:`PAUSE_ONLY`) and never negative, so a worldview that weighs only them cannot find that a
pause lowers risk: its verdict is fixed by construction
(:attr:`.Worldview.fixed_by_construction`). ``conflict-and-tyranny`` is not, because it also
weighs ``concentration``, which a world without a pause accrues too. Definitions, units and
sources: docs/worldviews.md.

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

from pausesim.metrics.trajectory import lead_over_runner_up

TERMS: dict[str, str] = {
    "speed": "frontier capability growth beyond the safe speed, near or past the danger level",
    "own_speed": "each actor's own capability growth beyond the safe speed, by frontier share",
    "alignment_gap": "frontier progress made while models are beyond what alignment handles",
    "low_safety": "frontier progress made by low-safety labs",
    "unprepared": "alignment gap not covered by governance capacity",
    "hostility": "hostility between pause and non-pause states while a pause is in force",
    "coalition_conflict": "conflict among pause countries about the lift",
    "enforcement": "global enforcement machinery a pause needs (tyranny risk)",
    "concentration": "frontier progress made while one actor leads all others (OOM lead)",
}

#: short label of each term, for tables and charts (:mod:`pausesim.labels`).
TERM_LABELS: dict[str, str] = {
    "speed": "Frontier growing too fast",
    "own_speed": "Developers growing too fast",
    "alignment_gap": "Progress beyond alignment",
    "low_safety": "Progress by low-safety labs",
    "unprepared": "Unprepared governance",
    "hostility": "Hostility with non-pause states",
    "coalition_conflict": "Conflict within the coalition",
    "enforcement": "Enforcement machinery",
    "concentration": "Concentration of power",
}

#: unit of each term (the yearly hazard is weight x term, so a weight is in 1/yr per unit).
TERM_UNITS: dict[str, str] = {
    "speed": "OOM/yr",
    "own_speed": "OOM/yr",
    "alignment_gap": "OOM^2/yr",
    "low_safety": "OOM/yr",
    "unprepared": "OOM",
    "hostility": "1",
    "coalition_conflict": "1",
    "enforcement": "1",
    "concentration": "OOM^2/yr",
}

#: terms that are zero whenever no pause is in force (and never negative otherwise).
PAUSE_ONLY: frozenset[str] = frozenset({"hostility", "coalition_conflict", "enforcement"})

#: outputs an engine must publish for the alignment-based terms.
NEEDS_ALIGNMENT = ("alignment_gap", "governance")


def danger_weight(frontier, danger_level: float, width: float):
    """Logistic rise from 0 to 1 around the danger level."""
    return 1.0 / (1.0 + np.exp(-(frontier - danger_level) / width))


def frontier_speed(frontier: xr.DataArray, window_years: float = 1.0) -> xr.DataArray:
    """Trailing growth rate of frontier capability over ``window_years`` (OOM/yr)."""
    times = frontier["time"].values
    axis = frontier.get_axis_num("time")
    values = np.moveaxis(frontier.values.astype(float), axis, 0)
    speed = np.moveaxis(_trailing_speed(values, times, window_years), 0, axis)
    return frontier.copy(data=speed)


def _trailing_speed(values: np.ndarray, times: np.ndarray, window_years: float) -> np.ndarray:
    """:func:`frontier_speed` on a float64 array with time on the first axis."""
    step = float(times[1] - times[0])
    w = max(1, int(round(window_years / step)))
    speed = np.zeros_like(values)
    speed[w:] = (values[w:] - values[:-w]) / (w * step)
    lead = np.arange(1, min(w, values.shape[0])) * step
    speed[1:w] = (values[1:w] - values[:1]) / lead.reshape((-1,) + (1,) * (values.ndim - 1))
    # A non-finite capability gives a non-finite speed, never 0: the engine has flagged the
    # sample (``sample_failed``) and the risk leaves it out (:func:`pausesim.risk.
    # evaluate_risk`).
    return speed


def _time_major(da: xr.DataArray) -> np.ndarray:
    """Values with dims reversed, ``(time, ..., sample)``: a contiguous view of engine output."""
    return da.transpose(*reversed(da.dims)).values


def hazard_terms(ds: xr.Dataset, params: xr.Dataset, policy, metrics, risk) -> xr.Dataset:
    """All hazard terms ``(sample, time)`` of one run.

    ``params`` are the sampled parameters (for ``governance_hazard_reduction``), ``metrics`` the
    scenario's :class:`~pausesim.scenario.MetricSettings` (danger level) and ``risk`` its
    :class:`~pausesim.scenario.RiskSettings` (safe speed, danger width).

    Computed in NumPy on time-major ``(time, [actor,] sample)`` arrays (the engine's own layout,
    so no strided copies); missing values follow xarray's reductions (``nanmax``, ``nansum``).
    """
    missing = [v for v in NEEDS_ALIGNMENT if v not in ds]
    if missing:
        raise ValueError(
            f"engine '{ds.attrs.get('engine')}' does not publish {missing}, which the hazard "
            "terms need; risk is available for the compute engine"
        )
    ds = ds.transpose("sample", "actor", ..., "time")
    times = ds["time"].values
    frontier = _time_major(ds["frontier_capability"]).astype(float)  # (time, sample)
    dw = danger_weight(frontier, metrics.danger_level_ooms, risk.danger_width_ooms)
    speed = np.maximum(0.0, _trailing_speed(frontier, times, 1.0))
    gap = _time_major(ds["alignment_gap"]).astype(float)
    eta = params["governance_hazard_reduction"].values
    members = _time_major(ds["in_coalition"])  # (time, actor, sample)
    # the share of each step [t_k, t_k + dt) the pause was in force, when the engine records
    # it (exact pause times; the hazard of step k applies over that step)
    if "in_force_share" in ds:
        in_force = _time_major(ds["in_force_share"]).astype(float)
    elif "in_force" in ds:
        in_force = _time_major(ds["in_force"])
    else:
        in_force = _time_major(ds["paused"]).any(axis=1)
    with np.errstate(invalid="ignore"):
        proximity = _coalition_proximity(_time_major(ds["capability"]), members)
    n_members = members.sum(axis=1)
    coalition_share = _coalition_world_share(_time_major(ds["frontier_share"]), members)
    enf = policy.enforcement
    intensity = max(enf.chip_mechanism_coverage, 1.0 - np.exp(-enf.detection_hazard_per_year))
    has_outsiders = (~members).any(axis=1)
    n_actors = members.shape[1]
    capability = _time_major(ds["capability"]).astype(float)  # (time, actor, sample)
    # one actor: no runner-up, no lead (0 by the term's definition); with two or more, a NaN
    # lead can only come from a failed sample's capability and stays NaN
    lead = lead_over_runner_up(capability, axis=1) if n_actors > 1 else np.zeros_like(frontier)
    actor_share = np.nansum(_time_major(ds["frontier_share"]), axis=1)  # (time, actor, sample)
    own_excess = np.maximum(
        0.0, _trailing_speed(capability, times, 1.0) - risk.safe_speed_ooms_per_year
    )
    terms = {
        "speed": dw * np.maximum(0.0, speed - risk.safe_speed_ooms_per_year),
        "own_speed": dw * (actor_share * own_excess).sum(axis=1),
        "alignment_gap": dw * gap * speed,
        "low_safety": dw * _time_major(ds["low_safety_frontier_share"]).astype(float) * speed,
        "unprepared": dw * gap * np.exp(-eta * _time_major(ds["governance"]).astype(float)),
        "hostility": in_force * has_outsiders * proximity,
        "coalition_conflict": in_force * (n_members - 1) / max(1, n_actors - 1),
        "enforcement": in_force * coalition_share * intensity,
        "concentration": dw * lead * speed,
    }
    coords = {"sample": ds["sample"], "time": ds["time"]}
    out = xr.Dataset(
        {
            k: (("sample", "time"), v.astype(np.float32, copy=False).T, {"description": TERMS[k]})
            for k, v in terms.items()
        },
        coords=coords,
    )
    return out


def _coalition_proximity(capability: np.ndarray, members: np.ndarray) -> np.ndarray:
    """``exp(-max(0, K_coalition - K_outsiders))`` (0 OOM where a side is empty), float32.

    ``capability`` and ``members`` are ``(time, actor, sample)``; the best of each side ignores
    NaN like ``nanmax``.
    """
    k_coal = np.fmax.reduce(np.where(members, capability, np.nan), axis=1)
    k_out = np.fmax.reduce(np.where(members, np.nan, capability), axis=1)
    lead = k_coal - k_out
    return np.exp(-np.maximum(0.0, np.where(np.isnan(lead), 0.0, lead)))


def _coalition_world_share(shares: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Share of the AI world at the start held by the coalition of each step ``(time, sample)``.

    ``shares`` is ``(time, sector, actor, sample)``; NaN counts as 0, as in ``nansum``.
    """
    first = shares[0]
    world = np.where(np.isnan(first), 0.0, first).sum(axis=0)  # (actor, sample)
    world = np.where(np.isnan(world), 0.0, world)
    return np.where(members, world, 0.0).sum(axis=1)
