"""Parameter files: write the calibrated values as a TOML fragment, read such files back.

A parameter file is TOML whose top-level keys are parameter names, with the syntax of
``[world.params]`` in a scenario::

    spend_growth_per_year = { kind = "lognormal", p5 = 2.04, p95 = 3.33 }
    hw_doubling_years = 2.5

``pausesim run|compare --params FILE`` applies it exactly like ``--set name=value`` overrides:
:func:`params_overrides` turns each entry back into TOML value text under
``world.params.<name>``, and the scenario loader validates it.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pausesim.calibration.data import CITATION
from pausesim.calibration.errors import CalibrationError
from pausesim.distributions import LogNormal
from pausesim.io.atomic import atomic_write
from pausesim.io.toml_text import toml_key, toml_value


def _lognormal(dist: LogNormal, digits: int) -> dict[str, Any]:
    return {
        "kind": "lognormal",
        "p5": float(f"{dist.p5:.{digits}g}"),
        "p95": float(f"{dist.p95:.{digits}g}"),
    }


def fragment_text(
    parameters: Mapping[str, LogNormal], comments: tuple[str, ...] = (), digits: int = 4
) -> str:
    """A parameter file setting each parameter to a log-normal given by its 90% interval."""
    lines = [f"# {c}" for c in comments]
    lines += [f"{toml_key(k)} = {toml_value(_lognormal(d, digits))}" for k, d in parameters.items()]
    return "\n".join(lines) + "\n"


def calibration_fragment(calibration) -> str:
    """The fragment of a :class:`~pausesim.calibration.trends.Calibration`, with provenance."""
    from pausesim.calibration.trends import HW_DOUBLING_YEARS

    cost = calibration.fit("frontier_cost")
    per_usd = calibration.fit("frontier_flop_per_usd")
    comments = (
        "pausesim calibrate: parameters fitted to Epoch AI data (docs/calibration.md).",
        f"Data: {CITATION}; " + "; ".join(f"{k}: {v}" for k, v in calibration.data.sources.items()),
        f"Selection: {cost.selection}; n = {cost.n}.",
        f"Method: {cost.method}.",
        f"spend_growth_per_year: frontier training cost grows {cost.growth_median:.3g}x/yr "
        f"(90% [{cost.growth_p5:.3g}, {cost.growth_p95:.3g}]).",
        f"precision_gain_per_year: FLOP per 2023 USD of frontier runs grows "
        f"{per_usd.growth_median:.3g}x/yr (90% [{per_usd.growth_p5:.3g}, "
        f"{per_usd.growth_p95:.3g}]), divided by 2**(1/{HW_DOUBLING_YEARS}) for GPU "
        "price-performance at fixed precision (hw_doubling_years, Hobbhahn & Besiroglu 2022).",
        "Use: pausesim run no-pause --params THIS_FILE",
    )
    return fragment_text(calibration.parameters(), comments)


def write_fragment(text: str, path: str | os.PathLike[str]) -> Path:
    """Write a fragment atomically (temporary file, then rename)."""
    path = Path(path)
    with atomic_write(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def read_params_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse a parameter file.

    Raises
    ------
    CalibrationError
        If the file cannot be read, is not a regular file of at most a few MB, is not
        UTF-8, is not valid TOML, or is empty.
    """
    from pausesim._textfile import InputFileError, read_text

    path = Path(path)
    try:
        text = read_text(path, "parameter file")
    except InputFileError as err:
        raise CalibrationError(str(err)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise CalibrationError(f"{path}: malformed TOML: {err}") from None
    if not data:
        raise CalibrationError(f"{path}: parameter file sets no parameter")
    return data


def params_overrides(path: str | os.PathLike[str]) -> dict[str, str]:
    """A parameter file as ``--set`` overrides: ``world.params.<name>`` -> TOML value text.

    Keys are always parameter names (``world.params.*``), so a file cannot replace the policy
    or the grid; the scenario loader validates names and values like a scenario file.
    """
    overrides = {}
    for name, value in read_params_file(path).items():
        try:
            overrides[f"world.params.{name}"] = toml_value(value)
        except TypeError as err:
            raise CalibrationError(f"{path}: {name}: {err}") from None
    return overrides
