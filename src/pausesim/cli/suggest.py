"""'Did you mean' for ``--set`` names: the scenario's dotted field paths, matched with difflib.

Parameter names (``hw_doubling_years``) are suggested by the engine's catalog when the scenario
is validated; this module covers the dotted paths into the scenario's own sections
(``policy.start_year``, ``grid.step``, ...), which pydantic would only call "extra inputs".
"""

from __future__ import annotations

import difflib

from pydantic import BaseModel


def _model_of(annotation) -> type[BaseModel] | None:
    """The pydantic model behind a field's annotation (``X`` or ``X | None``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def field_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every dotted field path of ``model`` (sections and their fields)."""
    out = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        out.append(path)
        sub = _model_of(info.annotation)
        if sub is not None:
            out.extend(field_paths(sub, f"{path}."))
    return out


def unknown_field(name: str) -> str | None:
    """Why the dotted ``--set`` name is not a scenario field, with the closest ones; else None.

    Names without a dot are parameter names, checked (with suggestions) by the engine catalog,
    so they return None here, as do paths into free-form tables (``world.params.x``).
    """
    from pausesim.scenario import Scenario

    parts = name.split(".")
    if len(parts) == 1:
        return None
    model: type[BaseModel] | None = Scenario
    for depth, part in enumerate(parts):
        if model is None:
            return None  # inside a table, list or value: validated with the scenario
        fields = model.model_fields
        if part not in fields:
            if depth == 0:
                candidates = field_paths(Scenario)
                where = "the scenario"
            else:
                prefix = ".".join(parts[:depth]) + "."
                candidates = [prefix + p for p in field_paths(model)]
                where = f"'{prefix[:-1]}'"
            close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            return f"unknown field '{part}' in {where}{hint}"
        model = _model_of(fields[part].annotation)
    return None
