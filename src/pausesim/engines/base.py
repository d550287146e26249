"""The engine protocol and the output variables every engine publishes.

An engine turns sampled parameters, a policy and a time grid into an :class:`xarray.Dataset`
with dims ``(sample, actor, time)``. Metrics, comparisons, worldviews and reports read only the
common variables in :data:`COMMON_OUTPUTS`, so they work on every engine unchanged.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
import xarray as xr

from pausesim.grid import TimeGrid
from pausesim.params.catalog import Catalog
from pausesim.params.sampling import SampledParams
from pausesim.policy import Policy

#: name -> (dims, unit, description) of the variables every engine must publish.
COMMON_OUTPUTS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "capability": (
        ("sample", "actor", "time"),
        "OOM",
        "capability of the actor's best model: log10 of effective training compute above the "
        "reference frontier",
    ),
    "effective_compute": (
        ("sample", "actor", "time"),
        "log10 effective FLOP",
        "physical training compute of the largest run times algorithmic efficiency",
    ),
    "physical_compute": (
        ("sample", "actor", "time"),
        "log10 FLOP",
        "physical compute of the actor's largest legal training run",
    ),
    "feasible_compute": (
        ("sample", "actor", "time"),
        "log10 FLOP",
        "largest run the actor could afford and build if no cap applied",
    ),
    "algorithmic_efficiency": (
        ("sample", "actor", "time"),
        "log10 multiplier",
        "algorithmic efficiency relative to the start of the grid",
    ),
    "hardware_price_performance": (
        ("sample", "actor", "time"),
        "log10 FLOP/$",
        "hardware price-performance available to the actor",
    ),
    "frontier_capability": (
        ("sample", "time"),
        "OOM",
        "capability of the best model of any actor or sector",
    ),
    "frontier_share": (
        ("sample", "actor", "sector", "time"),
        "1",
        "share of 10**effective_compute held by each actor and sector (sums to 1)",
    ),
    "low_safety_frontier_share": (
        ("sample", "time"),
        "1",
        "share of the frontier held by actors and sectors with low safety culture",
    ),
    "in_coalition": (("sample", "actor", "time"), "bool", "actor is a pause-coalition member"),
    "paused": (("sample", "actor", "time"), "bool", "a pause cap applies to the actor"),
    "cap": (("sample", "time"), "log10 FLOP", "training-compute cap (+inf when none)"),
    "lift_time": (("sample",), "year", "when the pause ended (NaN if it never did)"),
    "sample_failed": (("sample",), "bool", "the sample hit NaN or overflow"),
}

#: short label of each common output, for charts and tables (:mod:`pausesim.labels`).
OUTPUT_LABELS: dict[str, str] = {
    "capability": "Capability",
    "effective_compute": "Effective compute",
    "physical_compute": "Physical training compute",
    "feasible_compute": "Feasible training compute",
    "algorithmic_efficiency": "Algorithmic efficiency",
    "hardware_price_performance": "Hardware price-performance",
    "frontier_capability": "Frontier capability",
    "frontier_share": "Frontier share",
    "low_safety_frontier_share": "Low-safety labs' frontier share",
    "in_coalition": "In the pause coalition",
    "paused": "Paused",
    "cap": "Training-compute cap",
    "lift_time": "Year the pause ended",
    "sample_failed": "Failed world",
}


@runtime_checkable
class Engine(Protocol):
    """A simulation model. One module per engine under :mod:`pausesim.engines`."""

    #: Registry name, used in scenario files (``engine = "compute"``).
    name: str

    @property
    def catalog(self) -> Catalog:
        """The engine's parameters."""
        ...

    @property
    def default_actors(self) -> tuple[str, ...]:
        """Actors of the default world."""
        ...

    #: True if the engine publishes the alignment and governance stocks that worldviews need.
    publishes_risk_inputs: bool

    def simulate(
        self,
        params: SampledParams,
        policy: Policy,
        grid: TimeGrid,
        rng: np.random.Generator,
    ) -> xr.Dataset:
        """Advance all samples together and return the trajectories.

        Must publish every variable of :data:`COMMON_OUTPUTS` (engine-specific variables may be
        added) and must not drop samples: a sample that produces NaN or overflow is flagged in
        ``sample_failed`` and kept.
        """
        ...


def check_outputs(ds: xr.Dataset) -> None:
    """Raise ``AssertionError`` if ``ds`` lacks a common output or has it with wrong dims."""
    for name, (dims, _, _) in COMMON_OUTPUTS.items():
        if name not in ds:
            raise AssertionError(f"engine output lacks '{name}'")
        if tuple(ds[name].dims) != dims:
            raise AssertionError(f"'{name}' has dims {ds[name].dims}, expected {dims}")


def annotate(ds: xr.Dataset) -> xr.Dataset:
    """Attach units and descriptions of the common outputs as variable attributes."""
    for name, (_, unit, desc) in COMMON_OUTPUTS.items():
        if name in ds:
            ds[name].attrs.update(units=unit, description=desc)
    return ds
