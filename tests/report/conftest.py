"""Shared results for the report tests: one small comparison, saved with and without bands."""

import pytest

from pausesim.run import compare, save_result
from pausesim.scenario import load

SAMPLES = 200


@pytest.fixture(scope="session")
def comparison():
    """essay-realistic, 200 worlds, quantile trajectories (what `pausesim report` keeps)."""
    return compare(load("essay-realistic", samples=SAMPLES), keep="quantiles")


@pytest.fixture(scope="session")
def saved_folder(comparison, tmp_path_factory):
    folder = tmp_path_factory.mktemp("saved") / "essay"
    save_result(comparison, folder, keep="quantiles")
    return folder


@pytest.fixture(scope="session")
def saved_without_trajectories(comparison, tmp_path_factory):
    folder = tmp_path_factory.mktemp("saved_none") / "essay"
    save_result(comparison, folder, trajectories=False, keep="none")
    return folder


@pytest.fixture(scope="session")
def comparison_figures():
    """The figures of a comparison report with trajectories, by anchor, in page order."""
    return [
        "capability",
        "effective_compute",
        "pause_state",
        "alignment",
        "delay",
        "overhang",
        "max_jump",
        "pause_length",
        "lift_reasons",
        "shares",
        "risk",
        "risk_levels",
        "decomposition",
        "cruxes",
    ]
