"""Given-data indices (PAWN, RBD-FAST, delta): Ishigami data, an existing run, both engines."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from pausesim.cli.app import app
from pausesim.run import compare
from pausesim.scenario import load
from pausesim.sensitivity import Output, get_method
from pausesim.sensitivity.given_data import METHODS, given_data_indices, parameter_columns

ISHIGAMI_S1 = np.array([0.3139, 0.4424, 0.0])


@pytest.fixture(scope="module")
def ishigami_data():
    rng = np.random.default_rng(20230916)
    x = rng.uniform(-np.pi, np.pi, size=(2000, 3))
    y = np.sin(x[:, 0]) + 7.0 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    return x, y


@pytest.fixture(scope="module")
def ishigami_frames(ishigami_data):
    x, y = ishigami_data
    names = ["x1", "x2", "x3"]
    return {  # delta is slow (a kernel density per bootstrap resample): compute it once
        m: given_data_indices(m, x, y, names, seed=1, num_resamples=10 if m == "delta" else 100)
        for m in METHODS
    }


@pytest.mark.parametrize("method", ["rbd-fast", "delta"])
def test_ishigami_first_order(ishigami_frames, method):
    frame = ishigami_frames[method]
    assert list(frame["parameter"])[:2] == ["x2", "x1"]
    s1 = frame.set_index("parameter").loc[["x1", "x2", "x3"], "S1"].to_numpy()
    np.testing.assert_allclose(s1, ISHIGAMI_S1, atol=0.05)
    assert (frame["S1_conf"] > 0).all() and (frame["S1_conf"] < 0.1).all()


@pytest.mark.parametrize(("method", "key"), [("pawn", "PAWN"), ("delta", "delta")])
def test_ishigami_ranking(ishigami_frames, method, key):
    frame = ishigami_frames[method]
    assert list(frame["parameter"]) == ["x2", "x1", "x3"]
    assert frame[key].is_monotonic_decreasing


def test_pure_noise_parameter_scores_low(ishigami_data):
    x, y = ishigami_data
    noise = np.random.default_rng(1).random((len(x), 1))
    frame = given_data_indices(
        "rbd-fast", np.hstack([x, noise]), y, ["x1", "x2", "x3", "z"], seed=1
    )
    assert abs(frame.set_index("parameter").loc["z", "S1"]) < 0.03


def test_undefined_worlds_are_dropped_and_counted(ishigami_data):
    x, y = ishigami_data
    holes = y.copy()
    holes[::10] = np.nan
    frame = given_data_indices("rbd-fast", x, holes, ["x1", "x2", "x3"], seed=1)
    assert (frame["n_undefined"] == 200).all()
    assert frame.attrs["worlds"]["y0"] == 1800 and frame.attrs["undefined"]["y0"] == 200
    with pytest.raises(ValueError, match="200 of 2000 worlds are undefined"):
        given_data_indices("pawn", x, holes, ["x1", "x2", "x3"], seed=1, nan="raise")


def test_unknown_method():
    with pytest.raises(ValueError, match="unknown given-data method"):
        given_data_indices("morris", np.zeros((3, 1)), np.zeros(3), ["a"], seed=1)


# -- on a run of the engines -------------------------------------------------------------------


@pytest.fixture(scope="module")
def essay_run():
    sc = load("essay-realistic", samples=300)
    return sc, compare(sc, keep="none")


def test_parameter_columns_one_per_varying_actor(essay_run):
    _, comparison = essay_run
    x, names = parameter_columns(comparison.policy.params)
    assert x.shape == (300, len(names))
    assert "hw_access_lag_years[china]" in names and "hw_access_lag_years[us_allies]" not in names
    assert "low_safety_threshold" not in names  # fixed in the scenario
    assert np.all(np.ptp(x, axis=0) > 0)


@pytest.mark.parametrize("method", ["pawn", "rbd-fast"])
def test_existing_comparison_needs_no_new_run(essay_run, method):
    sc, comparison = essay_run
    outputs = [Output("delta_risk", "time-to-prepare", "2060"), Output("overhang")]
    given = METHODS[method].analyze(sc, outputs, comparison=comparison)
    again = get_method(method).analyze(sc, outputs)  # runs the same compare itself
    np.testing.assert_allclose(
        given.select_dtypes("number").to_numpy(), again.select_dtypes("number").to_numpy()
    )
    risk = given[given["output"] == "delta_risk[time-to-prepare, 2060]"]
    assert "alignment_rate" in set(risk["parameter"].head(3))  # the crux the issue names


def test_parameters_restrict_the_columns(essay_run):
    sc, comparison = essay_run
    frame = METHODS["rbd-fast"].analyze(
        sc,
        [Output("overhang")],
        comparison=comparison,
        parameters=["alignment_rate", "hw_access_lag_years"],
    )
    assert set(frame["parameter"]) == {
        "alignment_rate",
        "hw_access_lag_years[china]",
        "hw_access_lag_years[rest_of_world]",
    }
    with pytest.raises(ValueError, match="do not vary"):
        METHODS["pawn"].analyze(
            sc, [Output("overhang")], comparison=comparison, parameters=["low_safety_threshold"]
        )


def test_ftm_engine_given_data_on_max_jump():
    sets = {
        "policy.name": "cap-2027",
        "policy.coalition.members": '["world"]',
        "policy.start_year": "2027",
        "policy.end.duration_years": "5",
        "dynamic_t_end": "0",
        "grid.end": "2060",
        "software_returns": '{kind="lognormal", p5=0.8, p95=2.5}',
        "flop_gap_training": '{kind="lognormal", p5=100, p95=1e6}',
    }
    sc = load("ftm-best-guess", sets, samples=64)
    frame = METHODS["rbd-fast"].analyze(sc, [Output("max_jump")], harmonics=4)
    assert frame.attrs["engine"] == "ftm" and frame.attrs["samples"] == 64
    assert frame.iloc[0]["parameter"] == "software_returns" and frame.iloc[0]["S1"] > 0.5


def test_cli_pawn_writes_files(tmp_path):
    out = tmp_path / "pawn"
    r = CliRunner().invoke(
        app,
        [
            "sensitivity",
            "essay-realistic",
            "--method",
            "pawn",
            "-n",
            "200",
            "-w",
            "feedback-loop",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    for suffix in ("csv", "parquet", "json"):
        assert (out / f"sensitivity_pawn.{suffix}").exists()
    summary = json.loads((out / "sensitivity_pawn.json").read_text())
    assert summary["attrs"]["method"] == "pawn" and summary["attrs"]["samples"] == 200
