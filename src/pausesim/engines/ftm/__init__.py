"""The ``ftm`` engine (DESIGN §6): Davidson's compute-centric takeoff model, vectorized.

Module per concern: :mod:`.parameters` (catalog), :mod:`.requirements` (automation
requirements), :mod:`.search` (binary search over tasks), :mod:`.allocation` (task
allocation), :mod:`.production` (CES production), :mod:`.rnd` (hardware and software
progress), :mod:`.inputs` (fractional inputs), :mod:`.pause` (pause levers), :mod:`.model` (the
time loop), :mod:`.metrics` (takeoff and timeline metrics), :mod:`.engine` (the common
protocol).
"""

from pausesim.engines.ftm.engine import CAPABILITY_REFERENCE_LOG10_FLOP, ENGINE, FTMEngine

__all__ = ["CAPABILITY_REFERENCE_LOG10_FLOP", "ENGINE", "FTMEngine"]
