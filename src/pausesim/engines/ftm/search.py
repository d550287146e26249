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
    base: np.ndarray,
    width: int,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """Per column, the number of leading rows on which ``holds`` is true.

    Row ``r`` of column ``c`` has flat index ``base[c] + r * width``. ``holds(flat)`` returns a
    boolean per column; it must be true on a prefix of rows and false from row ``upper`` on
    (the caller masks or pads its tables). ``start``: rows already known to hold, per column
    (default 0). Binary lifting: add the largest power of two that keeps the prefix true, then
    the next.
    """
    last = base - width if start is None else base + (start - 1) * width
    step = 1 << max(upper.bit_length() - 1, 0)
    while step:
        cand = last + step * width
        last = np.where(holds(cand), cand, last)
        step >>= 1
    return (last - base) // width + 1


def padded_rows(n_rows: int) -> int:
    """Rows a table of ``n_rows`` needs so that :func:`count_prefix` never reads past it."""
    return (1 << n_rows.bit_length()) - 1


def count_below(padded: np.ndarray, x: np.ndarray, n_rows: int) -> np.ndarray:
    """Per column, the number of rows of an ascending table with ``table[j] < x``.

    ``padded``: the table with ``+inf`` rows up to :func:`padded_rows` (``n_rows`` real ones).
    """
    flat = padded.ravel()
    width = padded.shape[1]
    count = count_prefix(lambda f: flat.take(f) < x, n_rows, np.arange(width), width)
    return np.minimum(count, n_rows)
