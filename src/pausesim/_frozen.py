"""Base class for the validated, immutable input objects of pausesim."""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


def _is_tuple_type(annotation: Any) -> bool:
    """True for ``tuple[...]`` and for unions (``tuple[...] | None``) that contain one."""
    origin = typing.get_origin(annotation)
    if origin is tuple:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_is_tuple_type(a) for a in typing.get_args(annotation))
    return False


class FieldError(ValueError):
    """Errors found inside a field by a validator: ``(path below the field, message)`` pairs.

    :func:`pausesim.scenario._format_errors` prints each at the field's location followed by
    its path, so a bad distribution reads ``world.params.hw_doubling_years.p5: ...``, not
    ``world.params.p5``.
    """

    def __init__(self, items: list[tuple[tuple[str | int, ...], str]]):
        self.items = items
        super().__init__("; ".join(f"{_where(loc)}: {m}" if loc else m for loc, m in items))


def _where(loc) -> str:
    """A location as the dotted path a user writes (``policy.coalition.joins.0``)."""
    return ".".join(str(x) for x in loc)


class Frozen(BaseModel):
    """A pydantic model that forbids unknown fields and cannot be mutated.

    Every input that crosses the package boundary (scenario files, ``--set`` overrides,
    web requests) is parsed into subclasses of this model once; nothing deeper re-checks it.

    Validation is strict: a number is never read from a string (``"1000"``) or a boolean
    (``true``), and a boolean never from a string (``"yes"``); an integer is accepted where a
    float is expected (``samples = 1000``, ``duration_years = 5``). Non-finite numbers are
    refused unless a field allows them (``duration_years = inf``). TOML and JSON arrays are
    accepted for tuple fields.
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, strict=True, allow_inf_nan=False
    )

    @model_validator(mode="before")
    @classmethod
    def _arrays_as_tuples(cls, data: Any) -> Any:
        # Strict mode takes only tuples for tuple fields; files and --set give lists.
        if not isinstance(data, Mapping):
            return data
        fields = cls.model_fields
        return {
            k: tuple(v)
            if isinstance(v, list) and k in fields and _is_tuple_type(fields[k].annotation)
            else v
            for k, v in data.items()
        }
