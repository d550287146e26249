"""Summaries over the ``sample`` dim: streaming histogram quantiles and their exact counterpart.

A million-sample run does not fit in memory as trajectories (DESIGN §8), but its fan charts only
need a few quantiles per ``(actor, time)`` cell. :class:`QuantileReducer` takes the run chunk by
chunk and keeps, per cell, a fixed-bin histogram; :func:`exact_quantiles` computes the same
summary exactly from a Dataset in memory. Both return the same layout, so callers switch freely:

- a numeric variable ``v(sample, *cell_dims)`` becomes ``v(quantile, *cell_dims)`` (float64);
- a boolean variable becomes its mean over samples, the fraction of samples where it is true
  (computed exactly from integer counts by both);
- variables without a ``sample`` dim are left out; coords without a ``sample`` dim are kept.

Non-finite values (NaN, ±inf) are excluded from the quantiles and counted, never dropped
silently (DESIGN §9): the number of non-finite values (over samples and cells) per variable in
the attr ``n_nonfinite``, and in total in the Dataset attrs; a cell without any finite value
gives NaN quantiles. Per variable, ``quantile_resolution`` bounds the absolute error of every
quantile (0 for exact results) and ``n_quantiles_out_of_range`` counts the quantile values the
histogram could not place (NaN in the output, see :class:`QuantileReducer`). The Dataset attrs
of the (first) input are kept and ``n_samples`` and ``quantile_method`` are added.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

__all__ = ["DEFAULT_QUANTILES", "QuantileReducer", "exact_quantiles"]

#: the quantiles of a fan chart: 90% and 50% bands and the median.
DEFAULT_QUANTILES: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)

SAMPLE = "sample"
QUANTILE = "quantile"

# Histogram updates run on blocks of about _BLOCK_VALUES values: whole (cell, sample) rows,
# read in the input's memory order (an engine's time-major buffers need no copy), small enough
# that the scratch arrays and the bincount table (rows x slots) stay near the cache.
_BLOCK_VALUES = 2**17
_MAX_COUNT = int(np.iinfo(np.int32).max)
# Bin edges are kept this far inside the float64 range so that widths never overflow.
_RANGE_LIMIT = float(np.finfo(np.float64).max) / 4


@dataclass(frozen=True)
class _Layout:
    """The non-sample dims of one variable, which index its cells."""

    dims: tuple[Hashable, ...]
    shape: tuple[int, ...]
    is_bool: bool
    attrs: dict[Hashable, Any]

    @property
    def cells(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))


@dataclass
class _Template:
    """What a summary keeps of its input: coords, attrs and the layout of each variable."""

    coords: dict[Hashable, xr.Variable]
    attrs: dict[Hashable, Any]
    layouts: dict[Hashable, _Layout] = field(default_factory=dict)


@dataclass(frozen=True)
class _Summary:
    """One variable's summary: values ``(quantile, cells)`` (or ``(cells,)`` for booleans)."""

    values: np.ndarray
    n_nonfinite: int
    resolution: float
    n_out_of_range: int


def exact_quantiles(ds: xr.Dataset, quantiles: Sequence[float] = DEFAULT_QUANTILES) -> xr.Dataset:
    """Summarize ``ds`` over ``sample`` exactly, in the layout of :class:`QuantileReducer`.

    Quantiles use NumPy's default ``"linear"`` method (Hyndman & Fan type 7) over the finite
    values of each cell; a cell with no finite value gives NaN.

    Parameters
    ----------
    ds : xarray.Dataset
        Trajectories with a ``sample`` dim of at least one sample.
    quantiles : sequence of float
        Probabilities in [0, 1].

    Returns
    -------
    xarray.Dataset
        The summary described in the module docstring, with ``quantile_resolution`` 0.

    Raises
    ------
    ValueError
        If ``quantiles`` is invalid or ``ds`` has no samples.
    TypeError
        If a variable with a ``sample`` dim is neither numeric nor boolean.
    """
    q = _validated_quantiles(quantiles)
    template = _template(ds)
    n = ds.sizes.get(SAMPLE, 0)
    if n == 0:
        raise ValueError("exact_quantiles needs a Dataset with a non-empty 'sample' dim")
    summaries = {
        name: _exact_summary(_as_matrix(ds[name], layout), layout, q)
        for name, layout in template.layouts.items()
    }
    return _assemble(template, summaries, q, n, method="exact")


class QuantileReducer:
    """Streaming quantiles over ``sample`` from fixed-bin histograms, one per cell.

    Feed chunks of a run with :meth:`add`; :meth:`result` returns the summary described in
    :mod:`pausesim.reduce`, laid out exactly like :func:`exact_quantiles`.

    Parameters
    ----------
    quantiles : sequence of float
        Probabilities in [0, 1].
    bins : int
        Number of equal-width bins per cell and variable.

    Notes
    -----
    *Bin range.* Each numeric variable gets one range ``[lo, hi)`` for all its cells, set from
    the first chunk holding a finite value of it: the finite min and max widened by 50% of
    their span on each side (a constant ``c`` gets ``c ± max(1, |c|/2)``). Values below or above
    the range are counted per cell in underflow and overflow bins.

    *Quantiles.* The quantile at probability ``p`` interpolates, as NumPy's ``"linear"``
    method does, between the order statistics of rank ``floor(h)`` and ``floor(h) + 1``,
    ``h = p (n - 1)`` over the ``n`` finite values of the cell. Each order statistic is located
    in its bin and placed by linear interpolation within the bin, so it is off by less than the
    bin width, and so is the interpolated quantile: the attr ``quantile_resolution`` (the bin
    width) bounds the absolute error. If an order statistic falls in the underflow or overflow
    bin, its value is unknown: the quantile is NaN (never clamped to the range) and counted in
    ``n_quantiles_out_of_range``. Widen the first chunk or raise ``bins`` if that happens.

    *Memory.* Counts are int32: ``cells × (bins + 3) × 4`` bytes per numeric variable (the 3
    extra slots per cell count underflow, overflow and non-finite values) and ``cells × 8``
    bytes per boolean variable, independent of the number of samples; with the defaults,
    3 actors × 141 times take 3.5 MB per variable. int32 counts limit a run to
    ``2**31 - 1`` samples; :meth:`add` refuses more.
    """

    def __init__(self, quantiles: Sequence[float] = DEFAULT_QUANTILES, bins: int = 2048) -> None:
        if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 1:
            raise ValueError(f"bins must be a positive integer, got {bins!r}")
        self.quantiles = _validated_quantiles(quantiles)
        self.bins = int(bins)
        self.n_samples = 0
        self._template: _Template | None = None
        self._accumulators: dict[Hashable, _Histogram | _TrueCount] = {}

    def add(self, chunk: xr.Dataset) -> None:
        """Add the samples of one chunk.

        Parameters
        ----------
        chunk : xarray.Dataset
            Samples along ``sample``; every chunk must have the variables, non-sample dims and
            coords of the first one.

        Raises
        ------
        ValueError
            If the chunk does not match the first one.
        TypeError
            If a variable with a ``sample`` dim is neither numeric nor boolean.
        OverflowError
            If the total number of samples would exceed the int32 counts.
        """
        template = _template(chunk)
        if self._template is None:
            self._start(template)
        else:
            _check_same_layout(self._template, template)
        n = chunk.sizes.get(SAMPLE, 0)
        if self.n_samples + n > _MAX_COUNT:
            raise OverflowError(
                f"QuantileReducer counts at most {_MAX_COUNT} samples (int32 histograms); "
                f"{self.n_samples} seen, {n} more offered"
            )
        for name, layout in template.layouts.items():
            self._accumulators[name].add(*_cell_rows(chunk[name], layout))
        self.n_samples += n

    def result(self) -> xr.Dataset:
        """Return the summary of all samples added so far.

        Returns
        -------
        xarray.Dataset
            The summary described in :mod:`pausesim.reduce`.

        Raises
        ------
        ValueError
            If no sample has been added.
        """
        if self._template is None or self.n_samples == 0:
            raise ValueError("QuantileReducer.result() called before any sample was added")
        summaries = {name: acc.summary(self.quantiles) for name, acc in self._accumulators.items()}
        method = f"histogram (bins={self.bins})"
        return _assemble(self._template, summaries, self.quantiles, self.n_samples, method)

    def empty_like(self) -> QuantileReducer:
        """A reducer with this one's variables and bin ranges, and no samples.

        A chunk added to it is binned exactly as :meth:`add` would bin it here, so merging it
        back (:meth:`merge`) gives the result, bit for bit, of adding the chunk here: how
        chunks are reduced where they run (e.g. on cluster workers) so that only their counts
        travel. A variable that has no bin range here yet (no finite value so far) keeps its
        values instead, and :meth:`merge` adds them as :meth:`add` would; merge such partial
        reducers in the order of their chunks.

        Raises
        ------
        ValueError
            If no chunk has been added yet (the variables are not known).
        """
        if self._template is None:
            raise ValueError("empty_like() needs the variables: add a first chunk")
        other = QuantileReducer(self.quantiles, self.bins)
        other._template = self._template
        other._accumulators = {k: acc.empty_like() for k, acc in self._accumulators.items()}
        return other

    def merge(self, other: QuantileReducer) -> None:
        """Add the samples of ``other``, made by :meth:`empty_like` of this reducer.

        Raises
        ------
        ValueError
            If ``other`` has other variables, layouts, quantiles or bin ranges.
        OverflowError
            If the total number of samples would exceed the int32 counts.
        """
        if other.n_samples == 0:
            return
        if self._template is None or other._template is None:
            raise ValueError("merge() needs a reducer with samples on both sides")
        _check_same_layout(self._template, other._template)
        if self.bins != other.bins or not np.array_equal(self.quantiles, other.quantiles):
            raise ValueError("merge() needs reducers with the same quantiles and bins")
        if self.n_samples + other.n_samples > _MAX_COUNT:
            raise OverflowError(
                f"QuantileReducer counts at most {_MAX_COUNT} samples (int32 histograms); "
                f"{self.n_samples} seen, {other.n_samples} more offered"
            )
        for name, acc in self._accumulators.items():
            acc.merge(other._accumulators[name], name)
        self.n_samples += other.n_samples

    def _start(self, template: _Template) -> None:
        self._template = template
        for name, layout in template.layouts.items():
            if layout.is_bool:
                self._accumulators[name] = _TrueCount(layout.cells)
            else:
                self._accumulators[name] = _Histogram(layout.cells, self.bins)


class _TrueCount:
    """Exact count of true values per cell of a boolean variable."""

    def __init__(self, cells: int) -> None:
        self.n = 0
        self.true = np.zeros(cells, dtype=np.int64)

    def add(self, rows: np.ndarray, cells: np.ndarray) -> None:
        """Count ``rows`` ``(row, sample)``; row ``i`` holds cell ``cells[i]``."""
        self.true[cells] += rows.sum(axis=1, dtype=np.int64)
        self.n += rows.shape[1]

    def summary(self, quantiles: np.ndarray) -> _Summary:
        return _Summary(_fraction_true(self.true, self.n), 0, 0.0, 0)

    def empty_like(self) -> _TrueCount:
        return _TrueCount(self.true.size)

    def merge(self, other: _TrueCount, name: Hashable) -> None:
        self.true += other.true
        self.n += other.n


class _Buffers:
    """Scratch arrays reused across the blocks of one chunk."""

    def __init__(self, size: int) -> None:
        self.position = np.empty(size, dtype=np.float64)
        self.slot = np.empty(size, dtype=np.intp)


class _Histogram:
    """Per-cell counts in slots: underflow, ``bins`` equal bins, overflow, non-finite."""

    def __init__(self, cells: int, bins: int) -> None:
        self.cells = cells
        self.bins = bins
        self.lo = 0.0
        self.width = 1.0
        self.counts: np.ndarray | None = None
        self.nonfinite_before_range = 0
        self.range_given = False  # lo and width set by empty_like, counts not yet allocated
        self.deferred: list | None = None  # rows kept by empty_like() of a histogram without range

    @property
    def slots(self) -> int:
        return self.bins + 3

    def empty_like(self) -> _Histogram:
        """The same bins and no counts; without a range yet, one that keeps what it is given."""
        other = _Histogram(self.cells, self.bins)
        if self.counts is not None or self.range_given:
            other.lo, other.width, other.range_given = self.lo, self.width, True
        else:
            other.deferred = []
        return other

    def merge(self, other: _Histogram, name: Hashable) -> None:
        if other.deferred is not None:  # values, in the order they came: add them as add() does
            for rows, cells in other.deferred:
                self.add(rows, cells)
            return
        if other.counts is None:
            return
        if self.counts is None or (self.lo, self.width) != (other.lo, other.width):
            raise ValueError(f"variable {name!r}: merge() needs the same bin range on both sides")
        self.counts += other.counts

    def add(self, rows: np.ndarray, cells: np.ndarray) -> None:
        """Tally ``rows`` ``(row, sample)``; row ``i`` holds the values of cell ``cells[i]``."""
        if self.deferred is not None:
            self.deferred.append((rows, cells))
            return
        if self.counts is None and self.range_given:
            self.counts = np.zeros((self.cells, self.slots), dtype=np.int32)
        if self.counts is None:
            value_range = _initial_range(rows)
            if value_range is None:
                self.nonfinite_before_range += rows.size
                return
            self.lo, hi = value_range
            self.width = (hi - self.lo) / self.bins
            self.counts = np.zeros((self.cells, self.slots), dtype=np.int32)
        counts = self.counts
        n_cols = min(rows.shape[1], _BLOCK_VALUES)
        n_rows = max(1, _BLOCK_VALUES // max(n_cols, 1))
        buffers = _Buffers(min(n_rows, rows.shape[0]) * n_cols)
        offsets = np.arange(n_rows, dtype=np.intp)[:, None] * self.slots
        for r0 in range(0, rows.shape[0], n_rows):
            for c0 in range(0, rows.shape[1], n_cols):
                block = rows[r0 : r0 + n_rows, c0 : c0 + n_cols]
                # cells are distinct within a block, so the fancy-indexed += adds every row
                counts[cells[r0 : r0 + n_rows]] += self._tally(block, offsets, buffers)

    def _tally(self, x: np.ndarray, offsets: np.ndarray, buffers: _Buffers) -> np.ndarray:
        """Count the values of a ``(row, sample)`` block per row and slot."""
        n_rows, n_cols = x.shape
        position = buffers.position[: n_rows * n_cols].reshape(n_rows, n_cols)
        slot = buffers.slot[: n_rows * n_cols].reshape(n_rows, n_cols)
        # Position in bin units shifted by one, so that slot 0 is underflow, bins + 1 overflow.
        np.subtract(x, self.lo - self.width, out=position)
        position *= 1.0 / self.width
        # (a finite sum proves every value finite; a false alarm only costs the masked pass)
        all_finite = np.isfinite(np.add.reduce(x, axis=None))
        np.clip(position, 0.0, self.bins + 1.0, out=position)
        if not all_finite:
            position[~np.isfinite(x)] = self.bins + 2
        np.copyto(slot, position, casting="unsafe")
        slot += offsets[:n_rows]
        tally = np.bincount(slot.ravel(), minlength=n_rows * self.slots)
        return tally.reshape(n_rows, self.slots)

    def summary(self, quantiles: np.ndarray) -> _Summary:
        if self.counts is None:
            values = np.full((quantiles.size, self.cells), np.nan)
            # No finite value yet, so no bins: every quantile is NaN, every value counted.
            return _Summary(values, self.nonfinite_before_range, np.nan, 0)
        counts = self.counts.astype(np.int64)
        n_nonfinite = int(counts[:, -1].sum()) + self.nonfinite_before_range
        values, n_out = self._quantiles(counts[:, :-1], quantiles)
        return _Summary(values, n_nonfinite, self.width, n_out)

    def _quantiles(self, ranked: np.ndarray, quantiles: np.ndarray) -> tuple[np.ndarray, int]:
        cum = np.cumsum(ranked, axis=1)
        n = cum[:, -1]
        values = np.full((quantiles.size, self.cells), np.nan)
        n_out = 0
        for i, p in enumerate(quantiles):
            h = p * (n - 1).clip(min=0)
            below = np.floor(h).astype(np.int64)
            frac = h - below
            x_lo, ok_lo = self._order_statistic(ranked, cum, below)
            x_hi, ok_hi = self._order_statistic(ranked, cum, np.minimum(below + 1, n - 1))
            needs_hi = frac > 0
            ok = ok_lo & (ok_hi | ~needs_hi)
            value = np.where(needs_hi, x_lo + frac * (x_hi - x_lo), x_lo)
            values[i] = np.where(ok & (n > 0), value, np.nan)
            n_out += int(np.count_nonzero(~ok & (n > 0)))
        return values, n_out

    def _order_statistic(
        self, ranked: np.ndarray, cum: np.ndarray, rank: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Estimate the value of 0-based ``rank`` per cell, and whether it lies in a bin."""
        cells, n_slots = ranked.shape
        rows = np.arange(cells)
        # One searchsorted over all rows: offset each row's cumulative counts past the last.
        stride = int(cum[:, -1].max()) + 1
        offset = rows.astype(np.int64) * stride
        flat = (cum + offset[:, None]).ravel()
        slot = np.searchsorted(flat, rank + offset, side="right") - rows * n_slots
        slot = slot.clip(0, n_slots - 1)
        in_bin = (slot >= 1) & (slot <= self.bins)
        count = ranked[rows, slot]
        before = cum[rows, slot] - count
        within = (rank - before + 0.5) / np.maximum(count, 1)
        return self.lo + (slot - 1 + within) * self.width, in_bin


def _initial_range(x: np.ndarray) -> tuple[float, float] | None:
    """Return the bin range ``(lo, hi)`` set by the finite values of ``x``, or None."""
    finite = x if np.isfinite(np.add.reduce(x, axis=None)) else x[np.isfinite(x)]
    if finite.size == 0:
        return None
    low, high = float(finite.min()), float(finite.max())
    span = high - low
    margin = 0.5 * span if span > 0 else max(1.0, 0.5 * abs(low))
    return max(low - margin, -_RANGE_LIMIT), min(high + margin, _RANGE_LIMIT)


def _exact_summary(x: np.ndarray, layout: _Layout, quantiles: np.ndarray) -> _Summary:
    if layout.is_bool:
        return _Summary(_fraction_true(x.sum(axis=0, dtype=np.int64), x.shape[0]), 0, 0.0, 0)
    finite = np.isfinite(x)
    values = np.where(finite, x, np.nan).astype(np.float64, copy=False)
    with warnings.catch_warnings():
        # A cell without finite values gives NaN; it is reported through n_nonfinite.
        warnings.simplefilter("ignore", RuntimeWarning)
        result = np.nanquantile(values, quantiles, axis=0)
    return _Summary(result.reshape(quantiles.size, -1), int(x.size - finite.sum()), 0.0, 0)


def _fraction_true(true: np.ndarray, n: int) -> np.ndarray:
    return true / n


def _validated_quantiles(quantiles: Sequence[float]) -> np.ndarray:
    q = np.asarray(quantiles, dtype=np.float64)
    if q.ndim != 1 or q.size == 0 or not np.all((q >= 0) & (q <= 1)):
        raise ValueError(
            f"quantiles must be a non-empty sequence of numbers in [0, 1], got {quantiles!r}"
        )
    return q


def _template(ds: xr.Dataset) -> _Template:
    """Describe the variables of ``ds`` with a ``sample`` dim, and what to keep of ``ds``."""
    if QUANTILE in ds.dims:
        raise ValueError(f"the input already has a {QUANTILE!r} dim, which the summary adds")
    coords = {k: v.variable for k, v in ds.coords.items() if SAMPLE not in v.dims}
    template = _Template(coords=coords, attrs=dict(ds.attrs))
    for name, var in ds.data_vars.items():
        if SAMPLE not in var.dims:
            continue
        is_bool = var.dtype == bool
        numeric = np.issubdtype(var.dtype, np.integer) or np.issubdtype(var.dtype, np.floating)
        if not is_bool and not numeric:
            raise TypeError(
                f"variable {name!r} has dtype {var.dtype}; only numeric and boolean variables "
                "can be summarized over samples"
            )
        dims = tuple(d for d in var.dims if d != SAMPLE)
        shape = tuple(var.sizes[d] for d in dims)
        template.layouts[name] = _Layout(dims, shape, is_bool, dict(var.attrs))
    return template


def _check_same_layout(first: _Template, other: _Template) -> None:
    if first.layouts.keys() != other.layouts.keys():
        raise ValueError(
            f"chunk has sample variables {sorted(map(str, other.layouts))}, the first chunk "
            f"had {sorted(map(str, first.layouts))}"
        )
    for name, layout in other.layouts.items():
        expected = first.layouts[name]
        if (layout.dims, layout.shape, layout.is_bool) != (
            expected.dims,
            expected.shape,
            expected.is_bool,
        ):
            raise ValueError(
                f"variable {name!r} has dims {dict(zip(layout.dims, layout.shape, strict=True))}"
                f" in this chunk but {dict(zip(expected.dims, expected.shape, strict=True))} "
                "in the first"
            )
    for name, coord in first.coords.items():
        if name not in other.coords or not coord.equals(other.coords[name]):
            raise ValueError(f"coordinate {name!r} differs from the first chunk")


def _cell_rows(da: xr.DataArray, layout: _Layout) -> tuple[np.ndarray, np.ndarray]:
    """Return the values of ``da`` as ``(row, sample)`` rows and the cell index of each row.

    Rows follow the memory order of ``da`` (outermost axis first), so the time-major buffers
    of an engine give a view and no copy; counts do not depend on the order.
    """
    values = da.transpose(*layout.dims, SAMPLE).values  # (*cell shape, sample)
    n_dims = len(layout.dims)
    order = sorted(range(n_dims), key=lambda axis: -abs(values.strides[axis]))
    rows = np.ascontiguousarray(values.transpose(*order, n_dims)).reshape(-1, values.shape[-1])
    cells = np.arange(layout.cells).reshape(layout.shape).transpose(order).ravel()
    return rows, cells


def _as_matrix(da: xr.DataArray, layout: _Layout) -> np.ndarray:
    """Return the values of ``da`` as ``(sample, cell)``, a view when the layout allows it."""
    values = da.transpose(SAMPLE, *layout.dims).values
    return values.reshape(values.shape[0], layout.cells)


def _assemble(
    template: _Template,
    summaries: Mapping[Hashable, _Summary],
    quantiles: np.ndarray,
    n_samples: int,
    method: str,
) -> xr.Dataset:
    data_vars = {}
    for name, summary in summaries.items():
        layout = template.layouts[name]
        attrs = {
            **layout.attrs,
            "n_nonfinite": summary.n_nonfinite,
            "quantile_resolution": summary.resolution,
            "n_quantiles_out_of_range": summary.n_out_of_range,
        }
        if layout.is_bool:
            dims, shape = layout.dims, layout.shape
        else:
            dims, shape = (QUANTILE, *layout.dims), (quantiles.size, *layout.shape)
        data_vars[name] = xr.Variable(dims, summary.values.reshape(shape), attrs)
    attrs = {
        **template.attrs,
        "n_samples": int(n_samples),
        "quantile_method": method,
        "n_nonfinite": sum(s.n_nonfinite for s in summaries.values()),
        "n_quantiles_out_of_range": sum(s.n_out_of_range for s in summaries.values()),
    }
    coords = {**template.coords, QUANTILE: xr.Variable(QUANTILE, quantiles)}
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)
