"""No inert levers: every parameter and policy lever of every compute preset moves something.

For each shipped ``compute`` preset, every catalog parameter is fixed at its 5th and then its
95th percentile (per-actor parameters: every actor at its own percentile) while all other
parameters are sampled as usual with the preset's seed, and every policy lever is set to each of
its options (booleans both ways, literals each option, numeric levers two values inside the
allowed range, coalition membership actor by actor). The two runs share their sampled worlds and
event clocks (common random numbers), so a lever that does nothing leaves every output
bit-for-bit unchanged, and a lever that does something changes some per-sample metric.

A lever *moves* when at least one per-sample metric (``run_metrics``, the risk of every
worldview at every horizon and, for parameters, ``delta_risk`` against the no-pause
counterfactual) changes in some sampled world by more than ``ATOL + RTOL * |value|``, or becomes
defined or undefined (e.g. the danger level reached or not). The tolerance is about a hundred
times float32 rounding, so noise cannot pass for an effect, while with common random numbers a
real effect, however small, shows: every lever listed as inert changes nothing at all (largest
change exactly 0), and the smallest real effects are around 1e-7.

A lever that does not move must be listed, with the reason, in the table of
``docs/levers.md`` (the one list, read here); a listed lever that does move fails too, so the
table stays true. Parameters are run in one batch per preset: the batch stacks one block of
sampled worlds per (parameter, value) along the sample axis, with the event clocks of each block
identical to those of an ordinary run; policies run one engine call each.
``test_batched_runs_match_the_public_api`` checks that every block equals
``pausesim.run.simulate`` of the same scenario and policy, world by world.

Run ``python tests/test_levers.py`` for the table of effects behind the verdicts.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import math
import re
import sys
import typing
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from pausesim import run as run_mod
from pausesim import scenario as scenario_mod
from pausesim.distributions import Point
from pausesim.engines import get_engine
from pausesim.engines.compute import pause as pause_mod
from pausesim.metrics import run_metrics
from pausesim.params.sampling import SampledParams, sample_params
from pausesim.policy import Policy
from pausesim.risk import resolve_worldviews, run_risk

LEVERS_MD = Path(__file__).resolve().parents[1] / "docs" / "levers.md"

#: Sampled worlds per run and grid step (years): enough to see any real effect with common
#: random numbers, few enough for the whole file to run in seconds.
SAMPLES = 24
STEP = 0.5

#: A per-sample change counts when it exceeds ``ATOL + RTOL * max(|before|, |after|)``.
ATOL = 1e-9
RTOL = 1e-5

#: Parameters whose default is one value (no spread) for every actor: the two values to move
#: them between, per actor ("" for a scalar parameter). Actors not named keep their default.
POINT_MOVES: dict[str, dict[str, tuple[float, float]]] = {
    "low_safety_threshold": {"": (0.3, 0.7)},
    # half and twice the IMF figure
    "gdp_usd": {
        "us_allies": (3e13, 1.2e14),
        "china": (9.35e12, 3.74e13),
        "rest_of_world": (1.55e13, 6.2e13),
    },
    # China's share of research talent (scaling every actor alike would change nothing: effort
    # is relative to the leading actor)
    "research_share": {"china": (0.15, 0.35)},
}

#: Settings of policy levers that are neither booleans nor literals (two values inside the
#: allowed range; ``None`` switches an optional rule off) and of ``cap.kind``, whose options
#: need their companion fields. A dict setting is merged into the lever's table.
POLICY_SETTINGS: dict[str, list] = {
    "start_year": [2026.0, 2030.0],
    "end.duration_years": [2.0, 10.0],
    "end.forced_margin_ooms": [None, 0.0, 1.0],
    "end.political_lift_hazard_per_year": [0.0, 0.3],
    "end.alignment_target": [None, 5.0],
    "cap.kind": [
        {"kind": "frozen"},
        {"kind": "fixed", "threshold_flop": 1e26},
        {"kind": "declining", "decline_ooms_per_year": 0.2},
    ],
    "cap.threshold_flop": [1e25, 1e27],
    "cap.decline_ooms_per_year": [0.05, 0.3],
    "lift.ramp_ooms_per_year": [0.25, 2.0],
    "enforcement.detection_hazard_per_year": [0.1, 3.0],
    "enforcement.chip_mechanism_coverage": [0.0, 0.9],
    "enforcement.monitored_run_cost_usd": [1e5, 1e9],
}
#: Policy fields that are labels, not levers.
NOT_LEVERS = {"name", "description"}
#: Levers whose settings are generated per preset (:func:`_coalition_settings`).
COALITION = {"coalition.members", "coalition.joins", "coalition.defections"}


def compute_presets() -> list[str]:
    """Shipped presets of the compute engine."""
    names = scenario_mod.preset_names()
    return [n for n in names if scenario_mod.preset_data(n).get("engine", "compute") == "compute"]


def load(preset: str, overrides: dict[str, str] | None = None) -> scenario_mod.Scenario:
    """The preset with the test's samples and grid step (and ``--set``-style overrides)."""
    if not overrides:
        return _load(preset)
    return scenario_mod.load(preset, {"grid.step": repr(STEP), **overrides}, samples=SAMPLES)


@functools.cache
def _load(preset: str) -> scenario_mod.Scenario:
    return scenario_mod.load(preset, {"grid.step": repr(STEP)}, samples=SAMPLES)


# -- the inert list (docs/levers.md) ---------------------------------------------------------------


@dataclass(frozen=True)
class InertRow:
    """A row of the inert table: presets, lever patterns (fnmatch), the reason and a status."""

    presets: tuple[str, ...]
    patterns: tuple[str, ...]
    reason: str
    status: str
    line: int

    def covers(self, preset: str, lever: str) -> bool:
        """True if the row lists ``lever`` as inert in ``preset``."""
        in_preset = "*" in self.presets or preset in self.presets
        return in_preset and any(fnmatch.fnmatchcase(lever, p) for p in self.patterns)


def inert_rows(path: Path = LEVERS_MD) -> list[InertRow]:
    """Rows of the table between the ``inert-levers`` markers of ``docs/levers.md``."""
    text = path.read_text(encoding="utf-8").splitlines()
    begin = next(i for i, ln in enumerate(text) if "inert-levers: begin" in ln)
    end = next(i for i, ln in enumerate(text) if "inert-levers: end" in ln)
    rows = []
    for i in range(begin + 1, end):
        ln = text[i].strip()
        if not ln.startswith("|") or set(ln) <= set("|-: "):
            continue
        cells = [c.strip() for c in ln.strip("|").split("|")]
        if cells[0].lower() == "preset":
            continue
        presets = tuple(p.strip().strip("`") for p in cells[0].split(","))
        patterns = tuple(re.findall(r"`([^`]+)`", cells[1]))
        status = cells[3] if len(cells) > 3 else ""
        rows.append(InertRow(presets, patterns, cells[2], status, i + 1))
    return rows


# -- which levers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One move of one lever in one preset: two settings whose runs are compared."""

    preset: str
    lever: str  # id shown in the docs table
    kind: str  # "param" or "policy"
    low: typing.Any = field(compare=False)  # parameter: override dict; policy: policy dict
    high: typing.Any = field(compare=False)

    def __str__(self) -> str:
        return f"{self.preset}::{self.lever.replace(' ', '')}"


def _fmt(v) -> str:
    if v is None:
        return "none"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}={_fmt(x)}" for k, x in v.items()) + "}"
    return str(v)


def _param_moves(sc: scenario_mod.Scenario) -> list[tuple[str, dict, dict]]:
    """(name, low overrides, high overrides) of every catalog parameter.

    The 5th and 95th percentiles of the scenario's distribution; if that is one value, of the
    catalog default; if that is one value too, the values in :data:`POINT_MOVES`.
    """
    catalog = get_engine(sc.engine).catalog
    out = []
    for p in catalog:
        given = sc.world.params.get(p.name)
        fallback = POINT_MOVES.get(p.name, {})
        slots = sc.actors if p.per_actor else ("",)
        lo, hi = {}, {}
        for a in slots:
            mine = given.get(a) if isinstance(given, dict) else given
            options = [d for d in (mine, p.default_for(a or None)) if d is not None]
            ranges = [_interval(d) for d in options] + ([fallback[a]] if a in fallback else [])
            v5, v95 = next((r for r in ranges if r[0] != r[1]), ranges[0])
            lo[a], hi[a] = Point(value=v5), Point(value=v95)
        if all(lo[a].value == hi[a].value for a in slots):
            raise AssertionError(
                f"parameter '{p.name}' has no spread to move it across: add two values to "
                "POINT_MOVES in tests/test_levers.py"
            )
        if not p.per_actor:
            lo, hi = lo[""], hi[""]
        out.append((p.name, {p.name: lo}, {p.name: hi}))
    return out


def _interval(dist) -> tuple[float, float]:
    if isinstance(dist, Point):
        return dist.value, dist.value
    return tuple(float(x) for x in dist.interval90())


def _leaf_fields(model: type, prefix: str = "") -> list[tuple[str, typing.Any]]:
    """Dotted names and annotations of the leaf fields of a policy model."""
    out = []
    for name, f in model.model_fields.items():
        ann = f.annotation
        if isinstance(ann, type) and hasattr(ann, "model_fields"):
            out.extend(_leaf_fields(ann, f"{prefix}{name}."))
        else:
            out.append((f"{prefix}{name}", ann))
    return out


def _get(d: dict, path: str):
    for key in path.split("."):
        d = d.get(key) if isinstance(d, dict) else None
    return d


def _with(policy: dict, path: str, value) -> dict:
    """A copy of the policy dict with ``path`` set (``None`` removes it; a dict merges)."""
    import copy

    out = copy.deepcopy(policy)
    *parents, leaf = path.split(".")
    node = out
    for key in parents:
        node = node.setdefault(key, {})
    if isinstance(value, dict):
        node.setdefault(leaf, {}).update(value)
    elif value is None:
        node.pop(leaf, None)
    else:
        node[leaf] = value
    return out


def _settings(path: str, annotation) -> list:
    if path in POLICY_SETTINGS:
        return POLICY_SETTINGS[path]
    if annotation is bool:
        return [False, True]
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    raise AssertionError(
        f"policy lever '{path}' has no settings to move it between: add two values inside "
        "its allowed range to POLICY_SETTINGS in tests/test_levers.py"
    )


def _coalition_settings(policy: dict, actors: tuple[str, ...], start: float):
    """(lever id, changed policy dict) for membership, joins and defections."""
    coal = policy.get("coalition", {})
    members = list(coal.get("members", []))
    out = []
    for a in actors:
        new = [m for m in members if m != a] if a in members else [*members, a]
        sign = "-" if a in members else "+"
        lever = f"policy.coalition.members: {sign}{a}"
        out.append((lever, _with(policy, "coalition.members", new)))
    outsiders = [a for a in actors if a not in members]
    if coal.get("joins"):
        out.append(("policy.coalition.joins: -all", _with(policy, "coalition.joins", [])))
    else:
        # an outsider joins three years in; with everyone a member, the last one joins late
        joiner = outsiders[0] if outsiders else members[-1]
        join = [{"actor": joiner, "year": start + 3.0}]
        changed = _with(policy, "coalition.joins", join)
        if not outsiders:
            changed = _with(changed, "coalition.members", members[:-1])
        lever = f"policy.coalition.joins: +{joiner}@{start + 3.0:g}"
        out.append((lever + ("" if outsiders else " (not a member before)"), changed))
    if coal.get("defections"):
        out.append(("policy.coalition.defections: -all", _with(policy, "coalition.defections", [])))
    else:
        # a member defects two years in (with no member, the first actor: a no-op)
        leaver = members[0] if members else actors[0]
        leave = [{"actor": leaver, "year": start + 2.0}]
        lever = f"policy.coalition.defections: +{leaver}@{start + 2.0:g}"
        out.append((lever, _with(policy, "coalition.defections", leave)))
    return out


def _policy_moves(sc: scenario_mod.Scenario) -> list[tuple[str, dict, dict]]:
    """(lever id, reference policy dict, changed policy dict) of every policy lever."""
    base = sc.policy.model_dump(mode="python")
    out = []
    for path, ann in _leaf_fields(Policy):
        if path in NOT_LEVERS or path in COALITION:
            continue
        settings = _settings(path, ann)
        leaf = path.split(".")[-1]
        values = [s.get(leaf) if isinstance(s, dict) else s for s in settings]
        current = _get(base, path)
        # from the preset's own setting if it is one of them, else from the first
        i_ref = next((i for i, v in enumerate(values) if _same(v, current)), None)
        if i_ref is None:
            i_ref, ref_policy = 0, _with(base, _parent(path, settings[0]), settings[0])
        else:
            ref_policy = base
        for s, v in zip(settings, values, strict=True):
            if _same(v, values[i_ref]):
                continue
            lever = f"policy.{path}: {_fmt(values[i_ref])} -> {_fmt(v)}"
            out.append((lever, ref_policy, _with(ref_policy, _parent(path, s), s)))
    for lever, changed in _coalition_settings(base, sc.actors, sc.policy.start_year):
        out.append((lever, base, changed))
    return out


def _parent(path: str, setting) -> str:
    """Where a setting goes: the lever's table for a dict setting, else the lever itself."""
    return path.rsplit(".", 1)[0] if isinstance(setting, dict) else path


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isinf(a) and math.isinf(b) and a > 0 and b > 0)
    return a == b


@functools.cache
def checks(preset: str) -> tuple[Check, ...]:
    """Every lever move of a preset."""
    sc = load(preset)
    out = [Check(preset, name, "param", lo, hi) for name, lo, hi in _param_moves(sc)]
    out += [Check(preset, lever, "policy", lo, hi) for lever, lo, hi in _policy_moves(sc)]
    return tuple(out)


# -- running the two settings of a lever -----------------------------------------------------------


@contextlib.contextmanager
def _tiled_event_clocks(n_block: int):
    """Give every block of ``n_block`` samples the event clocks of an ordinary run.

    The engine's :class:`~pausesim.engines.compute.pause.EventClocks` draws one random number
    per sample and (mechanism, episode); here the draws of the first ``n_block`` samples repeat
    in every block, so each block sees what an ordinary run of ``n_block`` samples sees.
    """
    original = getattr(pause_mod, "EventClocks", None)
    if original is None or not hasattr(original, "_draw"):
        raise AssertionError(
            "the compute engine's event clocks changed (pause.EventClocks._draw): update "
            "_tiled_event_clocks in tests/test_levers.py so every block sees the same clocks"
        )

    class Tiled(original):
        def __init__(self, rng, n):
            super().__init__(rng, n_block)
            self._reps = n // n_block

        def _draw(self, mechanism, episode):
            return np.tile(super()._draw(mechanism, episode), self._reps)

    pause_mod.EventClocks = Tiled
    try:
        yield
    finally:
        pause_mod.EventClocks = original


def run_blocks(sc: scenario_mod.Scenario, overrides: list[dict], policy: Policy | None = None):
    """Metrics (with risk) of one block of ``sc.samples`` worlds per parameter override.

    Each block is sampled exactly as chunk 0 of :func:`pausesim.run.simulate` samples the
    scenario with the override applied; all blocks run in one engine call. Returns a list of
    metric Datasets, one per block.
    """
    policy = policy or sc.policy
    engine = get_engine(sc.engine)
    n = sc.samples
    assert n <= run_mod.CHUNK_SIZE
    correlations = {(c.a, c.b): c.rho for c in sc.world.correlations}
    blocks = []
    for ov in overrides:
        params_rng, _ = run_mod._chunk_rngs(sc.seed, 0)
        world = {**sc.world.params, **ov}
        blocks.append(sample_params(engine.catalog, sc.actors, world, n, params_rng, correlations))
    values = {k: np.concatenate([b.values[k] for b in blocks]) for k in blocks[0].values}
    sp = SampledParams(sc.actors, values, n * len(blocks))
    events = run_mod._chunk_rngs(sc.seed, 0)[1]
    with _tiled_event_clocks(n):
        ds = engine.simulate(sp, policy, sc.grid, events)
    m = run_metrics(ds, policy, sc.metrics)
    worldviews = resolve_worldviews(sc.risk) if engine.publishes_risk_inputs else []
    if worldviews:
        _, risk = run_risk(ds, sp.to_dataset(), policy, sc, worldviews)
        m["risk"] = risk
    return [m.isel(sample=slice(i * n, (i + 1) * n)) for i in range(len(blocks))]


def columns(metrics, t0: float, prefix: str = "") -> dict[str, np.ndarray]:
    """Every per-sample metric as a float column; calendar years as years since ``t0``."""
    cols = {}
    for name, da in metrics.data_vars.items():
        if name == "sample_failed" or "sample" not in da.dims or da.dtype.kind not in "biuf":
            continue  # (and the failed-variable lists, text)
        da = da.transpose("sample", ...)
        v = da.values.astype(float)
        finite = v[np.isfinite(v)]
        if da.attrs.get("units") == "year" and finite.size and np.median(np.abs(finite)) > 1000:
            v = v - t0
        if v.ndim == 1:
            cols[prefix + name] = v
            continue
        other = da.dims[1:]
        for idx in np.ndindex(v.shape[1:]):
            labels = ",".join(str(da[d].values[i]) for d, i in zip(other, idx, strict=True))
            cols[f"{prefix}{name}[{labels}]"] = v[(slice(None), *idx)]
    return cols


@dataclass(frozen=True)
class Effect:
    """How far the move changed the outputs."""

    moved: dict[str, int]  # metric -> worlds where it changed beyond the tolerance
    size: dict[str, float]  # metric -> mean |change| / spread of the metric across worlds
    largest_change: dict[str, float] = field(default_factory=dict)  # metric -> max |change|

    @property
    def any(self) -> bool:
        return any(v > 0 for v in self.moved.values())

    def largest(self, k: int = 3, keys=None) -> list[tuple[str, float, int]]:
        keys = [m for m in (keys or self.size) if self.moved.get(m)]
        keys.sort(key=lambda m: -self.size[m])
        return [(m, self.size[m], self.moved[m]) for m in keys[:k]]

    def risk_size(self) -> float:
        sizes = [v for k, v in self.size.items() if k.startswith(("risk[", "delta_risk["))]
        return max(sizes, default=0.0)


def effect(low: dict[str, np.ndarray], high: dict[str, np.ndarray]) -> Effect:
    """Per metric: worlds that changed beyond ``ATOL + RTOL |x|``, and the standardized size."""
    moved, size, largest = {}, {}, {}
    for k in low:
        a, b = low[k], high[k]
        fa, fb = np.isfinite(a), np.isfinite(b)
        both = fa & fb
        d = b[both] - a[both]
        tol = ATOL + RTOL * np.maximum(np.abs(a[both]), np.abs(b[both]))
        moved[k] = int((np.abs(d) > tol).sum() + (fa != fb).sum())
        pooled = np.concatenate([a[fa], b[fb]])
        spread = pooled.std() if pooled.size > 1 else 0.0
        mean_abs = float(np.abs(d).mean()) if d.size else 0.0
        size[k] = mean_abs / spread if spread > 0 else (math.inf if moved[k] else 0.0)
        if not d.size and moved[k]:
            size[k] = math.inf
        largest[k] = float(np.abs(d).max()) if d.size else 0.0
    return Effect(moved, size, largest)


def _world_key(sc: scenario_mod.Scenario) -> str:
    """Everything of a scenario but its names and policy: runs with equal keys are equal."""
    return sc.model_dump_json(exclude={"name", "description", "policy"})


@functools.cache
def _param_effects(preset: str) -> dict[str, Effect]:
    """Effect of every parameter move of a preset, from one batch (and the no-pause batch)."""
    sc = load(preset)
    moves = [c for c in checks(preset) if c.kind == "param"]
    overrides = [ov for c in moves for ov in (c.low, c.high)]
    policy = run_blocks(sc, overrides)
    none = _no_pause_blocks(sc, overrides)
    t0 = sc.grid.start
    out = {}
    for i, c in enumerate(moves):
        ends = []
        for j in (2 * i, 2 * i + 1):
            cols = columns(policy[j], t0)
            if "risk" in policy[j]:
                delta = (policy[j]["risk"] - none[j]["risk"]).rename("delta_risk")
                cols.update(columns(delta.to_dataset(), t0))
            ends.append(cols)
        out[c.lever] = effect(*ends)
    return out


_NO_PAUSE: dict[str, list] = {}


def _no_pause_blocks(sc: scenario_mod.Scenario, overrides: list[dict]) -> list:
    """The parameter batch under no pause, run once per world (the presets share it)."""
    key = _world_key(sc)
    if key not in _NO_PAUSE:
        _NO_PAUSE[key] = run_blocks(sc, overrides, Policy.none())
    return _NO_PAUSE[key]


_POLICY_RUNS: dict[tuple[str, str], dict[str, np.ndarray]] = {}


def _policy_run(preset: str, policy: dict) -> dict[str, np.ndarray]:
    """Metric columns of the preset under ``policy`` (a policy dict), run once per policy."""
    pol = Policy.model_validate(policy)
    key = (_world_key(load(preset)), repr(pol.model_copy(update={"name": "", "description": ""})))
    if key not in _POLICY_RUNS:
        sc = load(preset)
        (metrics,) = run_blocks(sc, [{}], pol)
        _POLICY_RUNS[key] = columns(metrics, sc.grid.start)
    return _POLICY_RUNS[key]


def lever_effect(check: Check) -> Effect:
    """Effect of one check (parameters from the preset's batch, policies one run each)."""
    if check.kind == "param":
        return _param_effects(check.preset)[check.lever]
    return effect(_policy_run(check.preset, check.low), _policy_run(check.preset, check.high))


# -- the tests -------------------------------------------------------------------------------------

PRESETS = compute_presets()
CHECKS = [c for p in PRESETS for c in checks(p)]
ROWS = inert_rows()


def _listed(check: Check) -> InertRow | None:
    return next((r for r in ROWS if r.covers(check.preset, check.lever)), None)


@pytest.mark.parametrize("check", CHECKS, ids=str)
def test_lever_moves_something_or_is_listed_inert(check):
    eff = lever_effect(check)
    row = _listed(check)
    if row is None and not eff.any:
        pytest.fail(
            f"{check.lever} changes no per-sample metric in preset '{check.preset}' "
            f"({SAMPLES} worlds, common random numbers). Fix the mechanism, or list it with the "
            "reason in the inert table of docs/levers.md"
        )
    if row is not None and eff.any:
        top = ", ".join(f"{m} in {n} worlds (size {s:.3g})" for m, s, n in eff.largest())
        pytest.fail(
            f"{check.lever} is listed as inert in '{check.preset}' (docs/levers.md line "
            f"{row.line}: {row.reason}) but moves {top}; remove or narrow the row"
        )


def test_inert_table_rows_are_used_and_explained():
    known = set(PRESETS) | {"*"}
    for row in ROWS:
        assert row.reason, f"docs/levers.md line {row.line}: give the reason"
        assert row.patterns, f"docs/levers.md line {row.line}: name the lever in backticks"
        bad = [p for p in row.presets if p not in known]
        assert not bad, f"docs/levers.md line {row.line}: unknown presets {bad}"
        for pattern in row.patterns:
            hit = [c for c in CHECKS if row.covers(c.preset, c.lever)]
            hit = [c for c in hit if fnmatch.fnmatchcase(c.lever, pattern)]
            assert hit, f"docs/levers.md line {row.line}: `{pattern}` matches no lever"


def test_every_lever_is_checked_in_every_preset():
    catalog = get_engine("compute").catalog
    for p in PRESETS:
        levers = {c.lever for c in checks(p)}
        assert set(catalog.names) <= levers, p
        for path, _ in _leaf_fields(Policy):
            if path not in NOT_LEVERS:
                assert any(lv.startswith(f"policy.{path}:") for lv in levers), (p, path)
    assert set(POLICY_SETTINGS) <= {path for path, _ in _leaf_fields(Policy)}, (
        "POLICY_SETTINGS names a policy field that no longer exists"
    )
    assert set(POINT_MOVES) <= set(catalog.names), "POINT_MOVES names an unknown parameter"


def test_batched_runs_match_the_public_api():
    """Every block of a batch is the ordinary run of the same scenario, world by world."""
    preset = "essay-realistic"  # politicised lifts and re-pauses: the event clocks matter
    sc = load(preset)
    moves = {"paused_spend_growth_fraction": 0.9, "alignment_rate": 0.3}
    overrides = [{}] + [{k: Point(value=v)} for k, v in moves.items()]
    texts = [{}] + [{k: repr(v)} for k, v in moves.items()]
    other = sc.policy.model_copy(update={"start_year": 2029.0})
    for policy in (sc.policy, other):
        blocks = run_blocks(sc, overrides, policy)
        for ov, block in zip(texts, blocks, strict=True):
            ref = run_mod.simulate(load(preset, ov).with_policy(policy), keep="none").metrics
            a, b = columns(block, 0.0), columns(ref, 0.0)
            assert a.keys() == b.keys(), "run_blocks lost or added a metric of run.simulate"
            for k in a:
                np.testing.assert_allclose(a[k], b[k], rtol=1e-6, atol=1e-9, err_msg=f"{ov} {k}")


def test_effect_sees_real_changes_and_ignores_rounding():
    rng = np.random.default_rng(0)
    x = {"m": rng.normal(10.0, 1.0, 24), "share": rng.uniform(0.0, 1e-6, 24)}
    assert not effect(x, x).any
    rounded = {k: (v.astype(np.float32) * np.float32(1 + 2e-7)).astype(float) for k, v in x.items()}
    assert not effect(x, {k: v.astype(np.float32).astype(float) for k, v in x.items()}).any
    assert not effect(x, rounded).any
    one_world = {k: v.copy() for k, v in x.items()}
    one_world["share"][3] *= 1.5  # a real change of a tiny quantity in one world
    assert effect(x, one_world).moved == {"m": 0, "share": 1}
    undefined = {k: v.copy() for k, v in x.items()}
    undefined["m"][0] = np.nan  # e.g. the danger level no longer reached
    assert effect(x, undefined).moved["m"] == 1


# -- report ----------------------------------------------------------------------------------------


def report(presets: list[str] | None = None) -> None:
    """Print every check with its verdict and largest effects."""
    for p in presets or PRESETS:
        for c in checks(p):
            eff = lever_effect(c)
            row = _listed(c)
            state = "moves" if eff.any else "INERT"
            tag = "listed" if row else ""
            top = "; ".join(
                f"{m} {s:.2g} ({n}, max {eff.largest_change[m]:.2g})" for m, s, n in eff.largest(2)
            )
            if not eff.any:
                big = max(eff.largest_change.items(), key=lambda kv: kv[1])
                top = f"largest change {big[1]:.2g} in {big[0]}"
            print(f"{p:26s} {c.lever:60s} {state:5s} {tag:6s} risk {eff.risk_size():8.2g} | {top}")


if __name__ == "__main__":
    report(sys.argv[1:] or None)
