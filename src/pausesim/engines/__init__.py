"""Simulation engines: one module each, all following :class:`~pausesim.engines.base.Engine`."""

from __future__ import annotations

import importlib

from pausesim.engines.base import COMMON_OUTPUTS, Engine

#: engine name -> "module:attribute" of its instance. Adding an engine adds one line here.
_REGISTRY = {
    "compute": "pausesim.engines.compute:ENGINE",
    "ftm": "pausesim.engines.ftm:ENGINE",
}


def engine_names() -> tuple[str, ...]:
    """Names of the available engines."""
    return tuple(_REGISTRY)


def get_engine(name: str) -> Engine:
    """The engine registered as ``name``."""
    if name not in _REGISTRY:
        raise ValueError(f"unknown engine '{name}'; choose one of {list(_REGISTRY)}")
    module, attr = _REGISTRY[name].split(":")
    return getattr(importlib.import_module(module), attr)


__all__ = ["COMMON_OUTPUTS", "Engine", "engine_names", "get_engine"]
