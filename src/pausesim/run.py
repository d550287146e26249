"""Run scenarios: sample worlds in chunks, simulate, reduce, and compare policies (DESIGN §1, §8).

The Monte Carlo is split into chunks of ``chunk_size`` samples. Chunk ``i`` draws its
parameters and its policy events from generators seeded by ``(seed, i)``, so a run is
reproducible from (scenario, seed, chunk size, version) whatever executor runs the chunks, and
a comparison evaluates the policy and the counterfactual on the *same* sampled worlds (common
random numbers).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import xarray as xr

from pausesim import __version__
from pausesim.engines import get_engine
from pausesim.executor import Executor, LocalExecutor
from pausesim.metrics import run_metrics, summarize
from pausesim.metrics.events import lift_reasons
from pausesim.metrics.summary import wide_table
from pausesim.params.sampling import SampledParams, sample_params
from pausesim.policy import Policy
from pausesim.reduce import QuantileReducer
from pausesim.risk import (
    DECOMPOSITION_COLUMNS,
    crux_screen,
    decomposition,
    evaluate_risk,
    horizon_dependence,
    horizon_sweep,
    resolve_worldviews,
    verdicts,
)
from pausesim.scenario import Scenario, to_toml

#: Default number of samples per chunk; part of what makes a run reproducible.
CHUNK_SIZE = 5_000

Keep = Literal["full", "quantiles", "none"]


@dataclass(frozen=True)
class Result:
    """Trajectories and per-sample metrics of one policy on the scenario's sampled worlds.

    ``trajectories`` has dim ``sample`` (``keep="full"``) or ``quantile`` (``keep="quantiles"``;
    boolean variables become the fraction of samples where they hold), or is empty
    (``keep="none"``). ``metrics`` always has every sample. ``term_hazard`` holds the hazard
    terms integrated to every horizon of :func:`~pausesim.risk.report_horizons`
    ``(sample, term, horizon)``, whatever ``keep`` is (``None`` for engines without risk).
    """

    scenario: Scenario
    policy: Policy
    trajectories: xr.Dataset
    metrics: xr.Dataset
    params: xr.Dataset
    term_hazard: xr.DataArray | None = field(default=None, repr=False)

    @property
    def n_failed(self) -> int:
        """Samples that hit NaN or overflow (kept, flagged in ``metrics.sample_failed``)."""
        return int(self.metrics["sample_failed"].sum())

    def summary(self) -> pd.DataFrame:
        """Median, 90% interval and undefined count of every metric."""
        return summarize(self.metrics)

    def lift_reasons(self) -> pd.DataFrame:
        """Why the first pause episode ended, in how many worlds, and how long it lasted."""
        return lift_reasons(self.metrics)


@dataclass(frozen=True)
class Comparison:
    """A policy and the no-pause counterfactual on the same sampled worlds."""

    scenario: Scenario
    policy: Result
    counterfactual: Result
    deltas: xr.Dataset = field(repr=False)

    def verdicts(self) -> pd.DataFrame:
        """Per worldview and horizon: P(policy better) with its Monte Carlo SE and delta_risk.

        Two flags per worldview: ``fixed_by_construction`` (why no pause can lower its risk,
        ``""`` if one can; :attr:`~pausesim.worldviews.Worldview.fixed_by_construction`) and
        ``sign_depends_on_horizon`` (the verdict's sign differs across the horizon sweep,
        :meth:`horizon_dependence`).
        """
        if "delta_risk" not in self.deltas:
            return pd.DataFrame()
        v = verdicts(self.deltas["delta_risk"])
        names = v.index.get_level_values("worldview")
        fixed = {w.name: w.fixed_by_construction for w in self.worldviews}
        v["fixed_by_construction"] = [fixed.get(w, "") for w in names]
        dep = self.horizon_dependence()
        flag = dep["sign_depends_on_horizon"].to_dict() if not dep.empty else {}
        v["sign_depends_on_horizon"] = [bool(flag.get(w, False)) for w in names]
        return v

    @property
    def worldviews(self) -> list:
        """The worldviews the scenario selects (none for engines without risk)."""
        if self.policy.term_hazard is None:
            return []
        return resolve_worldviews(self.scenario.risk)

    def decomposition(self, horizons: list[str] | None = None) -> pd.DataFrame:
        """Each worldview's risk and delta_risk split by hazard term, per horizon.

        One row per worldview, horizon (every horizon of the sweep unless ``horizons`` names
        some) and weighted term: the mean integrated hazard each term contributes with and
        without the pause, its share, the mean change and its share of the total change, and
        how often the term's change has the sign of the total (:func:`pausesim.risk.
        decomposition`). The parts sum to the total exactly.
        """
        if self.policy.term_hazard is None:
            return pd.DataFrame(columns=DECOMPOSITION_COLUMNS)
        return decomposition(
            self.policy.term_hazard, self.counterfactual.term_hazard, self.worldviews, horizons
        )

    def horizon_sweep(self) -> pd.DataFrame:
        """The verdict per worldview at the scenario's horizons and the sweep's years and levels."""
        if self.policy.term_hazard is None:
            return pd.DataFrame()
        return horizon_sweep(
            self.policy.term_hazard, self.counterfactual.term_hazard, self.worldviews
        )

    def horizon_dependence(self) -> pd.DataFrame:
        """Per worldview: the range of the verdict over the sweep, and whether its sign moves."""
        sweep = self.horizon_sweep()
        return horizon_dependence(sweep) if not sweep.empty else pd.DataFrame()

    def cruxes(self, top: int = 3) -> pd.DataFrame:
        """Parameters most rank-correlated with ``delta_risk`` per worldview (a screen)."""
        if "delta_risk" not in self.deltas:
            return pd.DataFrame(columns=["worldview", "parameter", "spearman_rho"])
        return crux_screen(self.policy.params, self.deltas["delta_risk"], top)

    def summary(self) -> pd.DataFrame:
        """Per metric: the policy run, the counterfactual, and the per-sample deltas."""
        parts = [
            summarize(self.policy.metrics).assign(run="policy"),
            summarize(self.counterfactual.metrics).assign(run="counterfactual"),
            summarize(self.deltas).assign(run="comparison"),
        ]
        return pd.concat(parts).reset_index().set_index(["run", "metric"])


def simulate(
    scenario: Scenario,
    *,
    policy: Policy | None = None,
    keep: Keep = "full",
    chunk_size: int = CHUNK_SIZE,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> Result:
    """Run ``scenario`` (or the same worlds under ``policy``)."""
    return _run(scenario, [policy or scenario.policy], keep, chunk_size, executor, progress)[0]


def compare(
    scenario: Scenario,
    *,
    keep: Keep = "full",
    chunk_size: int = CHUNK_SIZE,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> Comparison:
    """The scenario's policy against nobody pausing, with common random numbers."""
    pol, cf = _run(scenario, [scenario.policy, Policy.none()], keep, chunk_size, executor, progress)
    return Comparison(scenario, pol, cf, comparison_deltas(pol.metrics, cf.metrics))


def compare_policies(
    scenario: Scenario,
    policies: Sequence[Policy],
    *,
    params: SampledParams | None = None,
    keep: Keep = "none",
    chunk_size: int = CHUNK_SIZE,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Comparison]:
    """Each of ``policies`` against nobody pausing, all on the *same* worlds in one pass.

    The worlds are the scenario's sampled ones, or ``params`` when given (a sensitivity design:
    one world per row, e.g. from :func:`~pausesim.params.sampling.params_from_uniforms`); every
    policy sees the same event clocks. Used by sweeps, policy search and sensitivity analyses,
    so that their candidates differ only in what is varied (common random numbers).
    """
    runs = _run(scenario, [Policy.none(), *policies], keep, chunk_size, executor, progress, params)
    cf = runs[0]
    return [
        Comparison(scenario.with_policy(pol), r, cf, comparison_deltas(r.metrics, cf.metrics))
        for pol, r in zip(policies, runs[1:], strict=True)
    ]


def comparison_deltas(policy: xr.Dataset, counterfactual: xr.Dataset) -> xr.Dataset:
    """Per-sample differences between a policy run and its counterfactual (DESIGN §5).

    ``delay_years`` is the delay of the danger level; ``max_jump_ratio`` the largest capability
    jump relative to the counterfactual's; ``delta_*`` plain differences. NaN where either side
    is undefined (e.g. the danger level is not reached within the grid).
    """
    p, c = policy, counterfactual
    with np.errstate(divide="ignore", invalid="ignore"):
        out = xr.Dataset(
            {
                "delay_years": p["danger_year"] - c["danger_year"],
                "max_jump_ratio": p["max_jump_ooms_per_year"] / c["max_jump_ooms_per_year"],
                "delta_takeoff_years": p["takeoff_years"] - c["takeoff_years"],
                "delta_low_safety_share_at_danger": p["low_safety_share_at_danger"]
                - c["low_safety_share_at_danger"],
                "delta_capability_end": p["capability_end"] - c["capability_end"],
            }
        )
        if "lead_at_danger_ooms" in p and "lead_at_danger_ooms" in c:
            out["delta_lead_at_danger_ooms"] = p["lead_at_danger_ooms"] - c["lead_at_danger_ooms"]
            out["delta_lead_at_danger_ooms"].attrs.update(
                units="OOM", description="leader's lead at the danger level, policy minus no pause"
            )
    if "risk" in p and "risk" in c:
        out["delta_risk"] = p["risk"] - c["risk"]
        out["delta_risk"].attrs.update(
            units="1", description="risk by the horizon, policy minus no pause, per worldview"
        )
    out["delay_years"].attrs.update(units="year", description="danger year, policy minus no pause")
    out["max_jump_ratio"].attrs.update(units="1", description="max jump, policy over no pause")
    # A pause can push the danger level past the grid: count it instead of calling it undefined.
    out.attrs["n_danger_beyond_grid_policy_only"] = int(
        (np.isnan(p["danger_year"]) & np.isfinite(c["danger_year"])).sum()
    )
    return out


# -- chunked execution --------------------------------------------------------------------------


def _chunk_rngs(seed: int, index: int) -> tuple[np.random.Generator, np.random.Generator]:
    params = np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(index, 0)))
    )
    events = np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(index, 1)))
    )
    return params, events


def _run(scenario, policies, keep, chunk_size, executor, progress, params=None) -> list[Result]:
    engine = get_engine(scenario.engine)
    # Risk needs the alignment and governance stocks; engines without them get no risk.
    worldviews = resolve_worldviews(scenario.risk) if engine.publishes_risk_inputs else []
    n = scenario.samples if params is None else params.n
    bounds = [(lo, min(lo + chunk_size, n)) for lo in range(0, n, chunk_size)]

    one_chunk = _ChunkJob(scenario, tuple(policies), keep, tuple(worldviews), params)
    executor = executor or LocalExecutor()
    reducers = [QuantileReducer() for _ in policies] if keep == "quantiles" else None
    stacks = [_SampleStack(n) for _ in policies]
    metrics: list[list[xr.Dataset]] = [[] for _ in policies]
    terms: list[list[xr.DataArray]] = [[] for _ in policies]
    params = []
    done = 0
    for outputs, pds in executor.map(one_chunk, list(enumerate(bounds))):
        for j, (traj, m, th) in enumerate(outputs):
            metrics[j].append(m)
            if th is not None:
                terms[j].append(th)
            if reducers is not None:
                reducers[j].add(traj)
            elif keep == "full":
                stacks[j].add(traj, done)
        params.append(pds)
        done += pds.sizes["sample"]
        if progress is not None:
            progress(done)

    attrs = _attrs(scenario, chunk_size)
    results = []
    for j, pol in enumerate(policies):
        if reducers is not None:
            traj = reducers[j].result()
        elif keep == "full":
            traj = stacks[j].result()
        else:
            traj = xr.Dataset()
        mets = xr.concat(metrics[j], dim="sample") if len(metrics[j]) > 1 else metrics[j][0]
        n_failed = int(mets["sample_failed"].sum())
        traj.attrs.update(attrs, policy=pol.name, n_failed=n_failed)
        mets.attrs.update(attrs, policy=pol.name, n_failed=n_failed)
        pds = xr.concat(params, dim="sample") if len(params) > 1 else params[0]
        th = xr.concat(terms[j], dim="sample") if terms[j] else None
        results.append(Result(scenario, pol, traj, mets, pds, th))
    return results


@dataclass(frozen=True)
class _ChunkJob:
    """Simulate one chunk of samples under every policy.

    Picklable, so that chunks can run in threads, processes or on a cluster through the same
    :class:`~pausesim.executor.Executor`.
    """

    scenario: Scenario
    policies: tuple[Policy, ...]
    keep: str
    worldviews: tuple
    params: SampledParams | None = None  #: given worlds instead of sampled ones

    def __call__(self, item: tuple[int, tuple[int, int]]):
        index, (lo, hi) = item
        sc = self.scenario
        engine = get_engine(sc.engine)
        if self.params is not None:
            sp = self.params.subset(slice(lo, hi))
        else:
            correlations = {(c.a, c.b): c.rho for c in sc.world.correlations}
            params_rng, _ = _chunk_rngs(sc.seed, index)
            sp = sample_params(
                engine.catalog, sc.actors, dict(sc.world.params), hi - lo, params_rng, correlations
            )
        pds = sp.to_dataset().assign_coords(sample=np.arange(lo, hi))
        outputs = []
        for pol in self.policies:
            events_rng = _chunk_rngs(sc.seed, index)[1]  # the same event stream per policy
            ds = engine.simulate(sp, pol, sc.grid, events_rng)
            ds = ds.assign_coords(sample=np.arange(lo, hi))
            m = run_metrics(ds, pol, sc.metrics)
            th = None
            if self.worldviews:
                hazard, risk, th = evaluate_risk(ds, pds, pol, sc, list(self.worldviews))
                m["risk"] = risk
                ds["hazard"] = hazard.transpose("sample", "worldview", "time")
            outputs.append((_kept(ds, self.keep), m, th))
        return outputs, pds


def _kept(ds: xr.Dataset, keep: Keep) -> xr.Dataset:
    return xr.Dataset() if keep == "none" else ds


class _SampleStack:
    """The chunks of a ``keep="full"`` run, copied into arrays allocated once for all samples.

    Each array keeps the memory order of the first chunk's (the compute engine's time-major
    buffers give ``(time, actor, sample)`` memory behind ``(sample, actor, time)`` dims), so a
    chunk is copied in contiguous runs, never transposed; the dims and values are those of
    ``xr.concat(chunks, dim="sample")``, which remains the fallback for variables or coords
    without a leading ``sample`` dim.
    """

    def __init__(self, n_samples: int) -> None:
        self.n = n_samples
        self.first: xr.Dataset | None = None
        self.arrays: dict = {}
        self.chunks: list[xr.Dataset] = []

    def add(self, ds: xr.Dataset, lo: int) -> None:
        """Copy the chunk ``ds`` holding samples ``lo, lo + 1, ...``."""
        if self.first is None:
            self.first = ds
            if not _stackable(ds):
                self.arrays = None
            else:
                self.arrays = {k: _empty_like_layout(v.values, self.n) for k, v in ds.items()}
        if self.arrays is None:
            self.chunks.append(ds)
            return
        hi = lo + ds.sizes["sample"]
        for name, var in ds.data_vars.items():
            self.arrays[name][lo:hi] = var.values

    def result(self) -> xr.Dataset:
        """The full Dataset over all samples."""
        if self.arrays is None:
            return xr.concat(self.chunks, dim="sample") if len(self.chunks) > 1 else self.chunks[0]
        first = self.first
        coords = {k: v.variable for k, v in first.coords.items() if k != "sample"}
        coords["sample"] = np.arange(self.n)
        data = {k: (v.dims, self.arrays[k], v.attrs) for k, v in first.data_vars.items()}
        return xr.Dataset(data, coords=coords, attrs=first.attrs)


def _stackable(ds: xr.Dataset) -> bool:
    """Every variable starts with ``sample``, and only the ``sample`` coord has it."""
    leading = all(v.dims[:1] == ("sample",) for v in ds.data_vars.values())
    coords = all("sample" not in v.dims for k, v in ds.coords.items() if k != "sample")
    return leading and coords


def _empty_like_layout(values: np.ndarray, n: int) -> np.ndarray:
    """An empty array like ``values`` with ``n`` rows on axis 0, in its memory order."""
    order = sorted(range(values.ndim), key=lambda axis: -abs(values.strides[axis]))
    shape = [n if axis == 0 else values.shape[axis] for axis in order]
    return np.empty(shape, dtype=values.dtype).transpose(np.argsort(order))


def _attrs(scenario: Scenario, chunk_size: int) -> dict:
    return {
        "scenario": scenario.name,
        "scenario_toml": to_toml(scenario),
        "engine": scenario.engine,
        "seed": scenario.seed,
        "samples": scenario.samples,
        "chunk_size": chunk_size,
        "pausesim_version": __version__,
    }


def save_result(
    result: Result | Comparison, folder: str | Path, *, trajectories: bool = True
) -> list[Path]:
    """Write a run or comparison to ``folder``, every file atomically.

    Files: the scenario TOML, metrics (Parquet and CSV), the summary CSV, why the pause ended
    (``lift_reasons.csv``, engines that record pause episodes) and, optionally, trajectories
    (netCDF); for a comparison with risk also ``verdicts.csv`` (with its flags),
    ``cruxes.csv``, ``decomposition.csv`` (by hazard term, every horizon of the sweep) and
    ``horizons.csv`` (the verdict across the sweep).
    """
    from pausesim.io import atomic_write, save_dataset, save_table

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with atomic_write(folder / "scenario.toml") as tmp:
        Path(tmp).write_text(to_toml(result.scenario), encoding="utf-8")
    written.append(folder / "scenario.toml")
    runs = (
        {"policy": result.policy, "counterfactual": result.counterfactual}
        if isinstance(result, Comparison)
        else {"policy": result}
    )
    for label, r in runs.items():
        table = wide_table(r.metrics)
        for suffix in ("parquet", "csv"):
            written.append(save_table(table, folder / f"metrics_{label}.{suffix}"))
        if trajectories and r.trajectories.data_vars:
            written.append(save_dataset(r.trajectories, folder / f"trajectories_{label}.nc"))
    if isinstance(result, Comparison):
        deltas = wide_table(result.deltas)
        for suffix in ("parquet", "csv"):
            written.append(save_table(deltas, folder / f"deltas.{suffix}"))
    written.append(save_table(result.summary().reset_index(), folder / "summary.csv"))
    policy_run = result.policy if isinstance(result, Comparison) else result
    if "lift_reason" in policy_run.metrics:
        written.append(save_table(policy_run.lift_reasons(), folder / "lift_reasons.csv"))
    if isinstance(result, Comparison) and "delta_risk" in result.deltas:
        written.append(save_table(result.verdicts().reset_index(), folder / "verdicts.csv"))
        written.append(save_table(result.cruxes(), folder / "cruxes.csv"))
        written.append(save_table(result.decomposition(), folder / "decomposition.csv"))
        written.append(save_table(result.horizon_sweep().reset_index(), folder / "horizons.csv"))
    return written
