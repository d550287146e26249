"""The crux finder: what you would have to believe for the pause to help (given data).

On an existing :class:`~pausesim.run.Comparison` — no new simulations — for every sampled
parameter (one column per actor for per-actor parameters):

- P(policy better) conditional on quantile bins of the parameter (deciles by default), with
  Wilson intervals (:func:`conditional_bins`);
- the value at which the conditional P(better) crosses 50% — "what you would have to believe"
  — from the monotone (isotonic) trend of the per-world verdict on the parameter, with a
  seeded bootstrap interval over worlds, or the statement that it never crosses
  (:func:`crossing`, :func:`crux_ranking`);
- the parameters ranked by how far P(better) moves across their range (top bin minus bottom
  bin), and a 2-D map of P(better) over bins of pairs of the top parameters (:func:`crux_map`).

Two more beliefs are not parameters: how much each hazard term of a worldview weighs
(:func:`weight_beliefs`, from :attr:`~pausesim.run.Result.term_hazard`: each weight scaled by
1/4 to 4, and where the verdict crosses 50%), and the horizon risk is counted to
(:func:`horizon_beliefs`, from :meth:`~pausesim.run.Comparison.horizon_sweep`).

Conditioning on one parameter averages over all the others as sampled, so a crossing says:
"with everything else as uncertain as the scenario says, the pause helps in most worlds only
if this parameter is beyond x*". Isotonic regression: Barlow et al. (1972), *Statistical
inference under order restrictions*; bootstrap: Efron & Tibshirani (1993).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr
from scipy.optimize import isotonic_regression

from pausesim.sensitivity.outputs import Output, per_world
from pausesim.sensitivity.stats import spearman, wilson_interval

#: Columns of :func:`conditional_bins`.
BIN_COLUMNS = [
    "output",
    "parameter",
    "bin",
    "x_low",
    "x_high",
    "x_median",
    "n",
    "n_better",
    "p_better",
    "p_low",
    "p_high",
]
#: Columns of :func:`crux_ranking`.
RANKING_COLUMNS = [
    "output",
    "parameter",
    "rank",
    "p_bottom_bin",
    "p_top_bin",
    "movement",
    "spearman_rho",
    "better_when",
    "threshold",
    "threshold_low",
    "threshold_high",
    "share_crossing",
    "share_beyond",
    "belief",
    "n",
]


def parameter_columns(params: xr.Dataset) -> dict[str, np.ndarray]:
    """Every sampled parameter as a column ``(sample,)``; ``name[actor]`` per actor.

    Columns without spread (fixed in the scenario) are left out.
    """
    cols: dict[str, np.ndarray] = {}
    for name, da in params.data_vars.items():
        if da.ndim == 1:
            cols[str(name)] = da.values.astype(float)
        else:
            da = da.transpose("sample", "actor")
            for j, actor in enumerate(da["actor"].values):
                cols[f"{name}[{actor}]"] = da.values[:, j].astype(float)
    return {k: v for k, v in cols.items() if np.ptp(v) > 0}


def quantile_bins(x: np.ndarray, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Bin index of each value of ``x`` and the edges: ``bins`` quantile bins, merged on ties.

    A parameter with many equal values (e.g. a lag that is 0 for one actor) gets fewer bins:
    a value never straddles two bins.
    """
    edges = np.unique(np.quantile(x, np.linspace(0.0, 1.0, bins + 1)))
    if edges.size < 2:
        return np.zeros(x.shape, dtype=int), edges
    idx = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, edges.size - 2)
    return idx, edges


def conditional_bins(x: np.ndarray, better: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """P(better) in quantile bins of ``x`` with 95% Wilson intervals.

    ``better`` is the per-world verdict (1, 0 or NaN where undefined); undefined worlds are
    left out. Columns ``bin, x_low, x_high, x_median, n, n_better, p_better, p_low, p_high``.
    """
    ok = np.isfinite(x) & np.isfinite(better)
    x, y = x[ok], better[ok]
    idx, edges = quantile_bins(x, bins)
    rows = []
    for b in range(max(edges.size - 1, 1)):
        sel = idx == b
        n = int(sel.sum())
        k = int(y[sel].sum())
        lo, hi = wilson_interval(k, n)
        rows.append(
            {
                "bin": b,
                "x_low": float(x[sel].min()) if n else np.nan,
                "x_high": float(x[sel].max()) if n else np.nan,
                "x_median": float(np.median(x[sel])) if n else np.nan,
                "n": n,
                "n_better": k,
                "p_better": k / n if n else np.nan,
                "p_low": float(lo),
                "p_high": float(hi),
            }
        )
    return pd.DataFrame(rows, columns=BIN_COLUMNS[2:])


#: A crossing needs at least this share of the worlds (and 10 worlds) on each side: an
#: isotonic fit is noisy at the ends of the range (a few worlds can form a block there).
MIN_SIDE_SHARE = 0.02


def crossing(x: np.ndarray, better: np.ndarray, increasing: bool) -> float:
    """Where the monotone trend of ``better`` on ``x`` crosses 1/2; NaN if it never does.

    The trend is the isotonic (or antitonic) least-squares fit of the per-world verdict on
    ``x``, worlds with equal ``x`` pooled; it is a step function, and the crossing is the
    midpoint between the last value fitted below 1/2 and the first fitted above it (in the
    direction of ``increasing``). A crossing with fewer than :data:`MIN_SIDE_SHARE` of the
    worlds (or 10) fitted on one side of 1/2 does not count.
    """
    ok = np.isfinite(x) & np.isfinite(better)
    x, y = x[ok], better[ok]
    if x.size < 2:
        return float("nan")
    ux, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    means = np.bincount(inverse, weights=y) / counts
    fit = isotonic_regression(means, weights=counts.astype(float), increasing=increasing).x
    below, above = np.flatnonzero(fit < 0.5), np.flatnonzero(fit > 0.5)
    least = max(10.0, MIN_SIDE_SHARE * x.size)
    if counts[below].sum() < least or counts[above].sum() < least:
        return float("nan")
    if increasing:
        a, b = ux[below[-1]], ux[above[0]]
    else:
        a, b = ux[above[-1]], ux[below[0]]
    return float(0.5 * (a + b))


def bootstrap_crossing(
    x: np.ndarray, better: np.ndarray, increasing: bool, boot: int, rng: np.random.Generator
) -> np.ndarray:
    """:func:`crossing` on ``boot`` resamples of the worlds (with replacement); NaN = none."""
    ok = np.isfinite(x) & np.isfinite(better)
    x, y = x[ok], better[ok]
    out = np.empty(boot)
    for i in range(boot):
        j = rng.integers(0, x.size, x.size)
        out[i] = crossing(x[j], y[j], increasing)
    return out


def _belief(name: str, increasing: bool, t: float, lo: float, hi: float, p0, p1) -> str:
    if not np.isfinite(t):
        return (
            f"never crosses 50%: P(better) goes from {p0:.2f} to {p1:.2f} across the range "
            f"of {name}"
        )
    side = "above" if increasing else "below"
    return (
        f"the pause helps in most worlds only if {name} is {side} {t:.4g} "
        f"(95% MC interval {lo:.4g} to {hi:.4g})"
    )


def _better(comparison, output: Output) -> np.ndarray:
    if output.kind != "p_better":
        raise ValueError(
            f"output {output.label}: the crux finder explains P(policy better); give "
            "p_better:WORLDVIEW:HORIZON"
        )
    return per_world(comparison, output)


def crux_ranking(
    comparison,
    output: Output,
    *,
    bins: int = 10,
    boot: int = 200,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ranking (:data:`RANKING_COLUMNS`) and conditional bins (:data:`BIN_COLUMNS`).

    Per parameter column: P(better) in the bottom and top bin and their difference
    (``movement``, what the ranking sorts by, largest ``|movement|`` first), Spearman's rho of
    the parameter with the per-world verdict (average ranks), ``better_when`` (``high`` or
    ``low`` values favour the pause, from the sign of rho), the 50% ``threshold`` of
    :func:`crossing` with a 95% bootstrap interval (``threshold_low``, ``threshold_high``, over
    the ``share_crossing`` of ``boot`` resamples that cross; seeded by ``seed``), the
    ``share_beyond`` of sampled worlds on the pause's side of the threshold (how likely the
    scenario finds the belief), and the ``belief`` in words.
    """
    better = _better(comparison, output)
    cols = parameter_columns(comparison.policy.params)
    names = list(cols)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    ok = np.isfinite(better)
    x_all = np.column_stack([cols[k] for k in names]) if names else np.empty((better.size, 0))
    rho = spearman(x_all[ok], better[ok]) if ok.sum() > 2 else np.full(len(names), np.nan)
    rows, tables = [], []
    for i, name in enumerate(names):
        x = cols[name]
        table = conditional_bins(x, better, bins)
        table.insert(0, "parameter", name)
        table.insert(0, "output", output.label)
        tables.append(table)
        p0, p1 = float(table["p_better"].iloc[0]), float(table["p_better"].iloc[-1])
        increasing = bool(rho[i] >= 0) if np.isfinite(rho[i]) else p1 >= p0
        t = crossing(x, better, increasing)
        b = bootstrap_crossing(x, better, increasing, boot, rng) if boot else np.array([])
        crossed = b[np.isfinite(b)]
        lo, hi = (
            (float(np.quantile(crossed, 0.025)), float(np.quantile(crossed, 0.975)))
            if crossed.size
            else (np.nan, np.nan)
        )
        xs = x[ok]
        beyond = (
            float(np.mean(xs > t) if increasing else np.mean(xs < t)) if np.isfinite(t) else np.nan
        )
        rows.append(
            {
                "output": output.label,
                "parameter": name,
                "p_bottom_bin": p0,
                "p_top_bin": p1,
                "movement": p1 - p0,
                "spearman_rho": float(rho[i]),
                "better_when": "high" if increasing else "low",
                "threshold": t,
                "threshold_low": lo,
                "threshold_high": hi,
                "share_crossing": float(crossed.size / b.size) if b.size else np.nan,
                "share_beyond": beyond,
                "belief": _belief(name, increasing, t, lo, hi, p0, p1),
                "n": int(ok.sum()),
            }
        )
        if progress is not None:
            progress(i + 1, len(names))
    ranking = pd.DataFrame(rows)
    if ranking.empty:
        return pd.DataFrame(columns=RANKING_COLUMNS), pd.DataFrame(columns=BIN_COLUMNS)
    ranking = ranking.iloc[np.argsort(-ranking["movement"].abs().values, kind="stable")]
    ranking.insert(2, "rank", np.arange(1, len(ranking) + 1))
    ranking = ranking[RANKING_COLUMNS].reset_index(drop=True)
    return ranking, pd.concat(tables, ignore_index=True)[BIN_COLUMNS]


#: Columns of :func:`crux_map`.
MAP_COLUMNS = [
    "output",
    "parameter_a",
    "parameter_b",
    "bin_a",
    "bin_b",
    "a_low",
    "a_high",
    "b_low",
    "b_high",
    "n",
    "p_better",
    "p_low",
    "p_high",
]


def crux_map(comparison, output: Output, a: str, b: str, bins: int = 5) -> pd.DataFrame:
    """P(better) on ``bins x bins`` quantile bins of two parameter columns (:data:`MAP_COLUMNS`).

    ``a`` and ``b`` are names of :func:`parameter_columns` (``name[actor]`` per actor).
    """
    better = _better(comparison, output)
    cols = parameter_columns(comparison.policy.params)
    for name in (a, b):
        if name not in cols:
            raise ValueError(
                f"parameter {name!r} is not a varying column of this comparison; have "
                f"{', '.join(cols)}"
            )
    ok = np.isfinite(better)
    xa, xb, y = cols[a][ok], cols[b][ok], better[ok]
    ia, ea = quantile_bins(xa, bins)
    ib, eb = quantile_bins(xb, bins)
    rows = []
    for i in range(max(ea.size - 1, 1)):
        for j in range(max(eb.size - 1, 1)):
            sel = (ia == i) & (ib == j)
            n = int(sel.sum())
            k = int(y[sel].sum())
            lo, hi = wilson_interval(k, n)
            rows.append(
                {
                    "output": output.label,
                    "parameter_a": a,
                    "parameter_b": b,
                    "bin_a": i,
                    "bin_b": j,
                    "a_low": float(ea[i]) if ea.size else np.nan,
                    "a_high": float(ea[i + 1]) if ea.size > 1 else np.nan,
                    "b_low": float(eb[j]) if eb.size else np.nan,
                    "b_high": float(eb[j + 1]) if eb.size > 1 else np.nan,
                    "n": n,
                    "p_better": k / n if n else np.nan,
                    "p_low": float(lo),
                    "p_high": float(hi),
                }
            )
    return pd.DataFrame(rows, columns=MAP_COLUMNS)


def _cross_on_grid(xs: np.ndarray, ps: np.ndarray) -> float:
    """First ``x`` where the piecewise-linear ``p(x)`` crosses 1/2 (``xs`` increasing)."""
    g = ps - 0.5
    for i in range(len(xs) - 1):
        if not (np.isfinite(g[i]) and np.isfinite(g[i + 1])):
            continue
        if g[i] == 0:
            return float(xs[i])
        if g[i] * g[i + 1] < 0:
            return float(xs[i] + (xs[i + 1] - xs[i]) * g[i] / (g[i] - g[i + 1]))
    if len(g) and g[-1] == 0:
        return float(xs[-1])
    return float("nan")


#: Factors each hazard-term weight is scaled by in :func:`weight_beliefs` (1/4 to 4).
WEIGHT_FACTORS = tuple(float(f) for f in 2.0 ** np.linspace(-2.0, 2.0, 17))


def weight_beliefs(
    comparison, output: Output, factors: tuple[float, ...] = WEIGHT_FACTORS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """P(better) when one hazard term of the worldview weighs ``factor`` times more.

    From the integrated hazard per term and world (:attr:`~pausesim.run.Result.term_hazard`):
    the risk is lower with the pause exactly when the weighted sum of the terms' changes is
    negative, so re-weighting needs no new simulation. Returns the grid (``term, weight,
    factor, p_better, n``) and per term the factor where P(better) crosses 50% (interpolated
    in log factor; NaN if it does not within 1/4 to 4), with the ``belief`` in words.
    """
    _better(comparison, output)
    wv = next((w for w in comparison.worldviews if w.name == output.worldview), None)
    if wv is None:
        raise ValueError(
            f"output {output.label}: worldview {output.worldview!r} is not in this comparison; "
            f"have {', '.join(w.name for w in comparison.worldviews)}"
        )
    tp, tc = comparison.policy.term_hazard, comparison.counterfactual.term_hazard
    terms = [t for t, w in wv.weights.items() if w > 0]
    d = tp.sel(horizon=output.horizon, term=terms).values.astype(float) - tc.sel(
        horizon=output.horizon, term=terms
    ).values.astype(float)  # (sample, term)
    w = np.array([wv.weights[t] for t in terms])
    ok = np.isfinite(d).all(axis=1)
    d = d[ok]
    grid, summary = [], []
    base = float(((d @ w) < 0).mean()) if d.shape[0] else np.nan
    for j, term in enumerate(terms):
        ps = []
        for f in factors:
            wf = w.copy()
            wf[j] *= f
            p = float(((d @ wf) < 0).mean()) if d.shape[0] else np.nan
            ps.append(p)
            grid.append(
                {
                    "output": output.label,
                    "term": term,
                    "weight": float(w[j]),
                    "factor": f,
                    "p_better": p,
                    "n": int(d.shape[0]),
                }
            )
        ps = np.array(ps)
        x = _cross_on_grid(np.log(np.array(factors)), ps)
        cross = float(np.exp(x)) if np.isfinite(x) else np.nan
        if np.isfinite(cross):
            belief = (
                f"the verdict crosses 50% when {term} weighs {cross:.3g} times its weight "
                f"({cross * w[j]:.3g} instead of {w[j]:g})"
            )
        else:
            belief = (
                f"never crosses 50% between 1/4 and 4 times the weight of {term}: "
                f"P(better) from {ps[0]:.2f} to {ps[-1]:.2f}"
            )
        summary.append(
            {
                "output": output.label,
                "term": term,
                "weight": float(w[j]),
                "p_better": base,
                "p_at_quarter": float(ps[0]),
                "p_at_four": float(ps[-1]),
                "crossing_factor": cross,
                "belief": belief,
            }
        )
    return pd.DataFrame(summary), pd.DataFrame(grid)


def horizon_beliefs(comparison) -> pd.DataFrame:
    """Per worldview and kind of horizon (year, level): where P(better) crosses 50%.

    From :meth:`~pausesim.run.Comparison.horizon_sweep`: ``p_first`` and ``p_last`` at the
    first and last horizon of the kind, and ``crossing`` (the year or capability level where
    the verdict, linear between horizons, crosses 50%; NaN if it does not), with the
    ``belief`` in words.
    """
    sweep = comparison.horizon_sweep()
    rows = []
    if sweep.empty:
        return pd.DataFrame(rows)
    for (w, kind), g in sweep.reset_index().groupby(["worldview", "kind"], sort=False):
        g = g.sort_values("value")
        xs, ps = g["value"].to_numpy(float), g["p_policy_better"].to_numpy(float)
        cross = _cross_on_grid(xs, ps)
        unit = "year" if kind == "year" else "OOM above GPT-4"
        if np.isfinite(cross):
            belief = f"P(better) crosses 50% at a horizon of {cross:.4g} ({unit})"
        else:
            side = "above" if np.nanmin(ps) > 0.5 else "below" if np.nanmax(ps) < 0.5 else "at"
            belief = f"P(better) stays {side} 50% from {xs[0]:g} to {xs[-1]:g} ({unit})"
        rows.append(
            {
                "worldview": w,
                "kind": kind,
                "first": float(xs[0]),
                "last": float(xs[-1]),
                "p_first": float(ps[0]),
                "p_last": float(ps[-1]),
                "p_min": float(np.nanmin(ps)),
                "p_max": float(np.nanmax(ps)),
                "crossing": cross,
                "belief": belief,
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Cruxes:
    """Everything the crux finder reports, as tidy frames (see :func:`find_cruxes`)."""

    ranking: pd.DataFrame
    bins: pd.DataFrame
    maps: pd.DataFrame
    weights: pd.DataFrame
    weight_grid: pd.DataFrame
    horizons: pd.DataFrame
    options: dict = field(default_factory=dict)

    def frames(self) -> dict[str, pd.DataFrame]:
        """Frames by file stem."""
        return {
            "cruxes_ranking": self.ranking,
            "cruxes_bins": self.bins,
            "cruxes_map": self.maps,
            "cruxes_weights": self.weights,
            "cruxes_weight_grid": self.weight_grid,
            "cruxes_horizons": self.horizons,
        }


def find_cruxes(
    comparison,
    outputs: list[Output],
    *,
    bins: int = 10,
    map_bins: int = 5,
    top: int = 3,
    boot: int = 200,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Cruxes:
    """The crux finder on ``comparison`` for each P(better) output (no new simulations).

    ``bins`` quantile bins per parameter, ``boot`` bootstrap resamples (seeded by ``seed``)
    for the thresholds, a ``map_bins x map_bins`` map for each pair of the ``top`` parameters,
    the hazard-term weights and the horizon as beliefs.
    """
    if bins < 2 or map_bins < 2:
        raise ValueError(f"bins and map_bins must be at least 2; got {bins} and {map_bins}")
    if boot < 0:
        raise ValueError(f"boot must be 0 or more resamples; got {boot}")
    if "delta_risk" not in comparison.deltas:
        raise ValueError(
            f"engine '{comparison.scenario.engine}' publishes no risk, so P(policy better) is "
            "undefined; the crux finder needs an engine with risk (compute)"
        )
    rankings, tables, maps, weights, grids = [], [], [], [], []
    n_cols = len(parameter_columns(comparison.policy.params))
    total = n_cols * len(outputs)
    for k, out in enumerate(outputs):

        def step(done, _total, k=k):
            if progress is not None:
                progress(k * n_cols + done, total)

        r, b = crux_ranking(comparison, out, bins=bins, boot=boot, seed=seed, progress=step)
        rankings.append(r)
        tables.append(b)
        names = list(r["parameter"].head(top))
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                maps.append(crux_map(comparison, out, names[i], names[j], map_bins))
        s, g = weight_beliefs(comparison, out)
        weights.append(s)
        grids.append(g)

    def cat(frames, columns=None):
        frames = [f for f in frames if not f.empty]
        if frames:
            return pd.concat(frames, ignore_index=True)
        return pd.DataFrame(columns=columns)

    return Cruxes(
        ranking=cat(rankings, RANKING_COLUMNS),
        bins=cat(tables, BIN_COLUMNS),
        maps=cat(maps, MAP_COLUMNS),
        weights=cat(weights),
        weight_grid=cat(grids),
        horizons=horizon_beliefs(comparison),
        options={"bins": bins, "map_bins": map_bins, "top": top, "boot": boot, "seed": seed},
    )
