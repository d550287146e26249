"""Results I/O: trajectories (netCDF, Zarr) and metric tables (Parquet, CSV), written atomically.

The format is chosen by the path's suffix; each format is one backend module implementing
:class:`~pausesim.io.backend.Backend`, registered below. Every save goes through
:func:`~pausesim.io.atomic.atomic_write`, so an interrupted save never leaves a partial file.
Whole results folders are written as a unit, with a ``manifest.json`` checked by readers
(:mod:`pausesim.io.folder`, :mod:`pausesim.io.manifest`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import xarray as xr

from pausesim.io.atomic import atomic_write
from pausesim.io.backend import Backend
from pausesim.io.csv_table import CsvBackend
from pausesim.io.netcdf import NetCDFBackend
from pausesim.io.parquet import ParquetBackend
from pausesim.io.zarr_store import ZarrBackend

__all__ = [
    "DATASET_BACKENDS",
    "TABLE_BACKENDS",
    "Backend",
    "atomic_write",
    "load_dataset",
    "load_table",
    "save_dataset",
    "save_table",
]

#: suffix -> backend for trajectory Datasets.
DATASET_BACKENDS: Mapping[str, Backend[xr.Dataset]] = {
    b.suffix: b for b in (NetCDFBackend(), ZarrBackend())
}
#: suffix -> backend for metric tables.
TABLE_BACKENDS: Mapping[str, Backend[pd.DataFrame]] = {
    b.suffix: b for b in (ParquetBackend(), CsvBackend())
}


def save_dataset(ds: xr.Dataset, path: str | os.PathLike[str]) -> Path:
    """Write a results Dataset atomically, in the format given by the suffix of ``path``.

    Parameters
    ----------
    ds : xarray.Dataset
        Trajectories; boolean variables and dict/list/None attributes are stored losslessly.
    path : str or os.PathLike
        Destination ending in ``.nc`` (netCDF-4 via h5netcdf) or ``.zarr`` (needs ``zarr``).

    Returns
    -------
    Path
        The path written, so that ``load_dataset(save_dataset(ds, path))`` reads it back.

    Raises
    ------
    ValueError
        If the suffix is not a dataset format.
    ImportError
        If the suffix is ``.zarr`` and ``zarr`` is not installed.
    """
    return _save(ds, path, DATASET_BACKENDS, "dataset", "save_table")


def load_dataset(path: str | os.PathLike[str]) -> xr.Dataset:
    """Read a Dataset written by :func:`save_dataset` fully into memory; the file is closed.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.nc`` file or ``.zarr`` store.

    Returns
    -------
    xarray.Dataset
        The Dataset, identical to the one saved.
    """
    return _backend(path, DATASET_BACKENDS, "dataset", "load_table").read(Path(path))


def save_table(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a metrics table atomically, in the format given by the suffix of ``path``.

    Parameters
    ----------
    df : pandas.DataFrame
        Per-sample metrics.
    path : str or os.PathLike
        Destination ending in ``.parquet`` (exact round-trip) or ``.csv`` (see
        :mod:`pausesim.io.csv_table` for what CSV loses).

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ValueError
        If the suffix is not a table format.
    """
    return _save(df, path, TABLE_BACKENDS, "table", "save_dataset")


def load_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a table written by :func:`save_table`.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.parquet`` or ``.csv`` file.

    Returns
    -------
    pandas.DataFrame
        The table.
    """
    return _backend(path, TABLE_BACKENDS, "table", "load_dataset").read(Path(path))


def _save(
    obj: Any,
    path: str | os.PathLike[str],
    backends: Mapping[str, Backend[Any]],
    kind: str,
    other_function: str,
) -> Path:
    backend = _backend(path, backends, kind, other_function)
    with atomic_write(path, directory=backend.is_directory) as tmp:
        backend.write(obj, tmp)
    return Path(path)


def _backend(
    path: str | os.PathLike[str],
    backends: Mapping[str, Backend[Any]],
    kind: str,
    other_function: str,
) -> Backend[Any]:
    suffix = Path(path).suffix.lower()
    if suffix in backends:
        return backends[suffix]
    others = TABLE_BACKENDS if backends is DATASET_BACKENDS else DATASET_BACKENDS
    hint = f" ({suffix!r} is a {other_function.split('_')[1]} format: use {other_function})"
    raise ValueError(
        f"unknown {kind} file suffix {repr(suffix) if suffix else '(none)'} in "
        f"{os.fspath(path)!r}; "
        f"allowed: {', '.join(sorted(backends))}" + (hint if suffix in others else "")
    )
