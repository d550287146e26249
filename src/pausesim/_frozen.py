"""Base class for the validated, immutable input objects of pausesim."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """A pydantic model that forbids unknown fields and cannot be mutated.

    Every input that crosses the package boundary (scenario files, ``--set`` overrides,
    web requests) is parsed into subclasses of this model once; nothing deeper re-checks it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)
