"""Custom worldviews from TOML: weights on the built-in terms, validated, never code.

Example file::

    name = "my-view"
    description = "Mostly speed, some gap."
    source = "my own judgement"

    [weights]
    speed = 0.05
    alignment_gap = 0.01
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from pausesim.worldviews.base import Worldview


class WorldviewError(ValueError):
    """A worldview file that cannot be loaded; the message names the field."""


def load_worldview(path: str | Path) -> Worldview:
    """Read and validate a worldview TOML file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise WorldviewError(f"{path}: cannot read file ({err.strerror})") from None
    except tomllib.TOMLDecodeError as err:
        raise WorldviewError(f"{path}: malformed TOML: {err}") from None
    try:
        return Worldview.model_validate(data)
    except ValidationError as err:
        lines = [f"{path}: invalid worldview"]
        for e in err.errors():
            loc = ".".join(str(x) for x in e["loc"])
            msg = e["msg"].removeprefix("Value error, ")
            lines.append(f"  {loc}: {msg}" if loc else f"  {msg}")
        raise WorldviewError("\n".join(lines)) from None
