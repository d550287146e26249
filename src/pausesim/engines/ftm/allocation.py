"""The per-step task allocation: how labour and compute are spread over tasks.

Solves the problem of ``SimulateTakeOff.solve_allocation`` (epoch-research/ftm; derivation in
Davidson 2023, appendix on the task-based CES): a CES aggregate of tasks with weights ``beta``,
exponent ``rho`` (``sigma = 1 / (1 - rho)``), where task ``j`` takes labour ``l_j`` plus compute
``c_j`` at ``eta_j`` labour-equivalents per FLOP and only the first ``AT`` tasks can use compute.

The optimum has a *critical task* ``I``: tasks before it use only compute, tasks after it only
labour, task ``I`` both. The reference scans ``I = 0, 1, ...`` and keeps the first one whose
labour ``l_I`` (its equation 18) is non-negative; we evaluate every candidate at once over the
task axis and take the first, so the choice is the same. From ``I`` the whole allocation follows
from five numbers per sample (:class:`Allocation`):

- ``j < I``: ``c_j = K beta_j^sigma eta_j^(sigma-1)``, ``l_j = 0``;
- ``j = I``: ``l_I``, ``c_I``;
- ``j > I``: ``l_j = M beta_j^sigma``, ``c_j = 0``.

Per-task arrays are task-major, shape ``(N, n_samples)``; prefix sums have ``N + 1`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Allocation:
    """The optimal allocation of one production, as five numbers per sample."""

    critical: np.ndarray  #: index I of the critical task (int)
    labour_critical: np.ndarray  #: l_I
    compute_critical: np.ndarray  #: c_I
    compute_scale: np.ndarray  #: K, compute of the automated tasks j < I per beta^sigma eta^(s-1)
    labour_scale: np.ndarray  #: M, labour of the tasks j > I per beta^sigma
    eta_critical: np.ndarray  #: eta_I


def suffix_sums(bs: np.ndarray) -> np.ndarray:
    """``sb[I] = sum_{j >= I} beta_j^sigma``, with ``sb[N] = 0`` (reference's ``sums_β``)."""
    out = np.zeros((bs.shape[0] + 1, bs.shape[1]))
    out[:-1] = np.cumsum(bs[::-1], axis=0)[::-1]
    return out


def prefix_sums(terms: np.ndarray) -> np.ndarray:
    """``sbe[I] = sum_{j < I} terms_j``, with ``sbe[0] = 0`` (reference's ``sums_β_η``)."""
    out = np.zeros((terms.shape[0] + 1, terms.shape[1]))
    np.cumsum(terms, axis=0, out=out[1:])
    return out


def _gather(a: np.ndarray, idx: np.ndarray, cols: np.ndarray) -> np.ndarray:
    return a[idx, cols]


def solve(
    labour: np.ndarray,
    compute: np.ndarray,
    bs: np.ndarray,
    sb: np.ndarray,
    sbe: np.ndarray,
    eta: np.ndarray,
    eta_sigma: np.ndarray,
    eta_sm1: np.ndarray,
    automatable: np.ndarray,
    rows: int,
) -> Allocation:
    """Optimal allocation of ``labour`` and ``compute`` over tasks.

    Parameters
    ----------
    labour, compute
        Budgets, shape ``(n,)``.
    bs, sb, sbe
        ``beta^sigma`` ``(N, n)``, its suffix sums and the prefix sums of
        ``beta^sigma eta^(sigma-1)`` ``(N + 1, n)``.
    eta, eta_sigma, eta_sm1
        ``eta``, ``eta^sigma`` and ``eta^(sigma-1)``, ``(N, n)`` (only the first ``rows`` are
        read).
    automatable
        Number of tasks that can use compute, ``AT >= 1`` (int, ``(n,)``).
    rows
        Candidates examined: at least ``max(automatable)``.
    """
    n = labour.shape[0]
    cols = np.arange(n)
    # Equation 18 gives l_I >= 0 exactly when L sbe[I+1] >= C eta_I^sigma sb[I+1] (substitute
    # equation 20 and simplify). The left side grows and the right side falls with I, so the
    # candidates fail up to the critical task and pass from it on: the reference's first
    # passing candidate is the number of failing ones. Only the chosen candidate is then
    # evaluated with the reference's own formulas.
    passes = labour * sbe[1 : rows + 1] >= compute * eta_sigma[:rows] * sb[1 : rows + 1]
    first = rows - np.count_nonzero(passes, axis=0)
    found = first < automatable
    crit = np.where(found, first, automatable - 1)

    eta_i = _gather(eta, crit, cols)
    bs_i = _gather(bs, crit, cols)
    sb_i = _gather(sb, crit, cols)
    sb_next = _gather(sb, crit + 1, cols)
    sbe_i = _gather(sbe, crit, cols)
    sbe_next = _gather(sbe, crit + 1, cols)
    a = _gather(eta_sigma, crit, cols) * sb_i
    c_found = (compute * a - labour * sbe_i) / (a + eta_i * sbe_i)
    ec = eta_i * c_found
    l_found = (labour + ec) * (bs_i / sb_i) - ec

    # Critical task found (the reference's `break`): equations 17 and 14.
    k_found = (compute + l_found / eta_i) / sbe_next
    m_found = (labour + eta_i * c_found) / sb_i
    # ... unless the critical compute is negative: compute only below I, labour from I on.
    fix = found & (crit > 0) & (c_found < 0)
    k_fix = compute / sbe_i
    l_fix = labour * (bs_i / sb_i)
    m_fix = labour / sb_i
    # No candidate: the last automatable task is critical and uses no labour (eqs 14, 15, 22).
    c_last = compute * bs_i * _gather(eta_sm1, crit, cols) / sbe_next
    k_last = compute / sbe_next
    m_last = labour / sb_next

    l_i = np.where(found, np.where(fix, l_fix, l_found), 0.0)
    c_i = np.where(found, np.where(fix, 0.0, c_found), c_last)
    k = np.where(found, np.where(fix, k_fix, k_found), k_last)
    m = np.where(found, np.where(fix, m_fix, m_found), m_last)
    # The reference gives the last task all the labour when no task got any.
    n_tasks = bs.shape[0]
    no_labour = (crit == n_tasks - 1) & (l_i == 0)
    l_i = np.where(no_labour, labour, l_i)
    return Allocation(crit, l_i, c_i, k, m, eta_i)


def critical_input(alloc: Allocation) -> np.ndarray:
    """Task input of the critical task, ``l_I + eta_I c_I``."""
    return alloc.labour_critical + alloc.eta_critical * alloc.compute_critical


def frac_tasks_automated(alloc: Allocation, n_labour_tasks: int) -> np.ndarray:
    """Share of labour tasks whose compute input exceeds 10x their labour input.

    Every task before the critical one runs on compute only; the critical task counts when its
    compute part exceeds ten times its labour. The compute-only task 0 is not counted.
    """
    crit_counts = alloc.eta_critical * alloc.compute_critical > 10 * alloc.labour_critical
    return (alloc.critical + crit_counts - 1) / n_labour_tasks


def task_vectors(
    alloc: Allocation, bs: np.ndarray, eta_sm1: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Full labour and compute inputs per task, ``(N, n)`` each (diagnostics and calibration)."""
    n_tasks = bs.shape[0]
    j = np.arange(n_tasks)[:, None]
    below = j < alloc.critical
    above = j > alloc.critical
    at = j == alloc.critical
    compute = np.where(below, alloc.compute_scale * bs * eta_sm1, 0.0)
    compute = np.where(at, alloc.compute_critical, compute)
    labour = np.where(above, alloc.labour_scale * bs, 0.0)
    labour = np.where(at, alloc.labour_critical, labour)
    return labour, compute
