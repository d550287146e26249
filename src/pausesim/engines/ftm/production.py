"""CES production of goods, hardware R&D and software R&D (Davidson 2023, §2).

Output nests a CES over tasks (labour and compute, :mod:`.allocation`) inside a CES with capital
(goods, hardware R&D) or experiment compute (software R&D). Weights are calibrated once, at the
first step, so that the initial factor shares match the parameters
(``SimulateTakeOff.adjust_task_weights``).

With the allocation of :mod:`.allocation`, the CES sum over tasks has a closed form: the
automated tasks contribute ``K^rho sbe[I]``, the labour-only tasks ``M^rho sb[I+1]``, since
``beta_j (K beta_j^sigma eta_j^sigma)^rho = K^rho beta_j^sigma eta_j^(sigma-1)`` when
``sigma = 1 / (1 - rho)``. This keeps every step O(samples) (the sums come from
:class:`.allocation.TaskTables`).
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from pausesim.engines.ftm.allocation import Allocation, TaskRows, critical_input
from pausesim.engines.ftm.arrays import power


def task_ces_terms(
    alloc: Allocation, rows: TaskRows, rho: np.ndarray, xp: ModuleType = np
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Terms of the task CES: automated tasks, critical task (labour, compute part), labour tasks.

    Returns ``(auto, crit_labour, crit_compute, manual)`` with ``sum_j beta_j x_j^rho = auto +
    crit_labour + crit_compute + manual`` (each ``x^(rho-1)``-weighted part of the critical
    task separately, as factor shares need). ``rows``: the task tables at the critical task.
    """
    x_i = critical_input(alloc)
    w = rows.beta * power(xp, x_i, rho - 1)
    auto = power(xp, alloc.compute_scale, rho) * rows.sbe
    manual = xp.where(rows.sb_next > 0, power(xp, alloc.labour_scale, rho) * rows.sb_next, 0.0)
    return auto, w * alloc.labour_critical, w * alloc.eta_critical * alloc.compute_critical, manual


def task_sum(
    alloc: Allocation, rows: TaskRows, rho: np.ndarray, xp: ModuleType = np
) -> np.ndarray:
    """``sum_j beta_j x_j^rho`` over the tasks, in closed form (module docstring)."""
    x_i = critical_input(alloc)
    auto = power(xp, alloc.compute_scale, rho) * rows.sbe
    manual = xp.where(rows.sb_next > 0, power(xp, alloc.labour_scale, rho) * rows.sb_next, 0.0)
    return auto + rows.beta * power(xp, x_i, rho) + manual


def cognitive_power(
    total: np.ndarray,
    beta_sum: np.ndarray,
    rho: np.ndarray,
    rho_outer: np.ndarray,
    xp: ModuleType = np,
) -> np.ndarray:
    """``Y^rho_outer`` of cognitive output ``Y = (sum_j beta_j x_j^rho / sum beta)^(1/rho)``.

    The outer CES only needs this power, so it is one power instead of two.
    """
    return power(xp, total / beta_sum, rho_outer / rho)


def ces2(
    x0_rho: np.ndarray,
    x1_rho: np.ndarray,
    w0: np.ndarray,
    w1: np.ndarray,
    rho: np.ndarray,
    tfp,
    xp: ModuleType = np,
) -> np.ndarray:
    """Two-input CES ``tfp (w0 x0^rho / W + w1 x1^rho / W)^(1/rho)``, ``W = w0 + w1``.

    Takes the powers ``x0^rho`` and ``x1^rho`` (shared between calls, or computed fused).
    """
    wsum = w0 + w1
    return tfp * power(xp, w0 * x0_rho / wsum + w1 * x1_rho / wsum, 1.0 / rho)


def factor_shares(
    outer: tuple[np.ndarray, np.ndarray],
    x0_rho: np.ndarray,
    cognitive_rho: np.ndarray,
    terms: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shares of capital (or experiments), cognitive work, labour and compute in output.

    ``x0_rho``, ``cognitive_rho``: the outer CES inputs to the power ``rho_outer``.
    """
    cap = outer[0] * x0_rho
    cog = outer[1] * cognitive_rho
    total = cap + cog
    cap, cog = cap / total, cog / total
    auto, crit_l, crit_c, manual = terms
    lab = crit_l + manual
    comp = crit_c + auto
    total = lab + comp
    return cap, cog, lab / total * cog, comp / total * cog


def odds_to_probs(odds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities ``(p, 1 - p)`` of odds ``p / (1 - p)``, stable at both ends."""
    with np.errstate(divide="ignore"):
        mid = 1 / (1 + 1 / odds)
        p = np.where(odds < 1e-10, odds, np.where(odds > 1e10, 1 - 1 / odds, mid))
        p_not = np.where(odds > 1e10, 1 / odds, 1.0 - p)
    return p, p_not


def calibrate_weights(
    x0: np.ndarray,
    labour: np.ndarray,
    compute: np.ndarray,
    eta: np.ndarray,
    rho_outer: np.ndarray,
    rho_inner: np.ndarray,
    outer_ratio: np.ndarray,
    compute_to_labour_ratio: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Outer ``(2, n)`` and task ``(N, n)`` weights that reproduce the initial factor shares.

    Without automation (all compute on task 0, labour spread evenly over the labour tasks) the
    compute-to-labour and capital-to-cognitive share ratios must equal the given ones.
    """
    n_tasks, n = eta.shape
    eta_s = eta.T  # sample-major rows, so that sums over tasks add in the reference's order
    lab = np.zeros((n, n_tasks))
    lab[:, 1:] = (labour / (n_tasks - 1))[:, None]
    comp = np.zeros((n, n_tasks))
    comp[:, 0] = compute
    task_input = lab + eta_s * comp
    scaled = task_input ** (rho_inner[:, None] - 1)
    labour_share = np.sum(lab * scaled, axis=1)
    compute_share = np.sum(eta_s * comp * scaled, axis=1)
    p, p_not = odds_to_probs(compute_to_labour_ratio * labour_share / compute_share)
    inner = np.empty((n, n_tasks))
    inner[:, 0] = p
    inner[:, 1:] = p_not[:, None]
    terms = inner * task_input ** rho_inner[:, None] / inner.sum(axis=1)[:, None]
    cognitive = np.sum(terms, axis=1) ** (1.0 / rho_inner)
    ratio = outer_ratio * cognitive**rho_outer / x0**rho_outer
    q, q_not = odds_to_probs(ratio)
    return np.stack([q, q_not]), np.ascontiguousarray(inner.T)
