import importlib.util

import h5py
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from pausesim import io as pio
from pausesim.io import Backend, load_dataset, load_table, save_dataset, save_table
from pausesim.io.netcdf import NetCDFBackend

HAS_ZARR = importlib.util.find_spec("zarr") is not None


@pytest.fixture
def results():
    rng = np.random.default_rng(7)
    actors = ["us_allies", "china", "rest_of_world"]
    shape = (4, 3, 2, 5)
    return xr.Dataset(
        {
            "capability": (("sample", "actor", "time"), rng.normal(size=(4, 3, 5))),
            "paused": (("sample", "actor", "time"), rng.random((4, 3, 5)) > 0.5),
            "lift_step": (("sample",), rng.integers(0, 100, 4)),
            "frontier_share": (
                ("sample", "actor", "sector", "time"),
                rng.random(shape).astype(np.float32),
                {"units": "1", "source": {"eq": [1, 2]}, "note": None, "flag": True},
            ),
            "label": (("actor",), np.array(["US & allies", "China", "rest"])),
        },
        coords={
            "actor": actors,
            "sector": ["legal", "covert"],
            "time": 2025.0 + 0.25 * np.arange(5),
            "in_coalition": ("actor", np.array([True, False, False])),
        },
        attrs={
            "scenario": "essay-realistic",
            "seed": 42,
            "version": "0.1.0",
            "dt": 0.25,
            "policy": {"coalition": ["us_allies"], "start": 2026.0, "cap": None},
            "actors": actors,
            "nan": float("nan"),
        },
    )


def test_netcdf_round_trip_is_identical(tmp_path, results):
    loaded = load_dataset(save_dataset(results, tmp_path / "run.nc"))
    xr.testing.assert_identical(loaded, results)
    for name, var in results.variables.items():
        assert loaded[name].dtype == var.dtype, name
    assert loaded.attrs["policy"] == results.attrs["policy"]
    assert type(loaded.attrs["seed"]) is int


def test_load_dataset_is_in_memory_and_closes_the_file(tmp_path, results):
    path = save_dataset(results, tmp_path / "run.nc")
    loaded = load_dataset(path)
    assert all(var._in_memory for var in loaded.variables.values())
    with h5py.File(path, "r+"):  # HDF5 refuses this while a read-only handle is open
        pass
    path.unlink()
    assert float(loaded.capability.sum()) == pytest.approx(float(results.capability.sum()))


def test_saving_does_not_modify_the_input(tmp_path, results):
    before = results.copy(deep=True)
    save_dataset(results, tmp_path / "run.nc")
    xr.testing.assert_identical(results, before)
    assert results.paused.dtype == bool


def test_failed_save_keeps_the_previous_file(tmp_path, results, monkeypatch):
    path = save_dataset(results, tmp_path / "run.nc")
    before = path.read_bytes()

    def broken_write(self, obj, tmp):
        tmp.write_bytes(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(NetCDFBackend, "write", broken_write)
    with pytest.raises(OSError, match="disk full"):
        save_dataset(results, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.nc"]


def test_unserializable_attribute_is_a_clear_error(tmp_path, results):
    results.capability.attrs["rng"] = np.random.default_rng()
    with pytest.raises(TypeError, match="'rng' of 'capability'"):
        save_dataset(results, tmp_path / "run.nc")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(HAS_ZARR, reason="zarr is installed")
def test_zarr_without_zarr_is_a_clear_error(tmp_path, results):
    with pytest.raises(ImportError, match="pip install zarr"):
        save_dataset(results, tmp_path / "run.zarr")
    with pytest.raises(ImportError, match="pip install zarr"):
        load_dataset(tmp_path / "run.zarr")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not HAS_ZARR, reason="zarr is not installed")
def test_zarr_round_trip_is_identical(tmp_path, results):
    xr.testing.assert_identical(load_dataset(save_dataset(results, tmp_path / "run.zarr")), results)


@pytest.fixture
def metrics():
    index = pd.Index(np.arange(4), name="sample")
    return pd.DataFrame(
        {
            "delay_years": [0.1 + 0.2, 1e-300, np.nan, 3.0],
            "overhang_ooms": np.array([0.5, 1.5, 2.5, 3.5], dtype=np.float32),
            "lift_step": [1, 2, 3, 4],
            "leader": ["china", "us_allies", "china", "rest_of_world"],
            "forced_lift": [True, False, True, False],
        },
        index=index,
    )


def test_parquet_round_trip_is_exact(tmp_path, metrics):
    pd.testing.assert_frame_equal(load_table(save_table(metrics, tmp_path / "m.parquet")), metrics)


def test_csv_round_trip_keeps_numbers_and_writes_the_index_as_a_column(tmp_path, metrics):
    loaded = load_table(save_table(metrics, tmp_path / "m.csv"))
    expected = metrics.reset_index()
    expected["overhang_ooms"] = expected["overhang_ooms"].astype(np.float64)
    pd.testing.assert_frame_equal(loaded, expected)


def test_csv_without_index_round_trips(tmp_path, metrics):
    table = metrics.reset_index(drop=True).drop(columns="overhang_ooms")
    pd.testing.assert_frame_equal(load_table(save_table(table, tmp_path / "m.csv")), table)


@pytest.mark.parametrize(
    ("function", "name", "allowed"),
    [
        (save_dataset, "run.txt", ".nc, .zarr"),
        (load_dataset, "run.h5", ".nc, .zarr"),
        (save_table, "m.xlsx", ".csv, .parquet"),
        (load_table, "m", ".csv, .parquet"),
    ],
)
def test_unknown_suffix_names_it_and_the_allowed_ones(tmp_path, results, function, name, allowed):
    suffix = name.partition(".")[2]
    args = (
        (tmp_path / name,) if function in (load_dataset, load_table) else (results, tmp_path / name)
    )
    with pytest.raises(ValueError, match=f"allowed: {allowed}") as info:
        function(*args)
    assert (f"'.{suffix}'" if suffix else "(none)") in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_table_suffix_for_a_dataset_points_to_save_table(tmp_path, results):
    with pytest.raises(ValueError, match="use save_table"):
        save_dataset(results, tmp_path / "run.parquet")


def test_every_registered_backend_implements_the_protocol():
    backends = {**pio.DATASET_BACKENDS, **pio.TABLE_BACKENDS}
    assert set(backends) == {".nc", ".zarr", ".parquet", ".csv"}
    for suffix, backend in backends.items():
        assert isinstance(backend, Backend)
        assert backend.suffix == suffix
