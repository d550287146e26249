"""Runs on a real dask.distributed cluster give a local run's numbers, bit for bit."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import cloudpickle
import dask
import distributed
import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from pausesim.cli.app import app
from pausesim.dask_executor import (
    ChunkFailedError,
    ClusterError,
    DaskExecutor,
    check_address,
    parse_cluster,
)
from pausesim.reduce import QuantileReducer
from pausesim.run import compare, compare_policies, simulate
from pausesim.scenario import load

# The wrappers below run in the workers' processes, which cannot import this test module.
cloudpickle.register_pickle_by_value(sys.modules[__name__])

CHUNK = 100


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes on 127.0.0.1, free ports."""
    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
        c = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            scheduler_port=0,
            dashboard_address="127.0.0.1:0",
        )
    yield c
    c.close()


@pytest.fixture
def executor(cluster):
    with DaskExecutor(cluster.scheduler_address) as ex:
        yield ex


@pytest.fixture(scope="module")
def scenario():
    return load("essay-realistic", samples=400, seed=11)  # 4 chunks of 100


_local: dict = {}


def local_compare(scenario, keep):
    """The local run to compare with (threads in this process), made once per keep."""
    if keep not in _local:
        _local[keep] = compare(scenario, keep=keep, chunk_size=CHUNK)
    return _local[keep]


def assert_same_result(a, b):
    xr.testing.assert_identical(a.metrics, b.metrics)
    xr.testing.assert_identical(a.params, b.params)
    xr.testing.assert_identical(a.trajectories, b.trajectories)
    if a.term_hazard is None:
        assert b.term_hazard is None
    else:
        xr.testing.assert_identical(a.term_hazard, b.term_hazard)


def assert_same_comparison(a, b):
    assert_same_result(a.policy, b.policy)
    assert_same_result(a.counterfactual, b.counterfactual)
    xr.testing.assert_identical(a.deltas, b.deltas)


@pytest.mark.parametrize("keep", ["none", "quantiles", "full"])
def test_compare_on_a_cluster_is_bit_identical(scenario, executor, keep):
    local = local_compare(scenario, keep)
    seen = []
    remote = compare(scenario, keep=keep, chunk_size=CHUNK, executor=executor, progress=seen.append)
    assert_same_comparison(local, remote)
    assert seen == [100, 200, 300, 400]
    assert local.policy.term_hazard is not None and local.policy.metrics.sizes["sample"] == 400
    if keep == "quantiles":  # binned on the workers: the histograms' quantiles all the same
        assert "quantile" in remote.policy.trajectories.dims
        assert remote.policy.trajectories.attrs["n_samples"] == 400


def test_simulate_on_a_cluster_is_bit_identical(executor):
    sc = load("ftm-best-guess", samples=40, seed=3)
    local = simulate(sc, keep="quantiles", chunk_size=20)
    assert_same_result(local, simulate(sc, keep="quantiles", chunk_size=20, executor=executor))


def test_compare_policies_on_given_worlds(scenario, executor):
    from pausesim.engines import get_engine
    from pausesim.params.sampling import sample_params

    rng = np.random.default_rng(5)
    params = sample_params(get_engine("compute").catalog, scenario.actors, {}, 200, rng, {})
    pols = [scenario.policy]
    local = compare_policies(scenario, pols, params=params, chunk_size=100)
    remote = compare_policies(scenario, pols, params=params, chunk_size=100, executor=executor)
    for a, b in zip(local, remote, strict=True):
        assert_same_comparison(a, b)


def test_merged_histograms_equal_adding_every_chunk(scenario):
    """What the workers send (counts binned with the first chunk's ranges) merges exactly."""
    full = local_compare(scenario, "full").policy.trajectories
    chunks = [full.isel(sample=slice(lo, lo + CHUNK)) for lo in range(0, 400, CHUNK)]
    one = QuantileReducer()
    for c in chunks:
        one.add(c)
    merged = QuantileReducer()
    merged.add(chunks[0])
    empty = merged.empty_like()  # sent to the workers with the job
    for c in chunks[1:]:
        part = empty.empty_like()  # made and filled on a worker
        part.add(c)
        # counts for variables with a range; a variable all NaN so far keeps its values
        assert part._accumulators["capability"].counts is not None
        assert part._accumulators["defection_overhang"].deferred
        merged.merge(part)
    xr.testing.assert_identical(one.result(), merged.result())
    with pytest.raises(ValueError, match="add a first chunk"):
        QuantileReducer().empty_like()


# -- failures -------------------------------------------------------------------------------------


class FailOnce:
    """Raises the first time chunk ``index`` runs (a marker file remembers across processes)."""

    def __init__(self, fn, index, marker, die=False):
        self.fn, self.index, self.marker, self.die = fn, index, str(marker), die

    def __call__(self, item):
        if item[0] == self.index and not os.path.exists(self.marker):
            Path(self.marker).write_text("failed once")
            if self.die:
                os._exit(1)  # the worker process dies: dask runs the chunk elsewhere
            raise RuntimeError("transient failure")
        return self.fn(item)


class AlwaysFail:
    def __init__(self, fn, index):
        self.fn, self.index = fn, index

    def __call__(self, item):
        if item[0] == self.index:
            raise ValueError("this chunk cannot be simulated")
        return self.fn(item)


class Wrapped:
    """An executor that runs every job wrapped (the runner's job stays as it is)."""

    reduces_on_workers = True

    def __init__(self, inner, wrap):
        self.inner, self.wrap = inner, wrap

    def map(self, fn, items):
        return self.inner.map(self.wrap(fn), items)


@pytest.mark.parametrize("die", [False, True], ids=["raises", "worker-dies"])
def test_a_chunk_that_fails_once_is_rerun(scenario, executor, tmp_path, die):
    marker = tmp_path / "failed"
    local = local_compare(scenario, "quantiles")
    flaky = Wrapped(executor, lambda fn: FailOnce(fn, 2, marker, die))
    remote = compare(scenario, keep="quantiles", chunk_size=CHUNK, executor=flaky)
    assert marker.exists()  # it did fail
    assert_same_comparison(local, remote)


def test_without_retries_the_failure_is_reported(scenario, cluster, tmp_path):
    with DaskExecutor(cluster.scheduler_address, retries=0) as ex:
        flaky = Wrapped(ex, lambda fn: FailOnce(fn, 1, tmp_path / "failed"))
        with pytest.raises(ChunkFailedError, match=r"chunk 1 \(samples 100-199\).*1 attempts"):
            compare(scenario, keep="none", chunk_size=CHUNK, executor=flaky)


def test_a_chunk_that_always_fails_stops_the_run_naming_it(scenario, executor):
    broken = Wrapped(executor, lambda fn: AlwaysFail(fn, 3))
    with pytest.raises(ChunkFailedError) as info:
        compare(scenario, keep="none", chunk_size=CHUNK, executor=broken)
    e = info.value
    assert e.index == 3 and e.item == (3, (300, 400))
    assert "chunk 3 (samples 300-399)" in str(e) and "after 3 attempts" in str(e)
    assert "ValueError: this chunk cannot be simulated" in str(e)
    assert isinstance(e.__cause__, ValueError)


# -- addresses and options ------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["localhost:8786", "tcp://host", "tcp://h:0", "tcp://h:70000", ""])
def test_bad_addresses_are_refused(bad):
    with pytest.raises(ValueError, match="tcp://HOST:PORT"):
        check_address(bad)
    with pytest.raises(ValueError, match="tcp://HOST:PORT"):
        DaskExecutor(bad)


def test_cluster_specs():
    assert parse_cluster("local:3") == 3
    assert parse_cluster("local") == (os.cpu_count() or 1)
    for bad in ("local:0", "local:x", "remote", "local:300"):
        with pytest.raises(ValueError, match="local:N"):
            parse_cluster(bad)


def test_an_unreachable_scheduler_is_a_clear_error():
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        with pytest.raises(
            ClusterError, match="cannot reach a dask scheduler at tcp://127.0.0.1:9"
        ):
            DaskExecutor("tcp://127.0.0.1:9")


runner = CliRunner()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "manifest.json"}


def test_cli_cluster_local_writes_the_files_of_a_local_run(tmp_path):
    args = ["compare", "essay-realistic", "-n", "200", "--seed", "5", "--chunk-size", "100"]
    local = runner.invoke(app, [*args, "--out", str(tmp_path / "local")])
    assert local.exit_code == 0, local.output
    remote = runner.invoke(app, [*args, "--cluster", "local:2", "--out", str(tmp_path / "dask")])
    assert remote.exit_code == 0, remote.output
    assert "local dask cluster at tcp://127.0.0.1:" in remote.output
    a, b = _files(tmp_path / "local"), _files(tmp_path / "dask")
    assert "trajectories_policy.nc" in a and "verdicts.csv" in a
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name
    ma = json.loads((tmp_path / "local" / "manifest.json").read_text())
    mb = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert {f["path"]: f["sha256"] for f in ma["files"]} == {
        f["path"]: f["sha256"] for f in mb["files"]
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scheduler", "10.0.0.5"], "--scheduler: expected a scheduler address tcp://HOST:PORT"),
        (["--cluster", "local:0"], "--cluster: expected local or local:N"),
        (["--cluster", "local:2", "--processes", "2"], "--processes and --cluster both choose"),
        (["--scheduler", "tcp://h:1", "--cluster", "local"], "--scheduler and --cluster both"),
        (["--cluster", "local:2", "--workers", "2"], "drop --workers"),
    ],
)
def test_cli_refuses_bad_executor_options(args, message):
    result = runner.invoke(app, ["run", "essay-realistic", "-n", "200", *args])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_cli_unreachable_scheduler_exits_2():
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = runner.invoke(
            app, ["run", "essay-realistic", "-n", "200", "--scheduler", "tcp://127.0.0.1:9"]
        )
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "--scheduler: cannot reach a dask scheduler at tcp://127.0.0.1:9" in text
    assert "Traceback" not in result.output


def test_cli_sensitivity_on_a_scheduler_writes_the_tables_of_a_local_run(cluster, tmp_path):
    args = ["sensitivity", "essay-realistic", "-m", "tornado", "-p", "hw_doubling_years"]
    args += ["-n", "200", "--seed", "2"]
    local = runner.invoke(app, [*args, "--out", str(tmp_path / "local")])
    assert local.exit_code == 0, local.output
    address = cluster.scheduler_address
    remote = runner.invoke(app, [*args, "--scheduler", address, "--out", str(tmp_path / "dask")])
    assert remote.exit_code == 0, remote.output
    assert f"dask cluster at {address}" in " ".join(remote.output.split())
    tables = [p.name for p in (tmp_path / "local").iterdir() if p.suffix in (".csv", ".parquet")]
    assert tables
    for name in tables:
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes()
