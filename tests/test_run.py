import numpy as np
import xarray as xr

from pausesim import scenario as S
from pausesim.executor import LocalExecutor
from pausesim.run import compare, save_result, simulate


def test_runs_are_reproducible_and_independent_of_the_number_of_threads():
    sc = S.load("essay-realistic", samples=300)
    a = simulate(sc, chunk_size=100, executor=LocalExecutor(1))
    b = simulate(sc, chunk_size=100, executor=LocalExecutor(3))
    assert a.metrics.equals(b.metrics)
    assert a.trajectories.equals(b.trajectories)
    c = simulate(sc.model_copy(update={"seed": sc.seed + 1}), chunk_size=100)
    assert not a.metrics["danger_year"].equals(c.metrics["danger_year"])


def test_comparison_uses_the_same_worlds_for_both_policies():
    sc = S.load("essay-realistic", samples=200)
    cmp = compare(sc)
    alone = simulate(sc.counterfactual())
    assert cmp.counterfactual.metrics.equals(
        alone.metrics.assign_attrs(cmp.counterfactual.metrics.attrs)
    )
    # before the pause starts both worlds are identical
    before = dict(time=slice(None, 2026.9))
    xr.testing.assert_equal(
        cmp.policy.trajectories["capability"].sel(before),
        cmp.counterfactual.trajectories["capability"].sel(before),
    )


def test_comparing_no_pause_with_itself_gives_zero_deltas():
    cmp = compare(S.load("no-pause", samples=100))
    assert np.allclose(cmp.deltas["delay_years"], 0.0)
    assert np.allclose(cmp.deltas["max_jump_ratio"], 1.0)


def test_quantile_mode_keeps_only_quantiles_and_agrees_with_full_mode():
    sc = S.load("essay-realistic", samples=2000)
    full = simulate(sc, chunk_size=500)
    q = simulate(sc, keep="quantiles", chunk_size=500)
    assert "quantile" in q.trajectories.dims and "sample" not in q.trajectories.dims
    med_full = full.trajectories["frontier_capability"].median("sample")
    med_q = q.trajectories["frontier_capability"].sel(quantile=0.5)
    res = q.trajectories["frontier_capability"].attrs["quantile_resolution"]
    assert np.abs(med_full - med_q).max() <= res + 1e-3
    assert q.metrics.equals(full.metrics)


def test_results_are_saved_and_load_back(tmp_path):
    from pausesim.io import load_dataset, load_table

    cmp = compare(S.load("essay-realistic", samples=50))
    files = save_result(cmp, tmp_path / "out")
    names = {f.name for f in files}
    assert {
        "scenario.toml",
        "metrics_policy.parquet",
        "metrics_policy.csv",
        "deltas.csv",
        "summary.csv",
        "trajectories_policy.nc",
    } <= names
    traj = load_dataset(tmp_path / "out" / "trajectories_policy.nc")
    xr.testing.assert_allclose(traj["capability"], cmp.policy.trajectories["capability"])
    assert traj.attrs["seed"] == cmp.scenario.seed and traj.attrs["scenario"] == "essay-realistic"
    table = load_table(tmp_path / "out" / "metrics_policy.parquet")
    assert np.allclose(table["danger_year"], cmp.policy.metrics["danger_year"].values)
    again = S.load(tmp_path / "out" / "scenario.toml")
    assert again == cmp.scenario
    assert not list((tmp_path / "out").glob(".*tmp*"))


def test_failed_samples_are_counted_not_dropped():
    # A world with an undefined starting cost produces NaN: the sample is flagged and kept.
    from pausesim.metrics import run_metrics, summarize
    from pausesim.policy import Policy
    from pausesim.testing import run_engine, sample_world

    params = sample_world(n=10, seed=0)
    params.values["initial_frontier_cost_usd"][:3] = np.nan
    ds = run_engine(params, Policy.none())
    assert ds["sample_failed"].values[:3].all() and not ds["sample_failed"].values[3:].any()
    m = run_metrics(ds, Policy.none(), S.MetricSettings())
    assert m.sizes["sample"] == 10
    row = summarize(m).loc["danger_year"]
    assert (row["n_undefined"], row["n_failed"]) == (0, 3)  # failed, not "never reached"
    assert list(m["failed_variables"].values[:3]) == [m["failed_variables"].values[0]] * 3
    assert "capability" in m["failed_variables"].values[0]


def test_worker_processes_give_the_same_numbers_as_threads():
    from pausesim.executor import ProcessExecutor

    sc = S.load("essay-realistic", samples=400)
    threads = compare(sc, chunk_size=100, executor=LocalExecutor(1), keep="none")
    procs = compare(sc, chunk_size=100, executor=ProcessExecutor(2), keep="none")
    assert procs.policy.metrics.equals(threads.policy.metrics)
    assert procs.deltas.equals(threads.deltas)
