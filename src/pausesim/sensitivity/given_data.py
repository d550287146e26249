"""Given-data sensitivity indices: PAWN, RBD-FAST and delta on an existing run, through SALib.

These need no design of their own: they read the parameter values and outputs of worlds already
simulated (one ``compare`` of the scenario at its samples, or a comparison passed in), one
column per scalar parameter and per actor of a per-actor parameter (``name[actor]``);
parameters the scenario fixes at one value are left out.

- ``pawn`` — Pianosi & Wagener (2015, 2018), *A simple and efficient method for global
  sensitivity analysis based on cumulative distribution functions*, Environ. Model. Softw.
  67, 1-11: the Kolmogorov-Smirnov distance between the output's distribution and its
  distributions conditional on ``S`` slices of the parameter, summarised over the slices
  (``median`` is the index; also ``minimum``, ``mean``, ``maximum``, ``CV``). Moment-free, so
  it suits skewed and indicator outputs.
- ``rbd-fast`` — Tarantola et al. (2006), Plischke (2010), Tissot & Prieur (2012): first-order
  indices from the spectrum of the output reordered along each parameter (bias-corrected, with
  bootstrap intervals).
- ``delta`` — Borgonovo (2007), Plischke et al. (2013): the moment-independent delta (the mean
  shift of the output's density conditional on the parameter), plus a first-order estimate
  from the same sample, both with bootstrap intervals (``delta`` is SALib's ``delta_raw``,
  plain bootstrap; ``delta_balanced`` bootstraps within bins of the parameter).

Undefined worlds (NaN output) are dropped for that output — the worlds are independent, so
what remains is the sample conditional on the output being defined — and counted in
``n_undefined`` and the attrs; ``nan="raise"`` refuses instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pausesim.sensitivity.outputs import Output, per_world


def _pawn(problem, x, y, seed, **kw):
    from SALib.analyze import pawn

    s = pawn.analyze(problem, x, y, S=kw.get("slices", 10), seed=seed)
    return {
        "PAWN": s["median"],
        "PAWN_min": s["minimum"],
        "PAWN_mean": s["mean"],
        "PAWN_max": s["maximum"],
        "PAWN_cv": s["CV"],
    }


def _rbd_fast(problem, x, y, seed, **kw):
    from SALib.analyze import rbd_fast

    s = rbd_fast.analyze(
        problem,
        x,
        y,
        M=kw.get("harmonics", 10),
        num_resamples=kw.get("num_resamples", 100),
        conf_level=kw.get("conf_level", 0.95),
        seed=seed,
    )
    return {"S1": s["S1"], "S1_conf": s["S1_conf"]}


def _delta(problem, x, y, seed, **kw):
    import warnings

    from SALib.analyze import delta

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # SALib's bin-merge and bias notices
        s = delta.analyze(
            problem,
            x,
            y,
            num_resamples=kw.get("num_resamples", 20),  # a kernel density per resample: slow
            conf_level=kw.get("conf_level", 0.95),
            seed=seed,
        )
    return {
        "delta": s["delta_raw"],
        "delta_conf": s["delta_raw_conf"],
        "delta_balanced": s["delta_balanced"],
        "delta_balanced_conf": s["delta_balanced_conf"],
        "S1": s["S1"],
        "S1_conf": s["S1_conf"],
    }


#: method -> (SALib call, the column the rows are ranked by)
ESTIMATORS: dict[str, tuple[Callable, str]] = {
    "pawn": (_pawn, "PAWN"),
    "rbd-fast": (_rbd_fast, "S1"),
    "delta": (_delta, "delta"),
}


def given_data_indices(
    method: str,
    x: np.ndarray,
    y: np.ndarray,
    names: Sequence[str],
    *,
    seed: int,
    outputs: Sequence[str] | None = None,
    nan: str = "drop",
    **options,
) -> pd.DataFrame:
    """Indices of ``method`` for the columns of ``x`` ``(n, D)`` on outputs ``y`` (``(n, k)``).

    ``options``: ``slices`` (PAWN's ``S``, default 10), ``harmonics`` (RBD-FAST's ``M``,
    default 10), ``num_resamples`` (bootstrap; default 100, 20 for delta, whose every resample
    is a kernel density estimate per parameter) and ``conf_level``. Returns one row per
    (output, parameter), ranked by the method's main index within each output, with
    ``n_undefined``; ``attrs`` hold the method, the worlds used per output and the options.
    """
    if method not in ESTIMATORS:
        raise ValueError(f"unknown given-data method {method!r}; methods: {', '.join(ESTIMATORS)}")
    if nan not in ("raise", "drop"):
        raise ValueError(f"nan must be 'raise' or 'drop', got {nan!r}")
    estimator, key = ESTIMATORS[method]
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float).reshape(len(x), -1)
    labels = list(outputs) if outputs is not None else [f"y{i}" for i in range(y.shape[1])]
    if len(labels) != y.shape[1] or len(names) != x.shape[1]:
        raise ValueError("names and outputs must match the columns of x and y")
    lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
    problem = {
        "num_vars": x.shape[1],
        "names": list(names),
        "bounds": [
            [float(a), float(b) if b > a else float(a) + 1.0] for a, b in zip(lo, hi, strict=True)
        ],
    }
    frames, used, undefined = [], {}, {}
    for i, label in enumerate(labels):
        ok = np.isfinite(y[:, i])
        n_bad = int((~ok).sum())
        if n_bad and nan == "raise":
            raise ValueError(
                f"output {label}: {n_bad} of {len(ok)} worlds are undefined (NaN); pass "
                "nan='drop' to analyse the worlds where it is defined"
            )
        used[label], undefined[label] = int(ok.sum()), n_bad
        yi = y[ok, i]
        if ok.sum() < 10 or np.ptp(yi) == 0:
            cols = {key: np.full(x.shape[1], np.nan)}  # constant or (nearly) no output
        else:
            cols = {
                k: np.asarray(v, dtype=float)
                for k, v in estimator(problem, x[ok], yi, seed, **options).items()
            }
        part = pd.DataFrame(
            {"output": label, "parameter": list(names), **cols, "n_undefined": n_bad}
        )
        frames.append(part.sort_values(key, ascending=False, kind="stable", na_position="last"))
    frame = pd.concat(frames, ignore_index=True)
    frame.attrs.update(
        method=method, worlds=used, undefined=undefined, nan=nan, seed=seed, **options
    )
    return frame


def parameter_columns(params) -> tuple[np.ndarray, list[str]]:
    """The varying parameter columns of a run's ``params`` Dataset: ``x`` ``(n, D)`` and names.

    One column per scalar parameter and per actor of a per-actor one (``name[actor]``);
    constant columns (parameters the scenario fixes) are left out.
    """
    cols, names = [], []
    for name in params.data_vars:
        da = params[name]
        if da.ndim == 1:
            cols.append(da.values)
            names.append(name)
        else:
            for j, actor in enumerate(da["actor"].values):
                cols.append(da.values[:, j])
                names.append(f"{name}[{actor}]")
    x = np.column_stack(cols).astype(float)
    varying = np.ptp(x, axis=0) > 0
    return x[:, varying], [n for n, v in zip(names, varying, strict=True) if v]


@dataclass(frozen=True)
class GivenData:
    """``pausesim sensitivity --method pawn|rbd-fast|delta``: indices from one existing run."""

    name: str

    def analyze(
        self,
        scenario,
        outputs: list[Output],
        *,
        parameters: Sequence[str] | None = None,
        comparison=None,
        nan: str = "drop",
        chunk_size: int | None = None,
        executor=None,
        progress: Callable[[int, int], None] | None = None,
        base_samples: int | None = None,
        **options,
    ) -> pd.DataFrame:
        """One row per (output, parameter) from ``comparison`` or one ``compare`` of ``scenario``.

        ``parameters`` restricts the columns (``name`` selects all its actors, or
        ``name[actor]`` one); ``base_samples`` is accepted for the generic command and unused
        (the worlds are the scenario's ``samples``).
        """
        from pausesim.run import CHUNK_SIZE, compare

        if not outputs:
            raise ValueError("give at least one output")
        if comparison is None:
            n = scenario.samples
            cb = (lambda done: progress(done, n)) if progress is not None else None
            comparison = compare(
                scenario,
                keep="none",
                chunk_size=chunk_size or CHUNK_SIZE,
                executor=executor,
                progress=cb,
            )
        x, names = parameter_columns(comparison.policy.params)
        if parameters:
            chosen = set(parameters)
            pick = [i for i, n in enumerate(names) if n in chosen or n.split("[")[0] in chosen]
            missing = [
                p for p in parameters if not any(n == p or n.split("[")[0] == p for n in names)
            ]
            if missing:
                raise ValueError(
                    f"parameters {missing} do not vary in this run; varying: "
                    f"{', '.join(sorted({n.split('[')[0] for n in names}))}"
                )
            x, names = x[:, pick], [names[i] for i in pick]
        if x.shape[1] == 0:
            raise ValueError(f"scenario '{scenario.name}' has no varying parameter")
        y = np.column_stack([per_world(comparison, o) for o in outputs])
        frame = given_data_indices(
            self.name,
            x,
            y,
            names,
            seed=int(scenario.seed) % (2**32) + 1,  # SALib ignores a seed of 0
            outputs=[o.label for o in outputs],
            nan=nan,
            **options,
        )
        frame.attrs.update(scenario=scenario.name, engine=scenario.engine, samples=len(x))
        return frame


#: The registered methods, by name.
METHODS = {name: GivenData(name) for name in ESTIMATORS}
