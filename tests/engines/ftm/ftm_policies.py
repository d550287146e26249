"""Pause policies of the ftm engine tests."""

from __future__ import annotations

from pausesim.policy import Cap, Coalition, EndRule, Policy


def cap_pause(duration_years: float = 5.0, **kw) -> Policy:
    """The world pauses at a fixed 1e26 FLOP cap from 2027 for ``duration_years``; ``kw``
    replaces any other field."""
    base = dict(
        name="cap",
        coalition=Coalition(members=("world",)),
        start_year=2027.0,
        end=EndRule(duration_years=duration_years),
        cap=Cap(kind="fixed", threshold_flop=1e26),
    )
    base.update(kw)
    return Policy(**base)
