"""The O(samples) searches of the ftm engine against the reference's scans over all tasks."""

from __future__ import annotations

import numpy as np
import pytest

from pausesim.engines.ftm import allocation
from pausesim.engines.ftm.search import count_below, padded_rows


def _padded(table: np.ndarray) -> np.ndarray:
    out = np.full((padded_rows(table.shape[0]), table.shape[1]), np.inf)
    out[: table.shape[0]] = table
    return out


@pytest.mark.parametrize("n_rows", [1, 2, 7, 64, 101])
def test_count_below_is_the_count_of_smaller_entries(n_rows):
    rng = np.random.default_rng(n_rows)
    width = 300
    table = np.sort(rng.integers(0, 20, (n_rows, width)).astype(float), axis=0)  # with ties
    x = rng.integers(-1, 22, width).astype(float)
    x[:3] = [np.inf, -np.inf, np.nan]
    expected = np.count_nonzero(table < x, axis=0)
    np.testing.assert_array_equal(count_below(_padded(table), x, n_rows), expected)


def _reference_scan(labour, compute, beta, sigma, eta, automatable):
    """The reference's loop: first candidate I whose labour (eq. 18) is non-negative."""
    bs = beta**sigma
    sb = allocation.suffix_sums(bs)
    sbe = allocation.prefix_sums(bs * eta ** (sigma - 1))
    crit, found = np.empty(labour.shape, int), np.zeros(labour.shape, bool)
    for c in range(labour.shape[0]):
        for i in range(automatable[c]):
            if labour[c] * sbe[i + 1, c] >= compute[c] * eta[i, c] ** sigma[c] * sb[i + 1, c]:
                crit[c], found[c] = i, True
                break
        else:
            crit[c] = automatable[c] - 1
    return crit, found, sbe


def test_critical_task_and_running_sums_match_the_scan():
    rng = np.random.default_rng(0)
    n_tasks, width = 101, 400
    sigma = 1 / (1 - rng.uniform(-2.0, 0.5, width))  # includes rho > 0 (sigma > 1)
    beta = np.full((n_tasks, width), 1.0)
    beta[0] = rng.uniform(0.1, 10, width)
    a = np.sort(rng.uniform(0, 60, (n_tasks, width)), axis=0)
    a[0] = 0.0
    log_run_k = rng.uniform(-1, 70, width)
    j = np.count_nonzero(a <= log_run_k, axis=0)
    eta = np.exp(-np.maximum(0.0, a - log_run_k))
    labour = 10 ** rng.uniform(8, 10, width)
    compute = 10 ** rng.uniform(5, 25, width)
    automatable = rng.integers(1, n_tasks + 1, width)

    tables = allocation.task_tables(beta, sigma, a)
    rt = allocation.runtime(tables, log_run_k, j)
    crit, found = allocation.critical_task(
        labour, compute, tables, rt, automatable, int(automatable.max())
    )
    ref_crit, ref_found, sbe = _reference_scan(labour, compute, beta, sigma, eta, automatable)
    np.testing.assert_array_equal(crit, ref_crit)
    np.testing.assert_array_equal(found, ref_found)
    rows = allocation.rows_at(tables, rt, crit)
    cols = np.arange(width)
    np.testing.assert_allclose(rows.sbe, sbe[crit, cols], rtol=1e-12)
    np.testing.assert_allclose(rows.sbe_next, sbe[crit + 1, cols], rtol=1e-12)
    np.testing.assert_allclose(rows.eta, eta[crit, cols], rtol=1e-12)


@pytest.mark.parametrize("n_rows", [1, 7, 101])
def test_count_below_with_any_hint_gives_the_count(n_rows):
    """A hint (the previous step's count) changes the work, never the count: right, wrong by
    one, far off, out of range."""
    rng = np.random.default_rng(10 + n_rows)
    width = 500
    table = np.sort(rng.integers(0, 20, (n_rows, width)).astype(float), axis=0)
    x = rng.integers(-1, 22, width).astype(float)
    x[:3] = [np.inf, -np.inf, np.nan]
    expected = np.count_nonzero(table < x, axis=0)
    for hint in (
        expected,
        expected + rng.integers(-1, 2, width),
        rng.integers(-5, n_rows + 6, width),
        np.zeros(width, dtype=int),
        np.full(width, n_rows + 3),
    ):
        got = count_below(_padded(table), x, n_rows, hint)
        np.testing.assert_array_equal(got, expected)


def test_critical_task_with_any_hint_matches_the_scan():
    rng = np.random.default_rng(1)
    n_tasks, width = 101, 400
    sigma = 1 / (1 - rng.uniform(-2.0, 0.5, width))
    beta = np.full((n_tasks, width), 1.0)
    beta[0] = rng.uniform(0.1, 10, width)
    a = np.sort(rng.uniform(0, 60, (n_tasks, width)), axis=0)
    a[0] = 0.0
    log_run_k = rng.uniform(-1, 70, width)
    j = np.count_nonzero(a <= log_run_k, axis=0)
    eta = np.exp(-np.maximum(0.0, a - log_run_k))
    labour = 10 ** rng.uniform(8, 10, width)
    compute = 10 ** rng.uniform(5, 25, width)
    automatable = rng.integers(1, n_tasks + 1, width)
    tables = allocation.task_tables(beta, sigma, a)
    rt = allocation.runtime(tables, log_run_k, j)
    ref_crit, ref_found, _ = _reference_scan(labour, compute, beta, sigma, eta, automatable)
    exact = ref_crit + ~ref_found  # what the engine passes on to the next step
    for hint in (exact, exact + rng.integers(-2, 3, width), rng.integers(-3, 110, width)):
        crit, found = allocation.critical_task(
            labour, compute, tables, rt, automatable, int(automatable.max()), hint
        )
        np.testing.assert_array_equal(crit, ref_crit)
        np.testing.assert_array_equal(found, ref_found)
