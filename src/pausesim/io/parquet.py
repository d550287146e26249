"""Apache Parquet tables through ``pyarrow``: typed columns and the index round-trip exactly."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["ParquetBackend"]


class ParquetBackend:
    """Store a DataFrame as one Parquet file (suffix ``.parquet``)."""

    suffix = ".parquet"
    is_directory = False

    def write(self, obj: pd.DataFrame, path: Path) -> None:
        """Write ``obj`` to ``path``, replacing the empty file there."""
        obj.to_parquet(path, engine="pyarrow")

    def read(self, path: Path) -> pd.DataFrame:
        """Read the whole table into memory."""
        return pd.read_parquet(path, engine="pyarrow")
