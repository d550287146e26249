"""Where sampling chunks run: one interface, an in-process default (DESIGN §7, 'Scale')."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """Runs a function over chunks and yields the results in order."""

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """``fn(item)`` for every item, results in input order."""
        ...


class LocalExecutor:
    """Threads in this process.

    NumPy releases the GIL inside its array loops, so a few threads keep every core busy on
    chunks of a few thousand samples; at most ``2 * workers`` chunks are in flight, which bounds
    memory.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or min(4, os.cpu_count() or 1))

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Run ``fn`` over ``items`` on the thread pool, yielding results in order."""
        items = list(items)
        if self.workers == 1 or len(items) <= 1:
            yield from map(fn, items)
            return
        with ThreadPoolExecutor(self.workers) as pool:
            window = 2 * self.workers
            futures = [pool.submit(fn, x) for x in items[:window]]
            nxt = window
            while futures:
                result = futures.pop(0).result()
                if nxt < len(items):
                    futures.append(pool.submit(fn, items[nxt]))
                    nxt += 1
                yield result
