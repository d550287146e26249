"""The error every calibration step raises for bad input data or a bad parameter file."""

from __future__ import annotations


class CalibrationError(ValueError):
    """Data or a parameter file that cannot be used; the message names the file and field."""
