"""Per-sample metrics of one run (DESIGN §5), computed from the common engine outputs.

Each function is small and pure over whole arrays. A metric that is undefined for a sample
(a level never reached, a pause never lifted) is NaN there; :func:`summarize` counts those
samples instead of dropping them.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from pausesim.policy import Policy


def crossing_time(series: np.ndarray, times: np.ndarray, level: float) -> np.ndarray:
    """First time each row of ``series`` ``(sample, time)`` reaches ``level``.

    Linear interpolation between grid points; the first grid point if already above; NaN if
    never reached within the grid.
    """
    above = series >= level
    reached = above.any(axis=1)
    k = np.argmax(above, axis=1)
    prev = np.maximum(k - 1, 0)
    rows = np.arange(series.shape[0])
    y0, y1 = series[rows, prev].astype(float), series[rows, k].astype(float)
    t0, t1 = times[prev], times[k]
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(y1 > y0, (level - y0) / (y1 - y0), 1.0)
    t = np.where(k == 0, times[0], t0 + np.clip(frac, 0.0, 1.0) * (t1 - t0))
    return np.where(reached, t, np.nan)


def max_jump(series: np.ndarray, times: np.ndarray, window_years: float) -> np.ndarray:
    """Largest rise of ``series`` over any ``window_years``, per year (OOM/yr for capability).

    The window is rounded to whole grid steps; a grid shorter than the window gives NaN, and
    so does a sample with no finite window.
    """
    step = times[1] - times[0] if len(times) > 1 else np.nan
    w = int(round(window_years / step)) if np.isfinite(step) else 0
    if w < 1 or w >= series.shape[1]:
        return np.full(series.shape[0], np.nan)
    rise = series[:, w:].astype(float) - series[:, :-w].astype(float)
    # Engines that stop a sample early (ftm's dynamic end) pad it with NaN: ignore the padding,
    # and keep NaN only where no window is defined at all.
    finite = np.isfinite(rise)
    best = np.where(finite, rise, -np.inf).max(axis=1)
    return np.where(finite.any(axis=1), best, np.nan) / (w * step)


def overhang_at_lift(ds: xr.Dataset, policy: Policy) -> np.ndarray:
    """Orders of magnitude of compute the coalition could use but does not, when the pause lifts.

    ``max over coalition actors of (feasible - physical compute)`` on the last grid point before
    the lift. Zero when nobody pauses; NaN when the pause is still in force at the end of the
    grid (the overhang is then still growing).
    """
    return coalition_gap_at_lift(ds, policy, "feasible_compute", "physical_compute")


def inference_gain_at_lift(ds: xr.Dataset, policy: Policy) -> np.ndarray:
    """Capability (OOM) the coalition's frozen models gained through inference by the lift.

    ``max over coalition actors of (deployed - trained capability)`` on the last grid point
    before the lift: the essay's 'existing models will continue to get more powerful as hardware
    improves'. Zero when nobody pauses; NaN when the pause never lifts within the grid.
    """
    return coalition_gap_at_lift(ds, policy, "deployed_capability", "capability")


def coalition_gap_at_lift(ds: xr.Dataset, policy: Policy, upper: str, lower: str) -> np.ndarray:
    """``max over coalition actors of (upper - lower)`` on the last grid point before the lift."""
    n = ds.sizes["sample"]
    if policy.is_none:
        return np.zeros(n)
    lift = ds["lift_time"].values
    times = ds["time"].values
    idx = np.clip(np.searchsorted(times, lift - 1e-9) - 1, 0, len(times) - 1)
    rows = np.arange(n)

    def at_lift(name: str) -> np.ndarray:  # (sample, actor) on each sample's step
        return ds[name].transpose("sample", "actor", "time").values[rows, :, idx]

    gap = at_lift(upper) - at_lift(lower)
    gap = np.fmax.reduce(np.where(at_lift("in_coalition"), gap, np.nan), axis=1)  # nanmax
    value = np.where(np.isnan(gap), 0.0, gap)
    return np.where(np.isfinite(lift), value, np.nan)


def value_at(series: np.ndarray, times: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Value of ``series`` ``(sample, ..., time)`` at the grid point at or after ``when``.

    NaN where ``when`` is NaN.
    """
    picked = pick_at(series, times, when)
    mask = np.isnan(when).reshape((-1,) + (1,) * (picked.ndim - 1))
    return np.where(mask, np.nan, picked)


def pick_at(series: np.ndarray, times: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Like :func:`value_at`, but the first grid point where ``when`` is NaN (no mask)."""
    idx = np.clip(
        np.searchsorted(times, np.nan_to_num(when, nan=times[0]) - 1e-9), 0, len(times) - 1
    )
    return np.take_along_axis(series, idx.reshape((-1,) + (1,) * (series.ndim - 1)), axis=-1)[
        ..., 0
    ]


def lead_over_runner_up(capability: np.ndarray, axis: int) -> np.ndarray:
    """Orders of magnitude between the best and the second-best actor (the leader's lead).

    ``capability`` holds one capability per actor along ``axis`` (the engine's ``capability``,
    whose value per actor is the best of its legal and covert labs); the result drops that
    axis. A NaN actor is left out; the lead is NaN where fewer than two actors are defined
    (a one-actor world has no runner-up). The concentration of the essay's 'one or a handful of
    AIs ... concentrating immense power' at the level of actors (docs/worldviews.md).
    """
    c = np.asarray(capability, dtype=float)
    if c.shape[axis] < 2:
        return np.full(np.delete(c.shape, axis), np.nan)
    c = np.where(np.isnan(c), -np.inf, c)
    top = np.expand_dims(np.argmax(c, axis=axis), axis)
    best = np.take_along_axis(c, top, axis=axis)
    np.put_along_axis(c, top, -np.inf, axis=axis)  # c is a copy: drop the best, keep its ties
    second = c.max(axis=axis)
    with np.errstate(invalid="ignore"):
        lead = np.squeeze(best, axis) - second
    return np.where(np.isfinite(second), lead, np.nan)


def max_between(series: np.ndarray, times: np.ndarray, t0: np.ndarray, t1: np.ndarray):
    """Largest value of ``series`` ``(sample, time)`` from ``t0`` to ``t1`` per sample.

    From the grid point at or after ``t0`` to the one at or after ``t1`` (the end of the grid
    where ``t1`` is NaN), so a window shorter than a step still holds one point. NaN where
    ``t0`` is NaN or the window holds no finite value.
    """
    n_t = len(times)
    i0 = np.clip(np.searchsorted(times, np.nan_to_num(t0, nan=np.inf) - 1e-9), 0, n_t)
    i1 = np.clip(np.searchsorted(times, np.nan_to_num(t1, nan=np.inf) - 1e-9), 0, n_t - 1)
    k = np.arange(n_t)
    inside = (k >= i0[:, None]) & (k <= i1[:, None]) & np.isfinite(series)
    best = np.where(inside, series, -np.inf).max(axis=1)
    return np.where(inside.any(axis=1) & np.isfinite(t0), best, np.nan)
