"""``time-to-prepare``: the pause advocates' worldview.

Hazard rises with how far frontier capability is past what alignment and governance have
prepared for; the speed of getting there matters little; delay helps because it buys alignment
research and institutions (the critics in the essay's comment thread; Bensinger, PauseAI).
"""

from pausesim.worldviews.base import Worldview

WORLDVIEW = Worldview(
    name="time-to-prepare",
    description="Hazard from frontier capability beyond what alignment and governance have "
    "prepared for; speed matters little.",
    source="Pause advocates in the AI Pause Debate Week (comment thread of the essay; "
    "'AI pause: the case for ASAP'). Weights: assumption, scaled so that the no-pause risk "
    "by 2060 averages of order 10% over the default sampled worlds",
    weights={"unprepared": 0.005, "speed": 0.002},
)
