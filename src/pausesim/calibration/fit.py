"""Log-linear trend fits with a bootstrap over data points, and the frontier rank rule.

A trend ``y = A * g**t`` is fitted by ordinary least squares of ``log10(y)`` on the decimal
year ``t``; the growth factor per year is ``g = 10**slope`` and the doubling time
``log10(2) / slope``. Its uncertainty is a nonparametric bootstrap over the fitted points
(models or chips): resample them with replacement, refit, and report the median and the 5th and
95th percentiles of ``g`` (a 90% interval).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pausesim.calibration.errors import CalibrationError

#: Resamples of the bootstrap, by default.
N_BOOTSTRAP = 2000


@dataclass(frozen=True)
class TrendFit:
    """A fitted exponential trend and its bootstrap interval.

    Attributes
    ----------
    trend
        Short name of the quantity (``frontier_compute``, ...).
    quantity, unit
        What was fitted, in words, and its unit.
    selection
        The selection rule of the data points, as text.
    method
        The fitting method, as text.
    n
        Number of data points.
    slope, intercept
        Least-squares fit of ``log10(y) = intercept + slope * year`` on all points.
    growth_p5, growth_median, growth_p95
        Bootstrap 5th, 50th and 95th percentiles of the growth factor per year ``10**slope``.
    first_year, last_year
        Range of the fitted dates (decimal years).
    """

    trend: str
    quantity: str
    unit: str
    selection: str
    method: str
    n: int
    slope: float
    intercept: float
    growth_p5: float
    growth_median: float
    growth_p95: float
    first_year: float
    last_year: float

    @property
    def growth_per_year(self) -> float:
        """Growth factor per year of the least-squares fit on all points, ``10**slope``."""
        return 10.0**self.slope

    @property
    def doubling_years(self) -> float:
        """Doubling time of the bootstrap median growth, in years (inf if not growing)."""
        return doubling_time(self.growth_median)

    def value_at(self, year: float) -> float:
        """Value of the fitted trend line at a decimal year."""
        return float(10.0 ** (self.intercept + self.slope * year))


def doubling_time(growth_per_year: float) -> float:
    """Years to double at a yearly growth factor (``inf`` when it does not grow)."""
    return math.log(2.0) / math.log(growth_per_year) if growth_per_year > 1 else math.inf


def ols_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares slope and intercept of ``y`` on ``x``.

    Raises
    ------
    CalibrationError
        With fewer than two points or when all ``x`` are equal.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.size < 2 or np.ptp(x) == 0:
        raise CalibrationError(f"a trend needs at least two distinct dates; got {x.size} points")
    xc = x - x.mean()
    slope = float(xc @ (y - y.mean()) / (xc @ xc))
    return slope, float(y.mean() - slope * x.mean())


def bootstrap_slopes(
    x: np.ndarray, y: np.ndarray, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """Least-squares slopes of ``n_boot`` resamples (with replacement) of the points.

    A resample whose dates are all equal has no slope and gives NaN.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    idx = rng.integers(0, x.size, size=(n_boot, x.size))
    xb, yb = x[idx], y[idx]
    xc = xb - xb.mean(axis=1, keepdims=True)
    sxx = np.einsum("ij,ij->i", xc, xc)
    sxy = np.einsum("ij,ij->i", xc, yb - yb.mean(axis=1, keepdims=True))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sxx > 0, sxy / sxx, np.nan)


def fit_exponential(
    year: np.ndarray,
    value: np.ndarray,
    *,
    trend: str,
    quantity: str,
    unit: str,
    selection: str,
    n_boot: int = N_BOOTSTRAP,
    seed: int = 0,
) -> TrendFit:
    """Fit ``value = A * g**year`` by least squares in log10, with a bootstrap over points.

    Parameters
    ----------
    year
        Decimal years of the points.
    value
        Positive values (FLOP, USD, ...).
    trend, quantity, unit, selection
        Labels stored in the result.
    n_boot
        Number of bootstrap resamples.
    seed
        Seed of the :class:`numpy.random.Generator` of the bootstrap.

    Raises
    ------
    CalibrationError
        If a value is not positive and finite, or there are too few distinct dates.
    """
    year, value = np.asarray(year, float), np.asarray(value, float)
    if not (np.isfinite(value).all() and (value > 0).all()):
        raise CalibrationError(f"{trend}: every value must be positive and finite")
    if n_boot < 1:
        raise CalibrationError(f"bootstrap: need at least one resample, got {n_boot}")
    logv = np.log10(value)
    slope, intercept = ols_line(year, logv)
    slopes = bootstrap_slopes(year, logv, n_boot, np.random.default_rng(seed))
    p5, p50, p95 = 10.0 ** np.nanpercentile(slopes, [5, 50, 95])
    return TrendFit(
        trend=trend,
        quantity=quantity,
        unit=unit,
        selection=selection,
        method=f"OLS of log10(y) on decimal year; bootstrap over points, {n_boot} resamples, "
        f"seed {seed}; 90% interval",
        n=int(year.size),
        slope=slope,
        intercept=intercept,
        growth_p5=float(p5),
        growth_median=float(p50),
        growth_p95=float(p95),
        first_year=float(year.min()),
        last_year=float(year.max()),
    )


def rank_at_publication(dates: np.ndarray, compute: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Rank of each model by training compute among the models published up to it.

    ``rank = 1 + the number of models published before it (strictly earlier, or the same date
    and earlier in file order) that have strictly more compute``. Rank 1 sets a compute record.
    Quadratic in memory (fine for the ~1,000 models with known compute).
    """
    d = np.asarray(dates).astype("datetime64[ns]")
    c = np.asarray(compute, float)
    o = np.asarray(order)
    earlier = (d[None, :] < d[:, None]) | ((d[None, :] == d[:, None]) & (o[None, :] < o[:, None]))
    return 1 + np.count_nonzero(earlier & (c[None, :] > c[:, None]), axis=1)
