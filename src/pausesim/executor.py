"""Where sampling chunks run: one interface, an in-process default (DESIGN §7, 'Scale')."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor as _FuturesExecutor
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Protocol, TypeVar

from pausesim.backend import check_backend

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Runs a function over chunks and yields the results in order.

    An executor whose results cross a network may set ``reduces_on_workers = True``: the
    runner then bins ``keep="quantiles"`` trajectories where the chunks run and only their
    histogram counts come back (:class:`~pausesim.dask_executor.DaskExecutor`).

    Its ``backend`` (:mod:`pausesim.backend`: ``"numpy"``, the default, or ``"jax"``) is the
    array backend the engines' steps run on wherever the chunks run.
    """

    backend: str

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """``fn(item)`` for every item, results in input order."""
        ...


def _ordered_map(pool: _FuturesExecutor, workers: int, fn, items: list) -> Iterator:
    """Results in input order, with at most ``2 * workers`` chunks in flight (bounds memory)."""
    window = 2 * workers
    futures = [pool.submit(fn, x) for x in items[:window]]
    nxt = window
    while futures:
        result = futures.pop(0).result()
        if nxt < len(items):
            futures.append(pool.submit(fn, items[nxt]))
            nxt += 1
        yield result


class LocalExecutor:
    """Threads in this process (the default: one thread).

    NumPy releases the GIL inside its array loops, but both engines make many small NumPy
    calls per step, so threads contend for the GIL: on a 2-core machine two threads were 1.2x
    (compute, 20,000 worlds) and 1.45x (ftm, 2,000 worlds) *slower* than one
    (docs/performance.md). The default is therefore one thread; :class:`ProcessExecutor`
    (``--processes N``) is what scales.
    """

    def __init__(self, workers: int | None = None, *, backend: str = "numpy") -> None:
        self.workers = max(1, workers or 1)
        self.backend = check_backend(backend)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Run ``fn`` over ``items`` on the thread pool, yielding results in order."""
        items = list(items)
        if self.workers == 1 or len(items) <= 1:
            yield from map(fn, items)
            return
        with ThreadPoolExecutor(self.workers) as pool:
            yield from _ordered_map(pool, self.workers, fn, items)


class ProcessExecutor:
    """Worker processes on this machine, one chunk each at a time.

    ``fn`` and the items must be picklable (the runner's chunk job is). Processes are forked,
    so they start in milliseconds with the package already imported; results come back
    pickled, which costs little next to the simulation unless every trajectory is kept.
    """

    def __init__(self, workers: int | None = None, *, backend: str = "numpy") -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.backend = check_backend(backend)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Run ``fn`` over ``items`` in worker processes, yielding results in order."""
        items = list(items)
        if self.workers == 1 or len(items) <= 1:
            yield from map(fn, items)
            return
        # (JAX runs threads of its own, which a fork does not carry over: its workers spawn)
        context = multiprocessing.get_context("fork" if self.backend == "numpy" else "spawn")
        with ProcessPoolExecutor(self.workers, mp_context=context) as pool:
            yield from _ordered_map(pool, self.workers, fn, items)
