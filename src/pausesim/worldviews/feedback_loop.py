"""``feedback-loop``: the essay's worldview (Belrose 2023, "AI Pause Will Likely Backfire").

The weights follow from the shares of risk the essay gives each harm, on the reference worlds
of :mod:`.derivation` (docs/worldviews.md has the quotes and every step):

- "I think almost all the catastrophic misalignment risk comes from these fast takeoff
  scenarios": growth beyond the safe speed carries a share ``PHI = 0.9`` of the misalignment
  hazard (assumption for "almost all": 0.8-0.97). "Even 'kinda discontinuous' futures are
  significantly riskier than futures that aren't discontinuous at all" is the form of the
  terms: hazard from any growth above the safe speed.
- The essay's fast takeoff has two readings, and its text uses both: the world's newest system
  outruns every check ("the new AI will be much smarter than you and all your trusted AIs put
  together": the frontier's growth, ``speed``), and a developer's own iteration breaks ("each
  new AI system is only modestly more powerful than the last, and we can use well-tested AIs
  from the previous generation": each actor's own growth, ``own_speed``, which counts a paused
  coalition's jump back to the frontier after the lift). They share the fast-takeoff hazard
  equally (``OWN = 0.5``; assumption: 0-1).
- The rest of the misalignment hazard, ``1 - PHI``, is split equally (assumption: 1:3 to 3:1)
  between harm 1, alignment research limited to weaker models (``alignment_gap``), and harm 3,
  research pushed "underground, and to countries with looser regulations and safety
  requirements" (``low_safety``); the essay ranks neither above the other.
- Harm 2's "concentrating immense power in their hands" is ``concentration``: a share
  ``CONCENTRATION = 0.1`` of the total (assumption: 0.05-0.3). The essay names it in its
  summary and its author says publishing weights "reduces foom risk by making AI capabilities
  more broadly distributed" (reply in the thread), but, as a commenter notes, "You don't
  actually discuss concentrating power", so it gets less than the argued harms.
"""

from pausesim.worldviews.base import Worldview
from pausesim.worldviews.derivation import REFERENCE_MEANS, Share, weights_from_shares

#: share of the misalignment hazard carried by fast takeoff: "almost all" (assumption 0.8-0.97).
PHI = 0.9
#: part of the fast-takeoff share on each developer's own growth (assumption 0-1).
OWN = 0.5
#: share of the total carried by concentration (assumption 0.05-0.3).
CONCENTRATION = 0.1
#: mean integrated hazard on the reference worlds: the scale, which moves no verdict
#: (assumption 0.01-0.3; the author gives no probability of catastrophe in the stored thread).
TOTAL = 0.05

_MIS = 1 - CONCENTRATION
#: shares of the integrated hazard on the reference worlds, with their ranges (each range holds
#: the value for every combination of the assumptions' ranges).
SHARES: dict[str, Share] = {
    "speed": Share(_MIS * PHI * (1 - OWN), 0.0, 0.95 * 0.97),
    "own_speed": Share(_MIS * PHI * OWN, 0.0, 0.95 * 0.97),
    "alignment_gap": Share(_MIS * (1 - PHI) / 2, 0.005, 0.14),
    "low_safety": Share(_MIS * (1 - PHI) / 2, 0.005, 0.14),
    "concentration": Share(CONCENTRATION, 0.05, 0.3),
}

#: terms of the essay's "fast takeoff" and the range of their joint share.
FAST_TAKEOFF = ("speed", "own_speed")
FAST_TAKEOFF_SHARE = Share(_MIS * PHI, 0.7 * 0.8, 0.95 * 0.97)

WORLDVIEW = Worldview(
    name="feedback-loop",
    description="Misalignment hazard mostly from capability growth faster than alignment can "
    "track (the frontier's and each developer's own), some from the alignment gap and "
    "low-safety labs, and hazard from one actor leading all others (concentration).",
    source="Belrose (2023), 'AI Pause Will Likely Backfire', EA Forum AI Pause Debate Week: "
    "'almost all the catastrophic misalignment risk comes from these fast takeoff scenarios' "
    "(speed and own_speed: 0.9 of misalignment hazard, equally), the three headline harms "
    "(alignment gap and low safety share the rest equally), 'concentrating immense power' "
    "(concentration: 0.1). Weights = share x 0.05 / mean term on the no-pause reference "
    "worlds until full automation (docs/worldviews.md); every share is an assumption read "
    "from the quotes",
    weights=weights_from_shares({t: s.value for t, s in SHARES.items()}, REFERENCE_MEANS, TOTAL),
)
