"""The ``compute`` engine (DESIGN §2): hardware, spending, algorithms, the pause and its lift."""

from pausesim.engines.compute.engine import ENGINE, ComputeEngine

__all__ = ["ENGINE", "ComputeEngine"]
