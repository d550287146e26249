"""``feedback-loop``: the essay's worldview.

'I think almost all the catastrophic misalignment risk comes from these fast takeoff
scenarios' (Belrose 2023): hazard rises with frontier growth faster than alignment can track,
with the alignment gap, and with the share of the frontier held by low-safety labs.
"""

from pausesim.worldviews.base import Worldview

WORLDVIEW = Worldview(
    name="feedback-loop",
    description="Hazard from discontinuous capability growth beyond what alignment can track, "
    "the alignment gap and low-safety labs at the frontier.",
    source="Belrose (2023), 'AI Pause Will Likely Backfire', EA Forum AI Pause Debate Week. "
    "Weights: assumption, scaled so that the no-pause risk by 2060 averages of order 10% over "
    "the default sampled worlds; speed carries most of the weight, as in the essay",
    weights={"speed": 0.06, "alignment_gap": 0.003, "low_safety": 0.004},
)
