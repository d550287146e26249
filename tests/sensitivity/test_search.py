import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pausesim.cli.app import app
from pausesim.run import compare
from pausesim.scenario import load
from pausesim.sensitivity.search import (
    SearchError,
    design_policies,
    grid_search,
    optimize,
    pareto_front,
    parse_bounds,
    parse_lever,
    search,
    set_levers,
)

HORIZON = "K>=10.68"


def _scenario(name, n, worldviews=None):
    sets = (
        {"risk.worldviews": "[" + ", ".join(f'"{w}"' for w in worldviews) + "]"}
        if worldviews
        else {}
    )
    return load(name, sets, samples=n)


# -- the grid -----------------------------------------------------------------------------------


def test_the_scenarios_own_design_reproduces_compare_exactly():
    sc = _scenario("essay-realistic", 150)
    # batch_size=1: every candidate in its own engine pass, so the worlds must be re-drawn
    # identically each time (seeded by scenario and chunk) for this to hold
    frame = grid_search(sc, {"end.duration_years": [2.0, 5.0, 8.0]}, batch_size=1)
    base = frame[frame["is_base"]].set_index("worldview")
    assert set(base["end.duration_years"]) == {5.0}  # the preset's own duration

    c = compare(sc, keep="none")
    v = c.verdicts().xs(HORIZON, level="horizon")
    assert list(base.index) == list(v.index)
    for col, ref in (
        ("p_better", "p_policy_better"),
        ("p_low", "p_low"),
        ("p_high", "p_high"),
        ("n", "n"),
        ("n_ties", "n_ties"),
        ("mean_delta_risk", "mean_delta_risk"),
    ):
        assert base[col].tolist() == v[ref].tolist(), col
    risk = c.policy.metrics["risk"].sel(horizon=HORIZON).mean("sample")
    for w in base.index:
        assert base.loc[w, "expected_risk"] == pytest.approx(float(risk.sel(worldview=w)), 1e-12)
    assert base["delay_years"].iloc[0] == pytest.approx(
        float(np.nanmean(c.deltas["delay_years"].values)), 1e-12
    )
    assert base["overhang_ooms"].iloc[0] == pytest.approx(
        float(np.nanmean(c.policy.metrics["overhang_ooms"].values)), 1e-12
    )
    # the risk with the pause is the baseline plus the change, on the same worlds
    np.testing.assert_allclose(
        frame["expected_risk"] - frame["baseline_risk"], frame["mean_delta_risk"], atol=1e-15
    )


def test_grid_is_every_combination_and_no_pause_is_a_candidate():
    sc = _scenario("essay-realistic", 40, ["time-to-prepare"])
    frame = grid_search(
        sc,
        {"coalition.members": ["us_allies", "all"], "lift.kind": ["abrupt", "phased"]},
    )
    assert len(frame) == 5  # 2 x 2 designs + no pause, one worldview
    assert frame["coalition.members"].dropna().tolist() == [
        "us_allies",
        "us_allies",
        "us_allies+china+rest_of_world",
        "us_allies+china+rest_of_world",
    ]
    none = frame[frame["source"] == "no-pause"].iloc[0]
    assert none["mean_delta_risk"] == 0 and none["delay_years"] == 0 and none["p_better"] == 0
    assert sorted(frame["rank"]) == [1, 2, 3, 4, 5]


def test_identical_designs_in_different_batches_get_identical_rows():
    sc = _scenario("essay-realistic", 60, ["feedback-loop"])
    frame = grid_search(sc, {"end.duration_years": [3.0, 4.0, 3.0]}, batch_size=2)
    a, b = (frame[frame["candidate"] == i].iloc[0] for i in (0, 2))
    cols = ["expected_risk", "p_better", "delay_years", "overhang_ooms", "paused_years_total"]
    assert a[cols].tolist() == b[cols].tolist()


# -- the Pareto set -----------------------------------------------------------------------------


def test_pareto_flags_on_a_hand_made_frame():
    frame = pd.DataFrame(
        {
            "worldview": ["a"] * 7 + ["b"] * 2,
            "expected_risk": [0.10, 0.05, 0.05, 0.08, 0.02, 0.02, np.nan, 0.30, 0.01],
            "delay_years": [0.0, 2.0, 3.0, 2.5, 6.0, 6.0, 1.0, 0.0, 9.0],
        }
    )
    flags = pareto_front(frame)
    # a: (0.10, 0) no one cheaper; (0.05, 2) beats (0.05, 3) and (0.08, 2.5); the two identical
    # (0.02, 6) points do not dominate each other; undefined risk never counts. b is separate.
    assert flags.tolist() == [True, True, False, False, True, True, False, True, True]
    assert pareto_front(frame, by=None).tolist() == [
        True, True, False, False, True, True, False, False, True,
    ]  # fmt: skip
    assert not pareto_front(frame, cost="expected_risk", risk="delay_years").iloc[2]


def test_grid_pareto_column_matches_pareto_front():
    sc = _scenario("ideal-global", 40, ["time-to-prepare"])
    frame = grid_search(sc, {"end.duration_years": [1.0, 3.0, 6.0]}, cost="paused_years")
    assert frame["pareto"].tolist() == pareto_front(frame, cost="paused_years_total").tolist()
    assert frame[frame["source"] == "no-pause"]["pareto"].all()  # zero cost: never dominated


# -- the optimizer ------------------------------------------------------------------------------


def test_optimizer_finds_the_structural_optimum_on_a_bound():
    # conflict-and-tyranny charges a hazard for every year a global pause needs enforcement, so
    # under ideal-global a shorter pause is always safer: the optimum is the lower bound
    sc = _scenario("ideal-global", 80, ["conflict-and-tyranny"])
    grid = grid_search(sc, {"end.duration_years": [1.0, 2.0, 5.0, 10.0, 20.0]})
    risks = grid[grid["source"] == "grid"]["expected_risk"].to_numpy()
    assert np.all(np.diff(risks) > 0)  # the structure the test relies on
    opt = optimize(sc, {"end.duration_years": (1.0, 20.0)}, maxiter=3, popsize=4, seed=1)
    assert len(opt) == 1
    row = opt.iloc[0]
    assert row["end.duration_years"] == 1.0
    assert row["expected_risk"] == pytest.approx(risks[0], abs=0.0)  # same worlds, same design
    assert row["optimized_for"] == "conflict-and-tyranny" and row["source"] == "optimizer"


def test_search_optimum_is_no_worse_than_the_best_grid_point():
    sc = _scenario("ideal-global", 60, ["feedback-loop", "conflict-and-tyranny"])
    frame = search(
        sc,
        {"end.duration_years": [2.0, 8.0], "lift.kind": ["abrupt", "phased"]},
        {"end.duration_years": (1.0, 15.0), "lift.ramp_ooms_per_year": (0.2, 3.0)},
        maxiter=2,
        popsize=3,
    )
    for w in ("feedback-loop", "conflict-and-tyranny"):
        part = frame[frame["worldview"] == w]
        best_grid = part.loc[part["source"] == "grid", "expected_risk"].min()
        mine = part[(part["source"] == "optimizer") & (part["optimized_for"] == w)]
        assert len(mine) == 1
        assert mine["expected_risk"].iloc[0] <= best_grid
        # the optimizer kept the discrete lever of the best grid design it started from
        start = part[part["source"] == "grid"].sort_values("expected_risk").iloc[0]
        assert mine["lift.kind"].iloc[0] == start["lift.kind"]
    assert frame["candidate"].is_unique is False  # one candidate, one row per worldview
    assert frame.groupby("worldview")["rank"].min().eq(1).all()


# -- errors name the field and what is allowed ---------------------------------------------------


@pytest.mark.parametrize(
    ("levers", "expected"),
    [
        ({"end.durations": [1]}, ["policy.end has no field 'durations'", "duration_years"]),
        ({"end.duration_years": [-1.0]}, ["policy.end.duration_years", "> 0 and <= 200"]),
        ({"cap.kind": ["fixd"]}, ["policy.cap.kind", "fixed, frozen, declining"]),
        ({"cap.kind": ["fixed"]}, ["policy.cap", "threshold_flop", "1e15 and 1e40"]),
        ({"cap.threshold_flop": [1e50]}, ["policy.cap.threshold_flop", "<= 1e+40"]),
        (
            {"enforcement.detection_hazard_per_year": [30.0]},
            ["policy.enforcement.detection_hazard_per_year", ">= 0 and <= 20"],
        ),
        ({"hardware_rnd_paused": ["maybe"]}, ["policy.hardware_rnd_paused", "true or false"]),
        ({"coalition.members": ["us_allies+russia"]}, ["unknown actor 'russia'", "china"]),
        ({"lift": ["abrupt"]}, ["is a table", "lift.kind"]),
        ({"name": ["x"]}, ["do not change a design"]),
        ({"end.duration_years": []}, ["non-empty list"]),
    ],
)
def test_bad_levers_and_values_name_the_field(levers, expected):
    sc = _scenario("essay-realistic", 10)
    with pytest.raises(SearchError) as err:
        design_policies(sc.policy, levers, sc.actors)
    for text in expected:
        assert text in str(err.value)


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        ({"lift.kind": (0.0, 1.0)}, ["only continuous", "abrupt, phased"]),
        ({"end.duration_years": (5.0, 1.0)}, ["LO < HI"]),
        ({"end.duration_years": (1.0, 500.0)}, ["policy.end.duration_years", "at most 200"]),
        ({"cap.threshold_flop": (0.0, 1e30)}, ["log scale"]),
    ],
)
def test_bad_optimizer_bounds_name_the_field(bounds, expected):
    sc = _scenario("essay-realistic", 10)
    with pytest.raises(SearchError) as err:
        optimize(sc, bounds)
    for text in expected:
        assert text in str(err.value)


def test_parsing_cli_levers():
    assert parse_lever("end.duration_years=2, 5,inf") == ("end.duration_years", [2, 5, np.inf])
    assert parse_lever("coalition.members=us_allies,us_allies+china,all") == (
        "coalition.members",
        ["us_allies", "us_allies+china", "all"],
    )
    name, values = parse_lever('coalition.joins=[{actor="china", year=2030}],[]')
    assert name == "coalition.joins" and len(values) == 2
    assert parse_bounds("policy.start_year=2026:2032") == ("policy.start_year", (2026.0, 2032.0))
    with pytest.raises(SearchError, match="LEVER=LO:HI"):
        parse_bounds("end.duration_years=5")
    p = set_levers(load("essay-realistic").policy, {"end.forced_margin_ooms": "none"})
    assert p.end.forced_margin_ooms is None  # 'none' switches an end rule off


# -- the command --------------------------------------------------------------------------------


def test_cli_sweep_prints_tables_and_writes_files(tmp_path):
    out = tmp_path / "sweep"
    r = CliRunner().invoke(
        app,
        [
            "sweep",
            "essay-realistic",
            "-n",
            "40",
            "-w",
            "feedback-loop",
            "-w",
            "time-to-prepare",
            "--vary",
            "end.duration_years=2,5",
            "--vary",
            "coalition.members=us_allies,all",
            "--optimize",
            "end.duration_years=1:10",
            "--maxiter",
            "1",
            "--popsize",
            "2",
            "--top",
            "2",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "Pareto set" in r.output and "E[risk]" in r.output and "scenario's own" in r.output
    table = pd.read_csv(out / "sweep.csv")
    assert len(table) == (4 + 1 + 2) * 2  # grid, no pause, one optimum per worldview
    assert pd.read_parquet(out / "sweep.parquet").shape == table.shape
    summary = json.loads((out / "sweep.json").read_text())
    assert summary["samples"] == 40 and summary["designs"] == 4
    assert set(summary["pareto"]) == {"feedback-loop", "time-to-prepare"}
    assert summary["optimizer"]["method"] == "differential_evolution"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], "--vary"),
        (["--vary", "end.duration_years=0,5"], "policy.end.duration_years"),
        (["--vary", "end.duration_years=5", "--horizon", "2050"], "2060"),
        (["--vary", "end.duration_years=5", "--cost", "money"], "delay, paused_years"),
    ],
)
def test_cli_sweep_errors_exit_2_with_the_field(args, expected):
    r = CliRunner().invoke(app, ["sweep", "essay-realistic", "-n", "10", *args])
    assert r.exit_code == 2
    assert expected in r.output
