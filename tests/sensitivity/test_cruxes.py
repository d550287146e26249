"""The crux finder, the shared statistics and compare's "what drives the verdict" screen."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import xarray as xr
from scipy import stats
from typer.testing import CliRunner

from pausesim import scenario as scenario_mod
from pausesim.cli.app import app
from pausesim.risk import crux_screen
from pausesim.run import compare
from pausesim.sensitivity import Output
from pausesim.sensitivity.cruxes import (
    RANKING_COLUMNS,
    _cross_on_grid,
    crossing,
    crux_map,
    crux_ranking,
    find_cruxes,
    parameter_columns,
    weight_beliefs,
)
from pausesim.sensitivity.stats import spearman, wilson_interval

OUT = Output("p_better", "planted", "2040")


def planted(n: int = 4000, threshold: float = 0.37, p_in: float = 0.85, seed: int = 1):
    """A synthetic comparison where ``x`` alone decides the verdict's odds.

    The pause is better with probability ``p_in`` in worlds with ``x < threshold`` and
    ``1 - p_in`` above it; ``z`` and the per-actor ``v`` are noise.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 1.0, n)
    better = rng.uniform(size=n) < np.where(x < threshold, p_in, 1.0 - p_in)
    delta = np.where(better, -0.01, 0.01)
    params = xr.Dataset(
        {
            "x": (("sample",), x),
            "z": (("sample",), rng.normal(size=n)),
            "v": (("sample", "actor"), rng.uniform(size=(n, 2))),
            "fixed": (("sample",), np.full(n, 3.0)),
        },
        coords={"sample": np.arange(n), "actor": ["a", "b"]},
    )
    deltas = xr.Dataset(
        {
            "delta_risk": (
                ("worldview", "horizon", "sample"),
                delta[None, None, :],
            )
        },
        coords={"worldview": ["planted"], "horizon": ["2040"], "sample": np.arange(n)},
    )
    return SimpleNamespace(policy=SimpleNamespace(params=params), deltas=deltas)


def test_planted_crux_is_found_at_its_threshold_within_its_interval():
    ranking, bins = crux_ranking(planted(), OUT, bins=10, boot=200, seed=7)
    assert list(ranking.columns) == RANKING_COLUMNS
    top = ranking.iloc[0]
    assert top["parameter"] == "x" and top["rank"] == 1
    assert top["better_when"] == "low"
    assert top["threshold_low"] <= 0.37 <= top["threshold_high"]
    assert abs(top["threshold"] - 0.37) < 0.03
    assert top["threshold_high"] - top["threshold_low"] < 0.1
    assert top["share_crossing"] > 0.95
    assert top["share_beyond"] == pytest.approx(0.37, abs=0.03)
    assert "below 0.3" in top["belief"]
    # the bins of x go from about 0.85 to about 0.15
    bx = bins[bins["parameter"] == "x"]
    assert len(bx) == 10 and bx["n"].sum() == 4000
    assert bx["p_better"].iloc[0] == pytest.approx(0.85, abs=0.06)
    assert bx["p_better"].iloc[-1] == pytest.approx(0.15, abs=0.06)
    assert (bx["p_low"] <= bx["p_better"]).all() and (bx["p_better"] <= bx["p_high"]).all()
    # noise moves P(better) much less than the crux; the fixed column is left out
    assert (ranking["movement"].abs().iloc[1:] < 0.15).all()
    assert set(ranking["parameter"]) == {"x", "z", "v[a]", "v[b]"}


def test_a_sharp_crux_is_found_between_the_worlds_either_side():
    comp = planted(n=500, threshold=0.6, p_in=1.0)
    x = comp.policy.params["x"].values
    t = crossing(x, (x < 0.6).astype(float), increasing=False)
    assert x[x < 0.6].max() < t < x[x >= 0.6].min()


def test_a_parameter_that_never_flips_the_verdict_says_so():
    x = np.linspace(0.0, 1.0, 200)
    better = (np.arange(200) % 10 != 0).astype(float)  # P(better) 0.9 everywhere
    assert np.isnan(crossing(x, better, increasing=True))
    comp = planted(n=400, p_in=0.97)
    comp.deltas["delta_risk"][:] = -0.01  # better in every world
    ranking, _ = crux_ranking(comp, OUT, boot=10)
    assert ranking["threshold"].isna().all()
    assert ranking["belief"].str.startswith("never crosses 50%").all()


def test_bootstrap_is_seeded():
    a, _ = crux_ranking(planted(n=800), OUT, boot=30, seed=3)
    b, _ = crux_ranking(planted(n=800), OUT, boot=30, seed=3)
    c, _ = crux_ranking(planted(n=800), OUT, boot=30, seed=4)
    assert a.equals(b)
    assert not a["threshold_low"].equals(c["threshold_low"])


def test_two_dimensional_map_counts_every_world():
    comp = planted(n=1000)
    m = crux_map(comp, OUT, "x", "z", bins=4)
    assert len(m) == 16 and m["n"].sum() == 1000
    low_x = m[m["bin_a"] == 0]
    assert (low_x["p_better"] > 0.6).all()  # low x: better whatever z is
    with pytest.raises(ValueError, match="'fixed' is not a varying column"):
        crux_map(comp, OUT, "x", "fixed")


def test_crux_finder_explains_p_better_only():
    with pytest.raises(ValueError, match="give p_better:WORLDVIEW:HORIZON"):
        crux_ranking(planted(n=50), Output("overhang"))


def test_cross_on_grid_interpolates():
    assert _cross_on_grid(np.array([0.0, 1.0, 2.0]), np.array([0.2, 0.4, 0.8])) == 1.25
    assert np.isnan(_cross_on_grid(np.array([0.0, 1.0]), np.array([0.6, 0.7])))


# -- statistics shared with the verdicts -------------------------------------------------------


def test_spearman_with_ties_equals_scipy():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 5, 300).astype(float)  # heavily tied, like delta_risk at 0
    x = np.column_stack([rng.integers(0, 3, 300), y + rng.normal(size=300), rng.normal(size=300)])
    want = [stats.spearmanr(x[:, j], y).statistic for j in range(3)]
    np.testing.assert_allclose(spearman(x, y), want, rtol=1e-12)


@pytest.mark.parametrize(("k", "n"), [(0, 10), (1, 10), (5, 10), (10, 10), (37, 2000), (999, 1000)])
def test_wilson_equals_scipy_binomtest(k, n):
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    lo, hi = wilson_interval(k, n)
    assert float(lo) == pytest.approx(ci.low, abs=1e-12)
    assert float(hi) == pytest.approx(ci.high, abs=1e-12)


# -- on a shipped scenario ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def realistic():
    sc = scenario_mod.load("essay-realistic", {"grid.step": "0.5"}, samples=120)
    return compare(sc, keep="none")


def test_compare_screen_is_average_rank_spearman(realistic):
    screen = crux_screen(realistic.policy.params, realistic.deltas["delta_risk"], top=3)
    assert list(screen.columns) == ["worldview", "parameter", "spearman_rho"]
    assert screen.equals(realistic.cruxes())
    cols = parameter_columns(realistic.policy.params)
    d = realistic.deltas["delta_risk"]
    last = d["horizon"].values[-1]
    for r in screen.itertuples():
        y = d.sel(worldview=r.worldview, horizon=last).values
        ok = np.isfinite(y)
        want = stats.spearmanr(cols[r.parameter][ok], y[ok]).statistic
        assert r.spearman_rho == pytest.approx(want, abs=1e-12)
    for _, g in screen.groupby("worldview"):
        assert len(g) == 3


def test_term_weights_at_factor_one_give_the_verdict(realistic):
    v = realistic.verdicts()
    for w in ("feedback-loop", "time-to-prepare", "conflict-and-tyranny"):
        out = Output("p_better", w, "K>=10.68")
        summary, grid = weight_beliefs(realistic, out)
        at_one = grid[np.isclose(grid["factor"], 1.0)]
        assert (at_one["p_better"] == v.loc[(w, "K>=10.68"), "p_policy_better"]).all()
        assert (summary["p_better"] == v.loc[(w, "K>=10.68"), "p_policy_better"]).all()
        for r in summary.itertuples():
            if np.isfinite(r.crossing_factor):
                g = grid[grid["term"] == r.term].sort_values("factor")
                p = g["p_better"].to_numpy()
                assert (p.min() - 0.5) * (p.max() - 0.5) <= 0


def test_find_cruxes_bundles_every_table(realistic):
    outs = [Output("p_better", "feedback-loop", "K>=10.68")]
    found = find_cruxes(realistic, outs, boot=10, top=3)
    assert len(found.maps.groupby(["parameter_a", "parameter_b"])) == 3
    assert set(found.horizons["kind"]) == {"year", "level"}
    assert len(found.frames()) == 6
    with pytest.raises(ValueError, match="bins and map_bins must be at least 2"):
        find_cruxes(realistic, outs, bins=1)


def test_cli_cruxes_runs_and_writes_files(tmp_path):
    r = CliRunner().invoke(
        app,
        [
            "cruxes",
            "essay-realistic",
            "-n",
            "60",
            "--set",
            "grid.step=0.5",
            "-w",
            "feedback-loop",
            "--boot",
            "10",
            "--top",
            "5",
            "--out",
            str(tmp_path / "c"),
        ],
    )
    assert r.exit_code == 0, r.output
    for stem in (
        "cruxes_ranking",
        "cruxes_bins",
        "cruxes_map",
        "cruxes_weights",
        "cruxes_horizons",
    ):
        for suffix in ("csv", "parquet", "json"):
            assert (tmp_path / "c" / f"{stem}.{suffix}").exists()
    assert "Cruxes of p_better[feedback-loop" in r.output


def test_cli_cruxes_refuses_an_engine_without_risk():
    r = CliRunner().invoke(app, ["cruxes", "ftm-best-guess"])
    assert r.exit_code == 2
    assert "has no risk" in r.output
