"""Draw parameter values for a batch of sampled worlds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import xarray as xr

from pausesim.distributions import Distribution, correlated_uniforms
from pausesim.params.catalog import Catalog


@dataclass(frozen=True)
class SampledParams:
    """Parameter values for ``n`` sampled worlds.

    Scalar parameters are arrays of shape ``(n,)``; per-actor parameters ``(n, n_actors)`` in
    the order of ``actors``. Engines read them with ``params["name"]``.
    """

    actors: tuple[str, ...]
    values: Mapping[str, np.ndarray]
    n: int

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def subset(self, index: np.ndarray | slice) -> SampledParams:
        """The samples selected by ``index`` (first axis)."""
        vals = {k: v[index] for k, v in self.values.items()}
        n = len(next(iter(vals.values()))) if vals else 0
        return SampledParams(self.actors, vals, n)

    def to_dataset(self) -> xr.Dataset:
        """Labelled copy: dims ``sample`` and, for per-actor parameters, ``actor``."""
        data = {}
        for k, v in self.values.items():
            dims = ("sample",) if v.ndim == 1 else ("sample", "actor")
            data[k] = (dims, v)
        return xr.Dataset(data, coords={"sample": np.arange(self.n), "actor": list(self.actors)})


def sample_params(
    catalog: Catalog,
    actors: tuple[str, ...],
    overrides: Mapping[str, Distribution | Mapping[str, Distribution]],
    n: int,
    rng: np.random.Generator,
    correlations: Mapping[tuple[str, str], float] | None = None,
) -> SampledParams:
    """Sample every catalog parameter for ``n`` worlds.

    Parameters
    ----------
    catalog
        The engine's parameters.
    actors
        Actor names; per-actor parameters get one column each.
    overrides
        Distribution per parameter name replacing the catalog default; for per-actor
        parameters either one distribution for all actors or a mapping actor -> distribution.
    n
        Number of samples.
    rng
        The generator all randomness is drawn from. Parameters are sampled in catalog order,
        so adding an override does not shift the random numbers of other parameters.
    correlations
        Rank correlations between scalar parameters, ``{(a, b): rho}``; joined by a Gaussian
        copula. Uncorrelated parameters are sampled independently.
    """
    # One uniform column per (parameter, actor) slot, in catalog order: every slot consumes the
    # same random numbers whatever its distribution, so runs stay comparable across overrides.
    slots: list[tuple[str, int | None]] = []
    for p in catalog:
        if p.per_actor:
            slots.extend((p.name, j) for j in range(len(actors)))
        else:
            slots.append((p.name, None))
    u = rng.random((n, len(slots)))
    if correlations:
        index = {s: i for i, s in enumerate(slots)}
        names = sorted({x for pair in correlations for x in pair})
        for name in names:
            if (name, None) not in index:
                raise ValueError(f"correlation names '{name}', which is not a scalar parameter")
        k = len(names)
        r = np.eye(k)
        for (a, b), rho in correlations.items():
            i, j = names.index(a), names.index(b)
            r[i, j] = r[j, i] = rho
        cu = correlated_uniforms(r, n, rng)
        for j, name in enumerate(names):
            u[:, index[(name, None)]] = cu[:, j]

    return params_from_uniforms(catalog, actors, overrides, u)


def parameter_slots(catalog: Catalog, actors: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """The (parameter, actor) columns of the unit hypercube, in catalog order.

    A scalar parameter has one column (actor ``None``); a per-actor parameter one per actor.
    """
    slots: list[tuple[str, str | None]] = []
    for p in catalog:
        if p.per_actor:
            slots.extend((p.name, a) for a in actors)
        else:
            slots.append((p.name, None))
    return slots


def slot_distributions(
    catalog: Catalog,
    actors: tuple[str, ...],
    overrides: Mapping[str, Distribution | Mapping[str, Distribution]],
) -> list[Distribution]:
    """The distribution of each slot of :func:`parameter_slots` (the override, else the default).

    Sensitivity designs use it to tell the slots that vary from those fixed at one value.
    """
    dists: list[Distribution] = []
    for p in catalog:
        ov = overrides.get(p.name)
        if p.per_actor:
            for a in actors:
                if isinstance(ov, Mapping):
                    dists.append(ov.get(a, p.default_for(a)))
                elif ov is not None:
                    dists.append(ov)
                else:
                    dists.append(p.default_for(a))
        else:
            dists.append(ov if ov is not None else p.default)
    return dists


def params_from_uniforms(
    catalog: Catalog,
    actors: tuple[str, ...],
    overrides: Mapping[str, Distribution | Mapping[str, Distribution]],
    u: np.ndarray,
) -> SampledParams:
    """Parameter values from points ``u`` ``(n, slots)`` of the unit hypercube.

    Column ``j`` of ``u`` is slot ``j`` of :func:`parameter_slots`; each value is the inverse
    CDF of its distribution (the override, else the catalog default), kept within the
    parameter's bounds. :func:`sample_params` draws ``u`` at random; a sensitivity design (a
    Saltelli sample) passes its own.
    """
    n = u.shape[0]
    values: dict[str, np.ndarray] = {}
    col = 0
    for p in catalog:
        ov = overrides.get(p.name)
        if p.per_actor:
            cols = []
            for a in actors:
                if isinstance(ov, Mapping):
                    dist = ov.get(a, p.default_for(a))
                elif ov is not None:
                    dist = ov
                else:
                    dist = p.default_for(a)
                cols.append(dist.ppf_within(u[:, col], p.bounds))
                col += 1
            values[p.name] = np.column_stack(cols) if cols else np.empty((n, 0))
        else:
            dist = ov if ov is not None else p.default
            values[p.name] = dist.ppf_within(u[:, col], p.bounds)
            col += 1
    return SampledParams(tuple(actors), values, n)
