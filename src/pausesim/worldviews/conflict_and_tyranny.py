"""``conflict-and-tyranny``: the risks of the pause itself.

Hostility between pause and non-pause states ('be willing to destroy a rogue datacenter by
airstrike', quoted in the essay), conflict among pause countries about the lift, and the global
enforcement machinery a pause needs, which the essay's disjunctive argument and Barnett's 'The
possibility of an indefinite AI pause' see as a tyranny risk.
"""

from pausesim.worldviews.base import Worldview

WORLDVIEW = Worldview(
    name="conflict-and-tyranny",
    description="Hazard from hostility with non-pause states, conflict inside the coalition "
    "and global enforcement while a pause is in force.",
    source="Belrose (2023), 'Likely consequences of a realistic pause' and the disjunctive "
    "edit; Barnett (2023), 'The possibility of an indefinite AI pause'. Weights: assumption "
    "(a year of full tension carries a 1% hazard)",
    weights={"hostility": 0.01, "coalition_conflict": 0.005, "enforcement": 0.005},
)
