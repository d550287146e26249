"""Which assumptions decide a verdict: tornado, variance-based indices, cruxes, policy search.

One module per method, each following :class:`~pausesim.sensitivity.base.SensitivityMethod`
and exposing it as ``METHOD``; outputs are named by
:class:`~pausesim.sensitivity.outputs.Output`; statistics shared with the verdicts live in
:mod:`.stats`.
"""

from __future__ import annotations

import importlib

from pausesim.sensitivity.base import SensitivityMethod
from pausesim.sensitivity.outputs import Output, default_outputs, parse, per_world

#: method name -> module that defines it (as ``METHOD``, or in a ``METHODS`` dict by name).
REGISTRY: dict[str, str] = {
    "tornado": "pausesim.sensitivity.tornado",
    "sobol": "pausesim.sensitivity.sobol",
    "pawn": "pausesim.sensitivity.given_data",
    "rbd-fast": "pausesim.sensitivity.given_data",
    "delta": "pausesim.sensitivity.given_data",
}


def get_method(name: str) -> SensitivityMethod:
    """The sensitivity method called ``name`` (see :data:`REGISTRY`)."""
    if name not in REGISTRY:
        raise ValueError(f"unknown sensitivity method {name!r}; methods: {', '.join(REGISTRY)}")
    module = importlib.import_module(REGISTRY[name])
    methods = getattr(module, "METHODS", None)
    return methods[name] if methods is not None else module.METHOD


__all__ = [
    "REGISTRY",
    "Output",
    "SensitivityMethod",
    "default_outputs",
    "get_method",
    "parse",
    "per_world",
]
