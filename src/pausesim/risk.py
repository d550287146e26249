"""Risk under each worldview: cumulative probability of catastrophe and the verdict.

``risk(T) = 1 - exp(-integral of hazard from the start of the grid to T)``, integrated with the
left rule on the grid (the hazard of step ``k`` applies over ``[t_k, t_k + dt)``), so a constant
hazard ``h`` gives exactly ``1 - exp(-h (T - t_0))``. ``T`` is a year, or, for a level horizon,
the time the frontier reaches a capability level (risk on the way to that level; NaN, and
counted, where the level is not reached within the grid). A comparison gives, per sampled world,
``delta_risk = risk(policy) - risk(no pause)``, and per worldview the fraction of worlds in which
the policy lowers risk, ``p_policy_better``, with its Monte Carlo standard error.

Hazard is linear in the terms, so the integrated hazard ``H = sum_i w_i I_i`` splits exactly into
the integrated terms ``I_i`` (:func:`term_hazard`), and so does its change ``Delta H``; since
``risk = 1 - exp(-H)`` is increasing in ``H``, the sign of ``Delta risk`` is the sign of
``Delta H`` in every world, and :func:`decomposition` says which term carries it. The verdict is
also reported across a sweep of horizons (:func:`report_horizons`, :func:`horizon_sweep`), with a
flag where its sign depends on the horizon (:func:`horizon_dependence`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from pausesim.sensitivity.stats import wilson_interval
from pausesim.worldviews import Worldview, get_worldview, hazard_terms

#: Capability levels of the horizon sweep, in OOM above the scenario's danger level: from just
#: past it to well beyond the end of the takeoff (full automation is 4 OOM above the danger
#: level at Davidson's 2023 best guess, his "effective FLOP gap" of 1e4).
SWEEP_LEVELS_ABOVE_DANGER = (1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0)

#: Years of the horizon sweep: every ``SWEEP_YEAR_STEP`` years from ``SWEEP_FIRST_YEARS`` after
#: the start of the grid to its end.
SWEEP_YEAR_STEP = 5.0
SWEEP_FIRST_YEARS = 10.0


def integrated_hazard(hazard: xr.DataArray, until: np.ndarray) -> np.ndarray:
    """``integral_{t_0}^{T} h dt`` for per-sample end times ``until`` ``(sample, k)``.

    ``hazard`` has dims ``(..., sample, time)``; the hazard of step ``j`` applies on
    ``[t_j, t_j + dt)`` and a partial step counts in proportion. NaN ``until`` gives NaN.
    Returns an array ``(..., sample, k)``.
    """
    times = hazard["time"].values
    dt = float(times[1] - times[0]) if len(times) > 1 else 0.0
    # NaN or infinite hazard propagates into the integral (a failed sample: see evaluate_risk)
    h = hazard.values.astype(float)
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


@dataclass(frozen=True)
class Horizons:
    """A set of horizons: years, and capability levels (OOM above GPT-4)."""

    horizons: tuple[float, ...] = ()
    level_horizons: tuple[float, ...] = ()


def report_horizons(scenario) -> Horizons:
    """The scenario's horizons and the sweep, each once, years first, in increasing order.

    Sweep years: every 5 years from 10 years after the grid's start to its end; sweep levels:
    :data:`SWEEP_LEVELS_ABOVE_DANGER` above ``metrics.danger_level_ooms``, within the
    [-5, 60] OOM that level horizons allow.
    """
    grid, risk = scenario.grid, scenario.risk
    first = grid.start + SWEEP_FIRST_YEARS
    n = int(np.floor((grid.end - first) / SWEEP_YEAR_STEP + 1e-9)) + 1
    years = [round(first + SWEEP_YEAR_STEP * i, 6) for i in range(max(n, 0))]
    years = sorted(set(years) | set(risk.horizons))
    danger = scenario.metrics.danger_level_ooms
    levels = [round(danger + d, 2) for d in SWEEP_LEVELS_ABOVE_DANGER]
    levels = sorted({lv for lv in levels if -5.0 <= lv <= 60.0} | set(risk.level_horizons))
    return Horizons(tuple(y for y in years if grid.start < y <= grid.end), tuple(levels))


def term_hazard(terms: xr.Dataset, until: np.ndarray, labels: list[str]) -> xr.DataArray:
    """Integrated hazard terms ``(sample, term, horizon)``: ``I_i = integral of term_i dt``.

    Integrated like the hazard (:func:`integrated_hazard`: left rule, a partial step in
    proportion), so a worldview's integrated hazard is ``sum_i w_i I_i`` and its risk
    ``1 - exp(-sum_i w_i I_i)``; NaN where ``until`` is.
    """
    names = list(terms.data_vars)
    # time-major (term, time, sample): the layout hazard_terms' arrays already have in memory
    stacked = np.stack([terms[k].transpose("time", "sample").values for k in names])
    values = _integrate_time_major(stacked, terms["time"].values, until)
    return xr.DataArray(
        values.transpose(1, 0, 2).astype(np.float32),
        dims=("sample", "term", "horizon"),
        coords={"sample": terms["sample"].values, "term": names, "horizon": labels},
        name="term_hazard",
        attrs={"units": "term unit x yr", "description": "hazard terms integrated to each horizon"},
    )


def _integrate_time_major(h: np.ndarray, times: np.ndarray, until: np.ndarray) -> np.ndarray:
    """:func:`integrated_hazard` of ``h`` ``(n, time, sample)``; returns ``(n, sample, k)``.

    Accumulates step by step in float64 and keeps the running sum only where a horizon
    needs it, instead of a cumulative sum over every step (several times faster).
    """
    n_t = len(times)
    dt = float(times[1] - times[0]) if n_t > 1 else 0.0
    edges = np.append(times, times[-1] + dt)
    u = np.clip(np.nan_to_num(until, nan=times[0]), times[0], edges[-1])
    j = np.clip(np.searchsorted(edges, u, side="right") - 1, 0, n_t - 1)  # (sample, k)
    frac = (u - edges[j]) / dt if dt else np.zeros_like(u)
    # the (sample, horizon) cells grouped by the step they end in, to read the running sum once
    order = np.argsort(j, axis=None, kind="stable")
    ends = np.searchsorted(j.ravel()[order], np.arange(n_t + 1))
    rows, cols = np.unravel_index(order, j.shape)
    before = np.zeros((h.shape[0],) + j.shape)  # sum of the whole steps before step j
    acc = np.zeros((h.shape[0], h.shape[2]))
    for k in range(1, n_t):
        acc += h[:, k - 1]
        cells = slice(ends[k], ends[k + 1])
        if ends[k + 1] > ends[k]:
            before[:, rows[cells], cols[cells]] = acc[:, rows[cells]]
    part = h[:, j, np.arange(h.shape[2])[:, None]] * frac
    return np.where(np.isnan(until), np.nan, (before + part) * dt)


def resolve_worldviews(settings) -> list[Worldview]:
    """The worldviews a scenario selects: built-in names, ``.toml`` paths or inline ones.

    Raises :class:`~pausesim.worldviews.WorldviewError` when a worldview file is named like a
    built-in worldview, or when two selected worldviews share a name: results are labelled by
    name, so one would silently replace the other.
    """
    from pausesim.worldviews import BUILTIN, WorldviewError

    inline = {w.name: w for w in settings.custom}
    out: list[Worldview] = []
    source: dict[str, str] = {}
    for n in settings.worldviews:
        w = inline[n] if n in inline else get_worldview(n)
        if n not in inline and n not in BUILTIN and w.name in BUILTIN:
            raise WorldviewError(
                f"risk.worldviews: {n} is named '{w.name}', like a built-in worldview; give "
                "it its own name"
            )
        if w.name in source:
            raise WorldviewError(
                f"risk.worldviews: {n} and {source[w.name]} are both named '{w.name}'; give "
                "each worldview its own name"
            )
        source[w.name] = n
        out.append(w)
    return out


def run_risk(
    ds: xr.Dataset, params: xr.Dataset, policy, scenario, worldviews: list[Worldview]
) -> tuple[xr.DataArray, xr.DataArray]:
    """Hazard ``(worldview, sample, time)`` and risk ``(sample, worldview, horizon)`` of a run."""
    hazard, risk, _ = evaluate_risk(ds, params, policy, scenario, worldviews, terms_out=False)
    return hazard, risk


def evaluate_risk(
    ds: xr.Dataset,
    params: xr.Dataset,
    policy,
    scenario,
    worldviews: list[Worldview],
    *,
    terms_out: bool = True,
) -> tuple[xr.DataArray, xr.DataArray, xr.DataArray | None]:
    """:func:`run_risk`, and the integrated terms at the :func:`report_horizons`.

    The terms are computed once for both. The third value is ``None`` if ``terms_out`` is
    false.

    A failed sample (the engine's ``sample_failed``, or a non-finite hazard term:
    :func:`hazard_failed`) gets NaN hazard, risk and integrated terms, so that no verdict,
    decomposition or sweep reads it; :func:`pausesim.metrics.compute.flag_failed` counts it.
    """
    terms = hazard_terms(ds, params, policy, scenario.metrics, scenario.risk)
    failed = ds["sample_failed"].values | hazard_failed(terms)
    if failed.any():
        terms = terms.where(~xr.DataArray(failed, dims="sample"))
    hazard = xr.concat([w.hazard(terms) for w in worldviews], dim="worldview")
    hazard = hazard.assign_coords(worldview=[w.name for w in worldviews])
    hazard = hazard.transpose("worldview", "sample", "time")
    until = horizon_times(ds["frontier_capability"], scenario.risk)
    until[failed] = np.nan
    labels = horizon_labels(scenario.risk)
    risk = cumulative_risk(hazard, until, labels).transpose("sample", "worldview", "horizon")
    integrated = None
    if terms_out:
        report = report_horizons(scenario)
        frontier = ds["frontier_capability"].transpose("sample", "time")
        report_until = horizon_times(frontier, report)
        report_until[failed] = np.nan
        integrated = term_hazard(terms, report_until, horizon_labels(report))
    return hazard.astype(np.float32), risk.rename("risk"), integrated


def hazard_failed(terms: xr.Dataset) -> np.ndarray:
    """``(sample,)``: samples with a NaN or infinite hazard term anywhere on the grid.

    Every term is finite when its inputs are (they are products of finite trajectories, shares
    and bounded weights), so a non-finite term means an input failed, or overflowed in the
    term itself (a speed of ``inf - inf``).
    """
    bad = np.zeros(terms.sizes["sample"], dtype=bool)
    for da in terms.data_vars.values():
        bad |= ~np.isfinite(da.transpose("sample", "time").values).all(axis=1)
    return bad


def _failed_mask(failed, n: int) -> np.ndarray:
    """``failed`` (per sample, or ``None``) as a boolean array of ``n``."""
    if failed is None:
        return np.zeros(n, dtype=bool)
    return np.asarray(getattr(failed, "values", failed), dtype=bool).reshape(n)


def _better_counts(d: np.ndarray, bad: np.ndarray) -> tuple[np.ndarray, int, dict]:
    """The worlds that count (finite, not failed), their number, and the verdict's columns.

    ``d`` is the per-world change (of risk or integrated hazard; only its sign matters) and
    ``bad`` the failed worlds. Columns: ``p_policy_better`` (share with ``d < 0``), its Wald
    ``se``, the 95% Wilson interval ``p_low``/``p_high``, ``n``, ``n_ties`` (``d == 0``),
    ``n_undefined`` (NaN but not failed) and ``n_failed``.
    """
    ok = np.isfinite(d) & ~bad
    n = int(ok.sum())
    k = int((d[ok] < 0).sum())
    p = k / n if n else np.nan
    low, high = wilson_interval(k, n)
    return (
        ok,
        n,
        {
            "p_policy_better": p,
            "se": float(np.sqrt(p * (1 - p) / n)) if n else np.nan,
            "p_low": float(low),
            "p_high": float(high),
            "n": n,
            "n_ties": int((d[ok] == 0).sum()),
            "n_undefined": int((~ok & ~bad).sum()),
            "n_failed": int(bad.sum()),
        },
    )


def verdicts(delta_risk: xr.DataArray, failed=None) -> pd.DataFrame:
    """Per worldview and horizon: P(policy better), its interval, ties, and delta_risk.

    ``p_policy_better`` is the fraction of sampled worlds with ``delta_risk < 0``; worlds where
    the two risks are equal (``n_ties``, e.g. no hazard at all before the horizon) count as not
    better; failed worlds (``failed``, per sample: either run hit NaN or overflow) are counted
    in ``n_failed`` and left out, and so are the other undefined (NaN) worlds, counted in
    ``n_undefined`` (the level is not reached in one of the runs). ``n + n_undefined +
    n_failed`` is the number of worlds. ``p_low`` and ``p_high`` are the 95% Wilson score
    interval, which stays honest at 0 and 1 where the Monte Carlo standard error ``se`` (kept
    for reference) reads 0.
    """
    rows = []
    bad = _failed_mask(failed, delta_risk.sizes["sample"])
    delta_risk = delta_risk.transpose("sample", ...)
    for w in delta_risk["worldview"].values:
        for h in delta_risk["horizon"].values:
            d = delta_risk.sel(worldview=w, horizon=h).values.astype(float)
            ok, n, counts = _better_counts(d, bad)
            rows.append(
                {
                    "worldview": str(w),
                    "horizon": str(h),
                    **counts,
                    "mean_delta_risk": float(d[ok].mean()) if n else np.nan,
                    "p5": float(np.quantile(d[ok], 0.05)) if n else np.nan,
                    "median": float(np.median(d[ok])) if n else np.nan,
                    "p95": float(np.quantile(d[ok], 0.95)) if n else np.nan,
                }
            )
    return pd.DataFrame(rows).set_index(["worldview", "horizon"])


def crux_screen(params: xr.Dataset, delta_risk: xr.DataArray, top: int = 3) -> pd.DataFrame:
    """Parameters most associated with ``delta_risk``, per worldview (a screen).

    Spearman rank correlation, with average ranks for ties (:func:`pausesim.sensitivity.stats.
    spearman`, equal to ``scipy.stats.spearmanr``), between every sampled parameter with a
    spread (one column per actor for per-actor parameters, :func:`pausesim.sensitivity.cruxes.
    parameter_columns`) and ``delta_risk`` at the last horizon, over the worlds where it is
    defined; the ``top`` largest ``|rho|`` per worldview. A screen, not a causal attribution:
    ``pausesim cruxes`` and ``pausesim sensitivity`` are the full analyses.
    """
    from pausesim.sensitivity.cruxes import parameter_columns
    from pausesim.sensitivity.stats import spearman

    cols = parameter_columns(params)
    names = list(cols)
    rows = []
    if not names:
        return pd.DataFrame(rows, columns=["worldview", "parameter", "spearman_rho"])
    x = np.column_stack([cols[k] for k in names])
    last = delta_risk["horizon"].values[-1]
    for w in delta_risk["worldview"].values:
        d = delta_risk.sel(worldview=w, horizon=last).values.astype(float)
        ok = np.isfinite(d)
        if ok.sum() < 3 or np.std(d[ok]) == 0:
            continue
        rho = spearman(x[ok], d[ok])
        rho = np.where(np.isfinite(rho), rho, 0.0)  # a column constant on these worlds
        for i in np.argsort(-np.abs(rho), kind="stable")[:top]:
            rows.append({"worldview": str(w), "parameter": names[i], "spearman_rho": float(rho[i])})
    return pd.DataFrame(rows, columns=["worldview", "parameter", "spearman_rho"])


# -- decomposition by term and the horizon sweep -----------------------------------------------


def worldview_hazard(terms: xr.DataArray, worldview: Worldview) -> xr.DataArray:
    """Integrated hazard ``sum_i w_i I_i`` ``(sample, horizon)`` of a worldview (float64)."""
    total = xr.zeros_like(terms.isel(term=0, drop=True), dtype=float)
    for t, w in worldview.weights.items():
        if w > 0:
            total = total + w * terms.sel(term=t).astype(float)
    return total


#: columns of :func:`decomposition`, in order.
DECOMPOSITION_COLUMNS = [
    "worldview",
    "horizon",
    "term",
    "weight",
    "n",
    "mean_policy",
    "mean_no_pause",
    "share_policy",
    "share_no_pause",
    "mean_delta",
    "share_of_delta",
    "p_same_sign",
]


def decomposition(
    policy: xr.DataArray,
    counterfactual: xr.DataArray,
    worldviews: list[Worldview],
    horizons: list[str] | None = None,
) -> pd.DataFrame:
    """Each worldview's integrated hazard and its change split by hazard term.

    ``policy`` and ``counterfactual`` are :func:`term_hazard` arrays of the same worlds. A tidy
    table (:data:`DECOMPOSITION_COLUMNS`): one row per worldview, horizon and weighted term, over
    the worlds where both runs reach the horizon (``n``):

    - ``mean_policy``, ``mean_no_pause``: mean of ``w_i I_i``, the term's part of the
      integrated hazard; ``share_policy``, ``share_no_pause``: that part over the total;
    - ``mean_delta``: mean of ``w_i (I_i,policy - I_i,no pause)``; the parts sum to the mean
      change of the integrated hazard exactly, and ``share_of_delta`` is each part over it
      (negative for a term that pulls against the total, above 1 for one that carries more than
      all of it);
    - ``p_same_sign``: the fraction of worlds with a nonzero total change where the term's
      change has the total's sign (a term at zero has no sign).
    """
    labels = list(policy["horizon"].values) if horizons is None else list(horizons)
    rows = []
    for wv in worldviews:
        weighed = [t for t, w in wv.weights.items() if w > 0]
        w = np.array([wv.weights[t] for t in weighed])
        for h in labels:
            p = policy.sel(horizon=h, term=weighed).values.astype(float) * w  # (sample, term)
            c = counterfactual.sel(horizon=h, term=weighed).values.astype(float) * w
            ok = np.isfinite(p).all(axis=1) & np.isfinite(c).all(axis=1)
            parts = _term_parts(p[ok], c[ok])
            for j, term in enumerate(weighed):
                row = {"worldview": wv.name, "horizon": str(h), "term": term, "weight": w[j]}
                row.update({k: float(v[j]) for k, v in parts.items()})
                row["n"] = int(ok.sum())
                rows.append(row)
    return pd.DataFrame(rows, columns=DECOMPOSITION_COLUMNS)


def _term_parts(p: np.ndarray, c: np.ndarray) -> dict[str, np.ndarray]:
    """Columns of :func:`decomposition` from the weighted terms ``(world, term)`` of both runs."""
    n_terms = p.shape[1]
    if p.shape[0] == 0:
        keys = ("mean_policy", "mean_no_pause", "share_policy", "share_no_pause", "mean_delta")
        return dict.fromkeys((*keys, "share_of_delta", "p_same_sign"), np.full(n_terms, np.nan))
    delta = p - c
    sign = np.sign(delta.sum(axis=1))
    moved = sign != 0
    mean_p, mean_c, mean_d = p.mean(axis=0), c.mean(axis=0), delta.mean(axis=0)
    same = (np.sign(delta[moved]) == sign[moved, None]).mean(axis=0) if moved.any() else np.nan
    return {
        "mean_policy": mean_p,
        "mean_no_pause": mean_c,
        "share_policy": _ratio(mean_p, mean_p.sum()),
        "share_no_pause": _ratio(mean_c, mean_c.sum()),
        "mean_delta": mean_d,
        "share_of_delta": _ratio(mean_d, mean_d.sum()),
        "p_same_sign": np.broadcast_to(same, (n_terms,)),
    }


def _ratio(parts: np.ndarray, total: float) -> np.ndarray:
    """``parts / total``, NaN where the total is 0 (no hazard to share)."""
    return parts / total if total != 0 else np.full(parts.shape, np.nan)


def horizon_sweep(
    policy: xr.DataArray,
    counterfactual: xr.DataArray,
    worldviews: list[Worldview],
    failed=None,
) -> pd.DataFrame:
    """The verdict at every horizon of the :func:`term_hazard` arrays.

    Per worldview and horizon: ``kind`` (``year`` or ``level``) and ``value`` of the horizon,
    ``p_policy_better`` (worlds with a lower integrated hazard, hence a lower risk), its SE,
    ``n``, ``n_ties``, ``n_undefined`` (the level is not reached in one of the runs),
    ``n_failed`` (either run failed, per sample ``failed``), ``mean_delta_risk`` and
    ``mean_delta_hazard``, computed from the integrated terms exactly as :func:`verdicts`
    computes them from the risk.
    """
    rows = []
    bad = _failed_mask(failed, policy.sizes["sample"])
    labels = list(policy["horizon"].values)
    # plain arrays (sample, term, horizon): the same sums as worldview_hazard, without the
    # labelled alignment of every operation
    terms = [str(t) for t in policy["term"].values]
    dims = ("sample", "term", "horizon")
    p_values = policy.transpose(*dims).values
    c_values = counterfactual.sel(term=terms, horizon=labels).transpose(*dims).values
    for wv in worldviews:
        hp, hc = _weighted(p_values, terms, wv), _weighted(c_values, terms, wv)
        for col, h in enumerate(labels):
            a, b = hp[:, col], hc[:, col]
            d = a - b
            ok, n, counts = _better_counts(d, bad)
            kind, value = _horizon_kind(str(h))
            rows.append(
                {
                    "worldview": wv.name,
                    "horizon": str(h),
                    "kind": kind,
                    "value": value,
                    **counts,
                    "mean_delta_risk": float((np.expm1(-b[ok]) - np.expm1(-a[ok])).mean())
                    if n
                    else np.nan,
                    "mean_delta_hazard": float(d[ok].mean()) if n else np.nan,
                }
            )
    return pd.DataFrame(rows).set_index(["worldview", "horizon"])


def _weighted(values: np.ndarray, terms: list[str], worldview: Worldview) -> np.ndarray:
    """:func:`worldview_hazard` of ``values`` ``(sample, term, horizon)``: ``(sample, horizon)``."""
    total = np.zeros((values.shape[0], values.shape[2]))
    for t, w in worldview.weights.items():
        if w > 0:
            total = total + w * values[:, terms.index(t)].astype(float)
    return total


def _horizon_kind(label: str) -> tuple[str, float]:
    if label.startswith("K>="):
        return "level", float(label[3:])
    return "year", float(label)


def horizon_dependence(sweep: pd.DataFrame) -> pd.DataFrame:
    """Per worldview: whether the sign of the verdict depends on the horizon.

    From a :func:`horizon_sweep`: the range of ``p_policy_better`` and of ``mean_delta_risk``
    over the horizons where they are defined; ``p_crosses_half`` where P(policy better) is above
    0.5 at some horizon and below at another (``p_crosses_half_beyond_2se`` if both by more than
    two Monte Carlo standard errors), ``delta_changes_sign`` where the mean change of risk is
    negative at some horizon and positive at another, and ``sign_depends_on_horizon`` if either
    of ``p_crosses_half`` and ``delta_changes_sign`` holds.
    """
    rows = []
    for w, g in sweep.groupby(level="worldview", sort=False):
        p = g["p_policy_better"].dropna()
        d = g["mean_delta_risk"].dropna()
        se = g["se"].reindex(p.index).fillna(0.0) if "se" in g else 0.0 * p
        crosses = bool((p > 0.5).any() and (p < 0.5).any())
        clear = bool((p - 2 * se > 0.5).any() and (p + 2 * se < 0.5).any())
        flips = bool((d > 0).any() and (d < 0).any())
        rows.append(
            {
                "worldview": w,
                "p_min": float(p.min()) if len(p) else np.nan,
                "p_max": float(p.max()) if len(p) else np.nan,
                "horizon_p_min": str(p.idxmin()[1]) if len(p) else "",
                "horizon_p_max": str(p.idxmax()[1]) if len(p) else "",
                "delta_min": float(d.min()) if len(d) else np.nan,
                "delta_max": float(d.max()) if len(d) else np.nan,
                "p_crosses_half": crosses,
                "p_crosses_half_beyond_2se": clear,
                "delta_changes_sign": flips,
                "sign_depends_on_horizon": crosses or flips,
            }
        )
    return pd.DataFrame(rows).set_index("worldview")
