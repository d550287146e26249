"""The one interface every storage format implements.

A backend reads and writes one kind of object (an :class:`xarray.Dataset` of trajectories or a
:class:`pandas.DataFrame` of metrics) at a plain path. It knows nothing about atomicity: the
public functions in :mod:`pausesim.io` hand it a temporary path and rename the result into place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, TypeVar, runtime_checkable

__all__ = ["Backend"]

T = TypeVar("T")


@runtime_checkable
class Backend(Protocol[T]):
    """A file format for one kind of object, chosen by file suffix.

    Attributes
    ----------
    suffix : str
        The file suffix that selects this backend, lower case with the dot (``".nc"``).
    is_directory : bool
        True if the format is a directory of files (Zarr) rather than a single file.
    """

    suffix: str
    is_directory: bool

    def write(self, obj: T, path: Path) -> None:
        """Write ``obj`` to ``path``, which exists and is empty (a file or a directory)."""
        ...

    def read(self, path: Path) -> T:
        """Read the object at ``path`` fully into memory and release the file."""
        ...
