"""Comma-separated text tables, for spreadsheets and other tools.

CSV carries no types: column dtypes are inferred again on reading. A DataFrame with the default
``RangeIndex`` is written without its index; any other index (e.g. ``sample``, or a MultiIndex)
is written as leading columns and comes back as ordinary columns. Floats are written with the
shortest repr that round-trips and parsed exactly, so the numbers themselves round-trip. Use
Parquet when the table itself must round-trip exactly.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["CsvBackend"]

# pandas >= 3 parses floats exactly by default and deprecates the option that did so before.
_READ_OPTIONS = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


class CsvBackend:
    """Store a DataFrame as one CSV file (suffix ``.csv``)."""

    suffix = ".csv"
    is_directory = False

    def write(self, obj: pd.DataFrame, path: Path) -> None:
        """Write ``obj`` to ``path``, replacing the empty file there."""
        default_index = isinstance(obj.index, pd.RangeIndex) and obj.index.equals(
            pd.RangeIndex(len(obj))
        )
        table = obj if default_index else obj.reset_index()
        table.to_csv(path, index=False)

    def read(self, path: Path) -> pd.DataFrame:
        """Read the whole table into memory."""
        return pd.read_csv(path, **_READ_OPTIONS)
