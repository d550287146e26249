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

from pausesim._textfile import InputFileError, read_text
from pausesim.worldviews.base import Worldview


class WorldviewError(ValueError):
    """A worldview file that cannot be loaded; the message names the field."""


def load_worldview(path: str | Path) -> Worldview:
    """Read and validate a worldview TOML file (UTF-8, a regular file of a few MB at most)."""
    from pausesim.scenario import _format_errors

    path = Path(path)
    try:
        data = tomllib.loads(read_text(path, "worldview file"))
    except InputFileError as err:
        raise WorldviewError(str(err)) from None
    except tomllib.TOMLDecodeError as err:
        raise WorldviewError(f"{path}: malformed TOML: {err}") from None
    try:
        return Worldview.model_validate(data)
    except ValidationError as err:
        raise WorldviewError(_format_errors(err, str(path), "worldview")) from None
