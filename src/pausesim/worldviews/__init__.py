"""Worldviews: explicit, documented hazard models evaluated side by side (DESIGN §4).

One module per built-in worldview; custom ones come from TOML (:mod:`.custom`).
"""

from __future__ import annotations

from pathlib import Path

from pausesim.worldviews import conflict_and_tyranny, feedback_loop, time_to_prepare
from pausesim.worldviews.base import Worldview
from pausesim.worldviews.custom import WorldviewError, load_worldview
from pausesim.worldviews.terms import TERMS, hazard_terms

#: name -> built-in worldview. Adding one adds a module and a line here.
BUILTIN: dict[str, Worldview] = {
    w.name: w
    for w in (feedback_loop.WORLDVIEW, time_to_prepare.WORLDVIEW, conflict_and_tyranny.WORLDVIEW)
}


def get_worldview(name_or_path: str) -> Worldview:
    """A built-in worldview by name, or a custom one from a ``.toml`` file."""
    if name_or_path in BUILTIN:
        return BUILTIN[name_or_path]
    if name_or_path.endswith(".toml") or Path(name_or_path).exists():
        return load_worldview(name_or_path)
    raise WorldviewError(
        f"unknown worldview '{name_or_path}'; built in: {', '.join(BUILTIN)} "
        "(or give a .toml file of weights)"
    )


__all__ = [
    "BUILTIN",
    "TERMS",
    "Worldview",
    "WorldviewError",
    "get_worldview",
    "hazard_terms",
    "load_worldview",
]
