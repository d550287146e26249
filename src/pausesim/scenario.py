"""Scenarios: World + Policy + time grid + samples + seed, loaded from TOML (DESIGN §1).

A scenario is validated once, here, at the boundary: unknown fields are rejected, every
parameter value is checked against the engine's catalog, and errors name the field, the bad
value and what is allowed. ``--set name=value`` overrides go through the same validation.

Validation is strict (:class:`~pausesim._frozen.Frozen`): no number from a string or a
boolean, no boolean from a string. Contradictions are rejected with the field named: an empty
actor list, a worldview listed twice or named like a built-in one, a correlation pair given
twice or impossible together (not positive definite), shares of a world total that cannot sum
to at most 1, a pause that starts after the grid ends, a re-joining defector. Settings that
are valid but have no effect (a defection by an actor that never joins) are reported by
:attr:`Scenario.warnings`.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import Field, TypeAdapter, ValidationError, field_validator, model_validator

from pausesim._frozen import FieldError, Frozen, _where
from pausesim._textfile import InputFileError, read_text
from pausesim.distributions import Distribution, Point, copula_cholesky
from pausesim.distributions import _Base as _DistributionBase
from pausesim.grid import TimeGrid
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


def _param_value(v: Any, name: str) -> Any:
    """Number -> Point; table with ``kind`` -> distribution; other table -> per-actor values.

    Booleans become 0/1 points here; :meth:`Scenario._booleans_only_for_switches` has already
    refused them for parameters that are not switches.
    """
    if isinstance(v, _DistributionBase):
        return v
    if isinstance(v, bool | int | float):
        return Point(value=_finite(v, (name,)))
    if isinstance(v, Mapping) and "kind" in v:
        try:
            return _DIST.validate_python(dict(v))
        except ValidationError as err:
            raise FieldError(
                [((name, *_user_loc(e["loc"])), _plain(e)) for e in err.errors(include_url=False)]
            ) from None
    if isinstance(v, Mapping):
        out = {}
        for actor, x in v.items():
            if isinstance(x, Mapping) and "kind" not in x:
                raise FieldError(
                    [
                        (
                            (name, actor),
                            "a per-actor value must be a number or a distribution with "
                            'kind = "..." (e.g. { kind = "lognormal", p5 = ..., p95 = ... })',
                        )
                    ]
                )
            out[str(actor)] = _param_value(x, f"{name}.{actor}")
        return out
    raise FieldError(
        [
            (
                (name,),
                'must be a number, a distribution { kind = "lognormal", p5 = ..., p95 = ... } '
                f"or a table of per-actor values{_got(v)}",
            )
        ]
    )


def _finite(v: bool | int | float, loc: tuple[str, ...]) -> float:
    try:
        x = float(v)
    except OverflowError:
        raise FieldError([(loc, f"{str(v)[:12]}... ({len(str(v))} digits) is too large")]) from None
    if not math.isfinite(x):
        raise FieldError([(loc, f"must be a finite number{_got(v)}")])
    return x


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
        out, errors = {}, []
        for k, x in v.items():
            try:
                out[k] = _param_value(x, str(k))
            except FieldError as err:
                errors += err.items
        if errors:
            raise FieldError(errors)
        return out

    @field_validator("actors")
    @classmethod
    def _named(cls, v):
        if v is None:
            return v
        if not v:
            raise ValueError(
                "list at least one actor, or leave world.actors out for the engine's default actors"
            )
        blank = [a for a in v if not a.strip()]
        if blank:
            raise ValueError(f"actor names must not be empty, got {list(v)!r}")
        dup = sorted({a for a in v if v.count(a) > 1})
        if dup:
            raise ValueError(f"actor names must be distinct; listed twice: {dup}")
        return v

    @field_validator("correlations")
    @classmethod
    def _pairs(cls, v):
        seen: dict[frozenset, int] = {}
        for i, c in enumerate(v):
            if c.a == c.b:
                raise FieldError(
                    [((i,), f"'{c.a}' is correlated with itself; name two parameters")]
                )
            pair = frozenset((c.a, c.b))
            if pair in seen:
                raise FieldError(
                    [
                        (
                            (i,),
                            f"the pair '{c.a}' ~ '{c.b}' is given twice (also entry "
                            f"{seen[pair]}); give each pair once",
                        )
                    ]
                )
            seen[pair] = i
        return v


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

    @field_validator("worldviews")
    @classmethod
    def _listed_once(cls, v):
        dup = sorted({n for n in v if v.count(n) > 1})
        if dup:
            raise ValueError(f"each worldview may be listed once; listed twice: {dup}")
        return v

    @field_validator("custom")
    @classmethod
    def _own_names(cls, v):
        from pausesim.worldviews import BUILTIN

        names = [w.name for w in v]
        for i, name in enumerate(names):
            if name in BUILTIN:
                raise FieldError(
                    [
                        (
                            (i, "name"),
                            f"'{name}' is the name of a built-in worldview; give your "
                            "worldview its own name",
                        )
                    ]
                )
            if names.index(name) != i:
                raise FieldError([((i, "name"), f"two custom worldviews are named '{name}'")])
        return v


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

    @model_validator(mode="before")
    @classmethod
    def _booleans_only_for_switches(cls, data):
        # World alone cannot tell a 0/1 switch from a number; the engine's catalog can.
        if not isinstance(data, Mapping):
            return data
        world, engine = data.get("world"), data.get("engine", "compute")
        params = world.get("params") if isinstance(world, Mapping) else None
        if not isinstance(params, Mapping) or not isinstance(engine, str):
            return data
        from pausesim.engines import engine_names, get_engine

        if engine not in engine_names():
            return data
        catalog = get_engine(engine).catalog
        for name, value in params.items():
            p = catalog.get(name)
            if p is None or p.boolean:
                continue
            values = value.items() if isinstance(value, Mapping) else [(None, value)]
            for actor, x in values:
                if isinstance(x, bool):
                    where = f"world.params.{name}" + (f".{actor}" if actor is not None else "")
                    raise ValueError(
                        f"{where}: must be a number, not {str(x).lower()} ('{name}' is not an "
                        "on/off switch)"
                    )
        return data

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
        check_policy = getattr(engine, "check_policy", None)  # levers an engine cannot model
        if check_policy is not None:
            check_policy(self.policy)
        self._check_pause_in_grid()
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
        self._check_world_shares(catalog, actors)
        self._check_correlations(catalog)
        return self

    def _check_pause_in_grid(self) -> None:
        """Reject a pause that cannot start before the grid ends: it would have no effect."""
        coalition = self.policy.coalition
        if self.policy.is_none:
            return
        first, field = self.policy.start_year, "policy.start_year"
        if not coalition.members and min(j.year for j in coalition.joins) > first:
            first = min(j.year for j in coalition.joins)
            field = "policy.coalition.joins (policy.coalition.members is empty)"
        if first >= self.grid.end:
            raise ValueError(
                f"{field}: the pause would start in {first:g}, at or after the end of the grid "
                f"(grid.end = {self.grid.end:g}), so it would have no effect; start it earlier "
                "or extend grid.end"
            )

    def _check_world_shares(self, catalog, actors) -> None:
        """Shares of one world total must be able to sum to at most 1 over the actors."""
        for p in catalog:
            if not (p.per_actor and p.world_share):
                continue
            given = self.world.params.get(p.name)
            lows = []
            for a in actors:
                if isinstance(given, dict):
                    dist = given.get(a, p.default_for(a))
                else:
                    dist = given if given is not None else p.default_for(a)
                lows.append(dist.interval90()[0])
            if sum(lows) > 1.0 + 1e-9:
                parts = ", ".join(f"{a} {lo:.3g}" for a, lo in zip(actors, lows, strict=True))
                raise ValueError(
                    f"world.params.{p.name}: the actors' shares of one world total sum to "
                    f"{sum(lows):.3g} > 1 ({parts}; 5th percentiles for distributions, actors "
                    "not given take their defaults); lower them so they can sum to at most 1"
                )

    def _check_correlations(self, catalog) -> None:
        import numpy as np

        pairs = self.world.correlations
        for c in pairs:
            for x in (c.a, c.b):
                p = catalog.get(x)
                if p is None or p.per_actor:
                    raise ValueError(
                        f"world.correlations: '{x}' is not a scalar parameter of the engine"
                    )
        if not pairs:
            return
        names = sorted({x for c in pairs for x in (c.a, c.b)})
        r = np.eye(len(names))
        for c in pairs:
            i, j = names.index(c.a), names.index(c.b)
            r[i, j] = r[j, i] = c.rho
        try:
            copula_cholesky(r)
        except ValueError as err:
            listed = ", ".join(f"{c.a} ~ {c.b} = {c.rho:g}" for c in pairs)
            raise ValueError(f"world.correlations: {err} ({listed})") from None

    @property
    def actors(self) -> tuple[str, ...]:
        """Actor names of this world."""
        from pausesim.engines import get_engine

        return self.world.actors or get_engine(self.engine).default_actors

    @property
    def warnings(self) -> tuple[str, ...]:
        """Settings that are valid but have no effect, each naming its field.

        Not errors, because generated designs (lever checks, sweeps) produce them on purpose;
        the command line prints them.
        """
        coalition = self.policy.coalition
        ever = set(coalition.everyone_ever)
        out = []
        for d in coalition.defections:
            if d.actor not in ever:
                out.append(
                    f"policy.coalition.defections: '{d.actor}' is never a member (not in "
                    "members or joins), so its defection has no effect"
                )
        for field, changes in (("joins", coalition.joins), ("defections", coalition.defections)):
            for c in changes:
                if c.year > self.grid.end:
                    out.append(
                        f"policy.coalition.{field}: '{c.actor}' in {c.year:g} is after the end "
                        f"of the grid (grid.end = {self.grid.end:g}), so it has no effect"
                    )
        for j in coalition.joins:
            if j.actor in coalition.members:
                out.append(
                    f"policy.coalition.joins: '{j.actor}' is a member from the start, so its "
                    f"join in {j.year:g} has no effect"
                )
        return tuple(out)

    def with_policy(self, policy: Policy) -> Scenario:
        """The same world, grid, samples and seed under another policy."""
        return self.model_copy(update={"policy": policy})

    def counterfactual(self) -> Scenario:
        """The same scenario with nobody pausing."""
        return self.with_policy(Policy.none())


# -- loading -----------------------------------------------------------------------------------

#: Plain wording of pydantic's type errors: what the field must be.
_MUST_BE = {
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": 'must be text in quotes ("...")',
    "tuple_type": "must be an array [...]",
    "list_type": "must be an array [...]",
    "dict_type": "must be a table { ... }",
    "model_type": "must be a table { ... }",
    "model_attributes_type": "must be a table { ... }",
    "finite_number": "must be a finite number (not inf or nan)",
}


def _got(value: Any) -> str:
    if value is None or isinstance(value, dict | list | tuple | Mapping):
        return ""
    if isinstance(value, bool):
        return f" (got {str(value).lower()})"
    text = repr(value)
    return f" (got {text if len(text) <= 80 else text[:77] + '...'})"


def _plain(e: Mapping[str, Any]) -> str:
    """One pydantic error in plain words, with the offending value; no pydantic internals."""
    kind, value, ctx = e["type"], e.get("input"), e.get("ctx") or {}
    if kind in _MUST_BE:
        must = _MUST_BE[kind]
        if kind.startswith(("float", "int")) and isinstance(value, bool):
            return f"{must}, not {str(value).lower()}"
        if kind.startswith(("float", "int")) and isinstance(value, str):
            return f"{must}, not text{_got(value)}; write numbers without quotes"
        if kind.startswith("bool") and isinstance(value, str):
            return f"{must}, without quotes{_got(value)}"
        return must + _got(value)
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "Extra inputs are not permitted (no such field)"
    if kind == "union_tag_invalid":
        tags = str(ctx.get("expected_tags", "")).replace("'", "")
        return f"unknown kind {ctx.get('tag')!r}; choose one of {tags}"
    if kind == "union_tag_not_found":
        return 'needs kind = "..." to say which distribution'
    msg = str(e["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in ("value_error", "assertion_error") or "got" in msg:
        return msg
    return msg + _got(value)


def _user_loc(loc) -> tuple[str | int, ...]:
    # pydantic spells validators and union branches in the location ('function-after[...]',
    # 'tagged-union[...]', the distribution's tag); users only need the path in their file.
    from pausesim.distributions import Beta, LogNormal, LogUniform, Normal, Uniform

    kinds = (Point, Uniform, LogUniform, Normal, LogNormal, Beta)
    tags = {m.model_fields["kind"].default for m in kinds}
    out = []
    for i, x in enumerate(loc):
        s = str(x)
        if _internal(s):
            continue
        if i == 0 and s in tags:  # the branch of a distribution's tagged union
            continue
        out.append(x)
    return tuple(out)


def _format_errors(err: ValidationError, source: str, what: str = "scenario") -> str:
    """Every error of ``err``, one line each: the field's path in the file, then plain words."""
    lines = [f"{source}: invalid {what}"]
    for e in err.errors(include_url=False):
        loc = _user_loc_nested(e["loc"])
        error = (e.get("ctx") or {}).get("error")
        items = error.items if isinstance(error, FieldError) else [((), _plain(e))]
        for sub, msg in items:
            where = _where((*loc, *sub))
            lines.append(f"  {where}: {msg}" if where else f"  {msg}")
    return "\n".join(lines)


def _user_loc_nested(loc) -> tuple[str | int, ...]:
    return tuple(x for x in loc if not _internal(str(x)))


def _internal(part: str) -> bool:
    """A location part pydantic adds for a validator or a union branch, not a field."""
    return "[" in part or "(" in part or part.startswith("function-")


def from_dict(data: Mapping[str, Any], source: str = "scenario") -> Scenario:
    """Validate a raw mapping (parsed TOML) into a :class:`Scenario`."""
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{source}: invalid scenario\n  must be a table of fields")
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as err:
        raise ScenarioError(_format_errors(err, source)) from None


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file, turning unreadable, non-UTF-8 or malformed files into errors.

    Only regular files of at most :data:`pausesim._textfile.MAX_INPUT_BYTES` are read.
    """
    path = Path(path)
    try:
        text = read_text(path, "scenario file")
    except InputFileError as err:
        raise ScenarioError(str(err)) from None
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
    seed). Everything is validated together, exactly like the file. A field given both ways
    (``--set samples=...`` and ``--samples``) is an error, so no value is silently dropped.
    """
    data, source = raw_scenario(name_or_path)
    given = {k: v for k, v in fields.items() if v is not None}
    both = sorted(k for k in given if k in (overrides or {}))
    if both:
        raise ScenarioError(
            f"{source}: {', '.join(both)} given twice (--set {both[0]}=... and --{both[0]}); "
            "give it once"
        )
    data = apply_overrides(data, overrides or {}, source)
    data.update(given)
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
        if not all(path):
            raise ScenarioError(f"--set {name}: empty part in the field name")
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
    """Serialize a scenario to TOML (for the results folder), so that the run can be repeated.

    Written with ``tomli-w``, so any text (newlines, control characters, non-ASCII actor names)
    is escaped and ``from_dict(tomllib.loads(to_toml(s)))`` equals ``s`` for every valid
    scenario; worldviews given as ``.toml`` files are saved by their weights, as ``[[risk.
    custom]]`` entries (:func:`self_contained`), so the folder does not depend on the file.
    Comments and the field order of the original file are not kept; fields left unset are
    omitted (TOML has no null) and take their default again.
    """
    import tomli_w

    data = self_contained(scenario).model_dump(mode="python", exclude_none=True)
    return tomli_w.dumps(_dump_toml(data))


def self_contained(scenario: Scenario) -> Scenario:
    """The same scenario with worldviews read from ``.toml`` files inlined under ``custom``."""
    from pausesim.worldviews import get_worldview

    inline = {w.name for w in scenario.risk.custom}
    files = [n for n in scenario.risk.worldviews if n not in inline and n.endswith(".toml")]
    if not files:
        return scenario
    loaded = {n: get_worldview(n) for n in files}
    custom = list(scenario.risk.custom)
    for w in loaded.values():
        if w.name not in {c.name for c in custom}:
            custom.append(w)
    names = tuple(loaded[n].name if n in loaded else n for n in scenario.risk.worldviews)
    risk = scenario.risk.model_copy(update={"worldviews": names, "custom": tuple(custom)})
    return scenario.model_copy(update={"risk": risk})


def _dump_toml(value: Any) -> Any:
    """Plain TOML data from ``model_dump`` output: tuples become lists, keys strings."""
    if isinstance(value, Mapping):
        return {str(k): _dump_toml(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_dump_toml(v) for v in value]
    return value
