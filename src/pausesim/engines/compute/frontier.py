"""Who holds the frontier (DESIGN §2 items 5 and 9)."""

from __future__ import annotations

import numpy as np

LN10 = np.log(10.0)


def frontier_shares(effective: np.ndarray) -> np.ndarray:
    """Share of ``10**e`` held by each (sector, actor): sums to 1 over the first two axes.

    ``effective`` is ``(sector, actor, sample)`` log10 effective compute; ``-inf`` marks an
    empty sector. A leader a few OOM ahead holds nearly all of it.
    """
    top = effective.max(axis=(0, 1))
    w = np.exp(LN10 * (effective - top))  # 10**x; exp is several times faster than power
    return w / w.sum(axis=(0, 1))


def low_safety_share(shares: np.ndarray, culture: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """Frontier share held by labs whose safety culture is below ``threshold``."""
    low = culture < threshold
    return (shares * low).sum(axis=(0, 1))
