"""Median and 90% interval of every metric, with undefined samples counted, not dropped."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr


def summarize(metrics: xr.Dataset, quantiles=(0.05, 0.5, 0.95)) -> pd.DataFrame:
    """One row per scalar metric (and per actor for per-actor metrics).

    Columns: ``n`` (every sample), ``n_undefined`` (NaN in a sample that did not fail: the
    level was never reached, the pause never lifted), ``n_failed`` (samples flagged in
    ``sample_failed``: NaN or overflow in the engine or the hazard; left out of every metric),
    ``mean``, and the requested quantiles over the defined samples (``p5``, ``median``,
    ``p95`` by default), so ``n - n_undefined - n_failed`` samples enter them. Boolean and text
    variables and codes are skipped.
    """
    rows = []
    failed = metrics["sample_failed"].values.astype(bool) if "sample_failed" in metrics else None
    for name, da in metrics.data_vars.items():
        if da.dtype.kind not in "iuf" or "sample" not in da.dims:
            continue  # (booleans, the failed-variable lists)
        if da.attrs.get("units") == "code":
            continue  # (codes such as lift_reason are tabulated by pausesim.metrics.events)
        extra = [d for d in da.dims if d != "sample"]
        if not extra:
            rows.append(_row(name, da.transpose("sample").values, quantiles, failed))
            continue
        stacked = da.stack(_cell=extra).transpose("sample", "_cell")
        for j, cell in enumerate(stacked["_cell"].values):
            labels = cell if isinstance(cell, tuple) else (cell,)
            label = ", ".join(_label(x) for x in labels)
            rows.append(_row(f"{name}[{label}]", stacked.values[:, j], quantiles, failed))
    df = pd.DataFrame(rows).set_index("metric")
    return df


def wide_table(metrics: xr.Dataset) -> pd.DataFrame:
    """One row per sample, for CSV and Parquet.

    A metric with more dims than ``sample`` becomes one column per cell, named like
    ``risk[feedback-loop, 2060]``.
    """
    cols = {}
    for name, da in metrics.data_vars.items():
        if "sample" not in da.dims:
            continue
        extra = [d for d in da.dims if d != "sample"]
        if not extra:
            cols[name] = da.values
            continue
        stacked = da.stack(_cell=extra).transpose("sample", "_cell")
        for j, cell in enumerate(stacked["_cell"].values):
            labels = cell if isinstance(cell, tuple) else (cell,)
            cols[f"{name}[{', '.join(_label(x) for x in labels)}]"] = stacked.values[:, j]
    index = pd.Index(metrics["sample"].values, name="sample")
    return pd.DataFrame(cols, index=index).reset_index()


def _row(name: str, values: np.ndarray, quantiles, failed: np.ndarray | None = None) -> dict:
    v = np.asarray(values, dtype=float).ravel()
    bad = np.zeros(v.size, dtype=bool) if failed is None else failed
    ok = np.isfinite(v) & ~bad
    row = {
        "metric": name,
        "n": v.size,
        "n_undefined": int((~ok & ~bad).sum()),
        "n_failed": int(bad.sum()),
    }
    row["mean"] = float(v[ok].mean()) if ok.any() else np.nan
    qs = np.quantile(v[ok], quantiles) if ok.any() else [np.nan] * len(quantiles)
    for q, x in zip(quantiles, qs, strict=True):
        row[_qname(q)] = float(x)
    return row


def _label(x) -> str:
    if isinstance(x, float | np.floating) and float(x).is_integer():
        return str(int(x))
    return str(x)


def _qname(q: float) -> str:
    return "median" if q == 0.5 else f"p{round(q * 100):g}"
