"""What the web playground computes: validated scenarios, cached comparisons, chart data.

Everything here is plain Python over the core API (:mod:`pausesim.scenario`, :mod:`pausesim.run`);
the HTTP layer (:mod:`pausesim.web.app`) only parses requests and maps errors to status codes.

A request names a shipped preset (never a path: the server reads no file a request names) and
overrides in the dotted form of the command line's ``--set`` (``policy.end.duration_years`` =
``"3"``, ``alg_halving_months`` = ``"6"``), or carries a scenario as TOML text, which is parsed
as data. Both are validated by :func:`pausesim.scenario.from_dict`, so an error names the field
and its allowed range exactly as the command line does.

Speed (``docs/web.md``): a comparison runs the policy and the no-pause counterfactual as two
:func:`pausesim.run.simulate` calls on the same seed, which gives the same worlds and event
clocks as :func:`pausesim.run.compare` (common random numbers); the counterfactual depends on
the world but not on the policy, so it is cached and reused while only levers change. Chunks
keep only the trajectories the charts need (:class:`_ChartExecutor`), and fan-chart bands are
``np.nanquantile`` over those.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import tomllib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from pausesim import __version__
from pausesim.executor import LocalExecutor
from pausesim.grid import TimeGrid
from pausesim.run import Comparison, Result, comparison_deltas, simulate
from pausesim.scenario import (
    Scenario,
    ScenarioError,
    apply_overrides,
    from_dict,
    preset_data,
    preset_names,
    to_toml,
)

#: Largest number of sampled worlds per endpoint (the API answers 422 above).
SAMPLE_CAPS = {
    "run": 20_000,
    "compare": 20_000,
    "tornado": 500,
    "cruxes": 5_000,
}
#: Time steps of the default grid (2025 to 2060 by quarters): with the sample caps, the most
#: world-steps a request may simulate.
DEFAULT_STEPS = TimeGrid().n_steps
#: Trajectory variables the charts use; chunks drop every other one (:class:`_ChartExecutor`).
CHART_VARIABLES = ("frontier_capability", "frontier_share", "in_force_share")
#: Quantiles of the fan chart: 90% and 50% bands and the median.
BAND_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: Bins of each distribution's histogram.
HISTOGRAM_BINS = 30


class RequestError(ValueError):
    """A request the server refuses: ``errors`` are ``(field, message)`` pairs."""

    def __init__(self, errors: list[tuple[str, str]], status: int = 422):
        self.errors = errors
        self.status = status
        super().__init__("; ".join(f"{f}: {m}" if f else m for f, m in errors))


# -- scenarios ----------------------------------------------------------------------------------


def scenario_errors(err: ScenarioError) -> list[tuple[str, str]]:
    """The ``(field, message)`` pairs of a scenario error (one per line after the first).

    :func:`pausesim.scenario.from_dict` writes ``"  field.path: message"`` lines, the format
    the command line prints; messages that name no field keep an empty field.
    """
    lines = str(err).splitlines()
    out = []
    for line in lines[1:] if len(lines) > 1 else lines:
        text = line.strip()
        m = _FIELD.match(text)
        if m is None:
            out.append(("", text))
        elif m["sep"] == ": ":
            out.append((m["field"], text[m.end() :]))
        else:  # "world.params.x = 0.1 is outside ...": the message starts with the field
            out.append((m["field"], text))
    return out or [("", str(err))]


#: A message that starts with a scenario field path: ``policy.end.duration_years: ...``.
_FIELD = re.compile(
    r"^(?P<field>(?:world|policy|risk|metrics|grid|samples|seed|engine|name|description)"
    r"(?:\.[A-Za-z0-9_\-\[\]]+)*)(?P<sep>: | = | )"
)


def _toml_value(value: Any) -> str:
    """An override value as the TOML text ``--set`` takes (numbers and booleans as TOML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return "inf" if value > 0 else ("-inf" if value < 0 else "nan")
        return repr(value)
    return str(value)


def build_scenario(
    preset: str | None,
    overrides: Mapping[str, Any],
    *,
    toml: str | None = None,
    samples: int | None = None,
    seed: int | None = None,
    prefix: str = "",
    max_samples: int | None = None,
) -> Scenario:
    """The validated scenario of a request; :class:`RequestError` naming every bad field.

    ``prefix`` is prepended to field names in errors (``"policy_b."`` for the second policy);
    ``max_samples`` caps the scenario's samples however they are given (field, override, TOML).
    """
    if (preset is None) == (toml is None):
        raise RequestError([(f"{prefix}preset", "give either a preset name or a scenario as toml")])
    if toml is not None:
        try:
            data = tomllib.loads(toml)
        except tomllib.TOMLDecodeError as err:
            raise RequestError([(f"{prefix}toml", f"malformed TOML: {err}")]) from None
        source = "scenario TOML"
    else:
        if preset not in preset_names():
            try:
                preset_data(preset)
            except ScenarioError as err:
                raise RequestError([(f"{prefix}preset", str(err))], status=404) from None
        data, source = preset_data(preset), f"preset '{preset}'"
    for k in ("samples", "seed"):
        if k in overrides:
            raise RequestError(
                [(f"{prefix}overrides.{k}", f"give {k} as the request's own '{k}' field")]
            )
    text = {str(k): _toml_value(v) for k, v in overrides.items()}
    try:
        data = apply_overrides(data, text, source)
    except ScenarioError as err:
        msg = str(err).removeprefix("--set ")
        field, _, rest = msg.partition(": ")
        raise RequestError([(f"{prefix}overrides.{field}", rest or msg)]) from None
    if samples is not None:
        data["samples"] = samples
    if seed is not None:
        data["seed"] = seed
    try:
        sc = from_dict(data, source)
    except ScenarioError as err:
        raise RequestError(
            [(prefix + f, m) if f else (f, m) for f, m in scenario_errors(err)]
        ) from None
    _check_no_files(sc, prefix)
    if max_samples is not None and sc.samples > max_samples:
        raise RequestError(
            [
                (
                    f"{prefix}samples",
                    f"must be at most {max_samples} here (got {sc.samples}); "
                    "run larger analyses with the command line",
                )
            ]
        )
    if max_samples is not None and sc.samples * sc.grid.n_steps > max_samples * DEFAULT_STEPS:
        limit = max_samples * DEFAULT_STEPS
        raise RequestError(
            [
                (
                    f"{prefix}grid.step",
                    f"{sc.samples} worlds x {sc.grid.n_steps} time steps = "
                    f"{sc.samples * sc.grid.n_steps:,} world-steps is more than this server's "
                    f"limit of {limit:,}; use fewer samples or a coarser grid.step",
                )
            ]
        )
    return sc


def _check_no_files(sc: Scenario, prefix: str) -> None:
    """Refuse worldviews named by a ``.toml`` path: the server reads no file a request names."""
    inline = {w.name for w in sc.risk.custom}
    files = [n for n in sc.risk.worldviews if n.endswith(".toml") and n not in inline]
    if files:
        raise RequestError(
            [
                (
                    f"{prefix}risk.worldviews",
                    f"{files[0]!r}: the web server reads no files; define the worldview inline "
                    "under [[risk.custom]] (weights on the hazard terms) instead",
                )
            ]
        )


def with_policy_of(base: Scenario, other: Scenario) -> Scenario:
    """``base``'s world, grid, samples and seed under ``other``'s policy, validated again."""
    data = base.model_dump(mode="python", exclude_none=True)
    data["policy"] = other.policy.model_dump(mode="python", exclude_none=True)
    try:
        return from_dict(data, "policy B on the worlds of A")
    except ScenarioError as err:
        raise RequestError(
            [("policy_b." + f if f else f, m) for f, m in scenario_errors(err)]
        ) from None


def scenario_key(sc: Scenario, *, policy: bool = True) -> str:
    """A hash of everything that determines a run (without the policy if ``policy`` is False)."""
    exclude = {"name", "description"} | (set() if policy else {"policy"})
    text = sc.model_dump_json(exclude=exclude)
    if policy:
        text += sc.policy.model_dump_json(exclude={"name", "description"})
    return hashlib.sha256(text.encode()).hexdigest()


# -- running ------------------------------------------------------------------------------------


class _ChartExecutor:
    """Runs chunks in this thread and keeps only the trajectories the charts use.

    An :class:`~pausesim.executor.Executor`: the runner stacks what the chunk returns, so
    dropping the other variables here saves copying them (about 0.1 s per 2,000 worlds).
    """

    def __init__(self, backend: str = "numpy") -> None:
        self.inner = LocalExecutor(1, backend=backend)
        self.backend = backend

    def map(self, fn, items):
        for outputs, pds in self.inner.map(fn, items):
            kept = []
            for traj, m, th in outputs:
                names = [v for v in CHART_VARIABLES if v in traj]
                kept.append((traj[names] if traj.data_vars else traj, m, th))
            yield kept, pds


class LRU:
    """A small least-recently-used cache, safe across threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                self.hits += 1
                return self.items[key]
            self.misses += 1
            return None

    def put(self, key: str, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


@dataclass(frozen=True)
class Run:
    """One simulated policy: the result without its trajectories, and the charts drawn from them.

    The trajectories (``(sample, actor, time)`` arrays) are reduced to the chart data where
    they are simulated, so a worker process sends back kilobytes, not megabytes.
    """

    result: Result
    charts: dict


@dataclass(frozen=True)
class Compared:
    """A policy against no pause on the same worlds, with both runs' chart data."""

    comparison: Comparison
    policy: Run
    counterfactual: Run


@dataclass
class Runs:
    """The comparisons of one request: A against no pause, and B against no pause if asked."""

    a: Compared
    b: Compared | None = None


def simulate_charted(sc: Scenario, backend: str = "numpy") -> Run:
    """Simulate ``sc`` keeping only the chart data of its trajectories (any process)."""
    import dataclasses

    res = simulate(sc, keep="full", executor=_ChartExecutor(backend))
    charts = chart_data(res.trajectories, sc.actors)
    empty = xr.Dataset(coords={"time": res.trajectories["time"]})
    return Run(dataclasses.replace(res, trajectories=empty), charts)


def chart_data(traj: xr.Dataset, actors: tuple[str, ...]) -> dict:
    """Fan-chart bands of frontier capability, pause in force, frontier shares (numpy only)."""
    return {
        "time": [float(t) for t in traj["time"].values],
        "frontier": _bands(traj, "frontier_capability"),
        "in_force": [_num(v) for v in np.nanmean(traj["in_force_share"].values, axis=0)]
        if "in_force_share" in traj
        else [],
        "shares": _shares(traj, actors),
    }


def _warm(backend: str = "numpy", samples: int | None = 20) -> None:
    """Import and run once in a fresh worker process, so its first real request is warm.

    With the compiled backend, at the page's sample size: its programs are built (or read from
    the disk cache) per chunk shape, so the first request does not wait for them (``samples``
    None: the preset's own).
    """
    from pausesim.scenario import load

    sc = load("essay-realistic") if samples is None else load("essay-realistic", samples=samples)
    simulate_charted(sc, backend)
    simulate_charted(sc.counterfactual(), backend)


class Engine:
    """Cached runs, optionally in worker processes. The app runs one request at a time."""

    def __init__(self, cache_size: int = 16, processes: int = 0, backend: str = "numpy") -> None:
        from pausesim.backend import check_backend

        self.backend = check_backend(backend)
        self.results = LRU(cache_size)  # scenario key -> Run (policy or counterfactual)
        self.comparisons = LRU(cache_size)
        self.pool = None
        warm = (backend, None if backend != "numpy" else 20)
        if processes > 0:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["pausesim.web.service"])
            self.pool = ProcessPoolExecutor(
                processes, mp_context=ctx, initializer=_warm, initargs=warm
            )
            for f in [self.pool.submit(_warm, *warm) for _ in range(processes)]:
                f.result()
        elif backend != "numpy":
            _warm(*warm)

    def close(self) -> None:
        """Stop the worker processes."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None

    def runs(self, scenarios: list[Scenario]) -> list[Run]:
        """The runs of ``scenarios`` (each under its own policy): cached, else simulated.

        With worker processes, the missing runs are simulated at the same time.
        """
        keys = [scenario_key(s) for s in scenarios]
        out = [self.results.get(k) for k in keys]
        todo = {k: s for k, s, r in zip(keys, scenarios, out, strict=True) if r is None}
        if self.pool is not None and len(todo) > 1:
            futures = {
                k: self.pool.submit(simulate_charted, s, self.backend) for k, s in todo.items()
            }
            done = {k: f.result() for k, f in futures.items()}
        else:
            done = {k: simulate_charted(s, self.backend) for k, s in todo.items()}
        for k, r in done.items():
            self.results.put(k, r)
        return [r if r is not None else done[k] for k, r in zip(keys, out, strict=True)]

    def result(self, sc: Scenario) -> Run:
        """The run of ``sc`` under its own policy."""
        return self.runs([sc])[0]

    def comparison(self, sc: Scenario) -> Compared:
        """``sc``'s policy against no pause on the same worlds (as :func:`pausesim.run.compare`).

        Two :func:`~pausesim.run.simulate` calls with the scenario's seed draw the same worlds
        and event clocks as one :func:`~pausesim.run.compare` (``tests/web``); the no-pause run
        depends on the world only, so it is shared by every policy on that world.
        """
        key = scenario_key(sc)
        hit = self.comparisons.get(key)
        if hit is not None:
            return hit
        cf_sc = sc.counterfactual()
        if sc.policy.is_none:
            pol = cf = self.result(cf_sc)
        else:
            cf, pol = self.runs([cf_sc, sc])
        c = Comparison(
            sc,
            pol.result,
            cf.result,
            comparison_deltas(pol.result.metrics, cf.result.metrics),
        )
        out = Compared(c, pol, cf)
        self.comparisons.put(key, out)
        return out


# -- what the page shows ------------------------------------------------------------------------


def _label(name: str, kind: str | None = None, engine: str = "compute") -> dict:
    from pausesim.labels import describe

    return describe(name, kind, engine).text()


def _num(x: Any) -> float | None:
    """A JSON number, or None for NaN and infinities (JSON has neither)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _interval(values: np.ndarray) -> dict:
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    if not ok.any():
        return {"median": None, "p5": None, "p95": None, "n": 0, "n_undefined": int(v.size)}
    q = np.quantile(v[ok], [0.5, 0.05, 0.95])
    return {
        "median": _num(q[0]),
        "p5": _num(q[1]),
        "p95": _num(q[2]),
        "n": int(ok.sum()),
        "n_undefined": int((~ok).sum()),
    }


def _histogram(values: np.ndarray, edges: np.ndarray | None = None) -> dict:
    v = np.asarray(values, dtype=float)
    ok = v[np.isfinite(v)]
    if ok.size == 0:
        return {"edges": [], "counts": [], "n_undefined": int(v.size)}
    if edges is None:
        lo, hi = float(ok.min()), float(ok.max())
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
        edges = np.linspace(lo, hi, HISTOGRAM_BINS + 1)
    counts, edges = np.histogram(ok, bins=edges)
    return {
        "edges": [float(e) for e in edges],
        "counts": [int(c) for c in counts],
        "n_undefined": int(v.size - ok.size),
    }


def _bands(traj: xr.Dataset, name: str) -> dict:
    x = traj[name].transpose("sample", "time").values.astype(np.float64)
    if not x.size:
        q = np.full((len(BAND_QUANTILES), x.shape[1]), np.nan)
    elif np.isfinite(x).all():
        q = np.quantile(x, BAND_QUANTILES, axis=0)  # 10x faster than nanquantile
    else:
        with np.errstate(all="ignore"):
            q = np.nanquantile(np.where(np.isfinite(x), x, np.nan), BAND_QUANTILES, axis=0)
    return {f"q{int(p * 100):02d}": [_num(v) for v in q[i]] for i, p in enumerate(BAND_QUANTILES)}


def _shares(traj: xr.Dataset, actors: tuple[str, ...]) -> dict:
    """Mean frontier share over worlds by actor (legal labs) and of covert labs, over time."""
    from pausesim.labels import actor_label

    if "frontier_share" not in traj:
        return {}
    fs = traj["frontier_share"]
    order = [d for d in ("sample", "actor", "sector", "time") if d in fs.dims]
    x = fs.transpose(*order).values
    if "sector" not in fs.dims:
        x = x[:, :, None, :]
        sectors = ["legal"]
    else:
        sectors = [str(v) for v in fs["sector"].values]
    with np.errstate(all="ignore"):
        mean = np.nanmean(x, axis=0)  # (actor, sector, time)
    names = [str(a) for a in fs["actor"].values]
    legal = sectors.index("legal") if "legal" in sectors else 0
    out = {}
    for a in actors:
        series = mean[names.index(a), legal]
        out[a] = {"label": actor_label(a), "values": [_num(v) for v in series]}
    if "covert" in sectors:
        covert = mean[:, sectors.index("covert")].sum(axis=0)
        out["covert"] = {"label": "Covert labs", "values": [_num(v) for v in covert]}
    return out


def _verdict_words(
    p: float | None, lo: float | None, hi: float | None, where: str, subject: str, versus: str
) -> str:
    """The verdict in words: ``subject`` lowers the risk ``where`` compared with ``versus``."""
    if p is None:
        return f"Undefined {where}: no world has a defined risk under both."
    pct = f"{p * 100:.0f}%"
    band = f" (95% interval {lo * 100:.0f}-{hi * 100:.0f}%)" if lo is not None else ""
    if lo is not None and lo > 0.5:
        lean = "so it more likely lowers risk than raises it"
    elif hi is not None and hi < 0.5:
        lean = "so it more likely raises risk than lowers it"
    else:
        lean = "a toss-up"
    return (
        f"{subject} gives a lower risk {where} than {versus} in {pct} of sampled worlds{band}: "
        f"{lean}."
    )


def verdict_rows(
    delta_risk: xr.DataArray,
    failed,
    worldviews,
    subject: str = "The pause",
    versus: str = "no pause",
) -> list:
    """One row per worldview and horizon: P(lower risk), its 95% interval, in words."""
    from pausesim.risk import verdicts

    v = verdicts(delta_risk, failed).reset_index()
    titles = {w.name: w for w in worldviews}
    rows = []
    for r in v.itertuples(index=False):
        wv = titles.get(r.worldview)
        horizon = _label(str(r.horizon), "term")
        p, lo, hi = _num(r.p_policy_better), _num(r.p_low), _num(r.p_high)
        words = _verdict_words(p, lo, hi, horizon["label"], subject, versus)
        rows.append(
            {
                "worldview": r.worldview,
                "worldview_label": wv.title if wv is not None else r.worldview,
                "worldview_meaning": _label(r.worldview, "worldview")["meaning"]
                if wv is not None and r.worldview in _builtin()
                else (wv.description if wv is not None else ""),
                "horizon": str(r.horizon),
                "horizon_label": horizon["label"],
                "p": p,
                "p_low": lo,
                "p_high": hi,
                "n": int(r.n),
                "n_undefined": int(r.n_undefined),
                "n_failed": int(r.n_failed),
                "mean_delta_risk": _num(r.mean_delta_risk),
                "words": words,
                "fixed_by_construction": getattr(wv, "fixed_by_construction", "") or "",
            }
        )
    return rows


def _builtin():
    from pausesim.worldviews import BUILTIN

    return BUILTIN


def _metric(name: str, values, kind: str = "metric") -> dict:
    return {"name": name, **_label(name, kind), **_interval(values)}


def comparison_payload(runs: Runs) -> dict:
    """The JSON the page draws: headline, verdicts, charts, lift reasons, cruxes."""
    c = runs.a.comparison
    sc = c.scenario
    pol, d = c.policy, c.deltas
    pch, cch = runs.a.policy.charts, runs.a.counterfactual.charts
    worldviews = c.worldviews
    failed = d.get("sample_failed")
    headline = [
        _metric("delay_years", d["delay_years"].values),
        _metric("overhang_ooms", pol.metrics["overhang_ooms"].values),
        _metric("max_jump_ratio", d["max_jump_ratio"].values),
        _metric("pause_years", pol.metrics["pause_years"].values),
    ]
    out: dict[str, Any] = {
        "scenario": {"name": sc.name, "samples": sc.samples, "seed": sc.seed},
        "policy_label": sc.policy.name,
        "danger_level_ooms": sc.metrics.danger_level_ooms,
        "headline": headline,
        "verdicts": verdict_rows(d["delta_risk"], failed, worldviews) if "delta_risk" in d else [],
        "lift_reasons": _lift_reasons(pol),
        "cruxes": _cruxes(c),
        "charts": {
            "time": pch["time"],
            "frontier": {
                "policy": pch["frontier"],
                "counterfactual": cch["frontier"],
                **_label("frontier_capability", "variable"),
            },
            "in_force": pch["in_force"],
            "shares": {"policy": pch["shares"], "counterfactual": cch["shares"]},
            "distributions": _distributions(c),
        },
        "n_failed": int(d.attrs.get("n_failed", 0)),
        "warnings": list(sc.warnings),
        "version": __version__,
    }
    if runs.b is not None:
        out["b"] = _versus(runs.a, runs.b)
    return out


def _distributions(c: Comparison) -> list[dict]:
    pol, cf, d = c.policy.metrics, c.counterfactual.metrics, c.deltas
    out = []
    for name, values in (
        ("overhang_ooms", pol["overhang_ooms"].values),
        ("delay_years", d["delay_years"].values),
        ("pause_years", pol["pause_years"].values),
    ):
        out.append({"name": name, **_label(name, "metric"), "policy": _histogram(values)})
    a, b = pol["max_jump_ooms_per_year"].values, cf["max_jump_ooms_per_year"].values
    both = np.concatenate([a, b]).astype(float)
    both = both[np.isfinite(both)]
    edges = np.linspace(both.min(), both.max(), HISTOGRAM_BINS + 1) if both.size else None
    if edges is not None and edges[-1] <= edges[0]:
        edges = np.linspace(edges[0] - 0.5, edges[0] + 0.5, HISTOGRAM_BINS + 1)
    out.append(
        {
            "name": "max_jump_ooms_per_year",
            **_label("max_jump_ooms_per_year", "metric"),
            "policy": _histogram(a, edges),
            "counterfactual": _histogram(b, edges),
        }
    )
    return out


def _lift_reasons(res: Result) -> list[dict]:
    table = res.lift_reasons()
    words = {
        "none": "no pause episode",
        "duration": "its fixed duration ran out",
        "catch_up": "an outsider caught up with the coalition",
        "politicised": "a sudden politicised lift",
        "alignment_target": "alignment reached its target",
        "coalition_empty": "every member left the coalition",
        "in_force_at_end": "still in force at the end of the simulation",
    }
    return [
        {
            "reason": r.reason,
            "label": words.get(r.reason, r.reason.replace("_", " ")),
            "n": int(r.n),
            "share": _num(r.share),
            "pause_years_median": _num(r.pause_years_median),
        }
        for r in table.itertuples(index=False)
    ]


class _ParameterRanks:
    """Centred ranks of a world's parameter columns, kept for the crux screen of every policy.

    The columns and their ranks depend on the sampled worlds only, so requests that change a
    lever reuse them; the result equals :func:`pausesim.risk.crux_screen` (a test checks).
    """

    def __init__(self, size: int = 8) -> None:
        self.cache = LRU(size)

    def get(self, params: xr.Dataset) -> tuple[list[str], np.ndarray]:
        from scipy import stats

        from pausesim.sensitivity.cruxes import parameter_columns

        key = str(id(params))  # the Result (and its params) is cached per world
        hit = self.cache.get(key)
        if hit is not None and hit[0] is params:
            return hit[1], hit[2]
        cols = parameter_columns(params)
        names = list(cols)
        x = np.column_stack([cols[k] for k in names]) if names else np.empty((0, 0))
        rx = stats.rankdata(x, axis=0) if names else x
        rx = rx - rx.mean(axis=0) if names else rx
        self.cache.put(key, (params, names, rx))
        return names, rx


_RANKS = _ParameterRanks()


def crux_screen_cached(params: xr.Dataset, delta_risk: xr.DataArray, top: int) -> pd.DataFrame:
    """:func:`pausesim.risk.crux_screen` with the parameters' ranks computed once per world.

    Worlds where the change in risk is undefined change the ranks, so then the core's function
    runs as is.
    """
    from scipy import stats

    from pausesim.risk import crux_screen

    last = delta_risk["horizon"].values[-1]
    cols = ["worldview", "parameter", "spearman_rho"]
    ds = {
        str(w): delta_risk.sel(worldview=w, horizon=last).values.astype(float)
        for w in delta_risk["worldview"].values
    }
    if not all(np.isfinite(d).all() for d in ds.values()):
        return crux_screen(params, delta_risk, top)
    names, rx = _RANKS.get(params)
    rows = []
    if not names:
        return pd.DataFrame(rows, columns=cols)
    sx = (rx * rx).sum(axis=0)
    for w, d in ds.items():
        if d.size < 3 or np.std(d) == 0:
            continue
        ry = stats.rankdata(d)
        ry -= ry.mean()
        with np.errstate(invalid="ignore", divide="ignore"):
            rho = (rx * ry[:, None]).sum(axis=0) / np.sqrt(sx * (ry * ry).sum())
        rho = np.where(np.isfinite(rho), rho, 0.0)
        for i in np.argsort(-np.abs(rho), kind="stable")[:top]:
            rows.append({"worldview": w, "parameter": names[i], "spearman_rho": float(rho[i])})
    return pd.DataFrame(rows, columns=cols)


def _cruxes(c: Comparison, top: int = 3) -> list[dict]:
    """The crux screen: parameters most rank-correlated with the change in risk, per worldview."""
    if "delta_risk" not in c.deltas:
        return []
    # the no-pause run's parameters: the same worlds, and its run is cached per world
    table = crux_screen_cached(c.counterfactual.params, c.deltas["delta_risk"], top)
    rows = []
    for r in table.itertuples(index=False):
        name = str(r.parameter)
        base = name.split("[", 1)[0]
        try:
            lab = _label(name, "parameter")
        except ValueError:
            lab = _label(base, "parameter")
        rho = _num(r.spearman_rho)
        rows.append(
            {
                "worldview": str(r.worldview),
                "parameter": name,
                "rho": rho,
                **lab,
                "words": (
                    "higher values make the pause look worse"
                    if rho is not None and rho > 0
                    else "higher values make the pause look better"
                ),
            }
        )
    return rows


def _versus(ca: Compared, cb: Compared) -> dict:
    """Policy A against policy B on the same worlds: P(A lowers risk compared with B)."""
    a, b = ca.comparison, cb.comparison
    pa, pb = a.policy.metrics, b.policy.metrics
    out: dict[str, Any] = {
        "policy_label": b.scenario.policy.name,
        "verdicts_b": [],
        "a_vs_b": [],
        "frontier": cb.policy.charts["frontier"],
        "headline_b": [
            _metric("delay_years", b.deltas["delay_years"].values),
            _metric("overhang_ooms", pb["overhang_ooms"].values),
            _metric("max_jump_ratio", b.deltas["max_jump_ratio"].values),
            _metric("pause_years", pb["pause_years"].values),
        ],
    }
    if "delta_risk" in b.deltas:
        out["verdicts_b"] = verdict_rows(
            b.deltas["delta_risk"],
            b.deltas.get("sample_failed"),
            b.worldviews,
            subject=f"Pause B ({b.scenario.policy.name})",
        )
    if "risk" in pa and "risk" in pb:
        failed = pa["sample_failed"] | pb["sample_failed"]
        out["a_vs_b"] = verdict_rows(
            pa["risk"] - pb["risk"],
            failed,
            a.worldviews,
            subject=f"Pause A ({a.scenario.policy.name})",
            versus=f"pause B ({b.scenario.policy.name})",
        )
    return out


# -- downloads ----------------------------------------------------------------------------------


def worlds_table(c: Compared) -> pd.DataFrame:
    """One row per sampled world: its parameter values and the outputs with and without the pause.

    :meth:`pausesim.run.Comparison.worlds`, the columns of the command line's ``worlds.csv``.
    """
    return c.comparison.worlds()


def summary_json(runs: Runs, payload: dict) -> dict:
    """The summary download: the payload's numbers without chart arrays, with the scenario."""
    c = runs.a.comparison
    out = {
        "pausesim_version": __version__,
        "scenario": c.scenario.name,
        "samples": c.scenario.samples,
        "seed": c.scenario.seed,
        "policy": c.scenario.policy.model_dump(mode="json", exclude_none=True),
        "headline": payload["headline"],
        "verdicts": payload["verdicts"],
        "lift_reasons": payload["lift_reasons"],
        "cruxes": payload["cruxes"],
        "n_failed": payload["n_failed"],
        "scenario_toml": to_toml(c.scenario),
    }
    if "b" in payload:
        b = payload["b"]
        policy_b = runs.b.comparison.scenario.policy
        out["policy_b"] = policy_b.model_dump(mode="json", exclude_none=True)
        out["headline_b"] = b["headline_b"]
        out["verdicts_b"] = b["verdicts_b"]
        out["policy_a_vs_b"] = b["a_vs_b"]
    return json.loads(json.dumps(out, allow_nan=False, default=_json_default))


def _json_default(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    raise TypeError(f"not JSON serializable: {type(x).__name__}")
