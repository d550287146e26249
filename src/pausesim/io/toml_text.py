"""TOML text for values: inline keys and values, used to save scenarios and parameter files.

``tomllib`` reads TOML but the standard library does not write it; scenarios and parameter
fragments need inline tables (``{ kind = "lognormal", p5 = 2.0, p95 = 3.0 }``), which this
writes so that ``tomllib`` reads back exactly the value written.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_key(key: str) -> str:
    """A TOML key: bare when it can be, else a quoted string."""
    if key and all(c.isalnum() or c in "-_" for c in key) and key.isascii():
        return key
    return toml_string(str(key))


def toml_string(text: str) -> str:
    """A basic TOML string, with every control character escaped."""
    out = []
    for c in text:
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    """A Python value (bool, number, string, list, mapping) as inline TOML text.

    Raises
    ------
    TypeError
        For any other type (e.g. a date), naming it.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(x) for x in value) + "]"
    if isinstance(value, Mapping):
        items = ", ".join(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{ " + items + " }" if items else "{}"
    raise TypeError(f"cannot write a {type(value).__name__} as a TOML value")
