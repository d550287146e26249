"""Statistics the sensitivity methods and the verdicts share."""

from __future__ import annotations

import numpy as np
from scipy import stats

#: Two-sided 95% normal quantile.
Z95 = float(stats.norm.ppf(0.975))


def wilson_interval(successes, n, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion: well behaved at 0 and 1, unlike ``p ± z·SE``.

    ``successes`` and ``n`` may be arrays; ``n = 0`` gives NaN.
    """
    k = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / m
        denom = 1.0 + z * z / m
        centre = (p + z * z / (2.0 * m)) / denom
        half = z * np.sqrt(p * (1.0 - p) / m + z * z / (4.0 * m * m)) / denom
    # (exactly 0 at k = 0 and 1 at k = n, where rounding would leave ~1e-18)
    lo = np.where(m > 0, np.where(k == 0, 0.0, np.clip(centre - half, 0.0, 1.0)), np.nan)
    hi = np.where(m > 0, np.where(k == m, 1.0, np.clip(centre + half, 0.0, 1.0)), np.nan)
    return lo, hi


def spearman(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman's rho of each column of ``x`` ``(n, k)`` with ``y`` ``(n,)``, average ranks.

    Ties share their average rank (``scipy.stats.rankdata``), so heavily tied outputs (many
    worlds with the same change of risk) are not understated; a constant column gives NaN.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    rx = stats.rankdata(x, axis=0)
    ry = stats.rankdata(y)
    rx -= rx.mean(axis=0)
    ry -= ry.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        return (rx * ry[:, None]).sum(axis=0) / np.sqrt((rx * rx).sum(axis=0) * (ry * ry).sum())
