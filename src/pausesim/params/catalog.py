"""The parameter catalog: every model input as data, with unit, default, bounds and source.

A :class:`Parameter` carries everything a user needs to judge a number: its symbol, unit, a
default distribution (a 90% interval where uncertain), the allowed range and the citation it
comes from, or an explicit ``assumption`` label. Engines declare their inputs as a
:class:`Catalog`; ``pausesim params`` lists it and ``docs/parameters.md`` is generated from it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from pausesim.distributions import Distribution, Point


@dataclass(frozen=True)
class Parameter:
    """One named model input.

    Attributes
    ----------
    name
        Identifier used in scenario files and ``--set name=value``.
    symbol
        Symbol in the equations of ``docs/model.md``.
    unit
        Physical unit, or ``"1"`` for dimensionless quantities.
    description
        What the parameter means, in one or two sentences.
    default
        Default distribution (a :class:`~pausesim.distributions.Point` when certain).
    bounds
        Allowed range ``(low, high)``, inclusive. Values outside are rejected, never clamped;
        uncertain defaults are sampled from their law truncated to these bounds.
    source
        Citation for the default, or a sentence starting with ``"Assumption"``.
    group
        Mechanism the parameter belongs to (``hardware``, ``spending``, ...).
    per_actor
        True if every actor has its own value (sampled shape ``(sample, actor)``).
    actor_defaults
        For per-actor parameters: default distribution per actor name of the default world;
        actors not listed use ``default``.
    integer, boolean
        Whether the value must be an integer or a 0/1 switch.
    world_share
        For per-actor parameters: the actors' values are shares of one world total (of
        hardware R&D, of chip production), so together they cannot exceed 1; scenarios whose
        shares cannot sum to at most 1 are rejected.
    label
        Short name for people (tables, charts, sliders), e.g. ``"Hardware doubling time"``;
        :attr:`title` falls back to the description's first clause.
    """

    name: str
    symbol: str
    unit: str
    description: str
    default: Distribution
    bounds: tuple[float, float]
    source: str
    group: str
    per_actor: bool = False
    actor_defaults: Mapping[str, Distribution] = field(default_factory=dict)
    integer: bool = False
    boolean: bool = False
    world_share: bool = False
    label: str = ""

    @property
    def title(self) -> str:
        """:attr:`label`, else the description's first clause (up to ``:``, ``;``, ``(``, ``.``).

        Every shipped parameter has a label (``tests/test_labels.py``); the fallback serves
        catalogs of other engines.
        """
        if self.label:
            return self.label
        import re

        clause = re.split(r"[:;(]|\.(?:\s|$)", self.description, maxsplit=1)[0].strip(" ,")
        return clause or self.name

    @property
    def is_assumption(self) -> bool:
        """True when the default is a labelled modelling assumption rather than a sourced figure."""
        return self.source.lower().startswith("assumption")

    def default_for(self, actor: str | None = None) -> Distribution:
        """Default distribution, for a given actor if the parameter is per actor."""
        if actor is not None and actor in self.actor_defaults:
            return self.actor_defaults[actor]
        return self.default

    def check_value(self, value: float, where: str) -> None:
        """Raise ``ValueError`` naming ``where`` if ``value`` is outside the bounds."""
        lo, hi = self.bounds
        if not lo <= value <= hi:
            raise ValueError(
                f"{where} = {value:g} is outside the allowed range [{lo:g}, {hi:g}] "
                f"({self.unit}) of parameter '{self.name}'"
            )
        if self.integer and value != int(value):
            raise ValueError(f"{where} = {value:g} must be an integer")
        if self.boolean and value not in (0, 1):
            raise ValueError(f"{where} = {value:g} must be 0 or 1 (false or true)")

    def check_distribution(self, dist: Distribution, where: str) -> None:
        """Reject a distribution whose 90% interval leaves the bounds, or a bad point value."""
        if isinstance(dist, Point):
            self.check_value(dist.value, where)
            return
        lo, hi = dist.interval90()
        for v, label in ((lo, "5th percentile"), (hi, "95th percentile")):
            if not self.bounds[0] <= v <= self.bounds[1]:
                raise ValueError(
                    f"{where}: the {label} {v:g} of {dist.describe()} is outside the allowed "
                    f"range [{self.bounds[0]:g}, {self.bounds[1]:g}] ({self.unit}) of "
                    f"parameter '{self.name}'"
                )


@dataclass(frozen=True)
class Catalog:
    """An ordered, immutable collection of parameters, looked up by name."""

    parameters: tuple[Parameter, ...]
    engine: str = ""

    def __post_init__(self) -> None:
        names = [p.name for p in self.parameters]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"duplicate parameter names in catalog: {sorted(dup)}")

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self.parameters)

    def __len__(self) -> int:
        return len(self.parameters)

    def __contains__(self, name: object) -> bool:
        return any(p.name == name for p in self.parameters)

    def __getitem__(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(name)

    def get(self, name: str) -> Parameter | None:
        """The parameter called ``name``, or None."""
        return next((p for p in self.parameters if p.name == name), None)

    @property
    def names(self) -> tuple[str, ...]:
        """Parameter names in catalog order."""
        return tuple(p.name for p in self.parameters)

    def unknown(self, name: str) -> str:
        """Error message for an unknown parameter name, with close matches."""
        import difflib

        close = difflib.get_close_matches(name, self.names, n=3)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        return f"unknown parameter '{name}' for engine '{self.engine}'{hint}"

    def records(self) -> list[dict]:
        """One flat dict per parameter (and per actor default), for tables and exports."""
        rows = []
        for p in self.parameters:
            lo, hi = p.default.interval90()
            rows.append(
                {
                    "name": p.name,
                    "symbol": p.symbol,
                    "label": p.title,
                    "group": p.group,
                    "unit": p.unit,
                    "default": p.default.describe(),
                    "median": p.default.median(),
                    "p5": lo,
                    "p95": hi,
                    "min": p.bounds[0],
                    "max": p.bounds[1],
                    "per_actor": p.per_actor,
                    "actor_defaults": "; ".join(
                        f"{a}: {d.describe()}" for a, d in p.actor_defaults.items()
                    ),
                    "source": p.source,
                    "description": p.description,
                }
            )
        return rows
