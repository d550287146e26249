"""Automation requirements: training and runtime compute each task needs (Davidson 2023, §3).

The requirements of the ``N`` labour tasks are spread log-linearly through quantiles fixed by the
FLOP gap (100% of tasks at the full requirement, 50% four sevenths of the gap lower, 20% the whole
gap lower, ...), as ``SimulateTakeOff.quantiles_from_gap`` / ``process_quantiles`` of
epoch-research/ftm. Task 0 is the compute-only task, always automatable (requirement 1).

Arrays are task-major: shape ``(N + 1, n_samples)``.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from pausesim.engines.ftm.search import count_below, padded_rows

#: Seconds in the 365-day year the reference uses to turn FLOP/s into FLOP per year.
SECONDS_PER_YEAR = 60 * 60 * 24 * 365

#: Quantile of tasks -> requirement lowered by ``gap**(exponent / 7)`` from the full one.
_QUANTILE_KEYS = np.array([0.0, 0.05, 0.1, 0.2, 0.5, 1.0])
_GAP_SEVENTHS = (10.5, 9.5, 8.5, 7.0, 4.0)


def quantile_requirements(full: np.ndarray, gap: np.ndarray) -> np.ndarray:
    """Requirements at the quantiles :data:`_QUANTILE_KEYS`, shape ``(6, n)``, ascending."""
    unit = gap ** (1 / 7)
    rows = [full / unit**e for e in _GAP_SEVENTHS]
    return np.stack([*rows, full])


def interpolate_tasks(values: np.ndarray, n_tasks: int) -> np.ndarray:
    """Log-linear interpolation of quantile values onto ``n_tasks`` evenly spaced quantiles.

    The same arithmetic as :func:`numpy.interp` (slope times offset plus left value; exact at
    the knots), vectorized over samples.
    """
    logv = np.log10(values)
    q = np.linspace(0, 1, n_tasks)
    keys = _QUANTILE_KEYS
    j = np.clip(np.searchsorted(keys, q, side="right") - 1, 0, len(keys) - 2)
    slope = (logv[1:] - logv[:-1]) / (keys[1:] - keys[:-1])[:, None]
    out = slope[j] * (q - keys[j])[:, None] + logv[j]
    at_knot = keys[j] == q
    out[at_knot] = logv[j[at_knot]]
    out[q == keys[-1]] = logv[-1]
    return 10**out


def add_steepness(
    full: np.ndarray, gap: np.ndarray, req: np.ndarray, steepness: np.ndarray
) -> np.ndarray:
    """Round requirements up to steps of ``steepness`` OOM above the bottom of the gap.

    Steepness 0 leaves the smooth requirements unchanged (``SimulateTakeOff.add_steepness``).
    """
    if not np.any(steepness > 0):
        return req
    with np.errstate(divide="ignore", invalid="ignore"):
        low = np.log10(full / gap)
        steps = np.ceil((np.log10(req) - low) / steepness) * steepness
        stepped = 10 ** (low + steps)
        stepped = np.where(stepped > full, full, stepped)
    return np.where(steepness > 0, stepped, req)


def task_requirements(
    full: np.ndarray, gap: np.ndarray, steepness: np.ndarray, n_tasks: int
) -> np.ndarray:
    """Requirements of the compute task and ``n_tasks`` labour tasks, shape ``(n_tasks+1, n)``."""
    req = interpolate_tasks(quantile_requirements(full, gap), n_tasks)
    req = add_steepness(full, gap, req, steepness)
    return np.concatenate([np.ones((1, req.shape[1])), req])


def runtime_exponents(
    runtime: np.ndarray, training: np.ndarray, tradeoff: np.ndarray
) -> np.ndarray:
    """``a_j = ln(runtime_j) + k ln(training_j)``: runtime needs fall as ``b**-k`` with the run.

    The runtime requirement of task ``j`` given the largest run ``b`` is
    ``max(1, runtime_j (training_j / b)**k)`` (``compute_runtime_requirements``), i.e.
    ``exp(max(0, a_j - k ln b))``.
    """
    return np.log(runtime) + tradeoff * np.log(training)


def search_table(
    a_goods: np.ndarray, a_rnd: np.ndarray, train_goods: np.ndarray, train_rnd: np.ndarray
) -> np.ndarray:
    """The ascending task tables every step searches, side by side, ``(N + 1, 6 n)``.

    Runtime exponents of goods and R&D tasks, then training requirements of goods and R&D
    tasks twice (for the run and for the run at the maximum tradeoff); see
    :func:`requirement_counts`. Padded with ``+inf`` rows for the search.
    """
    table = np.concatenate([a_goods, a_rnd, train_goods, train_rnd, train_goods, train_rnd], axis=1)
    padded = np.full((padded_rows(table.shape[0]), table.shape[1]), np.inf)
    padded[: table.shape[0]] = table
    return padded


def requirement_counts(
    table: np.ndarray,
    n_tasks: int,
    log_run_k: np.ndarray,
    run: np.ndarray,
    run_max_tradeoff: np.ndarray,
    hint: np.ndarray | None = None,
    xp: ModuleType = np,
) -> np.ndarray:
    """Task counts of one step, ``(6, n)``, by one binary search over :func:`search_table`.

    Rows: tasks whose runtime requirement is met by one FLOP/s (``a_j <= k ln b``; ``eta = 1``)
    for goods and R&D; tasks automatable by the run (``training_j < b``) for goods and R&D
    (``automatable_tasks_*_no_tradeoff``); the same for the run times the maximum tradeoff
    (``automatable_tasks_*``, ``SimulateTakeOff.automate_tasks``). ``hint``: likely counts
    (the previous step's), confirmed before searching (:func:`.search.count_below`; NumPy).
    """
    at_most = xp.nextafter(log_run_k, np.inf)  # a <= x  <=>  a < nextafter(x)
    x = xp.concatenate([at_most, at_most, run, run, run_max_tradeoff, run_max_tradeoff])
    flat_hint = None if hint is None else hint.reshape(-1)
    return count_below(table, x, n_tasks, flat_hint, xp=xp).reshape(6, -1)
