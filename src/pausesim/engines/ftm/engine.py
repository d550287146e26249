"""The ``ftm`` engine: Davidson's compute-centric takeoff model behind the common protocol.

Wraps :func:`pausesim.engines.ftm.model.simulate` and publishes the common outputs of
:data:`pausesim.engines.base.COMMON_OUTPUTS` for the single actor ``world``:

- ``effective_compute``: log10 of the largest training run in the model's units (2022 FLOP
  times software efficiency, i.e. effective FLOP);
- ``physical_compute`` / ``feasible_compute``: that run (after / without the pause cap)
  divided by software efficiency: physical FLOP;
- ``algorithmic_efficiency``: log10 of the software level (1 in 2022);
- ``hardware_price_performance``: log10 FLOP/$ of buyable hardware (after the hardware delay);
- ``capability``: effective compute minus :data:`CAPABILITY_REFERENCE_LOG10_FLOP`;
- ``cap``: the pause cap in the measure of ``policy.cap.measure`` (log10 physical FLOP, or
  log10 effective FLOP at 2022 algorithms), named in its ``measure`` attribute and in
  ``ds.attrs["cap_measure"]``;
- ``frontier_share`` is 1 and ``low_safety_frontier_share`` 0: one economy, one frontier,
  no safety-culture split.

The model's own trajectories (``gwp``, ``frac_tasks_automated_goods``, ...) are added with dims
``(sample, time)`` under their reference names, with the takeoff and timeline metrics of
:mod:`.metrics` per sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from pausesim.backend import check_backend
from pausesim.engines.base import annotate
from pausesim.engines.ftm import metrics, model
from pausesim.engines.ftm.metrics import FTM_METRICS
from pausesim.engines.ftm.parameters import CATALOG, DEFAULT_ACTORS
from pausesim.engines.ftm.pause import WORLD, PauseSchedule
from pausesim.grid import TimeGrid
from pausesim.params.catalog import Catalog
from pausesim.params.sampling import SampledParams
from pausesim.policy import Policy
from pausesim.units import LOG10_GPT4_FLOP

#: log10 FLOP of GPT-4's training run (:data:`pausesim.units.GPT4_TRAINING_FLOP`). The model's
#: software level is 1 in 2022, so its effective compute is FLOP at 2022 algorithms: the scale
#: of :mod:`pausesim.units`, shared with the compute engine.
CAPABILITY_REFERENCE_LOG10_FLOP = LOG10_GPT4_FLOP

#: Davidson's headline metrics (:mod:`.metrics`), reported by ``run`` and ``compare`` beside the
#: common ones, with their policy-minus-no-pause deltas: name -> description.
HEADLINE_METRICS = {
    name: FTM_METRICS[name].description
    for name in ("agi_year", "automation_gns_100pct", "full_automation_gns", "gwp_growth")
}


@dataclass(frozen=True)
class FTMEngine:
    """Vectorized Davidson (2023) takeoff model with pause levers.

    ``record="full"`` also keeps every scalar state of the reference (for validation);
    ``"core"`` keeps what the metrics and common outputs need.
    """

    name: str = "ftm"
    publishes_risk_inputs: bool = False  # single economy: no alignment or governance stocks
    record: str = "core"
    #: array backend of the step (:mod:`pausesim.backend`): ``numpy`` or ``jax``
    backend: str = "numpy"

    def __post_init__(self):
        check_backend(self.backend)

    @property
    def headline_metrics(self) -> dict[str, str]:
        """Per-sample outputs reported with the common metrics (:data:`HEADLINE_METRICS`)."""
        return HEADLINE_METRICS

    @property
    def catalog(self) -> Catalog:
        """Parameters of the engine."""
        return CATALOG

    @property
    def default_actors(self) -> tuple[str, ...]:
        """The single actor, ``("world",)``."""
        return DEFAULT_ACTORS

    def check_policy(self, policy) -> None:
        """Raise ``ValueError`` naming a policy field the one-economy world cannot represent.

        Called when a scenario is validated, so such a policy is refused before a run.
        """
        from pausesim.engines.ftm.pause import check_policy

        check_policy(policy)

    def simulate(
        self,
        params: SampledParams,
        policy: Policy,
        grid: TimeGrid,
        rng: np.random.Generator,
    ) -> xr.Dataset:
        """Advance all samples together over ``grid`` under ``policy``."""
        if tuple(params.actors) != DEFAULT_ACTORS:
            raise ValueError(
                f"the ftm engine has the single actor {list(DEFAULT_ACTORS)}, got "
                f"{list(params.actors)}"
            )
        schedule = PauseSchedule.from_policy(policy, params.n, rng, origin=float(grid.times[0]))
        with np.errstate(all="ignore"):
            run = model.simulate(
                params.values, grid.times, grid.step, schedule, self.record, self.backend
            )
            ds = to_dataset(run, grid, policy)
            ds = ds.merge(metrics.ftm_metrics(ds))
        return ds


def to_dataset(run: model.Run, grid: TimeGrid, policy: Policy) -> xr.Dataset:
    """Label a :class:`~pausesim.engines.ftm.model.Run` and derive the common outputs."""
    tr = {k: v.T for k, v in run.trajectories.items()}  # (sample, time)
    n, n_t = tr["gwp"].shape
    btr, software = tr["biggest_training_run"], tr["software"]
    effective = np.log10(btr)
    physical = np.log10(btr / software)
    feasible = np.log10(tr["feasible_training_run"] / software)
    capability = effective - CAPABILITY_REFERENCE_LOG10_FLOP
    alive = np.arange(n_t)[None, :] < run.n_steps[:, None]
    paused = (tr["paused"] > 0) & alive
    in_coalition = WORLD in policy.coalition.everyone_ever

    def actor(a: np.ndarray) -> tuple[tuple[str, ...], np.ndarray]:
        return ("sample", "actor", "time"), a[:, None, :]

    # The model's own check (a non-finite state, :data:`.model._HEALTH`, stops the sample) and
    # the common outputs that feed the metrics, checked while the sample runs (after it stops
    # they are NaN by design): a sample failing any is flagged with what failed.
    common = {
        "capability": capability,
        "physical_compute": physical,
        "feasible_compute": feasible,
        "algorithmic_efficiency": np.log10(software),
        "hardware_price_performance": np.log10(tr["buyable_hardware_performance"]),
    }
    failed = np.column_stack(
        [run.failed] + [(alive & ~np.isfinite(v)).any(axis=1) for v in common.values()]
    )
    checks = ["model_state", *common]

    data = {
        "capability": actor(capability),
        "effective_compute": actor(effective),
        "physical_compute": actor(physical),
        "feasible_compute": actor(feasible),
        "algorithmic_efficiency": actor(common["algorithmic_efficiency"]),
        "hardware_price_performance": actor(common["hardware_price_performance"]),
        "frontier_capability": (("sample", "time"), capability),
        "frontier_share": (
            ("sample", "actor", "sector", "time"),
            np.where(alive, 1.0, np.nan)[:, None, None, :],
        ),
        "low_safety_frontier_share": (("sample", "time"), np.where(alive, 0.0, np.nan)),
        "in_coalition": actor(np.full((n, n_t), in_coalition)),
        "paused": actor(paused),
        "cap": (("sample", "time"), np.where(alive, tr["cap"], np.nan)),
        "lift_time": (("sample",), np.where(np.isfinite(run.lift_time), run.lift_time, np.nan)),
        "sample_failed": (("sample",), failed.any(axis=1)),
        "variable_failed": (("sample", "failure_check"), failed),
        "failed_step": (("sample",), run.failed_step),
        "n_steps": (("sample",), run.n_steps),
    }
    for name, values in tr.items():
        if name in ("cap", "paused"):
            continue
        data[name] = (("sample", "time"), values)
    ds = xr.Dataset(
        data,
        coords={
            "sample": np.arange(n),
            "actor": list(DEFAULT_ACTORS),
            "sector": ["legal"],
            "time": grid.times,
            "failure_check": checks,
        },
        attrs={
            "engine": "ftm",
            "t_start": grid.start,
            "t_step": grid.step,
            "n_failed": int(failed.any(axis=1).sum()),
            "n_failed_by_variable": ", ".join(
                f"{k}: {int(c)}" for k, c in zip(checks, failed.sum(axis=0), strict=True) if c
            ),
            "policy": policy.name,
            "capability_reference_log10_flop": CAPABILITY_REFERENCE_LOG10_FLOP,
            "note": "single-economy model: frontier_share is 1 for the world and "
            "low_safety_frontier_share is 0 (no safety-culture split).",
        },
    )
    ds["low_safety_frontier_share"].attrs["note"] = (
        "always 0: Davidson's model has one economy and no safety culture"
    )
    ds = annotate(ds)
    measure = policy.cap.measure
    ds.attrs["cap_measure"] = measure
    ds["cap"].attrs.update(
        measure=measure,
        units="log10 FLOP" if measure == "physical" else "log10 effective FLOP (2022 algorithms)",
    )
    return ds


ENGINE = FTMEngine()
