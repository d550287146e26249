"""The sensitivity-method protocol: one module per method, all returning labelled data.

A method takes a scenario (or an existing comparison, for given-data methods) and the outputs
to explain (:class:`~pausesim.sensitivity.outputs.Output`), evaluates the engine on designs it
chooses — always on common random numbers, so differences come from what is varied — and
returns a tidy :class:`pandas.DataFrame` (one row per parameter and output, with Monte Carlo
or confidence intervals). The CLI, reports and web page only render these frames.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import pandas as pd

from pausesim.sensitivity.outputs import Output


@runtime_checkable
class SensitivityMethod(Protocol):
    """A sensitivity analysis: ``name`` and ``analyze``."""

    #: Registry name (``pausesim sensitivity --method NAME``).
    name: str

    def analyze(self, scenario, outputs: list[Output], **options) -> pd.DataFrame:
        """Evaluate and return one row per (parameter, output)."""
        ...
