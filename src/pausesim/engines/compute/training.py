"""The largest legal training run (DESIGN §2 item 3), in log10 FLOP."""

from __future__ import annotations

import numpy as np


def largest_run(
    feasible: np.ndarray, previous: np.ndarray, max_step: np.ndarray, cap: np.ndarray, xp=np
) -> np.ndarray:
    """``min(feasible, previous + log10(k_up) dt, cap)``.

    The run is what the budget buys at the actor's price-performance, grows at most by the
    scale-up limit per step (datacenter, power and fab lead times turn a jump into a ramp) and
    never exceeds the cap that applies to the actor (``+inf`` outside a pause).
    """
    run = previous + max_step
    if xp is not np:
        return xp.minimum(xp.minimum(feasible, run), cap)
    np.minimum(feasible, run, out=run)
    return np.minimum(run, cap, out=run)
