"""Worldview weights from the shares of risk their proponents assign to each hazard term.

A proponent says which harms carry the risk ("almost all the catastrophic misalignment risk
comes from these fast takeoff scenarios"), not how much hazard one unit of a term carries. So
a built-in worldview states a *share* per term: the fraction of its integrated hazard the term
carries on the reference worlds, and the weight follows as

``w_i = s_i * H_ref / E_ref[I_i]``

where ``I_i`` is the term integrated until the reference horizon and ``E_ref`` its mean over
the reference worlds (:data:`REFERENCE_MEANS`), and ``H_ref`` the worldview's mean integrated
hazard there (its scale, which moves no verdict). The reference worlds are the default world
*without* a pause, so the weights do not depend on any policy they will judge; the reference
horizon is the end of the takeoff (:data:`REFERENCE_HORIZON`), the transition the worldviews
describe. Terms that are zero without a pause (:data:`~.terms.PAUSE_ONLY`) have no share there
and get their weights from stated equivalences instead (docs/worldviews.md).
"""

from __future__ import annotations

from typing import NamedTuple

from pausesim.units import FULL_AUTOMATION_OOMS

#: Reference horizon: the frontier reaches full automation (Davidson 2023 best guess, 1e36
#: effective FLOP at 2022 algorithms), the end of the takeoff (``metrics.takeoff_to_ooms``).
REFERENCE_HORIZON = f"K>={FULL_AUTOMATION_OOMS:g}"

#: Mean integrated terms ``E_ref[I_i]`` on the reference worlds: the ``no-pause`` preset (the
#: default world), 4,000 samples, seed 20230916, until :data:`REFERENCE_HORIZON`, measured with
#: :func:`reference_means` at commit c249d78 with the engine changes in progress on 2026-12-01
#: (units: each term's unit x yr). Terms of
#: :data:`~.terms.PAUSE_ONLY` are 0 there. ``tests/worldviews`` re-measure them and check that
#: the shipped weights still give the stated shares.
REFERENCE_MEANS: dict[str, float] = {
    "speed": 0.2014,
    "own_speed": 0.2032,
    "alignment_gap": 10.47,
    "low_safety": 0.5853,
    "unprepared": 10.86,
    "concentration": 5.387,
}


class Share(NamedTuple):
    """A term's share of a worldview's integrated hazard on the reference worlds.

    ``value`` is the share the derivation uses; ``low`` and ``high`` the range the sources
    allow (the assumption's range, docs/worldviews.md).
    """

    value: float
    low: float
    high: float


def weights_from_shares(
    shares: dict[str, float], means: dict[str, float], total: float, digits: int = 3
) -> dict[str, float]:
    """``w_i = s_i * total / means[i]``, rounded to ``digits`` significant digits.

    ``shares`` must sum to 1 and name only terms with a positive reference mean.
    """
    if abs(sum(shares.values()) - 1.0) > 1e-9:
        raise ValueError(f"shares must sum to 1, got {sum(shares.values()):g}")
    out = {}
    for term, s in shares.items():
        if not means.get(term, 0.0) > 0:
            raise ValueError(f"term '{term}' has no positive reference mean; give it a weight")
        out[term] = float(f"{s * total / means[term]:.{digits}g}")
    return out


def shares_of(weights: dict[str, float], means: dict[str, float]) -> dict[str, float]:
    """Share ``w_i E[I_i] / sum_j w_j E[I_j]`` of each weighted term with reference ``means``."""
    parts = {t: w * means.get(t, 0.0) for t, w in weights.items()}
    total = sum(parts.values())
    return {t: p / total for t, p in parts.items()} if total > 0 else dict.fromkeys(parts, 0.0)


def reference_means(samples: int = 4000, seed: int | None = None) -> dict[str, float]:
    """Re-measure :data:`REFERENCE_MEANS` on the current model (runs the ``no-pause`` preset).

    Means over the worlds that reach the reference horizon, with every term the engine
    publishes.
    """
    import numpy as np

    from pausesim.run import simulate
    from pausesim.scenario import load

    r = simulate(load("no-pause", samples=samples, seed=seed), keep="none")
    at = r.term_hazard.sel(horizon=REFERENCE_HORIZON)
    ok = np.isfinite(at.values).all(axis=1)
    return {str(t): float(at.sel(term=t).values[ok].mean()) for t in at["term"].values}
