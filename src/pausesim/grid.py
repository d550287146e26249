"""The simulation time grid."""

from __future__ import annotations

import numpy as np
from pydantic import Field, model_validator

from pausesim._frozen import Frozen


class TimeGrid(Frozen):
    """Times ``start, start + step, ..., end`` in calendar years (floating point)."""

    start: float = Field(2025.0, ge=1950.0, le=2200.0, description="first year")
    end: float = Field(2060.0, ge=1950.0, le=2300.0, description="last year")
    step: float = Field(0.25, gt=0.0, le=5.0, description="step in years")

    @model_validator(mode="after")
    def _ordered(self):
        if not self.end > self.start:
            raise ValueError(f"end ({self.end:g}) must be after start ({self.start:g})")
        if self.n_steps < 2:
            raise ValueError(
                f"the grid needs at least two time points: step ({self.step:g}) must be at most "
                f"end - start ({self.end - self.start:g})"
            )
        if self.n_steps > 100_000:
            raise ValueError(f"grid has {self.n_steps} steps; at most 100000 are allowed")
        return self

    @property
    def n_steps(self) -> int:
        """Number of grid points, end included when it falls on the grid."""
        return int(np.floor((self.end - self.start) / self.step + 1e-9)) + 1

    @property
    def times(self) -> np.ndarray:
        """Grid points as ``start + k * step`` (the same float arithmetic as the FTM reference)."""
        return self.start + np.arange(self.n_steps) * self.step
