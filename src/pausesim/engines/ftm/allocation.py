"""The per-step task allocation: how labour and compute are spread over tasks.

Solves the problem of ``SimulateTakeOff.solve_allocation`` (epoch-research/ftm; derivation in
Davidson 2023, appendix on the task-based CES): a CES aggregate of tasks with weights ``beta``,
exponent ``rho`` (``sigma = 1 / (1 - rho)``), where task ``j`` takes labour ``l_j`` plus compute
``c_j`` at ``eta_j`` labour-equivalents per FLOP and only the first ``AT`` tasks can use compute.

The optimum has a *critical task* ``I``: tasks before it use only compute, tasks after it only
labour, task ``I`` both. The reference scans ``I = 0, 1, ...`` and keeps the first one whose
labour ``l_I`` (its equation 18) is non-negative; that test is monotone in ``I``, so a binary
search over tasks (:mod:`.search`) finds the same task. From ``I`` the whole allocation follows
from five numbers per sample (:class:`Allocation`):

- ``j < I``: ``c_j = K beta_j^sigma eta_j^(sigma-1)``, ``l_j = 0``;
- ``j = I``: ``l_I``, ``c_I``;
- ``j > I``: ``l_j = M beta_j^sigma``, ``c_j = 0``.

Every step is O(samples): the sums over tasks the equations need are read from tables built
once (:class:`TaskTables`). With the runtime requirement ``eta_j = exp(-max(0, a_j - k ln b))``
of a run ``b`` (:func:`.requirements.runtime_exponents`) and ``a_j`` ascending, the first ``J``
tasks have ``eta = 1`` and the reference's running sum ``sbe[I] = sum_{j<I} beta_j^sigma
eta_j^(sigma-1)`` is

    ``sbe[I] = P0[I]`` for ``I <= J``, else ``P0[J] + b^(k(sigma-1)) (S1[I] - S1[J])``,

with ``P0`` the prefix sums of ``beta^sigma`` and ``S1`` those of ``beta^sigma
exp((1-sigma) a)``. Columns may stack several productions (goods, hardware R&D, software R&D
side by side); each column has its own weights, exponents and requirements.

Per-task arrays are task-major, shape ``(N, width)``; running sums have ``N + 1`` rows.

The tables are built once, with NumPy; the per-step functions take an array namespace ``xp``
(``numpy`` or ``jax.numpy``, :mod:`pausesim.backend`) and have no branch on the data, so the
compiled step runs them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from types import ModuleType

import numpy as np

from pausesim.engines.ftm.arrays import take
from pausesim.engines.ftm.search import count_prefix, count_prefix_hinted


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


def differenced_sums(terms: np.ndarray, growing: np.ndarray) -> np.ndarray:
    """``S`` with ``S[m] - S[J] = sum_{J <= j < m} terms_j``, shape ``(N + 1, width)``.

    Prefix sums where the terms grow along the tasks (``growing``, per column), minus suffix
    sums where they shrink: either way the difference is taken between sums dominated by the
    terms it keeps, so it does not cancel.
    """
    return np.where(growing, prefix_sums(terms), -suffix_sums(terms))


@dataclass(frozen=True)
class TaskTables:
    """What the allocation needs of the tasks, constant over the run (``(N or N+1, width)``).

    Built once the task weights are calibrated (:func:`task_tables`).
    """

    beta: np.ndarray  #: task weights
    bs: np.ndarray  #: beta^sigma
    sb: np.ndarray  #: suffix sums of bs (N + 1 rows)
    p0: np.ndarray  #: prefix sums of bs (N + 1 rows)
    s1: np.ndarray  #: differenced sums of bs exp((1 - sigma) a) (N + 1 rows)
    a: np.ndarray  #: runtime exponents a_j, ascending
    exp_neg_a: np.ndarray  #: exp(-a): eta of an unclamped task is this times b^k
    exp_sm1_a: np.ndarray  #: exp((1 - sigma) a): eta^(sigma-1) is this times b^(k(sigma-1))
    test_rhs: np.ndarray  #: exp(-sigma a_j) sb[j+1], the critical test's right side per b^(k sigma)
    test_pairs: np.ndarray  #: (2 N width, 2): (P0[I+1], sb[I+1]) rows, then (S1[I+1], test_rhs[I])
    records: np.ndarray  #: (N width, 10): row I of every table :class:`TaskRows` reads, together
    sigma: np.ndarray  #: (width,)
    beta_sum: np.ndarray  #: (width,)

    @property
    def n_tasks(self) -> int:
        """Tasks ``N`` (the compute-only task included)."""
        return self.beta.shape[0]


def _interleave(columns: list[np.ndarray], block: int = 4096) -> np.ndarray:
    """``(rows * width, k)`` records of ``k`` tables of shape ``(rows, width)``, row by row.

    Copied in blocks of ``block`` records that stay in cache (5x faster than one transpose of
    the whole tables at 1,000 samples: a chunk's table building is part of every run).
    """
    flat = [c.ravel() for c in columns]
    size = flat[0].size
    out = np.empty((size, len(columns)))
    for lo in range(0, size, block):
        hi = min(size, lo + block)
        out[lo:hi] = np.stack([f[lo:hi] for f in flat], axis=1)
    return out


def task_tables(beta: np.ndarray, sigma: np.ndarray, a: np.ndarray) -> TaskTables:
    """Tables of weights ``beta`` and runtime exponents ``a`` (``(N, width)``, ``a`` ascending)."""
    bs = beta**sigma
    sb = suffix_sums(bs)
    exp_neg_a = np.exp(-a)
    exp_sm1_a = np.exp((1 - sigma) * a)
    p0 = prefix_sums(bs)
    s1 = differenced_sums(bs * exp_sm1_a, sigma <= 1)
    test_rhs = np.exp(-sigma * a) * sb[1:]
    pairs = np.concatenate([_interleave([p0[1:], sb[1:]]), _interleave([s1[1:], test_rhs])])
    records = [exp_neg_a, exp_sm1_a, bs, beta, sb[:-1], p0[:-1], s1[:-1], sb[1:], p0[1:], s1[1:]]
    return TaskTables(
        beta=beta,
        bs=bs,
        sb=sb,
        p0=p0,
        s1=s1,
        a=a,
        exp_neg_a=exp_neg_a,
        exp_sm1_a=exp_sm1_a,
        test_rhs=test_rhs,
        test_pairs=pairs,
        records=_interleave(records),
        sigma=sigma,
        beta_sum=np.sum(beta.T, axis=1),
    )


@dataclass(frozen=True)
class Runtime:
    """Runtime requirements at one step for a largest run ``b``, ``(width,)`` each."""

    n_clamped: np.ndarray  #: J: tasks j < J need no more than one FLOP/s (eta = 1)
    run_factor: np.ndarray  #: b^k
    sm1_factor: np.ndarray  #: b^(k (sigma - 1))
    sigma_factor: np.ndarray  #: b^(k sigma)
    p0_j: np.ndarray  #: P0[J]
    s1_j: np.ndarray  #: S1[J]

    def columns(self, cols: slice) -> Runtime:
        """The columns ``cols``."""
        return Runtime(*(getattr(self, f.name)[cols] for f in fields(self)))


def runtime(
    tables: TaskTables, log_run_k: np.ndarray, j: np.ndarray, xp: ModuleType = np
) -> Runtime:
    """Runtime state for ``k ln b`` (``compute_runtime_requirements``, as exponents).

    ``eta_j = 1 / max(1, runtime_j (training_j / b)^k) = exp(-max(0, a_j - k ln b))``; ``j``
    counts the tasks with ``a_j <= k ln b`` (:func:`.requirements.requirement_counts`).
    """
    width = j.shape[0]
    flat = j * width + np.arange(width)
    run_factor = xp.exp(log_run_k)
    sm1_factor = xp.exp((tables.sigma - 1) * log_run_k)
    return Runtime(
        n_clamped=j,
        run_factor=run_factor,
        sm1_factor=sm1_factor,
        sigma_factor=run_factor * sm1_factor,
        p0_j=take(xp, tables.p0.ravel(), flat),
        s1_j=take(xp, tables.s1.ravel(), flat),
    )


def eta_table(
    tables: TaskTables, rt: Runtime, xp: ModuleType = np
) -> tuple[np.ndarray, np.ndarray]:
    """``eta`` and ``eta^(sigma-1)`` of every task, ``(N, width)`` (diagnostics only)."""
    clamped = np.arange(tables.n_tasks)[:, None] < rt.n_clamped
    eta = xp.where(clamped, 1.0, tables.exp_neg_a * rt.run_factor)
    eta_sm1 = xp.where(clamped, 1.0, tables.exp_sm1_a * rt.sm1_factor)
    return eta, eta_sm1


def _fails(labour, compute, rt, clamped, p0_next, s1_next, sb_next, test_rhs, xp=np):
    """Equation 18's ``l_I < 0`` for a candidate ``I``, from the tables read at ``I``.

    ``l_I >= 0`` exactly when ``L sbe[I+1] >= C eta_I^sigma sb[I+1]`` (substitute equation 20
    and simplify); ``clamped``: ``I < J``, so ``eta_I = 1`` and ``sbe[I+1] = P0[I+1]``.
    """
    lhs = labour * xp.where(clamped, p0_next, rt.p0_j + rt.sm1_factor * (s1_next - rt.s1_j))
    rhs = compute * xp.where(clamped, sb_next, rt.sigma_factor * test_rhs)
    return lhs < rhs


def critical_task(
    labour: np.ndarray,
    compute: np.ndarray,
    tables: TaskTables,
    rt: Runtime,
    automatable: np.ndarray,
    most_automatable: int,
    hint: np.ndarray | None = None,
    xp: ModuleType = np,
) -> tuple[np.ndarray, np.ndarray]:
    """Critical task ``I`` and whether the reference's scan found it (``(width,)`` each).

    The left side of the test of :func:`_fails` grows and the right side falls with ``I``, so
    candidates fail up to the critical task and pass from it on: the reference's first passing
    candidate is the number of failing ones below ``AT``. If none passes, the last automatable
    task is critical. ``most_automatable`` bounds ``automatable`` (fewer search rounds while
    few tasks are automatable).

    The test at ``J - 1`` first tells on which side of ``J`` the answer lies; on either side
    the test is ``L (alpha + beta X_I) < C gamma Y_I`` with one pair of tables
    (:attr:`TaskTables.test_pairs`) and per-sample constants, one read per search round.

    ``hint``: the likely number of failing candidates, ``I + (not found)`` of the previous step;
    confirmed first, and only the columns where it is wrong are searched (same result; NumPy
    only). Under JAX, ``most_automatable`` is the number of tasks (a bound known in advance).
    """
    n, width = tables.n_tasks, labour.shape[0]
    col = np.arange(width)
    j = rt.n_clamped
    sb_j = take(xp, tables.sb.ravel(), j * width + col)
    # candidate J - 1 has eta = 1 and sbe[J] = P0[J]; if it passes, I < J
    clamped = (j > 0) & ~(labour * rt.p0_j < compute * sb_j)
    alpha = xp.where(clamped, 0.0, rt.p0_j - rt.sm1_factor * rt.s1_j)
    beta = xp.where(clamped, 1.0, rt.sm1_factor)
    c_gamma = compute * xp.where(clamped, 1.0, rt.sigma_factor)
    base = xp.where(clamped, 0, n * width) + col  # row 0 of the pair of tables of each side
    limit = base + xp.where(clamped, xp.minimum(automatable, j - 1), automatable) * width
    pairs = tables.test_pairs

    def fails_for(cols: np.ndarray | None):
        lab, a, b, cg, lim = (
            (labour, alpha, beta, c_gamma, limit)
            if cols is None
            else (labour[cols], alpha[cols], beta[cols], c_gamma[cols], limit[cols])
        )

        def fails(f: np.ndarray) -> np.ndarray:
            x, y = take(xp, pairs, f, 0, clip=True).T
            out = lab * (a + b * x) < cg * y
            out &= f < lim
            return out

        return fails

    start = xp.where(clamped, 0, xp.minimum(j, automatable))
    upper = min(most_automatable, n)
    if hint is None:
        first = count_prefix(fails_for(None), upper, base, width, start, xp=xp)
    else:
        first = count_prefix_hinted(fails_for, upper, base, width, hint, start)
    found = first < automatable
    return xp.where(found, first, automatable - 1), found


@dataclass(frozen=True)
class TaskRows:
    """What :func:`solve` and the task CES read at the critical task ``I``, ``(width,)`` each."""

    eta: np.ndarray  #: eta_I
    eta_sm1: np.ndarray  #: eta_I^(sigma-1)
    bs: np.ndarray  #: beta_I^sigma
    beta: np.ndarray  #: beta_I
    sb: np.ndarray  #: sb[I]
    sb_next: np.ndarray  #: sb[I+1]
    sbe: np.ndarray  #: sbe[I]
    sbe_next: np.ndarray  #: sbe[I+1]


def _task_rows(rt: Runtime, crit: np.ndarray, fields, xp: ModuleType = np) -> TaskRows:
    """:class:`TaskRows` from the tables at row ``I`` (``fields`` as in ``TaskTables.records``)."""
    exp_neg_a, exp_sm1_a, bs, beta, sb, p0, s1, sb_next, p0_next, s1_next = fields
    clamped = crit < rt.n_clamped  # I < J: eta_I = 1 and sbe[I+1] = P0[I+1]
    within = crit <= rt.n_clamped  # I <= J: sbe[I] = P0[I]
    p0_j, s1_j, factor = rt.p0_j, rt.s1_j, rt.sm1_factor
    return TaskRows(
        eta=xp.where(clamped, 1.0, exp_neg_a * rt.run_factor),
        eta_sm1=xp.where(clamped, 1.0, exp_sm1_a * factor),
        bs=bs,
        beta=beta,
        sb=sb,
        sb_next=sb_next,
        sbe=xp.where(within, p0, p0_j + factor * (s1 - s1_j)),
        sbe_next=xp.where(clamped, p0_next, p0_j + factor * (s1_next - s1_j)),
    )


def rows_at(
    tables: TaskTables, rt: Runtime, crit: np.ndarray, xp: ModuleType = np
) -> TaskRows:
    """The tables at task ``crit`` of each column (one read of :attr:`TaskTables.records`)."""
    width = crit.shape[0]
    f = crit * width + np.arange(width)
    return _task_rows(rt, crit, take(xp, tables.records, f, 0).T, xp)


def first_task_fields(tables: TaskTables, cols: slice) -> np.ndarray:
    """The records of task 0 for the columns ``cols``, field-major (for :func:`first_task`)."""
    return np.ascontiguousarray(tables.records[cols].T)


def first_task(
    labour: np.ndarray,
    compute: np.ndarray,
    tables: TaskTables,
    rt: Runtime,
    cols: slice,
    fields: np.ndarray | None = None,
    xp: ModuleType = np,
) -> tuple[np.ndarray, np.ndarray, TaskRows]:
    """Allocation inputs without automation (only the compute task 0 may use compute).

    For the columns ``cols`` (``labour``, ``compute`` already sliced): the critical task (0),
    whether the scan found it, and the tables there (no search needed with one automatable
    task). ``fields``: :func:`first_task_fields` of ``cols``, if already built.
    """
    rt = rt.columns(cols)
    crit = xp.zeros(labour.shape[0], dtype=int)
    rows = _task_rows(rt, crit, tables.records[cols].T if fields is None else fields, xp)
    fails = _fails(
        labour, compute, rt, rt.n_clamped > 0,
        tables.p0[1, cols], tables.s1[1, cols], tables.sb[1, cols], tables.test_rhs[0, cols], xp,
    )  # fmt: skip
    return crit, ~fails, rows


def solve(
    labour: np.ndarray,
    compute: np.ndarray,
    crit: np.ndarray,
    found: np.ndarray,
    rows: TaskRows,
    n_tasks: int,
    xp: ModuleType = np,
) -> Allocation:
    """Optimal allocation of ``labour`` and ``compute`` (``(width,)``) given the critical task.

    ``crit``, ``found`` from :func:`critical_task`; ``rows`` the tables at ``crit``. The
    reference's formulas for the chosen candidate (equations 14-22 of ``solve_allocation``).
    """
    eta_i, bs_i, sb_i, sb_next = rows.eta, rows.bs, rows.sb, rows.sb_next
    sbe_i, sbe_next = rows.sbe, rows.sbe_next
    a = eta_i * rows.eta_sm1 * sb_i
    c_found = (compute * a - labour * sbe_i) / (a + eta_i * sbe_i)
    ec = eta_i * c_found
    share = bs_i / sb_i
    l_found = (labour + ec) * share - ec

    # Critical task found (the reference's `break`): equations 17 and 14.
    k_found = (compute + l_found / eta_i) / sbe_next
    m_found = (labour + ec) / sb_i
    # ... unless the critical compute is negative: compute only below I, labour from I on.
    fix = found & (crit > 0) & (c_found < 0)
    k_fix = compute / sbe_i
    l_fix = labour * share
    m_fix = labour / sb_i
    # No candidate: the last automatable task is critical and uses no labour (eqs 14, 15, 22).
    c_last = compute * bs_i * rows.eta_sm1 / sbe_next
    k_last = compute / sbe_next
    m_last = labour / sb_next

    l_i = xp.where(found, xp.where(fix, l_fix, l_found), 0.0)
    c_i = xp.where(found, xp.where(fix, 0.0, c_found), c_last)
    k = xp.where(found, xp.where(fix, k_fix, k_found), k_last)
    m = xp.where(found, xp.where(fix, m_fix, m_found), m_last)
    # The reference gives the last task all the labour when no task got any.
    no_labour = (crit == n_tasks - 1) & (l_i == 0)
    l_i = xp.where(no_labour, labour, l_i)
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
    alloc: Allocation, bs: np.ndarray, eta_sm1: np.ndarray, xp: ModuleType = np
) -> tuple[np.ndarray, np.ndarray]:
    """Full labour and compute inputs per task, ``(N, n)`` each (diagnostics and calibration)."""
    n_tasks = bs.shape[0]
    j = np.arange(n_tasks)[:, None]
    below = j < alloc.critical
    above = j > alloc.critical
    at = j == alloc.critical
    compute = xp.where(below, alloc.compute_scale * bs * eta_sm1, 0.0)
    compute = xp.where(at, alloc.compute_critical, compute)
    labour = xp.where(above, alloc.labour_scale * bs, 0.0)
    labour = xp.where(at, alloc.labour_critical, labour)
    return labour, compute
