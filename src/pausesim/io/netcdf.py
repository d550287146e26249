"""netCDF-4 files through the ``h5netcdf`` engine (no compiled netCDF-C library needed)."""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from pausesim.io import encoding

__all__ = ["NetCDFBackend"]


class NetCDFBackend:
    """Store a Dataset as one netCDF-4 file (suffix ``.nc``)."""

    suffix = ".nc"
    is_directory = False

    def write(self, obj: xr.Dataset, path: Path) -> None:
        """Write ``obj`` to ``path``, replacing the empty file there."""
        encoding.encode(obj).to_netcdf(path, mode="w", engine="h5netcdf")

    def read(self, path: Path) -> xr.Dataset:
        """Read the whole file into memory and close it."""
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            return encoding.decode(ds.load())
