import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from pausesim.reduce import DEFAULT_QUANTILES, QuantileReducer, exact_quantiles

ACTORS = ["us_allies", "china", "rest_of_world"]


def _dataset(values, flags=None):
    """Trajectories of shape (sample, actor, time) plus a boolean and a sample-free variable."""
    n, _, n_time = values.shape
    data_vars = {
        "capability": (("sample", "actor", "time"), values, {"units": "OOM"}),
        "reference": (("actor",), np.arange(3.0)),
    }
    if flags is not None:
        data_vars["paused"] = (("sample", "actor", "time"), flags)
    return xr.Dataset(
        data_vars,
        coords={"actor": ACTORS, "time": 2025.0 + 0.25 * np.arange(n_time)},
        attrs={"scenario": "test", "seed": 1},
    )


def _reduce(ds, bounds, **kwargs):
    reducer = QuantileReducer(**kwargs)
    for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
        reducer.add(ds.isel(sample=slice(start, stop)))
    return reducer.result()


def _first_range_covers_all(values, bounds):
    """True if the first chunk with a finite value spans every finite value of the run."""
    finite = values[np.isfinite(values)]
    for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
        chunk = values[start:stop]
        chunk = chunk[np.isfinite(chunk)]
        if chunk.size:
            return chunk.min() <= finite.min() and finite.max() <= chunk.max()
    return True


DISTRIBUTIONS = {
    "normal": lambda rng, size: rng.normal(size=size),
    "lognormal": lambda rng, size: rng.lognormal(sigma=2.0, size=size),
    "uniform": lambda rng, size: rng.uniform(-1, 1, size=size),
    "discrete": lambda rng, size: rng.integers(0, 4, size=size).astype(float),
    "bimodal": lambda rng, size: rng.normal(size=size) + 20 * (rng.random(size) < 0.3),
    "constant": lambda rng, size: np.full(size, 7.0),
}


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 120),
    distribution=st.sampled_from(sorted(DISTRIBUTIONS)),
    scale=st.sampled_from([1e-3, 1.0, 1e4]),
    loc=st.sampled_from([0.0, -50.0, 1e3]),
    nonfinite_share=st.sampled_from([0.0, 0.0, 0.1, 0.5]),
    bins=st.sampled_from([4, 64, 2048]),
    quantiles=st.lists(st.floats(0, 1), min_size=1, max_size=6),
    data=st.data(),
)
def test_reducer_matches_exact_quantiles_within_the_resolution(
    seed, n, distribution, scale, loc, nonfinite_share, bins, quantiles, data
):
    rng = np.random.default_rng(seed)
    values = loc + scale * DISTRIBUTIONS[distribution](rng, (n, 3, 4))
    values[rng.random(values.shape) < nonfinite_share] = rng.choice([np.nan, np.inf, -np.inf])
    cuts = data.draw(st.sets(st.integers(1, n - 1), max_size=8)) if n > 1 else set()
    bounds = [0, *sorted(cuts), n]
    ds = _dataset(values)

    reduced = _reduce(ds, bounds, quantiles=quantiles, bins=bins)
    exact = exact_quantiles(ds, quantiles)

    approx, truth = reduced.capability.values, exact.capability.values
    resolution = reduced.capability.attrs["quantile_resolution"]
    placed = ~np.isnan(approx)
    tolerance = resolution * (1 + 1e-9) + 1e-12 * np.abs(truth[placed])
    assert np.all(np.abs(approx[placed] - truth[placed]) <= tolerance)
    unplaced = np.isnan(approx) & ~np.isnan(truth)
    assert reduced.capability.attrs["n_quantiles_out_of_range"] == unplaced.sum()
    assert np.array_equal(np.isnan(truth), np.isnan(approx) & ~unplaced)
    if _first_range_covers_all(values, bounds):
        assert not unplaced.any()
    n_nonfinite = int((~np.isfinite(values)).sum())
    assert reduced.capability.attrs["n_nonfinite"] == n_nonfinite
    assert exact.capability.attrs["n_nonfinite"] == n_nonfinite


def test_resolution_is_the_bin_width_set_by_the_first_chunk():
    values = np.broadcast_to(np.linspace(0.0, 10.0, 11)[:, None, None], (11, 3, 2)).copy()
    reduced = _reduce(_dataset(values), [0, 11], bins=100)
    # Range [0, 10] widened by half its span on each side: [-5, 15] in 100 bins.
    assert reduced.capability.attrs["quantile_resolution"] == pytest.approx(0.2)


@pytest.mark.parametrize(("constant", "half_range"), [(0.5, 1.0), (0.0, 1.0), (-3.0, 1.5)])
def test_constant_first_chunk_gets_at_least_plus_minus_one(constant, half_range):
    reduced = _reduce(_dataset(np.full((5, 3, 2), constant)), [0, 5], bins=10)
    resolution = reduced.capability.attrs["quantile_resolution"]
    assert resolution == pytest.approx(2 * half_range / 10)
    np.testing.assert_allclose(reduced.capability, constant, atol=resolution)


def test_nonfinite_values_are_counted_and_excluded():
    rng = np.random.default_rng(3)
    values = rng.normal(size=(200, 3, 4))
    values[:10, 0, 0] = np.nan
    values[10:15, 1, 2] = np.inf
    values[20, 2, 3] = -np.inf
    values[:, 2, 0] = np.nan  # a cell with no finite value at all
    ds = _dataset(values)

    reduced = _reduce(ds, [0, 50, 120, 200])
    exact = exact_quantiles(ds)

    for result in (reduced, exact):
        assert result.capability.attrs["n_nonfinite"] == 10 + 5 + 1 + 200
        assert result.attrs["n_nonfinite"] == 216
        assert np.isnan(result.capability.sel(actor="rest_of_world").isel(time=0)).all()
    assert reduced.capability.attrs["n_quantiles_out_of_range"] == 0
    finite = values[10:, 0, 0]
    np.testing.assert_allclose(
        exact.capability.values[:, 0, 0], np.quantile(finite, DEFAULT_QUANTILES)
    )
    np.testing.assert_allclose(
        reduced.capability.values[:, 0, 0],
        exact.capability.values[:, 0, 0],
        atol=reduced.capability.attrs["quantile_resolution"],
    )


def test_first_chunk_without_finite_values_defers_the_range():
    values = np.random.default_rng(4).normal(size=(40, 3, 2))
    values[:10] = np.nan
    ds = _dataset(values)
    reduced = _reduce(ds, [0, 10, 40])
    assert reduced.capability.attrs["n_nonfinite"] == 10 * 3 * 2
    np.testing.assert_allclose(
        reduced.capability,
        exact_quantiles(ds).capability,
        atol=reduced.capability.attrs["quantile_resolution"],
    )


def test_quantiles_beyond_the_first_chunks_range_are_nan_and_counted_not_clamped():
    first = np.linspace(0.0, 1.0, 10)  # range [-0.5, 1.5]
    later = np.full(90, 100.0)  # all in the overflow bin
    values = np.broadcast_to(np.concatenate([first, later])[:, None, None], (100, 3, 2)).copy()
    reduced = _reduce(_dataset(values), [0, 10, 100], quantiles=(0.01, 0.05, 0.25, 0.5, 0.95))
    cap = reduced.capability
    # h = q (n - 1): 0.99 and 4.95 fall among the first 10 values; the others in the overflow.
    assert np.isfinite(cap.sel(quantile=[0.01, 0.05])).all()
    assert np.isnan(cap.sel(quantile=[0.25, 0.5, 0.95])).all()
    assert cap.attrs["n_quantiles_out_of_range"] == 3 * 3 * 2
    assert reduced.attrs["n_quantiles_out_of_range"] == 3 * 3 * 2
    expected = np.quantile(np.concatenate([first, later]), [0.01, 0.05])
    np.testing.assert_allclose(
        cap.sel(quantile=[0.01, 0.05]).isel(actor=0, time=0),
        expected,
        atol=cap.attrs["quantile_resolution"],
    )


def test_underflow_is_handled_like_overflow():
    values = np.concatenate([np.full(60, -1e6), np.linspace(0.0, 1.0, 40)])
    values = np.broadcast_to(values[:, None, None], (100, 3, 1)).copy()
    order = np.r_[60:100, 0:60]  # the first chunk holds the in-range values only
    reduced = _reduce(_dataset(values[order]), [0, 40, 100], quantiles=(0.5, 0.9))
    assert np.isnan(reduced.capability.sel(quantile=0.5)).all()
    assert np.isfinite(reduced.capability.sel(quantile=0.9)).all()
    assert reduced.capability.attrs["n_quantiles_out_of_range"] == 3


def test_boolean_variables_become_the_exact_fraction_true():
    rng = np.random.default_rng(5)
    flags = rng.random((301, 3, 4)) < 0.37
    ds = _dataset(rng.normal(size=(301, 3, 4)), flags)
    reduced = _reduce(ds, [0, 7, 150, 301])
    expected = flags.sum(axis=0) / 301
    assert reduced.paused.dims == ("actor", "time")
    assert np.array_equal(reduced.paused.values, expected)
    assert np.array_equal(exact_quantiles(ds).paused.values, expected)
    assert reduced.paused.attrs["n_nonfinite"] == 0


def test_reducer_and_exact_have_the_same_layout():
    rng = np.random.default_rng(6)
    ds = _dataset(rng.normal(size=(50, 3, 4)), rng.random((50, 3, 4)) < 0.5)
    ds["lift_step"] = ("sample", rng.integers(0, 9, 50))
    ds = ds.assign_coords(sample_id=("sample", np.arange(50)))
    reduced, exact = _reduce(ds, [0, 20, 50]), exact_quantiles(ds)

    assert list(reduced.data_vars) == list(exact.data_vars) == ["capability", "paused", "lift_step"]
    assert dict(reduced.sizes) == dict(exact.sizes) == {"quantile": 5, "actor": 3, "time": 4}
    xr.testing.assert_identical(xr.Dataset(coords=reduced.coords), xr.Dataset(coords=exact.coords))
    assert reduced.attrs.keys() == exact.attrs.keys()
    assert reduced.attrs["n_samples"] == exact.attrs["n_samples"] == 50
    assert reduced.attrs["scenario"] == "test"
    for name in reduced.data_vars:
        assert reduced[name].dims == exact[name].dims
        assert reduced[name].dtype == exact[name].dtype
        assert reduced[name].attrs.keys() == exact[name].attrs.keys()
    assert reduced.capability.attrs["units"] == "OOM"
    assert exact.capability.attrs["quantile_resolution"] == 0.0


def test_memory_does_not_grow_with_samples():
    reducer = QuantileReducer(bins=32)
    rng = np.random.default_rng(8)
    reducer.add(_dataset(rng.normal(size=(10, 3, 4))))
    counts = reducer._accumulators["capability"].counts
    assert counts.dtype == np.int32 and counts.shape == (12, 32 + 3)
    reducer.add(_dataset(rng.normal(size=(1000, 3, 4))))
    assert reducer._accumulators["capability"].counts is counts
    assert reducer.n_samples == 1010


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"quantiles": (0.5, 1.5)}, "quantiles"),
        ({"quantiles": ()}, "quantiles"),
        ({"bins": 0}, "bins"),
        ({"bins": 2.5}, "bins"),
    ],
)
def test_invalid_settings_name_the_field(kwargs, match):
    with pytest.raises(ValueError, match=match):
        QuantileReducer(**kwargs)


def test_result_before_any_sample_is_an_error():
    with pytest.raises(ValueError, match="before any sample"):
        QuantileReducer().result()


def test_chunks_must_match_the_first():
    rng = np.random.default_rng(9)
    reducer = QuantileReducer()
    reducer.add(_dataset(rng.normal(size=(5, 3, 4))))
    with pytest.raises(ValueError, match="'capability' has dims"):
        reducer.add(_dataset(rng.normal(size=(5, 3, 5))))
    other_time = _dataset(rng.normal(size=(5, 3, 4))).assign_coords(time=np.arange(4.0))
    with pytest.raises(ValueError, match="coordinate 'time'"):
        reducer.add(other_time)


def test_non_numeric_sample_variable_is_rejected():
    ds = _dataset(np.zeros((2, 3, 1)))
    ds["name"] = ("sample", np.array(["a", "b"]))
    with pytest.raises(TypeError, match="'name'"):
        QuantileReducer().add(ds)
