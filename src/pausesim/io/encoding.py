"""Make any in-memory results Dataset storable in netCDF/Zarr and restore it exactly on load.

netCDF has no boolean type and its attributes hold only strings, numbers and 1-D numeric arrays.
:func:`encode` rewrites what the formats cannot hold, recording how in marker attributes, and
:func:`decode` undoes it, so that ``decode(read(write(encode(ds))))`` is identical to ``ds``:

- boolean variables are stored as ``int8`` with the attribute :data:`BOOL_MARKER` and cast back;
- attributes other than ``str``, ``int``, ``float``, NumPy numeric scalars and non-empty 1-D
  numeric arrays (``None``, ``bool``, ``dict``, ``list``, nested values) are stored as JSON
  strings and the names of those attributes listed in :data:`JSON_MARKER`. A ``tuple`` comes
  back as a ``list``, the one JSON limitation.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import xarray as xr

__all__ = ["BOOL_MARKER", "JSON_MARKER", "decode", "encode"]

#: variable attribute flagging an ``int8`` variable that was boolean in memory.
BOOL_MARKER = "pausesim_bool"
#: attribute holding the JSON list of attribute names whose values were JSON-encoded.
JSON_MARKER = "pausesim_json_attrs"


def encode(ds: xr.Dataset) -> xr.Dataset:
    """Return a copy of ``ds`` that netCDF and Zarr can store without loss.

    Parameters
    ----------
    ds : xarray.Dataset
        Dataset whose attributes are JSON-serializable where they are not plain numbers or str.

    Returns
    -------
    xarray.Dataset
        A shallow copy with boolean variables as ``int8`` and complex attributes as JSON.

    Raises
    ------
    TypeError
        If an attribute can be neither stored natively nor serialized to JSON; the message
        names the variable and the attribute.
    ValueError
        If ``ds`` already uses one of the reserved marker attribute names.
    """
    out = ds.copy(deep=False)
    out.attrs = _encode_attrs(ds.attrs, "<dataset>")
    for name, var in ds.variables.items():
        attrs = _encode_attrs(var.attrs, name)
        data = var.data
        if var.dtype == bool:
            data = data.astype(np.int8)
            attrs[BOOL_MARKER] = 1
        out[name] = var.copy(deep=False, data=data)
        out[name].attrs = attrs
    return out


def decode(ds: xr.Dataset) -> xr.Dataset:
    """Undo :func:`encode` on a Dataset read back from disk.

    Parameters
    ----------
    ds : xarray.Dataset
        Dataset as read by a backend.

    Returns
    -------
    xarray.Dataset
        The Dataset with boolean variables and JSON attributes restored.
    """
    out = ds.copy(deep=False)
    out.attrs = _decode_attrs(ds.attrs)
    for name, var in ds.variables.items():
        attrs = _decode_attrs(var.attrs)
        data = var.data
        if attrs.pop(BOOL_MARKER, None) is not None:
            data = data.astype(bool)
        out[name] = var.copy(deep=False, data=data)
        out[name].attrs = attrs
    return out


def _encode_attrs(attrs: Mapping[Hashable, Any], owner: Hashable) -> dict[Hashable, Any]:
    for reserved in (BOOL_MARKER, JSON_MARKER):
        if reserved in attrs:
            raise ValueError(f"attribute name {reserved!r} of {owner!r} is reserved by pausesim.io")
    encoded: dict[Hashable, Any] = {}
    json_names: list[str] = []
    for key, value in attrs.items():
        if _is_native(value):
            encoded[key] = value
            continue
        try:
            encoded[key] = json.dumps(value, allow_nan=True)
        except TypeError as err:
            raise TypeError(
                f"attribute {key!r} of {owner!r} has type {type(value).__name__}, which is "
                "neither a netCDF attribute type nor JSON-serializable"
            ) from err
        json_names.append(str(key))
    if json_names:
        encoded[JSON_MARKER] = json.dumps(json_names)
    return encoded


def _decode_attrs(attrs: Mapping[Hashable, Any]) -> dict[Hashable, Any]:
    decoded = {key: _to_python_scalar(value) for key, value in attrs.items()}
    json_names = json.loads(decoded.pop(JSON_MARKER, "[]"))
    for key in json_names:
        decoded[key] = json.loads(decoded[key])
    return decoded


def _is_native(value: Any) -> bool:
    if isinstance(value, str):
        return True
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, int | float | np.integer | np.floating):
        return True
    return (
        isinstance(value, np.ndarray)
        and value.ndim == 1
        and value.size > 0
        and (np.issubdtype(value.dtype, np.integer) or np.issubdtype(value.dtype, np.floating))
    )


def _to_python_scalar(value: Any) -> Any:
    # Readers return NumPy scalars for numeric attributes; give back the Python numbers written.
    if isinstance(value, np.generic):
        return value.item()
    return value
