"""One view of what a figure needs, from a live run, a comparison or a saved results folder.

Figures and the report read everything through :class:`PlotSource`, so that a
:class:`~pausesim.run.Comparison` in a notebook and a folder written by ``pausesim compare
--out`` give the same pictures. Trajectory bands are the 5/25/50/75/95% quantiles over the
sampled worlds (booleans: the share of worlds where they hold), as
``keep="quantiles"`` stores them; ``keep="full"`` trajectories are reduced here.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

#: Quantiles of a band: 90% and 50% intervals around the median.
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: Runs of a comparison, in legend order.
RUNS = ("policy", "counterfactual")


@dataclass
class PlotSource:
    """Everything the figures draw, with the reason when a part is missing.

    Attributes
    ----------
    scenario
        The scenario that was run.
    kind
        ``"comparison"`` (a policy against no pause on the same worlds) or ``"run"``.
    metrics
        Per run: one row per sampled world, one column per metric cell (``wide_table``).
    deltas
        Per-world differences, policy minus no pause (comparisons only).
    origin
        ``"computed"`` or the folder the results were read from.
    """

    scenario: object
    kind: str
    metrics: dict[str, pd.DataFrame]
    deltas: pd.DataFrame | None
    origin: str
    lift_reason_names: dict[int, str]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: Tables computed on first use (a live comparison's verdicts, decomposition, ...).
    lazy_tables: dict[str, Callable[[], pd.DataFrame]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    _raw: dict[str, xr.Dataset | None] = field(default_factory=dict)
    _bands: dict[str, xr.Dataset | None] = field(default_factory=dict)
    keep: str = "none"

    @property
    def engine(self) -> str:
        """The engine that produced the results."""
        return self.scenario.engine

    @property
    def runs(self) -> tuple[str, ...]:
        """``('policy', 'counterfactual')`` for a comparison, else ``('policy',)``."""
        return RUNS if self.kind == "comparison" else RUNS[:1]

    @property
    def samples(self) -> int:
        """Number of sampled worlds."""
        return len(self.metrics["policy"])

    def table(self, name: str) -> pd.DataFrame:
        """``verdicts``, ``decomposition``, ``cruxes``, ``lift_reasons`` or ``horizons``.

        Empty when the results have none (a run, or an engine without risk).
        """
        if name not in self.tables and name in self.lazy_tables:
            t = self.lazy_tables.pop(name)()
            self.tables[name] = t if t is not None else pd.DataFrame()
        return self.tables.get(name, pd.DataFrame())

    def bands(self, run: str = "policy") -> xr.Dataset | None:
        """The run's trajectories as quantile bands, or None if none were kept."""
        if run not in self._bands:
            raw = self._raw.get(run)
            self._bands[run] = None if raw is None or not raw.data_vars else _as_bands(raw)
        return self._bands[run]

    @property
    def has_trajectories(self) -> bool:
        """Whether quantile bands can be drawn."""
        return self.bands("policy") is not None


def _as_bands(ds: xr.Dataset) -> xr.Dataset:
    """Quantile bands of every variable (booleans: share of worlds), whatever was kept."""
    if "quantile" in ds.dims or "sample" not in ds.dims:
        return ds
    out = {}
    for name, var in ds.data_vars.items():
        if "sample" not in var.dims or "time" not in var.dims:
            continue  # only trajectories over time are drawn as bands
        if var.dtype == bool:
            out[name] = var.mean("sample")
        elif np.issubdtype(var.dtype, np.number):
            with warnings.catch_warnings():  # all-NaN or infinite cells (no cap) stay NaN/inf
                warnings.simplefilter("ignore", RuntimeWarning)
                out[name] = var.astype(np.float64).quantile(
                    list(QUANTILES), dim="sample", skipna=True
                )
        else:
            continue
        out[name].attrs.update(var.attrs)
    return xr.Dataset(out, attrs=ds.attrs)


def as_source(obj) -> PlotSource:
    """A :class:`PlotSource` from a ``Result``, ``Comparison``, ``SavedResult`` or source."""
    from pausesim.run import Comparison, Result, SavedResult

    if isinstance(obj, PlotSource):
        return obj
    if isinstance(obj, Comparison):
        return _from_live(obj.scenario, obj.policy, obj.counterfactual, obj)
    if isinstance(obj, Result):
        return _from_live(obj.scenario, obj, None, None)
    if isinstance(obj, SavedResult):
        return _from_saved(obj)
    raise TypeError(
        f"cannot plot a {type(obj).__name__}: give a Result, a Comparison or a saved results "
        "folder (pausesim.run.load_result)"
    )


def _keep_of(traj: xr.Dataset) -> str:
    if not traj.data_vars:
        return "none"
    return "quantiles" if "quantile" in traj.dims else "full"


def _from_live(scenario, policy, counterfactual, comparison) -> PlotSource:
    from pausesim.metrics.events import reason_names
    from pausesim.metrics.summary import wide_table

    metrics = {"policy": wide_table(policy.metrics)}
    raw = {"policy": policy.trajectories}
    if counterfactual is not None:
        metrics["counterfactual"] = wide_table(counterfactual.metrics)
        raw["counterfactual"] = counterfactual.trajectories
    lazy = {"lift_reasons": policy.lift_reasons}
    deltas = None
    if comparison is not None:
        deltas = wide_table(comparison.deltas)
        lazy.update(
            verdicts=lambda: comparison.verdicts().reset_index(),
            decomposition=comparison.decomposition,
            cruxes=comparison.cruxes,
            horizons=lambda: comparison.horizon_sweep().reset_index(),
        )
    names = reason_names(policy.metrics) if "lift_reason" in policy.metrics else {}
    src = PlotSource(
        scenario=scenario,
        kind="comparison" if comparison is not None else "run",
        metrics=metrics,
        deltas=deltas,
        origin="computed",
        lift_reason_names=names,
        lazy_tables=lazy,
        keep=_keep_of(policy.trajectories),
        _raw=raw,
    )
    if src.keep == "none":
        src.notes.append(
            "These results kept no trajectories (keep='none'), so the charts over time are "
            "left out; run with keep='quantiles' (or 'full') to draw them."
        )
    return src


def _from_saved(saved) -> PlotSource:
    from pausesim.engines.compute.pause import LIFT_REASONS

    m = saved.manifest
    info = m.get("info", m)
    kind = info.get("kind", "run")
    if kind not in ("run", "comparison"):
        raise ValueError(
            f"{saved.folder}: holds a '{kind}' result, not a run or comparison; give the folder "
            "of `pausesim run --out` or `pausesim compare --out` (an analysis folder goes to "
            "--cruxes)"
        )
    runs = RUNS if kind == "comparison" else RUNS[:1]
    metrics = {r: saved.table(f"metrics_{r}") for r in runs}
    deltas = saved.table("deltas") if kind == "comparison" else None
    tables = {}
    for name in ("verdicts", "decomposition", "cruxes", "lift_reasons", "horizons"):
        try:
            t = saved.table(name)
        except FileNotFoundError:
            continue
        if not t.empty:
            tables[name] = t
    raw: dict[str, xr.Dataset | None] = {}
    for r in runs:
        path = Path(saved.folder) / f"trajectories_{r}.nc"
        raw[r] = saved.trajectories(r) if path.is_file() else None
    keep = info.get("keep") or ("none" if raw["policy"] is None else _keep_of(raw["policy"]))
    src = PlotSource(
        scenario=saved.scenario,
        kind=kind,
        metrics=metrics,
        deltas=deltas,
        origin=str(saved.folder),
        lift_reason_names=dict(LIFT_REASONS),
        tables=tables,
        keep=keep,
        _raw=raw,
    )
    if raw["policy"] is None:
        src.notes.append(
            f"The folder {saved.folder} holds no trajectories (saved with keep='none'), so the "
            "charts over time (capability, compute, pause state, alignment) are left out. "
            "Re-run with `--keep quantiles --out FOLDER`, or give the scenario name to "
            "`pausesim report` to run it afresh."
        )
    return src
