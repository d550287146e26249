"""Run sampling chunks on a dask.distributed cluster, for runs that outgrow one machine.

:class:`DaskExecutor` is an :class:`~pausesim.executor.Executor`: the runner hands it the same
picklable chunk job it hands threads or processes, and chunk ``i`` is seeded by
``(seed, i)`` (:func:`pausesim.run._chunk_rngs`), so a run gives the same numbers bit for bit
whichever machines run its chunks. dask is imported only when an executor is made; install it
with ``pip install 'pausesim[dask]'``. See ``docs/scale.md``.
"""

from __future__ import annotations

import os
import re
import uuid
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Times a chunk is re-run after it raised, on top of dask's own re-runs of a chunk whose
#: worker died (``distributed.scheduler.allowed-failures``).
DEFAULT_RETRIES = 2

_ADDRESS = re.compile(
    r"^(?P<scheme>tcp|tls)://(?P<host>\[[0-9A-Fa-f:]+\]|[^\s:/\[\]]+):(?P<port>\d+)$"
)
_CLUSTER = re.compile(r"^local(?::(?P<n>\d+))?$")
MAX_LOCAL_WORKERS = 256


class ClusterError(RuntimeError):
    """The cluster cannot be started, reached or used (the message says why)."""


class ChunkFailedError(RuntimeError):
    """A chunk still failed after its retries; the run stops rather than lose its samples.

    Attributes
    ----------
    index : int
        Position of the chunk in the run (chunk ``index`` is seeded by ``(seed, index)``).
    item : object
        What the chunk job was given, ``(index, (first sample, end))`` for the runner's jobs.
    """

    def __init__(self, message: str, index: int, item: Any) -> None:
        super().__init__(message)
        self.index = index
        self.item = item


def check_address(address: str) -> str:
    """``address`` if it has the form ``tcp://HOST:PORT`` (or ``tls://``), else ValueError."""
    m = _ADDRESS.match(address.strip()) if isinstance(address, str) else None
    if m is None or not 1 <= int(m["port"]) <= 65535:
        raise ValueError(
            f"expected a scheduler address tcp://HOST:PORT (port 1-65535), e.g. "
            f"tcp://10.0.0.5:8786, got {address!r}"
        )
    return address.strip()


def parse_cluster(spec: str) -> int:
    """Workers of a ``--cluster`` spec: ``local`` (one per CPU) or ``local:N``, else ValueError."""
    m = _CLUSTER.match(spec.strip()) if isinstance(spec, str) else None
    n = None if m is None else (int(m["n"]) if m["n"] is not None else os.cpu_count() or 1)
    if n is None or not 1 <= n <= MAX_LOCAL_WORKERS:
        raise ValueError(
            f"expected local or local:N with N workers from 1 to {MAX_LOCAL_WORKERS} "
            f"(e.g. local:4), got {spec!r}"
        )
    return n


def _import_distributed():
    try:
        import dask
        import distributed
    except ImportError as e:  # pragma: no cover - the test extra installs dask
        raise ClusterError(
            "running on a dask cluster needs dask.distributed: pip install 'pausesim[dask]'"
        ) from e
    return dask, distributed


def _identity(x: T) -> T:
    return x


def _apply(fn: Callable[[T], R], item: T) -> R:
    return fn(item)


def _describe_item(index: int, item: Any) -> str:
    """``chunk 3 (samples 15000-19999)`` for the runner's items, ``chunk 3`` otherwise."""
    try:
        _, (lo, hi) = item
        return f"chunk {index} (samples {int(lo)}-{int(hi) - 1})"
    except (TypeError, ValueError):
        return f"chunk {index}"


class DaskExecutor:
    """Chunks as tasks on a dask.distributed cluster, results in order.

    Give either ``address``, a running scheduler (``tcp://HOST:PORT``: ``dask scheduler`` by
    hand, dask-jobqueue, dask-kubernetes, ...), or ``local_workers``, to start a
    ``LocalCluster`` of that many single-threaded worker processes on this machine, listening
    on 127.0.0.1 only, on free ports (the dashboard too, if bokeh is installed).

    Each chunk is one task. The chunk job is sent to each worker once; at most twice as many
    chunks as the cluster has worker threads are in flight, and a finished chunk stays on its
    worker until the run takes it, in order, so memory stays bounded on both sides. Only what
    the run keeps travels: per-sample metrics and hazard terms always, trajectories only with
    ``keep="full"``; with ``keep="quantiles"`` the workers bin them (``reduces_on_workers``,
    :func:`pausesim.run._binned_where_run`) and send histogram counts.

    A chunk that raises is re-run up to ``retries`` times, and dask re-runs a chunk whose
    worker died; a chunk that still fails raises :class:`ChunkFailedError` naming it, and the
    run stops: no chunk is ever dropped.

    Parameters
    ----------
    address : str, optional
        Scheduler address ``tcp://HOST:PORT`` (``tls://`` with dask's TLS configuration).
    local_workers : int, optional
        Start a local cluster with this many worker processes instead.
    retries : int
        Re-runs of a chunk that raised.
    timeout : float, optional
        Seconds to wait for the scheduler; default dask's ``distributed.comm.timeouts.connect``.

    Raises
    ------
    ValueError
        If both or neither of ``address`` and ``local_workers`` are given, or one is invalid.
    ClusterError
        If dask is not installed, the scheduler cannot be reached, or its workers run another
        version of pausesim.
    """

    #: Tells the runner to bin quantile trajectories on the workers (see above).
    reduces_on_workers = True

    def __init__(
        self,
        address: str | None = None,
        local_workers: int | None = None,
        *,
        retries: int = DEFAULT_RETRIES,
        timeout: float | None = None,
        backend: str = "numpy",
    ) -> None:
        from pausesim.backend import check_backend

        self.backend = check_backend(backend)
        if (address is None) == (local_workers is None):
            raise ValueError("give either a scheduler address or a number of local workers")
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ValueError(f"retries must be a non-negative integer, got {retries!r}")
        self.retries = retries
        self.cluster = None
        dask, distributed = _import_distributed()
        if address is not None:
            self.address = check_address(address)
            try:
                wait = {} if timeout is None else {"timeout": timeout}
                self.client = distributed.Client(self.address, set_as_default=False, **wait)
            except (OSError, TimeoutError) as e:
                raise ClusterError(
                    f"cannot reach a dask scheduler at {self.address} ({e}); is `dask scheduler` "
                    "running there, and is the port open?"
                ) from None
        else:
            if (
                isinstance(local_workers, bool)
                or not isinstance(local_workers, int)
                or not 1 <= local_workers <= MAX_LOCAL_WORKERS
            ):
                raise ValueError(
                    f"local_workers must be an integer from 1 to {MAX_LOCAL_WORKERS}, "
                    f"got {local_workers!r}"
                )
            # dask sets MALLOC_TRIM_THRESHOLD_=65536 in its workers, which makes glibc return
            # freed memory at once; the engine's many short-lived arrays then run ~2x slower.
            with dask.config.set(
                {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
            ):
                try:
                    self.cluster = distributed.LocalCluster(
                        n_workers=local_workers,
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        scheduler_port=0,
                        # its HTTP server (health checks; the dashboard if bokeh is installed)
                        dashboard_address="127.0.0.1:0",
                        protocol="tcp",
                    )
                except Exception as e:
                    raise ClusterError(f"cannot start a local dask cluster: {e}") from e
            self.client = distributed.Client(self.cluster, set_as_default=False)
            self.address = self.cluster.scheduler_address
        try:
            self._check_versions()
        except BaseException:
            self.close()
            raise

    # -- the Executor interface ------------------------------------------------------------------

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Run ``fn`` over ``items`` as cluster tasks, yielding results in input order.

        Raises
        ------
        ChunkFailedError
            If an item still fails after its retries (or its worker died too often).
        """
        items = list(items)
        if not items:
            return
        client = self.client
        tag = uuid.uuid4().hex[:8]
        # The job travels once per worker, as the result of a task rather than scattered data:
        # if the worker holding it dies, the scheduler makes it again from the task.
        job = client.submit(_identity, fn, key=f"pausesim-job-{tag}", pure=False)
        pending: deque = deque()
        nxt = 0
        try:
            while pending or nxt < len(items):
                window = 2 * max(1, self.threads)
                while nxt < len(items) and len(pending) < window:
                    future = client.submit(
                        _apply,
                        job,
                        items[nxt],
                        key=f"pausesim-chunk-{tag}-{nxt}",
                        retries=self.retries,
                        pure=False,
                    )
                    pending.append((nxt, future))
                    nxt += 1
                index, future = pending.popleft()
                try:
                    result = future.result()
                except Exception as e:
                    raise ChunkFailedError(
                        self._failure(index, items[index], e), index, items[index]
                    ) from e
                future.release()
                yield result
        finally:
            if pending:
                client.cancel([f for _, f in pending])
            job.release()

    # -- cluster -----------------------------------------------------------------------------------

    @property
    def threads(self) -> int:
        """Worker threads the cluster has now (it may grow or shrink while a run goes on)."""
        return int(sum(self.client.nthreads().values()))

    def describe(self) -> str:
        """One line for users: where chunks run."""
        workers = len(self.client.nthreads())
        kind = "local dask cluster" if self.cluster is not None else "dask cluster"
        line = f"{kind} at {self.address}: {workers} workers, {self.threads} threads"
        try:
            import bokeh  # noqa: F401  (the dashboard needs it)
        except ImportError:
            return line
        return f"{line}; dashboard {self.client.dashboard_link}"

    def close(self) -> None:
        """Disconnect, and stop the local cluster if this executor started one."""
        client, cluster = getattr(self, "client", None), self.cluster
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
            self.cluster = None

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _failure(self, index: int, item: Any, error: BaseException) -> str:
        what = _describe_item(index, item)
        if type(error).__name__ == "KilledWorker":
            return (
                f"{what} failed on the dask cluster: its worker died every time it ran it "
                f"({error}); workers are often killed for memory, try a smaller --chunk-size "
                "or workers with more memory (docs/scale.md)"
            )
        return (
            f"{what} failed on the dask cluster after {1 + self.retries} attempts: "
            f"{type(error).__name__}: {error}"
        )

    def _check_versions(self) -> None:
        """Refuse workers without pausesim or with another version (their numbers would differ)."""
        from importlib.metadata import version

        mine = version("pausesim")
        theirs = self.client.run(version, "pausesim", on_error="return")
        bad = {w: v for w, v in theirs.items() if v != mine}
        if bad:
            worker, v = next(iter(bad.items()))
            got = "no pausesim" if isinstance(v, BaseException) else f"pausesim {v}"
            raise ClusterError(
                f"{len(bad)} of {len(theirs)} dask workers cannot run this version of pausesim "
                f"(e.g. {worker} has {got}, this process {mine}); install the same version on "
                "the workers"
            )
        numpy = version("numpy")
        other = {v for v in self.client.run(version, "numpy", on_error="return").values()}
        if other - {numpy}:
            warnings.warn(
                f"dask workers run numpy {sorted(map(str, other))}, this process {numpy}: results "
                "may differ in the last bits from a local run",
                RuntimeWarning,
                stacklevel=3,
            )
