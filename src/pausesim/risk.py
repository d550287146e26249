"""Risk under each worldview: cumulative probability of catastrophe and the verdict.

``risk(T) = 1 - exp(-integral of hazard from the start of the grid to T)``, integrated with the
left rule on the grid (the hazard of step ``k`` applies over ``[t_k, t_k + dt)``), so a constant
hazard ``h`` gives exactly ``1 - exp(-h (T - t_0))``. ``T`` is a year, or, for a level horizon,
the time the frontier reaches a capability level (risk on the way to that level; NaN, and
counted, where the level is not reached within the grid). A comparison gives, per sampled world,
``delta_risk = risk(policy) - risk(no pause)``, and per worldview the fraction of worlds in which
the policy lowers risk, ``p_policy_better``, with its Monte Carlo standard error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from pausesim.worldviews import Worldview, get_worldview, hazard_terms


def integrated_hazard(hazard: xr.DataArray, until: np.ndarray) -> np.ndarray:
    """``integral_{t_0}^{T} h dt`` for per-sample end times ``until`` ``(sample, k)``.

    ``hazard`` has dims ``(..., sample, time)``; the hazard of step ``j`` applies on
    ``[t_j, t_j + dt)`` and a partial step counts in proportion. NaN ``until`` gives NaN.
    Returns an array ``(..., sample, k)``.
    """
    times = hazard["time"].values
    dt = float(times[1] - times[0]) if len(times) > 1 else 0.0
    h = np.nan_to_num(hazard.values.astype(float))
    cum = np.concatenate([np.zeros(h.shape[:-1] + (1,)), np.cumsum(h, axis=-1) * dt], axis=-1)
    edges = np.append(times, times[-1] + dt)
    u = np.clip(np.nan_to_num(until, nan=times[0]), times[0], edges[-1])
    j = np.clip(np.searchsorted(edges, u, side="right") - 1, 0, len(times) - 1)
    frac = (u - edges[j]) / dt if dt else np.zeros_like(u)
    n = h.shape[-2]
    rows = np.arange(n)[:, None]
    base = cum[..., rows, j]
    part = h[..., rows, j] * frac * dt
    out = base + part
    return np.where(np.isnan(until), np.nan, out)


def horizon_labels(settings) -> list[str]:
    """Coordinate labels: ``"2060"`` for a year, ``"K>=10.68"`` for a capability level."""
    years = [f"{h:g}" for h in settings.horizons]
    levels = [f"K>={lv:g}" for lv in settings.level_horizons]
    return years + levels


def horizon_times(frontier: xr.DataArray, settings) -> np.ndarray:
    """End time ``(sample, horizon)`` of each horizon.

    The year itself, or when the frontier reaches the level (NaN if it never does within the
    grid).
    """
    from pausesim.metrics.trajectory import crossing_time

    n = frontier.sizes["sample"]
    cols = [np.full(n, h, dtype=float) for h in settings.horizons]
    times = frontier["time"].values
    cols += [crossing_time(frontier.values, times, lv) for lv in settings.level_horizons]
    return np.column_stack(cols)


def cumulative_risk(hazard: xr.DataArray, until: np.ndarray, labels: list[str]) -> xr.DataArray:
    """Probability of catastrophe by each horizon: ``1 - exp(-integrated hazard)``."""
    values = -np.expm1(-integrated_hazard(hazard, until))
    dims = [d for d in hazard.dims if d != "time"] + ["horizon"]
    coords = {d: hazard[d] for d in dims[:-1] if d in hazard.coords}
    coords["horizon"] = labels
    return xr.DataArray(values, dims=dims, coords=coords)


def resolve_worldviews(settings) -> list[Worldview]:
    """The worldviews a scenario selects: built-in names, ``.toml`` paths or inline ones."""
    inline = {w.name: w for w in settings.custom}
    return [inline[n] if n in inline else get_worldview(n) for n in settings.worldviews]


def run_risk(
    ds: xr.Dataset, params: xr.Dataset, policy, scenario, worldviews: list[Worldview]
) -> tuple[xr.DataArray, xr.DataArray]:
    """Hazard ``(worldview, sample, time)`` and risk ``(sample, worldview, horizon)`` of a run."""
    terms = hazard_terms(ds, params, policy, scenario.metrics, scenario.risk)
    hazard = xr.concat([w.hazard(terms) for w in worldviews], dim="worldview")
    hazard = hazard.assign_coords(worldview=[w.name for w in worldviews])
    hazard = hazard.transpose("worldview", "sample", "time")
    until = horizon_times(ds["frontier_capability"], scenario.risk)
    labels = horizon_labels(scenario.risk)
    risk = cumulative_risk(hazard, until, labels).transpose("sample", "worldview", "horizon")
    return hazard.astype(np.float32), risk.rename("risk")


def verdicts(delta_risk: xr.DataArray) -> pd.DataFrame:
    """Per worldview and horizon: P(policy better), its Monte Carlo SE, ties, and delta_risk.

    ``p_policy_better`` is the fraction of sampled worlds with ``delta_risk < 0``; worlds where
    the two risks are equal (``n_ties``, e.g. no hazard at all before the horizon) count as not
    better; undefined (NaN) worlds are counted in ``n_undefined`` and left out.
    """
    rows = []
    for w in delta_risk["worldview"].values:
        for h in delta_risk["horizon"].values:
            d = delta_risk.sel(worldview=w, horizon=h).values.astype(float)
            ok = np.isfinite(d)
            n = int(ok.sum())
            p = float((d[ok] < 0).mean()) if n else np.nan
            rows.append(
                {
                    "worldview": str(w),
                    "horizon": str(h),
                    "p_policy_better": p,
                    "se": float(np.sqrt(p * (1 - p) / n)) if n else np.nan,
                    "n": n,
                    "n_ties": int((d[ok] == 0).sum()),
                    "n_undefined": int((~ok).sum()),
                    "mean_delta_risk": float(d[ok].mean()) if n else np.nan,
                    "p5": float(np.quantile(d[ok], 0.05)) if n else np.nan,
                    "median": float(np.median(d[ok])) if n else np.nan,
                    "p95": float(np.quantile(d[ok], 0.95)) if n else np.nan,
                }
            )
    return pd.DataFrame(rows).set_index(["worldview", "horizon"])


def _ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, axis=0, kind="stable")
    ranks = np.empty_like(order, dtype=float)
    np.put_along_axis(ranks, order, np.arange(x.shape[0], dtype=float)[:, None], axis=0)
    return ranks


def crux_screen(params: xr.Dataset, delta_risk: xr.DataArray, top: int = 3) -> pd.DataFrame:
    """Parameters most associated with the sign of ``delta_risk``, per worldview.

    Spearman rank correlation between every sampled parameter (one column per actor for
    per-actor parameters) and ``delta_risk`` at the last horizon, across sampled worlds. A
    screen, not a causal attribution: the full crux analysis is a separate method.
    """
    cols, names = [], []
    for name, da in params.data_vars.items():
        if da.ndim == 1:
            cols.append(da.values)
            names.append(name)
        else:
            for j, actor in enumerate(da["actor"].values):
                cols.append(da.values[:, j])
                names.append(f"{name}[{actor}]")
    x = np.column_stack(cols).astype(float)
    varying = np.ptp(x, axis=0) > 0
    x, names = x[:, varying], [n for n, v in zip(names, varying, strict=True) if v]
    rx = _ranks(x)
    rx = (rx - rx.mean(axis=0)) / rx.std(axis=0)
    rows = []
    last = delta_risk["horizon"].values[-1]
    for w in delta_risk["worldview"].values:
        d = delta_risk.sel(worldview=w, horizon=last).values.astype(float)
        ok = np.isfinite(d)
        if ok.sum() < 3 or np.std(d[ok]) == 0:
            continue
        rd = _ranks(d[ok][:, None])[:, 0]
        rd = (rd - rd.mean()) / rd.std()
        sub = _ranks(x[ok])
        sub = (sub - sub.mean(axis=0)) / np.where(sub.std(axis=0) > 0, sub.std(axis=0), 1.0)
        rho = (sub * rd[:, None]).mean(axis=0)
        for i in np.argsort(-np.abs(rho))[:top]:
            rows.append({"worldview": str(w), "parameter": names[i], "spearman_rho": float(rho[i])})
    return pd.DataFrame(rows, columns=["worldview", "parameter", "spearman_rho"])
