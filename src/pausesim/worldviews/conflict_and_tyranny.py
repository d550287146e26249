"""``conflict-and-tyranny``: power, war and tyranny, with or without a pause.

The essay's disjunctive edit: a realistic pause breeds hostility ("be willing to destroy a
rogue datacenter by airstrike", quoted) and "intense conflict among pause countries about when
the pause should be lifted"; a global one needs "global governance mechanisms ... [that] would
unacceptably increase the risk of permanent global tyranny, itself an existential risk" (the
essay's edit, pointing to Barnett's "The possibility of an indefinite AI pause"). In the same
paragraph the essay recommends Quintin Pope's "AI is centralizing by default; let's not make it
worse": concentrated power is a harm a world without a pause accrues too, so the worldview
weighs ``concentration`` as well, and its verdict is no longer fixed by construction.

Three of its terms are zero without a pause, so their weights cannot come from shares on the
reference worlds; they come from stated equivalences, each an assumption with a range
(docs/worldviews.md):

- ``hostility``: a year of full tension with non-pause states carries a 1% hazard (the scale;
  assumption 0.3-3%);
- ``enforcement`` = ``hostility``: the two branches of the essay's disjunction, each enough to
  make its pause net-negative (assumption: ratio 1:3 to 3:1);
- ``coalition_conflict`` = half of ``hostility``: conflict among pause countries "may also lead
  to violent conflict", a lesser form (assumption: 0.25-1);
- ``concentration``: one OOM of frontier progress past the danger level with one actor 1 OOM
  ahead (holding ~90% of the two leaders' effective compute, about the control of AI compute a
  global enforcement regime has) counts as a year of full global enforcement (assumption:
  1/3 to 3 times).
"""

from pausesim.worldviews.base import Worldview

#: yearly hazard of a year of full hostility (the scale; assumption 0.003-0.03).
HOSTILITY = 0.01

WORLDVIEW = Worldview(
    name="conflict-and-tyranny",
    description="Hazard from hostility with non-pause states, conflict inside the coalition, "
    "global enforcement while a pause is in force, and one actor leading all others "
    "(concentration), with or without a pause.",
    source="Belrose (2023), 'Likely consequences of a realistic pause' and the disjunctive "
    "edit; Barnett (2023), 'The possibility of an indefinite AI pause', and Pope (2023), 'AI "
    "is centralizing by default; let's not make it worse', both recommended by the essay. "
    "Weights from equivalences (docs/worldviews.md), all assumptions: a year of full "
    "hostility = a year of global enforcement = 1% hazard; coalition conflict half that; an "
    "OOM of progress with a 1-OOM lead = a year of global enforcement",
    weights={
        "hostility": HOSTILITY,
        "coalition_conflict": 0.5 * HOSTILITY,
        "enforcement": HOSTILITY,
        "concentration": HOSTILITY,
    },
)
