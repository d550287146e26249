"""The worldview protocol: a named, documented hazard model over the hazard terms.

A worldview turns trajectories into a yearly hazard of catastrophe as a weighted sum of the
built-in hazard terms (:mod:`pausesim.worldviews.terms`); the weights are data, so users can
write their own worldview in TOML and no user code is ever evaluated. Only the *relative*
weights of a worldview matter for its verdict (whether a policy lowers risk): scaling every
weight scales the integrated hazard and leaves its sign unchanged.
"""

from __future__ import annotations

import xarray as xr
from pydantic import Field, field_validator

from pausesim._frozen import Frozen
from pausesim.worldviews.terms import PAUSE_ONLY, TERMS


class Worldview(Frozen):
    """A hazard model: ``hazard(t) = sum_i weights[i] * term_i(t)`` per year."""

    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    source: str = Field("", description="whose view this is, with a citation")
    weights: dict[str, float] = Field(
        description="yearly hazard per unit of each term; terms not listed have weight 0"
    )

    @field_validator("weights")
    @classmethod
    def _known_terms(cls, weights: dict[str, float]) -> dict[str, float]:
        for term, w in weights.items():
            if term not in TERMS:
                raise ValueError(f"unknown hazard term '{term}'; the terms are {sorted(TERMS)}")
            if not 0.0 <= w <= 10.0:
                raise ValueError(f"weight of '{term}' is {w:g}; allowed range is [0, 10] per year")
        if not any(w > 0 for w in weights.values()):
            raise ValueError("a worldview needs at least one positive weight")
        return weights

    @property
    def title(self) -> str:
        """The name for people: ``"feedback-loop"`` -> ``"Feedback loop"``."""
        text = self.name.replace("-", " ").replace("_", " ")
        return text[:1].upper() + text[1:]

    @property
    def fixed_by_construction(self) -> str:
        """Why no pause can lower this worldview's risk, or ``""`` if one can.

        A worldview that weighs only terms that are zero without a pause and never negative
        (:data:`~.terms.PAUSE_ONLY`) finds every pause worse or equal, whatever the worlds: its
        P(policy better) is 0 by construction, not by evidence.
        """
        weighed = sorted(t for t, w in self.weights.items() if w > 0)
        if set(weighed) <= PAUSE_ONLY:
            return (
                f"weighs only {', '.join(weighed)}: zero without a pause and never negative, so "
                "no pause can lower its risk"
            )
        return ""

    def hazard(self, terms: xr.Dataset) -> xr.DataArray:
        """Yearly hazard ``(sample, time)`` from the terms of :func:`~.terms.hazard_terms`."""
        total = sum(w * terms[t] for t, w in self.weights.items() if w > 0)
        return total.rename("hazard").assign_attrs(units="1/yr", worldview=self.name)
