"""``time-to-prepare``: the pause advocates' worldview (the essay's comment thread).

Hazard accrues for every year the frontier spends past what alignment and governance have
prepared for (``unprepared``), so delay helps; speed matters, but less than the essay thinks.
The weights follow from shares on the reference worlds of :mod:`.derivation` (docs/worldviews.md
has the quotes and every step):

- "GPT-4 is only safe because it is weak" and "isn't this just free-extra-time for the human
  race where we aren't moving towards doom?" (commenters), "A pause can also give us time to
  figure out optimal governance structures" (commenter): the hazard is the gap between
  capability and what alignment and governance cover, per year of exposure (``unprepared``).
- On the overhang, the critic who "kinda agree[s]" that a lift brings rapid growth thinks it
  "less likely, would be smaller, and would be less bad than you do" (comment): ``speed`` gets
  a share of 0.1 (assumption: 0-0.3), against the essay's 0.81.
- The advocates see the US lead as buying time ("Even if the U.S. is the only country to pause
  that still gives us more time, because the U.S. is currently in the lead", commenter), not as
  a harm, so ``concentration`` has weight 0 (weights cannot be negative).
"""

from pausesim.worldviews.base import Worldview
from pausesim.worldviews.derivation import REFERENCE_MEANS, Share, weights_from_shares

#: share of the integrated hazard carried by speed (assumption 0-0.3).
SPEED = 0.1
#: mean integrated hazard on the reference worlds: the scale, which moves no verdict
#: (assumption 0.01-0.3, the same as feedback-loop's so that their risks compare).
TOTAL = 0.05

#: shares of the integrated hazard on the reference worlds, with their ranges.
SHARES: dict[str, Share] = {
    "unprepared": Share(1 - SPEED, 0.7, 1.0),
    "speed": Share(SPEED, 0.0, 0.3),
}

WORLDVIEW = Worldview(
    name="time-to-prepare",
    description="Hazard from frontier capability beyond what alignment and governance have "
    "prepared for, per year of exposure; speed matters less.",
    source="Pause advocates in the comment thread of Belrose (2023): 'GPT-4 is only safe "
    "because it is weak', 'free-extra-time for the human race', 'time to figure out optimal "
    "governance structures' (unprepared: 0.9); the critic who finds a rapid post-pause "
    "increase 'less likely ... smaller, and ... less bad' (speed: 0.1, assumption 0-0.3). "
    "Weights = share x 0.05 / mean term on the no-pause reference worlds until full "
    "automation (docs/worldviews.md)",
    weights=weights_from_shares({t: s.value for t, s in SHARES.items()}, REFERENCE_MEANS, TOTAL),
)
