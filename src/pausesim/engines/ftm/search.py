"""Vectorized binary search over the task axis: one search per sample, all samples at once.

The model's per-task tests are monotone along the task axis (requirements are sorted; the
critical-task test fails up to the critical task and holds from it on), so what the reference
finds by scanning tasks is the length of a prefix, found here in ``log2(tasks)`` rounds of
O(samples) work instead of O(samples x tasks).

Task tables are task-major, shape ``(rows, width)``; a *flat index* ``row * width + column``
addresses one entry, so one :meth:`numpy.ndarray.take` reads one row per column.

From one time step to the next the counts rarely move (in random worlds ~92% of columns keep
theirs and ~98% move by at most one task), so a search may start from a *hint*, the previous
step's count: two tests per column confirm it, and only the columns where it fails are searched
(:func:`count_prefix_hinted`). The result is the same count either way.

Every function takes an array namespace ``xp`` (:mod:`pausesim.backend`: ``numpy`` or
``jax.numpy``); the loops run over a fixed number of rounds set by the table size, so they
compile as they are. The hinted search reads the data to pick columns and is NumPy only.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import numpy as np

from pausesim.backend import is_numpy
from pausesim.engines.ftm.arrays import take


def count_prefix(
    holds: Callable[[np.ndarray], np.ndarray],
    upper: int,
    base: np.ndarray,
    width: int,
    start: np.ndarray | None = None,
    xp: ModuleType = np,
) -> np.ndarray:
    """Per column, the number of leading rows on which ``holds`` is true.

    Row ``r`` of column ``c`` has flat index ``base[c] + r * width``. ``holds(flat)`` returns a
    boolean per column; it must be true on a prefix of rows and false from row ``upper`` on
    (the caller masks or pads its tables). ``start``: rows already known to hold, per column
    (default 0). Binary lifting: add the largest power of two that keeps the prefix true, then
    the next: ``bit_length(upper)`` rounds, a number fixed by the table, not by the data.

    Under JAX the indices are 32-bit when they fit (XLA on CPU runs the search in less than
    half the time); the counts are the same.
    """
    dtype = base.dtype
    if not is_numpy(xp) and 8 * (upper + 1) * width < 2**31:  # (indices < 4 (upper+1) width)
        base = base.astype(xp.int32)
        start = None if start is None else start.astype(xp.int32)
    last = base - width if start is None else base + (start - 1) * width
    step = 1 << max(upper.bit_length() - 1, 0)
    while step:
        cand = last + step * width
        last = xp.where(holds(cand), cand, last)
        step >>= 1
    # (in the caller's integer type: under JAX an int32 count would divide in float32)
    return ((last - base) // width + 1).astype(dtype, copy=False)


def count_prefix_hinted(
    holds_for: Callable[[np.ndarray | None], Callable[[np.ndarray], np.ndarray]],
    upper: int,
    base: np.ndarray,
    width: int,
    hint: np.ndarray,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`count_prefix` of every column, confirming ``hint`` first.

    ``holds_for(cols)`` returns the test of :func:`count_prefix` for the columns ``cols`` (an
    index array; ``None``: all columns), taking flat indices of those columns. A column whose
    row ``hint - 1`` holds and row ``hint`` does not has count ``hint``; the others are
    searched from scratch (rows below ``start`` are known to hold, as in :func:`count_prefix`).
    """
    lo = np.zeros_like(base) if start is None else start
    h = np.minimum(np.maximum(hint, lo), upper)  # ufuncs: np.clip's wrapper costs more
    holds = holds_for(None)
    wrong = holds(base + h * width)  # row h holds: the count is larger
    wrong |= (h > lo) & ~holds(base + (h - 1) * width)  # row h - 1 fails: smaller
    if not wrong.any():
        return h
    cols = np.flatnonzero(wrong)
    h[cols] = count_prefix(holds_for(cols), upper, base[cols], width, lo[cols])
    return h


def padded_rows(n_rows: int) -> int:
    """Rows a table of ``n_rows`` needs so that :func:`count_prefix` never reads past it."""
    return (1 << n_rows.bit_length()) - 1


def count_below(
    padded: np.ndarray,
    x: np.ndarray,
    n_rows: int,
    hint: np.ndarray | None = None,
    xp: ModuleType = np,
) -> np.ndarray:
    """Per column, the number of rows of an ascending table with ``table[j] < x``.

    ``padded``: the table with ``+inf`` rows up to :func:`padded_rows` (``n_rows`` real ones).
    ``hint``: a likely count per column (e.g. the previous step's), confirmed before searching
    (NumPy only).
    """
    flat = padded.ravel()
    width = padded.shape[1]
    base = np.arange(width)
    if hint is None:
        count = count_prefix(lambda f: take(xp, flat, f) < x, n_rows, base, width, xp=xp)
        return xp.minimum(count, n_rows)

    def holds_for(cols):
        xc = x if cols is None else x[cols]
        return lambda f: flat.take(f, mode="clip") < xc

    return np.minimum(count_prefix_hinted(holds_for, n_rows, base, width, hint), n_rows)
