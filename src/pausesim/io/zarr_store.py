"""Zarr directory stores, available when the optional ``zarr`` package is installed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import xarray as xr

from pausesim.io import encoding

__all__ = ["ZarrBackend", "require_zarr"]


def require_zarr() -> None:
    """Raise a clear error if ``zarr`` cannot be imported.

    Raises
    ------
    ImportError
        If the optional ``zarr`` package is not installed.
    """
    if importlib.util.find_spec("zarr") is None:
        raise ImportError(
            "the '.zarr' format needs the optional 'zarr' package (pip install zarr); "
            "use a '.nc' path to store the results as netCDF instead"
        )


class ZarrBackend:
    """Store a Dataset as a Zarr directory (suffix ``.zarr``)."""

    suffix = ".zarr"
    is_directory = True

    def write(self, obj: xr.Dataset, path: Path) -> None:
        """Write ``obj`` into the empty directory ``path``."""
        require_zarr()
        encoding.encode(obj).to_zarr(path, mode="w")

    def read(self, path: Path) -> xr.Dataset:
        """Read the whole store into memory and close it."""
        require_zarr()
        with xr.open_zarr(path) as ds:
            return encoding.decode(ds.load())
