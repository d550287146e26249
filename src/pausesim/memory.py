"""Memory budgets: how much a run will hold at its peak, and how much the machine allows.

:func:`pausesim.run.estimate_memory` measures what one sample costs (a tiny probe chunk on a
short grid, scaled to the run's samples and time steps) and returns a :class:`MemoryEstimate`;
this module holds that estimate, the machine's RAM and the budget the CLI checks it against
(``--max-memory``), and the parsing and printing of sizes. Nothing here allocates.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

#: Default budget: this share of the machine's RAM (or of the cgroup limit, if lower).
DEFAULT_RAM_FRACTION = 0.5

_UNITS = {
    "": 1,
    "b": 1,
    "k": 10**3,
    "kb": 10**3,
    "m": 10**6,
    "mb": 10**6,
    "g": 10**9,
    "gb": 10**9,
    "t": 10**12,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}


@dataclass(frozen=True)
class MemoryEstimate:
    """Peak memory of a run, in bytes, split by what holds it.

    ``kept`` is the trajectories kept for all samples (``keep="full"``: every value;
    ``"quantiles"``: the histograms of :class:`~pausesim.reduce.QuantileReducer`; ``"none"``:
    0); ``per_sample`` the metrics, parameters and hazard terms kept for every sample (twice:
    the chunks and their concatenation); ``working_set`` the chunks being simulated at once
    (``chunks_in_flight`` of them, each ``chunk_bytes``); ``baseline`` the interpreter and the
    libraries.
    """

    kept: int
    per_sample: int
    working_set: int
    baseline: int
    chunk_bytes: int
    chunks_in_flight: int
    keep: str
    samples: int
    chunk_size: int

    @property
    def total(self) -> int:
        """Estimated peak, bytes."""
        return self.kept + self.per_sample + self.working_set + self.baseline

    def describe(self) -> str:
        """One line: the total and its parts."""
        kept = {"full": "trajectories", "quantiles": "quantile histograms", "none": "nothing"}
        return (
            f"{format_size(self.total)} (keep {self.keep}: {kept[self.keep]} "
            f"{format_size(self.kept)}; metrics and parameters of {self.samples:,} samples "
            f"{format_size(self.per_sample)}; {self.chunks_in_flight} chunk(s) of "
            f"{self.chunk_size:,} samples in flight {format_size(self.working_set)}; "
            f"libraries {format_size(self.baseline)})"
        )


def format_size(n: float) -> str:
    """``n`` bytes as ``"1.5 GiB"``."""
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if abs(n) >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} B"


def parse_size(text: str) -> int:
    """Bytes in ``"8GiB"``, ``"500 MB"``, ``"2.5g"`` or ``"1000000"`` (SI and binary units).

    Raises
    ------
    ValueError
        If ``text`` is not a positive number with an optional unit.
    """
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:[eE][0-9]+)?)\s*([A-Za-z]*)\s*", text)
    unit = m.group(2).lower() if m else ""
    if m is None or unit not in _UNITS:
        raise ValueError(
            f"expected a size such as 8GiB, 500MB or 2.5G (units B, KB, MB, GB, TB, KiB, MiB, "
            f"GiB, TiB), got {text!r}"
        )
    value = float(m.group(1)) * _UNITS[unit]
    if not value >= 1:
        raise ValueError(f"a memory budget must be at least 1 byte (e.g. 8GiB), got {text!r}")
    return int(value)


def machine_memory() -> int | None:
    """Physical RAM in bytes, capped by the cgroup (container) limit; ``None`` if unknown.

    ``os.sysconf`` (``SC_PHYS_PAGES × SC_PAGE_SIZE``), else ``MemTotal`` in ``/proc/meminfo``;
    a lower cgroup v2 ``memory.max`` or v1 ``memory.limit_in_bytes`` wins.
    """
    total = None
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        try:
            for line in Path("/proc/meminfo").read_text().splitlines():
                if line.startswith("MemTotal:"):
                    total = int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            pass
    for limit_file in (
        "/sys/fs/cgroup/memory.max",
        "/sys/fs/cgroup/memory/memory.limit_in_bytes",
    ):
        try:
            raw = Path(limit_file).read_text().strip()
        except OSError:
            continue
        if raw.isdigit() and int(raw) > 0 and (total is None or int(raw) < total):
            total = int(raw)
    return total if total and total > 0 else None


def default_budget() -> int | None:
    """:data:`DEFAULT_RAM_FRACTION` of :func:`machine_memory` (``None`` if that is unknown)."""
    ram = machine_memory()
    return int(ram * DEFAULT_RAM_FRACTION) if ram else None
