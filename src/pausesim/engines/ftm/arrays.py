"""Elementary array operations of the ftm step that differ between backends in cost only.

The step is written once against an array namespace ``xp`` (:mod:`pausesim.backend`); a few
operations have a faster form in XLA than the literal NumPy call, with the same value up to
rounding. NumPy always runs the literal call, so the NumPy path is unchanged by this module.
"""

from __future__ import annotations

from types import ModuleType

from pausesim.backend import is_numpy


def take(xp: ModuleType, a, index, axis: int | None = None, clip: bool = False):
    """``a.take(index, axis)``, clipped to the bounds if ``clip`` (always under JAX).

    Under JAX with 32-bit indices when the table allows: XLA's gather on CPU takes about half
    the time with them.
    """
    if is_numpy(xp):
        return a.take(index, axis=axis, mode="clip") if clip else a.take(index, axis=axis)
    if a.size < 2**31:
        index = index.astype(xp.int32)
    return a.take(index, axis=axis, mode="clip")


def power(xp: ModuleType, x, y):
    """``x ** y``.

    Under JAX, ``exp(y ln x)``: XLA's float64 ``pow`` on CPU costs ~26 ns per value, its
    ``exp`` and ``log`` ~5 ns each (this machine, one core). Equal to ``x ** y`` up to a
    relative ``|y ln x|`` ulps (~1e-14 at the model's largest powers) for ``x > 0``, and
    exact where ``y == 0`` or ``x == 1`` (1), ``x == 0`` (0, inf) and ``x`` infinite. A
    negative base gives NaN, as NumPy does unless ``y`` is a whole number (the model's bases
    are levels, inputs and their ratios: positive, or NaN in a failed sample).
    """
    if is_numpy(xp):
        return x**y
    out = xp.exp(y * xp.log(x))
    return xp.where((y == 0) | (x == 1), 1.0, out)
