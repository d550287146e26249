"""The trends ``pausesim calibrate`` fits to Epoch's data, and the parameters they calibrate.

- ``frontier_compute``: training compute (FLOP) of frontier models;
- ``frontier_cost``: training cost (2023 USD) of the frontier models that have one;
- ``frontier_flop_per_usd``: compute / cost of those same models;
- ``hardware_flop_per_usd``: accelerator price-performance at training precision, FLOP/s per
  nominal release-USD (tensor FP16/BF16 where given, else the larger of FP16 and FP32);
- ``hardware_fp32_flop_per_usd``: the same at FP32.

*Frontier* models are the top ``top`` (default 10) by training compute at publication
(:func:`~pausesim.calibration.fit.rank_at_publication`) published on or after ``since``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pausesim.calibration.data import EpochData
from pausesim.calibration.errors import CalibrationError
from pausesim.calibration.fit import N_BOOTSTRAP, TrendFit, fit_exponential, rank_at_publication
from pausesim.distributions import LogNormal

#: Doubling time of GPU price-performance at fixed precision (Hobbhahn & Besiroglu 2022); the
#: default of ``hw_doubling_years``. The FLOP-per-dollar trend of frontier runs beyond it is the
#: precision (and utilization) gain.
HW_DOUBLING_YEARS = 2.46
DEFAULT_TOP = 10
DEFAULT_SINCE = "2015-01-01"
#: Hardware from the start of Hobbhahn & Besiroglu's (2022) window.
DEFAULT_HARDWARE_SINCE = "2006-01-01"


def frontier_models(models: pd.DataFrame, top: int = DEFAULT_TOP, since: str = DEFAULT_SINCE):
    """Models in the top ``top`` by compute at publication, published on or after ``since``.

    The rank is computed over every model with known compute (also those before ``since``);
    the result has a ``rank`` column and is sorted by date.
    """
    if top < 1:
        raise CalibrationError(f"top: must be at least 1, got {top}")
    ranked = models.assign(
        rank=rank_at_publication(models["date"], models["compute_flop"], models["order"])
    )
    chosen = ranked[(ranked["rank"] <= top) & (ranked["date"] >= pd.Timestamp(since))]
    return chosen.sort_values(["date", "order"]).reset_index(drop=True)


def training_flops(hardware: pd.DataFrame) -> pd.Series:
    """Throughput at training precision: tensor FP16/BF16 where given, else max(FP16, FP32)."""
    return hardware["tensor16"].fillna(hardware[["fp16", "fp32"]].max(axis=1))


def _window(since: str, dates: pd.Series) -> str:
    return f"published {pd.Timestamp(since).date()} to {dates.max().date()}"


def frontier_trends(
    models: pd.DataFrame,
    top: int = DEFAULT_TOP,
    since: str = DEFAULT_SINCE,
    n_boot: int = N_BOOTSTRAP,
    seed: int = 0,
) -> tuple[TrendFit, TrendFit, TrendFit]:
    """Compute, cost and FLOP-per-dollar trends of frontier models."""
    front = frontier_models(models, top, since)
    if front.empty:
        raise CalibrationError(f"no model in the top {top} published since {since}")
    rule = f"top {top} by training compute at publication, {_window(since, front['date'])}"
    priced = front[front["cost_usd"].notna()]
    compute = fit_exponential(
        front["year"],
        front["compute_flop"],
        trend="frontier_compute",
        quantity="training compute of frontier models",
        unit="FLOP",
        selection=rule,
        n_boot=n_boot,
        seed=seed,
    )
    cost = fit_exponential(
        priced["year"],
        priced["cost_usd"],
        trend="frontier_cost",
        quantity="training cost of frontier models",
        unit="2023 USD",
        selection=rule + ", with a cost",
        n_boot=n_boot,
        seed=seed,
    )
    per_usd = fit_exponential(
        priced["year"],
        priced["compute_flop"] / priced["cost_usd"],
        trend="frontier_flop_per_usd",
        quantity="training compute per dollar of frontier runs",
        unit="FLOP per 2023 USD",
        selection=rule + ", with a cost",
        n_boot=n_boot,
        seed=seed,
    )
    return compute, cost, per_usd


def hardware_trends(
    hardware: pd.DataFrame,
    since: str = DEFAULT_HARDWARE_SINCE,
    n_boot: int = N_BOOTSTRAP,
    seed: int = 0,
) -> tuple[TrendFit, TrendFit]:
    """Accelerator price-performance at training precision and at FP32 (nominal USD)."""
    chips = hardware[hardware["date"] >= pd.Timestamp(since)]
    if chips.empty:
        raise CalibrationError(f"no accelerator with a release price released since {since}")
    kinds = ", ".join(sorted(t or "untyped" for t in chips["type"].unique()))
    first, last = pd.Timestamp(since).date(), chips["date"].max().date()
    rule = f"accelerators ({kinds}) with a release price, released {first} to {last}"
    train = training_flops(chips)
    ok = train.notna().to_numpy()
    precision = fit_exponential(
        chips["year"][ok],
        train[ok] / chips["price_usd"][ok],
        trend="hardware_flop_per_usd",
        quantity="accelerator price-performance at training precision (tensor FP16/BF16, "
        "else max(FP16, FP32))",
        unit="FLOP/s per release USD (nominal)",
        selection=rule,
        n_boot=n_boot,
        seed=seed,
    )
    fp32 = chips["fp32"].notna().to_numpy()
    single = fit_exponential(
        chips["year"][fp32],
        chips["fp32"][fp32] / chips["price_usd"][fp32],
        trend="hardware_fp32_flop_per_usd",
        quantity="accelerator price-performance at FP32",
        unit="FLOP/s per release USD (nominal)",
        selection=rule + ", with FP32 throughput",
        n_boot=n_boot,
        seed=seed,
    )
    return precision, single


@dataclass(frozen=True)
class Calibration:
    """The fitted trends, the data they came from, and the parameters they calibrate."""

    fits: tuple[TrendFit, ...]
    data: EpochData = field(repr=False)
    top: int = DEFAULT_TOP
    since: str = DEFAULT_SINCE
    n_boot: int = N_BOOTSTRAP
    seed: int = 0

    def fit(self, trend: str) -> TrendFit:
        """The fit of one trend by name."""
        for f in self.fits:
            if f.trend == trend:
                return f
        raise KeyError(f"no trend '{trend}'; fitted: {', '.join(f.trend for f in self.fits)}")

    def table(self) -> pd.DataFrame:
        """One row per trend: selection, method, n, growth per year (median, p5, p95), doubling."""
        return trend_table(self.fits)

    def parameters(self) -> dict[str, LogNormal]:
        """The catalog parameters the fits calibrate (see docs/calibration.md).

        ``spend_growth_per_year`` is the frontier cost trend; ``precision_gain_per_year`` the
        FLOP-per-dollar trend of frontier runs divided by GPU price-performance at fixed
        precision, ``2**(1 / HW_DOUBLING_YEARS)``.
        """
        cost = self.fit("frontier_cost")
        per_usd = self.fit("frontier_flop_per_usd")
        hw = 2.0 ** (1.0 / HW_DOUBLING_YEARS)
        return {
            "spend_growth_per_year": LogNormal(p5=cost.growth_p5, p95=cost.growth_p95),
            "precision_gain_per_year": LogNormal(
                p5=per_usd.growth_p5 / hw, p95=per_usd.growth_p95 / hw
            ),
        }


def trend_table(fits) -> pd.DataFrame:
    """Fits as a labelled table, one row per trend."""
    rows = [
        {
            "trend": f.trend,
            "quantity": f.quantity,
            "unit": f.unit,
            "selection": f.selection,
            "method": f.method,
            "n": f.n,
            "growth_per_year_median": f.growth_median,
            "growth_per_year_p5": f.growth_p5,
            "growth_per_year_p95": f.growth_p95,
            "doubling_years": f.doubling_years,
        }
        for f in fits
    ]
    return pd.DataFrame(rows).set_index("trend")


def calibrate(
    data: EpochData,
    *,
    top: int = DEFAULT_TOP,
    since: str | int = DEFAULT_SINCE,
    hardware_since: str = DEFAULT_HARDWARE_SINCE,
    n_boot: int = N_BOOTSTRAP,
    seed: int = 0,
) -> Calibration:
    """Fit every trend; ``since`` is a date or a year (``2015`` means 2015-01-01)."""
    since = since_date(since)
    fits = frontier_trends(data.models, top, since, n_boot, seed) + hardware_trends(
        data.hardware, hardware_since, n_boot, seed
    )
    return Calibration(fits, data, top, since, n_boot, seed)


def since_date(since: str | int | float) -> str:
    """A start date from a year (``2015``) or an ISO date (``"2015-06-01"``)."""
    text = str(since).strip()
    try:
        ts = pd.Timestamp(f"{int(text)}-01-01") if text.isdigit() else pd.Timestamp(text)
    except ValueError:
        raise CalibrationError(f"since: expected a year or a date, got {since!r}") from None
    if pd.isna(ts):
        raise CalibrationError(f"since: expected a year or a date, got {since!r}")
    return str(ts.date())

