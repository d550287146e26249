import tomllib

import pytest

from pausesim.calibration.fragment import calibration_fragment, fragment_text
from pausesim.calibration.trends import HW_DOUBLING_YEARS, since_date
from pausesim.io.toml_text import toml_value

# The fits of docs/calibration.md (top 10, from 2015, 2000 resamples, seed 0); the bootstrap
# percentiles move by about +-0.03 with the seed.
EXPECTED = {
    "frontier_compute": (96, 4.17, 3.79, 4.58),
    "frontier_cost": (41, 2.64, 2.04, 3.33),
    "frontier_flop_per_usd": (41, 1.48, 1.34, 1.65),
}


@pytest.mark.parametrize("trend", EXPECTED)
def test_frontier_fits_reproduce_the_documented_numbers(shared_calibration, trend):
    n, median, p5, p95 = EXPECTED[trend]
    fit = shared_calibration.fit(trend)
    assert fit.n == n
    assert fit.growth_median == pytest.approx(median, abs=0.02)
    assert fit.growth_p5 == pytest.approx(p5, abs=0.04)
    assert fit.growth_p95 == pytest.approx(p95, abs=0.04)
    assert "top 10 by training compute at publication" in fit.selection


def test_flop_per_dollar_is_compute_over_cost_on_the_same_models(shared_calibration):
    cost = shared_calibration.fit("frontier_cost")
    per_usd = shared_calibration.fit("frontier_flop_per_usd")
    compute_same_models = 10 ** (cost.slope + per_usd.slope)
    # least-squares slopes add: log(compute) = log(cost) + log(compute / cost)
    assert cost.n == per_usd.n
    assert compute_same_models > cost.growth_per_year


def test_hardware_fits_are_reported_at_training_precision_and_fp32(shared_calibration):
    train = shared_calibration.fit("hardware_flop_per_usd")
    fp32 = shared_calibration.fit("hardware_fp32_flop_per_usd")
    assert "nominal" in train.unit and "nominal" in fp32.unit
    assert 1.0 < fp32.growth_median < train.growth_median < 2.0
    assert "GPU" in train.selection


def test_catalog_defaults_compose_to_the_fitted_compute_trend(shared_calibration):
    """Frontier compute grows by spend x 2**(1/hw_doubling) x precision gain per year."""
    from pausesim.engines.compute.parameters import CATALOG

    spend = CATALOG.get("spend_growth_per_year").default.median()
    hw = 2.0 ** (1.0 / CATALOG.get("hw_doubling_years").default.median())
    precision = CATALOG.get("precision_gain_per_year").default.median()
    compute = shared_calibration.fit("frontier_compute")
    assert compute.growth_p5 <= spend * hw * precision <= compute.growth_p95


def test_catalog_defaults_are_the_fitted_parameters(shared_calibration):
    from pausesim.engines.compute.parameters import CATALOG

    for name, fitted in shared_calibration.parameters().items():
        default = CATALOG.get(name).default
        assert default.p5 == pytest.approx(fitted.p5, abs=0.05), name
        assert default.p95 == pytest.approx(fitted.p95, abs=0.05), name


def test_parameters_map_the_fits(shared_calibration):
    params = shared_calibration.parameters()
    cost = shared_calibration.fit("frontier_cost")
    per_usd = shared_calibration.fit("frontier_flop_per_usd")
    assert params["spend_growth_per_year"].p5 == cost.growth_p5
    hw = 2 ** (1 / HW_DOUBLING_YEARS)
    assert params["precision_gain_per_year"].p95 == pytest.approx(per_usd.growth_p95 / hw)


def test_table_is_labelled(shared_calibration):
    table = shared_calibration.table()
    assert list(table.index) == [f.trend for f in shared_calibration.fits]
    for col in (
        "selection",
        "method",
        "n",
        "growth_per_year_median",
        "growth_per_year_p5",
        "growth_per_year_p95",
        "doubling_years",
        "unit",
    ):
        assert col in table
    assert table.loc["frontier_compute", "doubling_years"] == pytest.approx(0.485, abs=0.01)


def test_fragment_is_valid_toml_that_the_scenario_loader_accepts(shared_calibration):
    from pausesim import scenario

    text = calibration_fragment(shared_calibration)
    data = tomllib.loads(text)
    assert set(data) == {"spend_growth_per_year", "precision_gain_per_year"}
    assert data["spend_growth_per_year"]["kind"] == "lognormal"
    sc = scenario.load("no-pause", {k: toml_value(v) for k, v in data.items()})
    assert sc.world.params["spend_growth_per_year"].p5 == data["spend_growth_per_year"]["p5"]


def test_fragment_text_rounds_the_interval_and_reads_back():
    from pausesim.distributions import LogNormal

    text = fragment_text({"a": LogNormal(p5=1.23456, p95=2.0)}, ("c",))
    assert tomllib.loads(text) == {"a": {"kind": "lognormal", "p5": 1.235, "p95": 2.0}}


def test_since_accepts_years_and_dates():
    from pausesim.calibration import CalibrationError

    assert since_date(2015) == "2015-01-01" and since_date("2018-06-01") == "2018-06-01"
    with pytest.raises(CalibrationError, match="since"):
        since_date("soon")
