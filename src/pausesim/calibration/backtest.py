"""Backtests: start the no-pause world at the observed frontier of a past year and compare.

For each start year ``S`` the engine's no-pause scenario is run from ``S`` to the end of the
data with its default parameter distributions, except the starting point, set to where the
frontier stood (:func:`start_point`):

- initial compute: the trend line of compute records (rank 1 at publication, since 2010) at
  January 1 of ``S``, as a lognormal as wide as the shipped 2025 start (90% interval a factor
  5 wide), so the model runs exactly as a forecast from 2025 does;
- initial cost: the frontier cost trend line's value at ``S``.

Every model published after ``S`` (and within the grid) that is in the top ``top`` by compute
at publication is then placed in the simulated distribution of the frontier's largest training
run (the largest ``physical_compute`` over actors) at its publication date, linearly
interpolated in time: its percentile, and whether it lies in the central 50% and 90% bands.
Compute records (rank 1 at publication) and top-``top`` models are summarized separately. A
well-calibrated baseline puts about 50% and 90% of the records in those bands; the top-10
models, most of them below the frontier, should sit lower.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pausesim.calibration.data import EpochData
from pausesim.calibration.errors import CalibrationError
from pausesim.calibration.fit import ols_line
from pausesim.calibration.trends import DEFAULT_TOP, Calibration, calibrate, frontier_models

DEFAULT_START_YEARS = (2015, 2018, 2020, 2023)
DEFAULT_SAMPLES = 2000


@dataclass(frozen=True)
class Backtest:
    """Per-model percentiles, coverage summary and the starting points used.

    Attributes
    ----------
    models
        One row per (start year, model): ``start_year, model, organization, date, year,
        log10_flop, rank, record, percentile`` (0-100, in the simulated frontier distribution),
        ``in50, in90``.
    summary
        Per start year (and ``all``, pooling every start) and group (``records``, ``top-N``):
        ``n, coverage50, coverage90, median_percentile``.
    starts
        Per start year: the initial compute and cost, and where each came from.
    """

    models: pd.DataFrame = field(repr=False)
    summary: pd.DataFrame
    starts: pd.DataFrame
    samples: int
    seed: int
    top: int


#: Compute records (rank 1 at publication) from this date on define the record trend line that
#: starts each backtest (before 2010 records are sparse and pre-deep-learning).
RECORDS_SINCE = "2010-01-01"


def record_trend(models: pd.DataFrame) -> tuple[float, float, int]:
    """Least-squares line of log10 FLOP of compute records on decimal year.

    Returns ``(slope, intercept, n)``: records are the models with the most compute yet at their
    publication, published from :data:`RECORDS_SINCE` on.
    """
    ranked = frontier_models(models, top=1, since=RECORDS_SINCE)
    records = ranked[ranked["rank"] == 1]
    slope, intercept = ols_line(
        records["year"].to_numpy(float), np.log10(records["compute_flop"].to_numpy(float))
    )
    return slope, intercept, len(records)


def start_width() -> float:
    """Ratio p95 / p5 of the shipped 2025 start (``initial_frontier_compute_flop``)."""
    from pausesim.engines.compute.parameters import CATALOG

    default = CATALOG.get("initial_frontier_compute_flop").default
    return float(default.p95 / default.p5)


def start_point(
    models: pd.DataFrame, start_year: int, calibration: Calibration
) -> dict[str, object]:
    """Where the frontier stood on January 1 of ``start_year``, with the shipped uncertainty.

    Compute: the record trend line (:func:`record_trend`) at the start, as a lognormal whose
    90% interval is as wide as the shipped 2025 start's (a factor :func:`start_width`), so the
    backtest runs the model exactly as a forecast from 2025 does. A single record as the start
    would inherit its luck: AlphaGo Zero (2017) sat ~1.5 OOM above the trend and stood until
    2021. Cost: the frontier cost trend line at the start.
    """
    if not (models["date"] < pd.Timestamp(f"{start_year}-01-01")).any():
        raise CalibrationError(f"backtest {start_year}: no model with compute before {start_year}")
    slope, intercept, n = record_trend(models)
    median = 10.0 ** (intercept + slope * start_year)
    half = math.sqrt(start_width())
    return {
        "start_year": start_year,
        "initial_compute_flop": median,
        "initial_compute_p5": median / half,
        "initial_compute_p95": median * half,
        "compute_from": f"trend of {n} compute records since {RECORDS_SINCE[:4]} "
        f"({10.0 ** slope:.2f}x/yr), 90% x/÷ {half:.2f}",
        "initial_cost_usd": calibration.fit("frontier_cost").value_at(float(start_year)),
        "cost_from": f"frontier cost trend line at {start_year}.0",
    }


def frontier_at(trajectory: np.ndarray, times: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Per-sample values of a ``(sample, time)`` trajectory at times ``at``, linearly interpolated.

    Returns an array of shape ``(sample, len(at))``.
    """
    times, at = np.asarray(times, float), np.asarray(at, float)
    i = np.clip(np.searchsorted(times, at, side="right") - 1, 0, times.size - 2)
    w = np.clip((at - times[i]) / (times[i + 1] - times[i]), 0.0, 1.0)
    return trajectory[:, i] * (1.0 - w) + trajectory[:, i + 1] * w


def percentile_of(simulated: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Percentile (0-100) of each observed value among the finite simulated values of its column.

    Ties count half, so a value equal to every sample sits at the 50th percentile.
    """
    valid = np.isfinite(simulated)
    below = ((simulated < observed) & valid).sum(axis=0)
    equal = ((simulated == observed) & valid).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 100.0 * (below + 0.5 * equal) / valid.sum(axis=0)


def _scenario_overrides(start: dict, end: float, extra: Mapping[str, str]) -> dict[str, str]:
    return {
        **extra,
        "grid.start": f"{float(start['start_year']):.1f}",
        "grid.end": f"{end:.1f}",
        "initial_frontier_compute_flop": (
            f'{{kind="lognormal", p5={start["initial_compute_p5"]:.6g}, '
            f'p95={start["initial_compute_p95"]:.6g}}}'
        ),
        "initial_frontier_cost_usd": f"{start['initial_cost_usd']:.6g}",
        # risk is not backtested; one worldview and a horizon inside the short grid suffice
        "risk.horizons": f"[{end:.1f}]",
        "risk.worldviews": '["feedback-loop"]',
    }


def simulated_frontier(
    start: dict,
    end: float,
    *,
    samples: int,
    seed: int,
    scenario: str = "no-pause",
    overrides: Mapping[str, str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Simulated log10 FLOP of the largest run over actors, ``(sample, time)``, and the times."""
    from pausesim import scenario as scenarios
    from pausesim.run import simulate

    sc = scenarios.load(
        scenario, _scenario_overrides(start, end, overrides or {}), samples=samples, seed=seed
    )
    result = simulate(sc, keep="full")
    run = result.trajectories["physical_compute"].max("actor").transpose("sample", "time")
    return run.values.astype(float), run["time"].values.astype(float)


def backtest(
    data: EpochData,
    *,
    start_years=DEFAULT_START_YEARS,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    top: int = DEFAULT_TOP,
    calibration: Calibration | None = None,
    scenario: str = "no-pause",
    overrides: Mapping[str, str] | None = None,
) -> Backtest:
    """Backtest the no-pause baseline from each start year (see the module docstring).

    Parameters
    ----------
    data
        The Epoch datasets (:func:`~pausesim.calibration.data.load_epoch`).
    start_years
        Years whose January 1 starts a simulation.
    samples, seed
        Monte Carlo samples and seed of each simulation.
    top
        Models in the top ``top`` by compute at publication are placed in the distribution.
    calibration
        Fits supplying the cost trend line (default: :func:`calibrate` with 1,000 resamples).
    scenario, overrides
        Scenario to run and extra ``--set`` overrides (e.g. a parameter file's).
    """
    calibration = calibration or calibrate(data, top=top, n_boot=1000, seed=seed)
    ranked = frontier_models(data.models, top=top, since="1900-01-01")
    last = float(ranked["year"].max())
    end = float(math.ceil(last)) if last > math.floor(last) else last
    starts, rows = [], []
    for year in sorted(int(y) for y in start_years):
        if not year < last:
            raise CalibrationError(
                f"backtest: start year {year} is not before the last model ({last:.2f})"
            )
        start = start_point(data.models, year, calibration)
        starts.append(start)
        run, times = simulated_frontier(
            start, end, samples=samples, seed=seed, scenario=scenario, overrides=overrides
        )
        later = ranked[(ranked["year"] > year) & (ranked["year"] <= end)]
        log_flop = np.log10(later["compute_flop"].to_numpy(float))
        pct = percentile_of(frontier_at(run, times, later["year"].to_numpy()), log_flop)
        rows.append(
            pd.DataFrame(
                {
                    "start_year": year,
                    "model": later["model"].to_numpy(),
                    "organization": later["organization"].to_numpy(),
                    "date": later["date"].to_numpy(),
                    "year": later["year"].to_numpy(),
                    "log10_flop": log_flop,
                    "rank": later["rank"].to_numpy(),
                    "record": (later["rank"] == 1).to_numpy(),
                    "percentile": pct,
                    "in50": (pct >= 25) & (pct <= 75),
                    "in90": (pct >= 5) & (pct <= 95),
                }
            )
        )
    per_model = pd.concat(rows, ignore_index=True)
    return Backtest(per_model, coverage(per_model, top), pd.DataFrame(starts), samples, seed, top)


def coverage(per_model: pd.DataFrame, top: int = DEFAULT_TOP) -> pd.DataFrame:
    """Coverage of the 50% and 90% bands per start year (and ``all``) for records and top-N."""
    groups = {"records": per_model[per_model["record"]], f"top-{top}": per_model}
    rows = []
    for group, frame in groups.items():
        keyed = [(str(y), f) for y, f in frame.groupby("start_year")] + [("all", frame)]
        for start, f in keyed:
            rows.append(
                {
                    "start_year": start,
                    "group": group,
                    "n": len(f),
                    "coverage50": float(f["in50"].mean()) if len(f) else math.nan,
                    "coverage90": float(f["in90"].mean()) if len(f) else math.nan,
                    "median_percentile": float(f["percentile"].median()) if len(f) else math.nan,
                }
            )
    return pd.DataFrame(rows).set_index(["group", "start_year"])
