"""Calibration against Epoch AI's public data: trend fits, parameter fragments and backtests.

``pausesim calibrate`` (DESIGN §7) fits the growth of frontier training compute, training cost,
compute per dollar and accelerator price-performance to Epoch AI's datasets (CC-BY 4.0),
maps the fits to the compute engine's parameters as a scenario fragment, and backtests the
engine's no-pause baseline against the models published since 2015. See docs/calibration.md.
"""

from pausesim.calibration.data import CITATION, EpochData, load_epoch
from pausesim.calibration.errors import CalibrationError
from pausesim.calibration.fit import TrendFit, fit_exponential, rank_at_publication
from pausesim.calibration.trends import Calibration, calibrate, frontier_models

__all__ = [
    "CITATION",
    "Calibration",
    "CalibrationError",
    "EpochData",
    "TrendFit",
    "calibrate",
    "fit_exponential",
    "frontier_models",
    "load_epoch",
    "rank_at_publication",
]
