"""Scenarios: World + Policy + time grid + samples + seed, loaded from TOML (DESIGN §1).

A scenario is validated once, here, at the boundary: unknown fields are rejected, every
parameter value is checked against the engine's catalog, and errors name the field, the bad
value and what is allowed. ``--set name=value`` overrides go through the same validation.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import Field, TypeAdapter, ValidationError, field_validator, model_validator

from pausesim._frozen import Frozen
from pausesim.distributions import Distribution, Point
from pausesim.grid import TimeGrid
from pausesim.io.toml_text import toml_key, toml_value
from pausesim.policy import Policy
from pausesim.units import DANGER_LEVEL_OOMS, FULL_AUTOMATION_OOMS
from pausesim.worldviews.base import Worldview

_DIST = TypeAdapter(Distribution)

#: Largest number of samples a scenario may ask for.
MAX_SAMPLES = 10_000_000


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; the message names every bad field."""


class Correlation(Frozen):
    """Rank correlation between two scalar parameters (Gaussian copula)."""

    a: str
    b: str
    rho: float = Field(ge=-1.0, le=1.0)


def _parse_value(v: Any) -> Any:
    """Number -> Point; table with ``kind`` -> distribution; other table -> per-actor values."""
    if isinstance(v, bool):
        return Point(value=float(v))
    if isinstance(v, int | float):
        return Point(value=float(v))
    if isinstance(v, Mapping) and "kind" in v:
        return _DIST.validate_python(dict(v))
    if isinstance(v, Mapping):
        return {str(a): _parse_value(x) for a, x in v.items()}
    return v  # rejected by the field type with a clear message


ParamValue = Distribution | dict[str, Distribution]


class World(Frozen):
    """The assumptions: actors and the values or distributions of parameters."""

    actors: tuple[str, ...] | None = Field(
        None, description="actor names; default: the engine's default actors"
    )
    params: dict[str, ParamValue] = Field(default_factory=dict)
    correlations: tuple[Correlation, ...] = ()

    @field_validator("params", mode="before")
    @classmethod
    def _values(cls, v):
        if not isinstance(v, Mapping):
            return v
        return {k: _parse_value(x) for k, x in v.items()}


class MetricSettings(Frozen):
    """Capability levels (OOM of effective compute above GPT-4) that define the metrics.

    Capability is on the scale of :mod:`pausesim.units`: effective FLOP at 2022 algorithms over
    GPT-4's 2.1e25 FLOP. Defaults follow Davidson (2023, best guess): 20% of cognitive tasks
    automatable at ~1e32 and full automation at ~1e36 effective FLOP at 2022 algorithms, i.e.
    6.68 and 10.68 OOM above GPT-4.
    """

    danger_level_ooms: float = Field(DANGER_LEVEL_OOMS, ge=-5.0, le=40.0)
    takeoff_from_ooms: float = Field(DANGER_LEVEL_OOMS, ge=-5.0, le=40.0)
    takeoff_to_ooms: float = Field(FULL_AUTOMATION_OOMS, ge=-5.0, le=40.0)
    jump_window_years: float = Field(1.0, gt=0.0, le=20.0)

    @model_validator(mode="after")
    def _ordered(self):
        if not self.takeoff_to_ooms > self.takeoff_from_ooms:
            raise ValueError(
                f"takeoff_to_ooms ({self.takeoff_to_ooms:g}) must exceed takeoff_from_ooms "
                f"({self.takeoff_from_ooms:g})"
            )
        return self


class RiskSettings(Frozen):
    """Which worldviews to evaluate, at which horizons, and the settings of the hazard terms."""

    worldviews: tuple[str, ...] = Field(
        ("feedback-loop", "time-to-prepare", "conflict-and-tyranny"),
        min_length=1,
        description="built-in worldview names, names of [[risk.custom]] entries, or .toml files",
    )
    custom: tuple[Worldview, ...] = ()
    horizons: tuple[float, ...] = Field(
        (2040.0, 2060.0), max_length=20, description="years by which risk is accumulated"
    )
    level_horizons: tuple[float, ...] = Field(
        (FULL_AUTOMATION_OOMS,),
        max_length=20,
        description="capability levels (OOM above GPT-4) up to which risk is accumulated: "
        "risk on the way to a level, compared at equal capability rather than equal dates; "
        "default: full automation in Davidson (2023, best guess), ~1e36 effective FLOP",
    )
    safe_speed_ooms_per_year: float = Field(
        1.0,
        ge=0.0,
        le=20.0,
        description="frontier growth alignment can track (assumption: about the 2010-2024 pace "
        "of frontier effective compute, ~1 OOM/yr, Epoch compute and algorithm trends)",
    )
    danger_width_ooms: float = Field(0.5, gt=0.0, le=10.0)


class Scenario(Frozen):
    """Everything needed to reproduce a run."""

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    engine: str = "compute"
    samples: int = Field(1000, ge=1, le=MAX_SAMPLES)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    grid: TimeGrid = TimeGrid()
    world: World = World()
    policy: Policy = Policy.none()
    metrics: MetricSettings = MetricSettings()
    risk: RiskSettings = RiskSettings()

    @model_validator(mode="after")
    def _check_risk(self):
        for h in self.risk.horizons:
            if not self.grid.start < h <= self.grid.end:
                raise ValueError(
                    f"risk.horizons: {h:g} is outside the grid ({self.grid.start:g}, "
                    f"{self.grid.end:g}]"
                )
        if list(self.risk.horizons) != sorted(set(self.risk.horizons)):
            raise ValueError("risk.horizons must be increasing and distinct")
        if not self.risk.horizons and not self.risk.level_horizons:
            raise ValueError("risk: give at least one of horizons or level_horizons")
        for lv in self.risk.level_horizons:
            if not -5.0 <= lv <= 60.0:
                raise ValueError(f"risk.level_horizons: {lv:g} is outside [-5, 60] OOM")
        from pausesim.worldviews import BUILTIN

        inline = {w.name for w in self.risk.custom}
        for name in self.risk.worldviews:
            if name not in BUILTIN and name not in inline and not name.endswith(".toml"):
                raise ValueError(
                    f"risk.worldviews: unknown worldview '{name}'; built in: "
                    f"{', '.join(BUILTIN)}; or define it under [[risk.custom]] or give a .toml file"
                )
        return self

    @model_validator(mode="after")
    def _check_against_engine(self):
        from pausesim.engines import engine_names, get_engine

        if self.engine not in engine_names():
            raise ValueError(
                f"engine: unknown engine '{self.engine}'; choose one of {list(engine_names())}"
            )
        engine = get_engine(self.engine)
        catalog = engine.catalog
        actors = self.actors
        if len(set(actors)) != len(actors) or not actors:
            raise ValueError(f"world.actors must be distinct and non-empty, got {list(actors)}")
        self.policy.check_actors(actors)
        for name, value in self.world.params.items():
            where = f"world.params.{name}"
            param = catalog.get(name)
            if param is None:
                raise ValueError(f"{where}: {catalog.unknown(name)}")
            if isinstance(value, dict):
                if not param.per_actor:
                    raise ValueError(
                        f"{where}: '{name}' is one value for the whole world, not per actor; "
                        "give a number or a distribution"
                    )
                for actor, dist in value.items():
                    if actor not in actors:
                        raise ValueError(
                            f"{where}.{actor}: unknown actor; the world has {list(actors)}"
                        )
                    param.check_distribution(dist, f"{where}.{actor}")
            else:
                param.check_distribution(value, where)
        for c in self.world.correlations:
            for x in (c.a, c.b):
                p = catalog.get(x)
                if p is None or p.per_actor:
                    raise ValueError(
                        f"world.correlations: '{x}' is not a scalar parameter of the engine"
                    )
        return self

    @property
    def actors(self) -> tuple[str, ...]:
        """Actor names of this world."""
        from pausesim.engines import get_engine

        return self.world.actors or get_engine(self.engine).default_actors

    def with_policy(self, policy: Policy) -> Scenario:
        """The same world, grid, samples and seed under another policy."""
        return self.model_copy(update={"policy": policy})

    def counterfactual(self) -> Scenario:
        """The same scenario with nobody pausing."""
        return self.with_policy(Policy.none())


# -- loading -----------------------------------------------------------------------------------


def _format_errors(err: ValidationError, source: str) -> str:
    lines = [f"{source}: invalid scenario"]
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"] if not str(x).startswith("function-after"))
        loc = _clean_loc(loc)
        msg = e["msg"].removeprefix("Value error, ")
        value = e.get("input")
        shown = "" if isinstance(value, dict | list) or value is None else f" (got {value!r})"
        lines.append(f"  {loc}: {msg}{shown}" if loc else f"  {msg}")
    return "\n".join(lines)


def _clean_loc(loc: str) -> str:
    # pydantic spells union branches in the location (e.g. 'params.x.point.value'); users
    # only need the path of their file.
    for tag in (
        ".point",
        ".uniform",
        ".loguniform",
        ".normal",
        ".lognormal",
        ".beta",
        ".dict[str,tagged-union[Point,Uniform,LogUniform,Normal,LogNormal,Beta]]",
        ".tagged-union[Point,Uniform,LogUniform,Normal,LogNormal,Beta]",
    ):
        loc = loc.replace(tag, "")
    return loc


def from_dict(data: Mapping[str, Any], source: str = "scenario") -> Scenario:
    """Validate a raw mapping (parsed TOML) into a :class:`Scenario`."""
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as err:
        raise ScenarioError(_format_errors(err, source)) from None


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file, turning syntax errors into :class:`ScenarioError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ScenarioError(f"{path}: cannot read file ({err.strerror})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{path}: malformed TOML: {err}") from None


def preset_names() -> tuple[str, ...]:
    """Names of the scenarios shipped with the package."""
    files = resources.files("pausesim.presets").iterdir()
    return tuple(sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml")))


def preset_data(name: str) -> dict[str, Any]:
    """Raw TOML mapping of a shipped scenario."""
    if name not in preset_names():
        import difflib

        close = difflib.get_close_matches(name, preset_names(), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ScenarioError(
            f"unknown scenario '{name}'{hint} (shipped: {', '.join(preset_names())}; "
            "or give a path to a .toml file)"
        )
    text = resources.files("pausesim.presets").joinpath(f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


def raw_scenario(name_or_path: str | Path) -> tuple[dict[str, Any], str]:
    """Raw mapping and source label of a shipped preset name or a TOML path."""
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.exists():
        return read_toml(p), str(p)
    return preset_data(str(name_or_path)), f"preset '{name_or_path}'"


def load(
    name_or_path: str | Path, overrides: Mapping[str, str] | None = None, **fields
) -> Scenario:
    """Load a shipped preset or a TOML file, apply ``--set`` overrides and validate.

    ``overrides`` maps dotted names (``policy.end.duration_years``, ``world.params.x`` or a bare
    parameter name ``x``) to TOML value text; ``fields`` replace top-level fields (samples,
    seed). Everything is validated together, exactly like the file.
    """
    data, source = raw_scenario(name_or_path)
    data = apply_overrides(data, overrides or {}, source)
    data.update({k: v for k, v in fields.items() if v is not None})
    return from_dict(data, source)


def parse_override_value(text: str, where: str) -> Any:
    """Parse the value of ``--set name=value`` as a TOML value.

    Numbers, booleans, strings, arrays and inline tables; bare words are strings.
    """
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        if text and all(c.isalnum() or c in "-_." for c in text):
            return text
        raise ScenarioError(f"--set {where}: cannot parse value {text!r} as a TOML value") from None


def apply_overrides(
    data: dict[str, Any], overrides: Mapping[str, str], source: str
) -> dict[str, Any]:
    """Return a deep copy of ``data`` with dotted-name overrides applied.

    The value ``none`` removes the field, so it takes its default (``null`` where the default
    is unset, e.g. ``policy.end.forced_margin_ooms=none`` switches the forced lift off).
    """
    import copy

    out = copy.deepcopy(data)
    top = set(Scenario.model_fields)
    for name, text in overrides.items():
        value = parse_override_value(text, name)
        path = name.split(".")
        if path[0] not in top:
            path = ["world", "params", *path]  # a bare parameter name
        node = out
        for key in path[:-1]:
            nxt = node.setdefault(key, {})
            if not isinstance(nxt, dict):
                raise ScenarioError(f"--set {name}: '{key}' is not a table in {source}")
            node = nxt
        if isinstance(value, str) and value.lower() in ("none", "null"):
            node.pop(path[-1], None)  # back to the default (e.g. switch an end rule off)
        else:
            node[path[-1]] = value
    return out


def to_toml(scenario: Scenario) -> str:
    """Serialize a scenario back to TOML (for the results folder), so a run can be repeated."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    return _dump_toml(data)


def _dump_toml(data: Mapping[str, Any], prefix: str = "") -> str:
    scalars, tables = [], []
    for k, v in data.items():
        if isinstance(v, Mapping) and prefix != "world.params":
            tables.append((k, v))
        else:
            scalars.append(f"{toml_key(k)} = {toml_value(v)}")
    parts = []
    if scalars:
        parts.append("\n".join(scalars))
    for k, v in tables:
        name = f"{prefix}.{toml_key(k)}" if prefix else toml_key(k)
        body = _dump_toml(v, name)
        parts.append(f"[{name}]\n{body}" if body else f"[{name}]")
    return "\n\n".join(p for p in parts if p) + ("\n" if not prefix else "")


