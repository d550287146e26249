"""Vectorized binary search over the task axis: one search per sample, all samples at once.

The model's per-task tests are monotone along the task axis (requirements are sorted; the
critical-task test fails up to the critical task and holds from it on), so what the reference
finds by scanning tasks is the length of a prefix, found here in ``log2(tasks)`` rounds of
O(samples) work instead of O(samples x tasks).

Task tables are task-major, shape ``(rows, width)``; a *flat index* ``row * width + column``
addresses one entry, so one :meth:`numpy.ndarray.take` reads one row per column.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def count_prefix(
    holds: Callable[[np.ndarray], np.ndarray],
    upper: int,
    width: int,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """Per column, the number of leading rows ``0 .. upper-1`` on which ``holds`` is true.

    ``holds(flat)`` gets flat indices (rows may exceed ``upper - 1``; read tables with
    ``mode="clip"``) and returns a boolean per column; it must be true on a prefix of rows.
    ``start``: rows already known to hold, per column (default 0; the answer is then at most
    ``start + 2**upper.bit_length() - 1``). Binary lifting: add the largest power of two that
    keeps the prefix true, then the next.
    """
    col = np.arange(width)
    last = col - width  # flat index of row -1: no row known to hold yet
    if start is not None:
        last = last + start * width
    limit = upper * width
    step = 1 << max(upper.bit_length() - 1, 0)
    while step:
        cand = last + step * width
        ok = holds(cand)
        ok &= cand < limit
        last = np.where(ok, cand, last)
        step >>= 1
    return (last - col) // width + 1


def count_below(table: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Per column, the number of rows of an ascending ``table`` with ``table[j] < x``."""
    flat = table.ravel()
    return count_prefix(lambda f: flat.take(f, mode="clip") < x, table.shape[0], table.shape[1])
