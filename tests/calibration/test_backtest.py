import numpy as np
import pytest

from pausesim.calibration.backtest import backtest, frontier_at, percentile_of, start_point

# Coverage numbers documented in docs/calibration.md. Regenerate after engine changes with
#   .venv/bin/pausesim calibrate --data ../shared/data/epoch --backtest
# (2000 samples, seed 0) and update both. Tolerance: +-0.05 on pooled coverage (Monte Carlo
# noise at 2000 samples is far smaller; the tolerance absorbs small engine changes only).
DOCUMENTED = {
    ("records", "all"): (23, 0.435, 0.696),
    ("top-10", "all"): (260, 0.212, 0.481),
}
TOLERANCE = 0.05


@pytest.fixture(scope="module")
def result(shared_data, shared_calibration):
    return backtest(shared_data, calibration=shared_calibration, samples=2000, seed=0)


def test_interpolation_and_percentiles_in_closed_form():
    traj = np.array([[0.0, 1.0, 2.0], [10.0, 10.0, 10.0]])
    times = np.array([2020.0, 2021.0, 2022.0])
    got = frontier_at(traj, times, np.array([2020.5, 2022.0, 2021.25]))
    assert np.allclose(got, [[0.5, 2.0, 1.25], [10.0, 10.0, 10.0]])
    sims = np.arange(100.0)[:, None] * np.ones((1, 3))
    sims[0, 2] = np.nan  # a failed sample is left out, not counted as below or above
    pct = percentile_of(sims, np.array([50.0, -1.0, 200.0]))
    assert pct.tolist() == [50.5, 0.0, 100.0]  # 50 below, one tie counted half


def test_start_points_are_the_record_trend_with_the_shipped_start_width(result):
    starts = result.starts.set_index("start_year")
    assert list(starts.index) == [2015, 2018, 2020, 2023]
    # the record trend grows ~4.6x/yr and passes ~2.6e25 FLOP in 2023 (GPT-4 is 2.1e25)
    growth = (starts.loc[2023, "initial_compute_flop"] / starts.loc[2015, "initial_compute_flop"])
    assert growth ** (1 / 8) == pytest.approx(4.63, abs=0.02)
    assert 1e25 < starts.loc[2023, "initial_compute_flop"] < 5e25
    # as wide as the shipped 2025 start, [2e26, 1e27]: a factor 5 between p5 and p95
    ratio = starts["initial_compute_p95"] / starts["initial_compute_p5"]
    assert np.allclose(ratio, 5.0)
    assert starts["cost_from"].str.startswith("frontier cost trend line").all()


def test_start_point_without_models_is_an_error(shared_data, shared_calibration):
    from pausesim.calibration import CalibrationError

    with pytest.raises(CalibrationError, match="no model"):
        start_point(shared_data.models, 1900, shared_calibration)


def test_every_later_top10_model_is_placed(result):
    m = result.models
    assert ((m["percentile"] >= 0) & (m["percentile"] <= 100)).all()
    assert (m["in90"] | ~m["in50"]).all()  # the 50% band is inside the 90% band
    assert (m["year"] > m["start_year"]).all() and (m["rank"] <= 10).all()
    counts = m.groupby("start_year").size().to_dict()
    assert counts == {2015: 96, 2018: 76, 2020: 60, 2023: 28}
    records = m[m["record"]]
    assert set(records[records["start_year"] == 2023]["model"]) == {
        "GPT-4",
        "GPT-4 Turbo",
        "Gemini 1.0 Ultra",
        "Grok-3",
    }


@pytest.mark.parametrize("key", DOCUMENTED)
def test_coverage_matches_the_documented_numbers(result, key):
    n, c50, c90 = DOCUMENTED[key]
    row = result.summary.loc[key]
    assert row["n"] == n
    assert row["coverage50"] == pytest.approx(c50, abs=TOLERANCE)
    assert row["coverage90"] == pytest.approx(c90, abs=TOLERANCE)
