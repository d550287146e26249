"""Takeoff and timeline metrics of Davidson's model, vectorized over samples.

The same definitions as ``SimulateTakeOff.compute_metrics``, ``compute_doubling_times`` and
``get_summary_table`` (epoch-research/ftm):

- events, set while the model runs (the *last* upward crossing wins, as in the reference):
  ``rampup_start`` (wake-up), ``rampup_mid`` (20% of goods tasks automated), ``sub_agi_year``
  (20% of goods tasks automatable by training alone), ``agi_year`` (100%); an event detected at
  step ``s`` is dated ``t_start + s * dt - dt``;
- timeline metrics: those events and the first years with 20% / 100% of goods and R&D tasks
  automated;
- takeoff metrics: years from 20% to 100% automation of goods and of R&D tasks, from sub-AGI to
  AGI, from R&D output multiplier 2 to 10, from 5% to 20% yearly GWP growth;
- GWP doubling times: the first step's, then successive doublings from the wake-up;
- the summary table: levels and growth of key quantities at four periods.

Inputs are the trajectories of the engine's Dataset, dims ``(sample, time)``, with ``n_steps``
rows per sample (rows after a dynamic end are NaN). Missing values are NaN.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from pausesim.metrics.compute import MetricInfo

#: Takeoff metrics, in the reference's order.
TAKEOFF_METRICS = (
    "full_automation_gns",
    "full_automation_rnd",
    "sub_agi_to_agi",
    "cog_output_multiplier",
    "gwp_growth",
)
#: Timeline metrics (reference names; ``%`` is spelled ``pct`` in variable names).
TIMELINE_METRICS = (
    "sub_agi_year",
    "agi_year",
    "automation_gns_20%",
    "automation_rnd_20%",
    "automation_gns_100%",
    "automation_rnd_100%",
    "rampup_start",
)
SUMMARY_PERIODS = ("prerampup", "rampup start", "mid rampup", "full economic automation")
SUMMARY_RAW = ("biggest_training_run", "frac_tasks_automated_goods", "frac_tasks_automated_rnd")
SUMMARY_GROWTH = (
    "hardware_performance",
    "software",
    "compute_investment",
    "frac_compute_training",
    "gwp",
    "capital",
    "labour",
    "tfp_rnd",
    "rnd_input_software",
    "cumulative_rnd_input_software",
)
_N_DOUBLINGS = 5

_Y, _D = "calendar year", "years"
#: Davidson's per-sample metrics (Dataset variable names) -> :class:`~pausesim.metrics.compute.
#: MetricInfo`, read by :mod:`pausesim.labels`.
FTM_METRICS: dict[str, MetricInfo] = {
    "sub_agi_year": MetricInfo(
        "year",
        "the year 20% of goods and services tasks become automatable by training alone",
        "Sub-AGI year",
        unit_long=_Y,
    ),
    "agi_year": MetricInfo(
        "year",
        "AGI: the year 100% of goods and services tasks become automatable",
        "AGI year",
        unit_long=_Y,
    ),
    "automation_gns_20pct": MetricInfo(
        "year",
        "the first year 20% of goods and services tasks are automated",
        "20% of goods tasks automated",
        unit_long=_Y,
    ),
    "automation_rnd_20pct": MetricInfo(
        "year",
        "the first year 20% of R&D tasks are automated",
        "20% of R&D tasks automated",
        unit_long=_Y,
    ),
    "automation_gns_100pct": MetricInfo(
        "year",
        "full automation: the first year all goods and services tasks are automated",
        "Full automation of goods tasks",
        unit_long=_Y,
    ),
    "automation_rnd_100pct": MetricInfo(
        "year",
        "the first year all R&D tasks are automated",
        "Full automation of R&D tasks",
        unit_long=_Y,
    ),
    "rampup_start": MetricInfo(
        "year",
        "the wake-up: the year investment in AI ramps up",
        "Wake-up year",
        unit_long=_Y,
    ),
    "full_automation_gns": MetricInfo(
        "year",
        "takeoff: years from 20% to 100% of goods and services tasks automated",
        "Takeoff of goods automation",
        "years",
        _D,
    ),
    "full_automation_rnd": MetricInfo(
        "year",
        "takeoff: years from 20% to 100% of R&D tasks automated",
        "Takeoff of R&D automation",
        "years",
        _D,
    ),
    "sub_agi_to_agi": MetricInfo(
        "year", "years from sub-AGI to AGI", "Sub-AGI to AGI", "years", _D
    ),
    "cog_output_multiplier": MetricInfo(
        "year",
        "years from an R&D output multiplier of 2 to one of 10",
        "Takeoff of R&D output",
        "years",
        _D,
    ),
    "gwp_growth": MetricInfo(
        "year",
        "takeoff: years from 5% to 20% yearly growth of gross world product",
        "Takeoff of world output growth",
        "years",
        _D,
    ),
}


def variable_name(metric: str) -> str:
    """Dataset variable name of a reference metric (``automation_gns_20%`` -> ``..._20pct``)."""
    return metric.replace("%", "pct")


def first_index(cond: np.ndarray) -> np.ndarray:
    """First index along the last axis where ``cond`` holds, as float (NaN if never)."""
    idx = np.argmax(cond, axis=-1).astype(float)
    return np.where(cond.any(axis=-1), idx, np.nan)


def last_index(cond: np.ndarray) -> np.ndarray:
    """Last index along the last axis where ``cond`` holds, as float (NaN if never)."""
    rev = np.argmax(cond[..., ::-1], axis=-1)
    return np.where(cond.any(axis=-1), cond.shape[-1] - 1 - rev, np.nan).astype(float)


def _lag(a: np.ndarray, k: int) -> np.ndarray:
    """``a`` shifted ``k`` steps later along time; the first ``k`` values are 0."""
    out = np.zeros_like(a)
    out[:, k:] = a[:, :-k]
    return out


def upward_crossings(series: np.ndarray, level: float) -> np.ndarray:
    """Steps ``s`` where ``series[s-1] >= level`` and not ``series[s-2] >= level``."""
    lag1, lag2 = _lag(series, 1), _lag(series, 2)
    cross = (lag1 >= level) & ~(lag2 >= level)
    cross[:, 0] = False
    return cross


def event_steps(ds: xr.Dataset) -> dict[str, np.ndarray]:
    """Step at which each event was (last) detected, NaN if never."""
    ramp = np.nan_to_num(ds["rampup"].values) > 0
    start = ramp & ~_lag(ramp.astype(float), 1).astype(bool)
    start[:, 0] = False
    fta = ds["frac_tasks_automated_goods"].values
    fa = ds["frac_automatable_tasks_goods_no_tradeoff"].values
    return {
        "rampup_start": last_index(start),
        "rampup_mid": last_index(upward_crossings(fta, 0.2)),
        "sub_agi_year": last_index(upward_crossings(fa, 0.2)),
        "agi_year": last_index(upward_crossings(fa, 1.0)),
    }


def _event_year(t_start: float, dt: float, step: np.ndarray) -> np.ndarray:
    return t_start + step * dt - dt


def _index_year(t_start: float, dt: float, idx: np.ndarray) -> np.ndarray:
    return t_start + idx * dt


def gwp_growth_series(ds: xr.Dataset) -> np.ndarray:
    """Yearly log growth of GWP, ``log(gwp[k + 1/dt] / gwp[k])``; NaN past ``n_steps - 1``."""
    dt = float(ds.attrs["t_step"])
    delta = int(1 / dt)
    gwp = ds["gwp"].values
    n_steps = ds["n_steps"].values
    g = np.full(gwp.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        g[:, : gwp.shape[1] - delta] = np.log(gwp[:, delta:] / gwp[:, :-delta])
    k = np.arange(gwp.shape[1])
    g[k[None, :] + delta > (n_steps[:, None] - 2)] = np.nan
    return g


def _length(a: np.ndarray, b: np.ndarray, dt: float) -> np.ndarray:
    return (first_index(b) - first_index(a)) * dt


def ftm_metrics(ds: xr.Dataset) -> xr.Dataset:
    """Per-sample timeline and takeoff metrics, event steps and GWP doubling times."""
    t0, dt = float(ds.attrs["t_start"]), float(ds.attrs["t_step"])
    fta_g = ds["frac_tasks_automated_goods"].values
    fta_r = ds["frac_tasks_automated_rnd"].values
    amr = ds["automation_multiplier_rnd"].values
    steps = event_steps(ds)
    out: dict[str, tuple] = {}
    for name, step in steps.items():
        out[f"{name}_step"] = (("sample",), step)
    years = {k: _event_year(t0, dt, v) for k, v in steps.items()}
    for label, series in (("gns", fta_g), ("rnd", fta_r)):
        for th in (0.2, 1.0):
            years[f"automation_{label}_{int(th * 100)}%"] = _index_year(
                t0, dt, first_index(series >= th)
            )
    for m in TIMELINE_METRICS:
        out[variable_name(m)] = (("sample",), years[m], {"units": "year"})
    growth = gwp_growth_series(ds)
    takeoff = {
        "full_automation_gns": _length(fta_g > 0.2, fta_g >= 1.0, dt),
        "full_automation_rnd": _length(fta_r > 0.2, fta_r >= 1.0, dt),
        "sub_agi_to_agi": years["agi_year"] - years["sub_agi_year"],
        "cog_output_multiplier": _length(amr > 2, amr > 10, dt),
        "gwp_growth": _length(growth > 0.05, growth > 0.20, dt),
    }
    for m in TAKEOFF_METRICS:
        out[m] = (("sample",), takeoff[m], {"units": "year"})
    out["gwp_doubling_times"] = (
        ("sample", "doubling"),
        doubling_times(ds, steps["rampup_start"]),
        {"units": "year"},
    )
    return xr.Dataset(out, coords={"sample": ds["sample"].values})


def doubling_times(ds: xr.Dataset, rampup_step: np.ndarray) -> np.ndarray:
    """First-step GWP doubling time, then up to four doubling times from the wake-up.

    Rounded to 0.01 year as the reference does; shape ``(sample, 5)``, NaN-padded.
    """
    t0, dt = float(ds.attrs["t_start"]), float(ds.attrs["t_step"])
    gwp = ds["gwp"].values
    n, n_t = gwp.shape
    out = np.full((n, _N_DOUBLINGS), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[:, 0] = dt / np.log2(gwp[:, 1] / gwp[:, 0])
    ref = np.rint((_event_year(t0, dt, rampup_step) - t0) / dt)
    has = ~np.isnan(ref)
    ref = np.where(has, ref, 0).astype(int)
    rows = np.arange(n)
    k = np.arange(n_t)[None, :]
    for j in range(1, _N_DOUBLINGS):
        target = 2 * gwp[rows, ref]
        cond = (k > ref[:, None]) & (gwp > target[:, None])
        nxt = first_index(cond)
        ok = has & ~np.isnan(nxt)
        nxt_i = np.where(ok, nxt, 0).astype(int)
        out[:, j] = np.where(ok, _index_year(t0, dt, nxt_i) - _index_year(t0, dt, ref), np.nan)
        ref = np.where(ok, nxt_i, ref)
        has = ok
    return np.round(out, 2)


def summary_table(ds: xr.Dataset) -> xr.Dataset:
    """Levels and growth of key quantities at four periods, dims ``(sample, period)``.

    Periods: half-way from the start to the wake-up, the wake-up, mid rampup (20% of goods
    tasks automated) and full automation of goods tasks. Growth is over the following year
    (moved back if it would leave the run): ``log(x[t+1] / x[t])`` and the doubling time
    ``1 / log2(x[t+1] / x[t])``.
    """
    t0, dt = float(ds.attrs["t_start"]), float(ds.attrs["t_step"])
    m = ftm_metrics(ds) if "rampup_start" not in ds else ds
    n_steps = ds["n_steps"].values.astype(int)
    rs = m["rampup_start"].values
    times = {
        "prerampup": (t0 + rs) / 2,
        "rampup start": rs,
        "mid rampup": _event_year(t0, dt, m["rampup_mid_step"].values),
        "full economic automation": m[variable_name("automation_gns_100%")].values,
    }
    n = n_steps.shape[0]
    rows = np.arange(n)
    data: dict[str, np.ndarray] = {"year": np.full((n, 4), np.nan)}
    for name in SUMMARY_RAW:
        data[name] = np.full((n, 4), np.nan)
    for name in SUMMARY_GROWTH:
        data[f"{name} growth rate"] = np.full((n, 4), np.nan)
        data[f"{name} doubling time"] = np.full((n, 4), np.nan)
    for j, period in enumerate(SUMMARY_PERIODS):
        t = times[period]
        ok = ~np.isnan(t)
        tt = np.where(ok, t, t0)
        idx = np.rint((tt - t0) / dt).astype(int)
        year = _index_year(t0, dt, idx)
        idx_end = np.rint((year + 1 - t0) / dt).astype(int)
        shift = np.maximum(idx_end - (n_steps - 1), 0)
        idx, idx_end = idx - shift, idx_end - shift
        data["year"][:, j] = np.where(ok, year, np.nan)
        for name in SUMMARY_RAW:
            data[name][:, j] = np.where(ok, ds[name].values[rows, idx], np.nan)
        for name in SUMMARY_GROWTH:
            x = ds[name].values
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = x[rows, idx_end] / x[rows, idx]
                lg2 = np.log2(ratio)
                data[f"{name} growth rate"][:, j] = np.where(ok, np.log(ratio), np.nan)
                data[f"{name} doubling time"][:, j] = np.where(ok & (lg2 != 0), 1 / lg2, np.nan)
    return xr.Dataset(
        {k: (("sample", "period"), v) for k, v in data.items()},
        coords={"sample": ds["sample"].values, "period": list(SUMMARY_PERIODS)},
    )
