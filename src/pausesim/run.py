"""Run scenarios: sample worlds in chunks, simulate, reduce, and compare policies (DESIGN §1, §8).

The Monte Carlo is split into chunks of ``chunk_size`` samples. Chunk ``i`` draws its
parameters and its policy events from generators seeded by ``(seed, i)``, so a run is
reproducible from (scenario, seed, chunk size, version) whatever executor runs the chunks, and
a comparison evaluates the policy and the counterfactual on the *same* sampled worlds (common
random numbers).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import xarray as xr

from pausesim import __version__
from pausesim.engines import get_engine
from pausesim.executor import Executor, LocalExecutor
from pausesim.memory import MemoryEstimate
from pausesim.metrics import run_metrics, summarize
from pausesim.metrics.compute import flag_failed
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


class _Presentable:
    """Notebook display and figures of a :class:`Result` or :class:`Comparison`."""

    @property
    def plot(self):
        """Plotly figures: ``.plot.fan("capability")``, ``.plot.risk()``, ... (needs plotly).

        A :class:`pausesim.plots.PlotAccessor`; plotly is imported only when a figure is drawn.
        """
        from pausesim.plots import PlotAccessor

        return PlotAccessor(self)

    def _repr_html_(self) -> str:
        """A compact HTML summary for notebooks (:func:`pausesim.plots.headline.to_html`)."""
        from pausesim.plots.headline import to_html

        return to_html(self)


@dataclass(frozen=True)
class Result(_Presentable):
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

    def worlds(self) -> pd.DataFrame:
        """One row per world: its sampled parameters, then its metrics as ``policy.<name>``.

        (:func:`pausesim.metrics.worlds.worlds_table`; ``worlds.csv`` of a results folder.)
        """
        from pausesim.metrics.worlds import worlds_table

        return worlds_table(self.params, {"policy": self.metrics})


@dataclass(frozen=True)
class Comparison(_Presentable):
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
        v = verdicts(self.deltas["delta_risk"], self.deltas.get("sample_failed"))
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
            self.policy.term_hazard,
            self.counterfactual.term_hazard,
            self.worldviews,
            self.deltas.get("sample_failed"),
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

    def worlds(self) -> pd.DataFrame:
        """One row per world: its parameters, then both runs' metrics and the deltas.

        Columns ``policy.<metric>``, ``counterfactual.<metric>`` and ``comparison.<delta>``
        (the runs of :meth:`summary`), each run with its ``sample_failed`` flag
        (:func:`pausesim.metrics.worlds.worlds_table`; ``worlds.csv`` of a results folder).
        """
        from pausesim.metrics.worlds import worlds_table

        runs = {
            "policy": self.policy.metrics,
            "counterfactual": self.counterfactual.metrics,
            "comparison": self.deltas,
        }
        return worlds_table(self.policy.params, runs)


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
    for name, var in p.data_vars.items():  # an engine's own headline metrics
        if var.attrs.get("headline") and name in c:
            out[f"delta_{name}"] = p[name] - c[name]
            out[f"delta_{name}"].attrs.update(
                units=var.attrs.get("units", ""), description=f"{name}, policy minus no pause"
            )
    if "risk" in p and "risk" in c:
        out["delta_risk"] = p["risk"] - c["risk"]
        out["delta_risk"].attrs.update(
            units="1", description="risk by the horizon, policy minus no pause, per worldview"
        )
    out["delay_years"].attrs.update(units="year", description="danger year, policy minus no pause")
    out["max_jump_ratio"].attrs.update(units="1", description="max jump, policy over no pause")
    # A pause can push the danger level past the grid: count it instead of calling it undefined.
    # a world failed if either run did: left out of every delta and verdict, and counted
    out["sample_failed"] = p["sample_failed"] | c["sample_failed"]
    out.attrs["n_danger_beyond_grid_policy_only"] = int(
        (np.isnan(p["danger_year"]) & np.isfinite(c["danger_year"]) & ~out["sample_failed"]).sum()
    )
    out.attrs["n_failed"] = int(out["sample_failed"].sum())
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

    executor = executor or LocalExecutor()
    backend = getattr(executor, "backend", "numpy")
    one_chunk = _ChunkJob(scenario, tuple(policies), keep, tuple(worldviews), params, backend)
    reducers = [QuantileReducer() for _ in policies] if keep == "quantiles" else None
    stacks = [_SampleStack(n) for _ in policies]
    metrics: list[list[xr.Dataset]] = [[] for _ in policies]
    terms: list[list[xr.DataArray]] = [[] for _ in policies]
    params = []
    done = 0
    items = list(enumerate(bounds))
    if reducers is not None and getattr(executor, "reduces_on_workers", False):
        chunks = _binned_where_run(executor, one_chunk, items, reducers)
    else:
        chunks = executor.map(one_chunk, items)
    for outputs, pds in chunks:
        for j, (traj, m, th) in enumerate(outputs):
            metrics[j].append(m)
            if th is not None:
                terms[j].append(th)
            if isinstance(traj, QuantileReducer):  # counts binned where the chunk ran
                reducers[j].merge(traj)
            elif reducers is not None:
                reducers[j].add(traj)
            elif keep == "full":
                stacks[j].add(traj, done)
        params.append(pds)
        done += pds.sizes["sample"]
        if progress is not None:
            progress(done)

    attrs = _attrs(scenario, chunk_size, backend)
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
    backend: str = "numpy"  #: array backend of the engine's step (:mod:`pausesim.backend`)

    def __call__(self, item: tuple[int, tuple[int, int]]):
        index, (lo, hi) = item
        sc = self.scenario
        engine = get_engine(sc.engine)
        if self.backend != engine.backend:
            engine = replace(engine, backend=self.backend)
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
        online = self.keep == "none" and hasattr(engine, "simulate_online")
        for pol in self.policies:
            events_rng = _chunk_rngs(sc.seed, index)[1]  # the same event stream per policy
            if online:
                outputs.append(self._online(engine, sp, pds, pol, events_rng, lo, hi))
                continue
            ds = engine.simulate(sp, pol, sc.grid, events_rng)
            ds = ds.assign_coords(sample=np.arange(lo, hi))
            m = run_metrics(ds, pol, sc.metrics)
            m = _with_headline_metrics(m, ds, engine)
            th = None
            if self.worldviews:
                hazard, risk, th = evaluate_risk(ds, pds, pol, sc, list(self.worldviews))
                # a non-finite hazard term fails the sample too (evaluate_risk blanked it)
                in_hazard = ~np.isfinite(hazard.values).all(axis=(0, 2))
                m = flag_failed(m, in_hazard & ~m["sample_failed"].values, "hazard")
                m["risk"] = risk
                ds["hazard"] = hazard.transpose("sample", "worldview", "time")
            outputs.append((_kept(ds, self.keep), m, th))
        return outputs, pds

    def _online(self, engine, sp, pds, pol, events_rng, lo, hi):
        """One policy with metrics and risk accumulated in the engine's loop (no trajectories).

        The same numbers as simulating, then :func:`run_metrics` and :func:`evaluate_risk` on
        the trajectories (``tests/engines/compute/test_online.py``).
        """
        sc = self.scenario
        eta = pds["governance_hazard_reduction"].values
        ds, acc = engine.simulate_online(sp, pol, sc.grid, events_rng, sc, self.worldviews, eta)
        ds = ds.assign_coords(sample=np.arange(lo, hi))
        m = run_metrics(ds, pol, sc.metrics, summary=acc.summary())
        m = _with_headline_metrics(m, ds, engine)
        th = None
        if self.worldviews:
            risk, th, in_hazard = acc.risk_outputs(ds["sample_failed"].values, ds["sample"].values)
            m = flag_failed(m, in_hazard & ~m["sample_failed"].values, "hazard")
            m["risk"] = risk
        return xr.Dataset(), m, th


def _binned_where_run(executor: Executor, job: _ChunkJob, items: list, reducers: list):
    """The chunks of a ``keep="quantiles"`` run, binned into histograms where they run.

    For executors that ship results over a network (``reduces_on_workers``, e.g.
    :class:`~pausesim.dask_executor.DaskExecutor`). The first chunk comes back whole: the
    caller adds it to ``reducers``, which sets their bin ranges. Every other chunk is binned
    with those ranges where it runs and only its counts come back (merged by
    :meth:`~pausesim.reduce.QuantileReducer.merge`, in chunk order: the quantiles are those of
    a local run bit for bit). A variable still without a range (no finite value in the first
    chunk) comes back whole.
    """
    yield from executor.map(job, items[:1])
    if len(items) > 1:
        binned = _BinnedChunkJob(job, tuple(r.empty_like() for r in reducers))
        yield from executor.map(binned, items[1:])


@dataclass(frozen=True)
class _BinnedChunkJob:
    """A :class:`_ChunkJob` that returns each policy's trajectories binned, not whole."""

    job: _ChunkJob
    empty: tuple[QuantileReducer, ...]  #: one per policy, with the run's bin ranges

    def __call__(self, item: tuple[int, tuple[int, int]]):
        outputs, pds = self.job(item)
        binned = []
        for (traj, m, th), empty in zip(outputs, self.empty, strict=True):
            reducer = empty.empty_like()
            reducer.add(traj)
            binned.append((reducer, m, th))
        return binned, pds


def _with_headline_metrics(metrics: xr.Dataset, ds: xr.Dataset, engine) -> xr.Dataset:
    """``metrics`` with the engine's own per-sample headline metrics (``headline_metrics``)."""
    headline = getattr(engine, "headline_metrics", {})
    for name, description in headline.items():
        if name in ds and name not in metrics:
            metrics[name] = ds[name].astype(np.float64)
            metrics[name].attrs.update(ds[name].attrs, description=description, headline=1)
    return metrics


def _kept(ds: xr.Dataset, keep: Keep) -> xr.Dataset:
    return xr.Dataset() if keep == "none" else ds


# -- memory estimate ----------------------------------------------------------------------------

#: Samples and time steps of the probe chunk that :func:`estimate_memory` simulates.
_PROBE_SAMPLES = 4
_PROBE_STEPS = 12
#: Resident size of the interpreter with numpy, pandas, xarray and pausesim imported (measured
#: 184 MiB on Linux, rounded up).
_BASELINE_BYTES = 200 * 2**20
#: Peak of one chunk over its stored outputs: the engine's temporaries, the metrics and the
#: hazards take about as much again as the trajectories they return (tracemalloc, 5,000 samples
#: of ``essay-realistic``: 311 MB peak for 156 MB of trajectories).
_CHUNK_PEAK_FACTOR = 2.0
#: Resident memory over the live per-sample results when metrics accumulate in the loop
#: (``keep="none"``): the heap keeps the freed ring and accumulator buffers of earlier chunks
#: between the long-lived results of each chunk. Measured (``benchmarks/bench_memory.py``,
#: ``essay-realistic``, one thread): peak RSS per sample 2.93 kB against 2.54 kB of live
#: results from 100,000 to 1,000,000 samples, while tracemalloc's peak stays below the live
#: estimate; without the factor the estimate was 11% low at 1e6 samples.
_ONLINE_HEAP_FACTOR = 1.15


def estimate_memory(
    scenario: Scenario,
    *,
    n_policies: int = 1,
    keep: Keep = "full",
    chunk_size: int = CHUNK_SIZE,
    workers: int = 1,
    processes: bool = False,
    bins: int = 2048,
) -> MemoryEstimate:
    """Peak memory of running ``scenario`` under ``n_policies`` policies (2 for :func:`compare`).

    Simulates one probe chunk (:data:`_PROBE_SAMPLES` samples on the grid's span in
    :data:`_PROBE_STEPS` steps), measures the bytes of every variable it returns (trajectories,
    metrics, parameters, hazard terms) and scales each by the run's samples and time steps
    where it has those dims: the stored arrays are exact, the engine's temporaries are
    :data:`_CHUNK_PEAK_FACTOR` times the chunk's trajectories. ``workers`` chunks run at once
    (threads share this process; ``processes`` adds one interpreter per worker). ``bins`` is
    that of :class:`~pausesim.reduce.QuantileReducer`. Checked against peak RSS
    (``benchmarks/bench_memory.py``, ``tests/test_memory.py`` against tracemalloc): within 10%
    for the compute engine from 20,000 to 1,000,000 samples with every ``keep`` (1,000,000
    samples: +1% for ``none``, 0% for ``quantiles``); 17-30% high for the ftm engine.
    """
    engine = get_engine(scenario.engine)
    worldviews = resolve_worldviews(scenario.risk) if engine.publishes_risk_inputs else []
    n, n_t = scenario.samples, scenario.grid.n_steps
    probe_t = min(n_t, _PROBE_STEPS)
    grid = scenario.grid
    # The same span on fewer, longer steps: report horizons (years within the grid) stay.
    step = (grid.end - grid.start) / (probe_t - 1) if n_t > probe_t else grid.step
    short = grid.model_copy(update={"step": step})
    probe = scenario.model_copy(update={"grid": short, "samples": _PROBE_SAMPLES})
    job = _ChunkJob(probe, (scenario.policy,), "full", tuple(worldviews))
    try:
        outputs, pds = job((0, (0, _PROBE_SAMPLES)))
    except Exception:  # a policy the coarse grid cannot express: probe the whole grid
        probe_t = n_t
        probe = scenario.model_copy(update={"samples": _PROBE_SAMPLES})
        job = _ChunkJob(probe, (scenario.policy,), "full", tuple(worldviews))
        outputs, pds = job((0, (0, _PROBE_SAMPLES)))
    traj, mets, th = outputs[0]

    def per_sample(obj) -> float:
        """Bytes per sample of ``obj`` on the run's grid."""
        if obj is None:
            return 0.0
        ds = obj.to_dataset(name="_") if isinstance(obj, xr.DataArray) else obj
        total = 0.0
        for v in ds.variables.values():
            if "sample" not in v.dims:
                continue
            scale = (n_t / probe_t) if "time" in v.dims else 1.0
            total += v.nbytes * scale / _PROBE_SAMPLES
        return total

    def histogram_bytes(ds: xr.Dataset) -> float:
        """Bytes of the quantile histograms (and result) of one policy's trajectories."""
        total = 0.0
        for v in ds.data_vars.values():
            if "sample" not in v.dims:
                continue
            cells = v.size / v.sizes["sample"] * ((n_t / probe_t) if "time" in v.dims else 1)
            total += cells * 8 if v.dtype == bool else cells * ((bins + 3) * 4 + 5 * 8)
        return total

    p = max(1, n_policies)
    chunk = max(1, min(chunk_size, n))
    traj_chunk = per_sample(traj) * chunk
    # Chunks return whole trajectories for "full" and "quantiles" (reduced here, not in them).
    kept_chunk = traj_chunk if keep != "none" else 0.0
    if keep == "full":
        kept = p * per_sample(traj) * n
    elif keep == "quantiles":
        kept = p * histogram_bytes(traj)
    else:
        kept = 0.0
    # Metrics and hazard terms per policy, parameters once: chunk lists plus concatenations
    # (the parameters are concatenated once per policy), and the comparison's deltas.
    m, h, prm = per_sample(mets), per_sample(th), per_sample(pds)
    samples_bytes = n * (2 * p * (m + h) + (p + 1) * prm + (m if p > 1 else 0.0))
    in_flight = max(1, min(workers, -(-n // chunk)))
    # One chunk's peak (the engine's temporaries, the other policies' kept outputs) and the
    # finished chunks the executor holds until they are merged in order.
    chunk_peak = _CHUNK_PEAK_FACTOR * traj_chunk + (p - 1) * kept_chunk
    if keep == "none" and hasattr(engine, "simulate_online"):
        # metrics and hazards accumulate in the loop: the engine keeps a ring of a few steps
        # (pausesim.engines.compute.online), and the accumulators hold the integrated terms
        # in float64 at the report and risk horizons (about 3x their float32 result)
        from pausesim.engines.compute.online import ring_rows

        rows = min(n_t, ring_rows(scenario.grid.times, scenario.metrics))
        chunk_peak = _CHUNK_PEAK_FACTOR * traj_chunk * rows / n_t + 3 * h * chunk
        samples_bytes *= _ONLINE_HEAP_FACTOR
    chunk_peak += _shock_table_bytes(scenario) * chunk
    working = in_flight * (chunk_peak + p * kept_chunk)
    baseline = _BASELINE_BYTES * (1 + (in_flight if processes else 0))
    return MemoryEstimate(
        kept=int(kept),
        per_sample=int(samples_bytes),
        working_set=int(working),
        baseline=baseline,
        chunk_bytes=int(chunk_peak),
        chunks_in_flight=in_flight,
        keep=keep,
        samples=n,
        chunk_size=chunk,
    )


def _shock_table_bytes(scenario: Scenario) -> float:
    """Bytes per sample of the compute engine's political-shock table at its peak.

    The shocks are a Poisson process of rate ``h`` from the grid's start (or the pause's, if
    earlier) past the grid's end (:func:`pausesim.engines.compute.pause.shock_times`), one row
    per shock until every sample is past the end: about ``h S`` rows over a span ``S``, plus
    the tail of the largest count among the samples (``5 sqrt(h S) + 1`` bounds it). The table
    is held with its stacking copy and the comparison and selection of
    :func:`~pausesim.engines.compute.pause.first_at_or_after`: four float64 copies. Measured
    on ``essay-realistic`` at 20,000 samples (``keep="none"``, one chunk): the peak RSS grew
    by 33 MiB at ``h = 1`` and 238 MiB at ``h = 10``; this gives 40 and 271 MiB.
    """
    h = scenario.policy.end.political_lift_hazard_per_year
    if scenario.engine != "compute" or h <= 0 or scenario.policy.is_none:
        return 0.0
    grid = scenario.grid
    span = grid.end - min(grid.start, scenario.policy.start_year)
    rows = h * span + 5.0 * math.sqrt(h * span) + 1.0
    return 4 * 8 * rows


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


def _attrs(scenario: Scenario, chunk_size: int, backend: str = "numpy") -> dict:
    return {
        "backend": backend,
        "scenario": scenario.name,
        "scenario_toml": to_toml(scenario),
        "engine": scenario.engine,
        "seed": scenario.seed,
        "samples": scenario.samples,
        "chunk_size": chunk_size,
        "pausesim_version": __version__,
    }


def save_result(
    result: Result | Comparison,
    folder: str | Path,
    *,
    trajectories: bool = True,
    keep: Keep | None = None,
    command: Sequence[str] | None = None,
    started: str | None = None,
) -> list[Path]:
    """Write a run or comparison to ``folder`` as a unit, replacing any earlier results there.

    Files: the scenario TOML, metrics (Parquet and CSV), the summary CSV, ``worlds.csv`` (one
    row per world: its sampled parameters and every metric and delta, :meth:`Result.worlds`,
    :meth:`Comparison.worlds`), why the pause ended
    (``lift_reasons.csv``, engines that record pause episodes) and, optionally, trajectories
    (netCDF); for a comparison with risk also ``verdicts.csv`` (with its flags),
    ``cruxes.csv``, ``decomposition.csv`` (by hazard term, every horizon of the sweep) and
    ``horizons.csv`` (the verdict across the sweep); last ``manifest.json``
    (:mod:`pausesim.io.manifest`): version, seed, samples, chunk size, ``keep``, ``command``,
    ``started`` (ISO time; default: when the save starts), the end time and every file with
    its size and SHA-256.

    The folder is built beside ``folder`` and swapped in whole (:func:`pausesim.io.folder.
    write_folder`): a reader sees the complete new folder or the old one, never a mix, and an
    interrupted save leaves the old one untouched.

    Raises
    ------
    pausesim.io.folder.OutputFolderError
        If ``folder`` is a file, a folder that is not a results folder, cannot be written, or
        is being written by another process.
    """
    from pausesim.io import save_dataset, save_table
    from pausesim.io.folder import test_delay, write_folder

    policy_run = result.policy if isinstance(result, Comparison) else result
    runs = (
        {"policy": result.policy, "counterfactual": result.counterfactual}
        if isinstance(result, Comparison)
        else {"policy": result}
    )
    info = {
        "kind": "comparison" if isinstance(result, Comparison) else "run",
        "pausesim_version": __version__,
        "scenario": result.scenario.name,
        "engine": result.scenario.engine,
        "policy": policy_run.policy.name,
        "seed": result.scenario.seed,
        "samples": result.scenario.samples,
        "chunk_size": policy_run.metrics.attrs.get("chunk_size"),
        "backend": policy_run.metrics.attrs.get("backend", "numpy"),
        "keep": keep or _kept_mode(policy_run.trajectories),
        "trajectories_saved": bool(trajectories and policy_run.trajectories.data_vars),
        "n_failed": {label: r.n_failed for label, r in runs.items()},
        "command": list(command) if command is not None else None,
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        **({"started_at": started} if started else {}),
    }
    scenario_text = to_toml(result.scenario)
    with write_folder(folder, info) as tmp:
        (tmp / "scenario.toml").write_text(scenario_text, encoding="utf-8")
        for label, r in runs.items():
            table = wide_table(r.metrics)
            for suffix in ("parquet", "csv"):
                test_delay()
                save_table(table, tmp / f"metrics_{label}.{suffix}")
            if trajectories and r.trajectories.data_vars:
                test_delay()
                save_dataset(r.trajectories, tmp / f"trajectories_{label}.nc")
        if isinstance(result, Comparison):
            deltas = wide_table(result.deltas)
            for suffix in ("parquet", "csv"):
                save_table(deltas, tmp / f"deltas.{suffix}")
        save_table(result.summary().reset_index(), tmp / "summary.csv")
        save_table(result.worlds(), tmp / "worlds.csv")
        if "lift_reason" in policy_run.metrics:
            save_table(policy_run.lift_reasons(), tmp / "lift_reasons.csv")
        if isinstance(result, Comparison) and "delta_risk" in result.deltas:
            test_delay()
            save_table(result.verdicts().reset_index(), tmp / "verdicts.csv")
            save_table(result.cruxes(), tmp / "cruxes.csv")
            save_table(result.decomposition(), tmp / "decomposition.csv")
            save_table(result.horizon_sweep().reset_index(), tmp / "horizons.csv")
        names = sorted(p.name for p in tmp.iterdir())
    folder = Path(folder)
    return [folder / name for name in names] + [folder / "manifest.json"]


def _kept_mode(trajectories: xr.Dataset) -> Keep:
    if not trajectories.data_vars:
        return "none"
    return "quantiles" if "quantile" in trajectories.dims else "full"


@dataclass(frozen=True)
class SavedResult:
    """A results folder checked against its manifest (:func:`load_result`)."""

    folder: Path
    manifest: dict
    scenario: Scenario

    def table(self, name: str) -> pd.DataFrame:
        """A saved table by stem (``metrics_policy``, ``deltas``, ``verdicts``, ...).

        The Parquet file if there is one (exact), else the CSV.
        """
        from pausesim.io import load_table

        for suffix in ("parquet", "csv"):
            path = self.folder / f"{name}.{suffix}"
            if path.is_file():
                return load_table(path)
        raise FileNotFoundError(f"{self.folder}: no table '{name}'")

    def trajectories(self, label: str = "policy") -> xr.Dataset:
        """The saved trajectories of ``policy`` or ``counterfactual``."""
        from pausesim.io import load_dataset

        return load_dataset(self.folder / f"trajectories_{label}.nc")


def load_result(folder: str | Path, *, verify: bool = True) -> SavedResult:
    """Open a results folder written by :func:`save_result`, refusing an incomplete one.

    The folder must hold a valid ``manifest.json`` whose files all exist with the recorded
    sizes and SHA-256 (``verify=False`` skips the hashes), and a ``scenario.toml`` that loads.

    Raises
    ------
    pausesim.io.manifest.ResultFolderError
        If the folder has no valid manifest or does not match it.
    pausesim.scenario.ScenarioError
        If its scenario no longer validates.
    """
    from pausesim.io.manifest import read_manifest
    from pausesim.scenario import from_dict, read_toml

    folder = Path(folder)
    manifest = read_manifest(folder, verify=verify)
    path = folder / "scenario.toml"
    scenario = from_dict(read_toml(path), str(path))
    return SavedResult(folder, manifest, scenario)
