"""Who holds the frontier (DESIGN §2 items 5 and 9)."""

from __future__ import annotations

import numpy as np

LN10 = np.log(10.0)


def frontier_shares(effective: np.ndarray, xp=np) -> np.ndarray:
    """Share of ``10**e`` held by each (sector, actor): sums to 1 over all axes but the last.

    ``effective`` is ``(sector, actor, sample)`` log10 effective compute, or ``(unit, sample)``
    with the (sector, actor) units that can hold any share stacked; ``-inf`` marks an empty
    sector. A leader a few OOM ahead holds nearly all of it.
    """
    units = tuple(range(effective.ndim - 1))
    top = effective.max(axis=units)
    # 10**x as exp (several times faster than power), in place: fresh temporaries cost about as
    # much as the arithmetic.
    if xp is not np:
        w = xp.exp((effective - top) * LN10)
        return w / w.sum(axis=units)
    w = np.subtract(effective, top)
    w *= LN10
    np.exp(w, out=w)
    w /= w.sum(axis=units)
    return w


def low_safety_share(shares: np.ndarray, culture: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """Frontier share held by labs whose safety culture is below ``threshold``."""
    low = culture < threshold
    return (shares * low).sum(axis=tuple(range(shares.ndim - 1)))
