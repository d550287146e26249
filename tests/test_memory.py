"""The memory estimate against measured peaks, and the budget's helpers (pausesim.memory)."""

import tracemalloc

import pytest

from pausesim.executor import LocalExecutor
from pausesim.memory import format_size, machine_memory, parse_size
from pausesim.run import compare, estimate_memory, simulate
from pausesim.scenario import load


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8GiB", 8 * 2**30),
        ("500MB", 500 * 10**6),
        ("2.5g", int(2.5e9)),
        ("1000000", 10**6),
        (" 3 mib ", 3 * 2**20),
        ("1e9", 10**9),
    ],
)
def test_parse_size_reads_si_and_binary_units(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["lots", "", "-1GB", "5 parsecs", "0", "GB"])
def test_parse_size_refuses_anything_else_naming_the_units(text):
    with pytest.raises(ValueError, match="GiB"):
        parse_size(text)


def test_format_size_and_machine_memory():
    assert format_size(3 * 2**30) == "3 GiB"
    assert format_size(512) == "512 B"
    ram = machine_memory()
    assert ram is None or ram > 2**26


@pytest.mark.parametrize(
    ("fn", "n_policies", "keep"),
    [(compare, 2, "none"), (compare, 2, "full"), (simulate, 1, "quantiles")],
)
def test_estimate_is_within_a_third_of_the_traced_peak(fn, n_policies, keep):
    """The stored arrays are measured exactly; the chunk's temporaries by a fitted factor."""
    sc = load("essay-realistic", samples=6000)
    est = estimate_memory(sc, n_policies=n_policies, keep=keep, chunk_size=2000, workers=1)
    tracemalloc.start()
    try:
        fn(sc, keep=keep, chunk_size=2000, executor=LocalExecutor(1))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    ratio = (est.total - est.baseline) / peak
    assert 0.67 < ratio < 1.5, (est.describe(), peak)


def test_estimate_scales_with_samples_steps_and_kept_variables():
    sc = load("essay-realistic", samples=1_000_000)
    none = estimate_memory(sc, n_policies=2, keep="none")
    quantiles = estimate_memory(sc, n_policies=2, keep="quantiles")
    full = estimate_memory(sc, n_policies=2, keep="full")
    assert none.kept == 0 < quantiles.kept < full.kept
    # every value of 12 actor variables x 3 actors x 141 steps, float32, for both policies
    assert full.kept > 2 * 1_000_000 * 12 * 3 * 141 * 4
    assert quantiles.kept < 2**30  # histograms do not grow with samples
    ten_times = estimate_memory(load("essay-realistic", samples=10**7), n_policies=2, keep="none")
    assert 9 < ten_times.per_sample / none.per_sample < 11
    # a 97,000-point grid: one chunk of trajectories alone is tens of GB ...
    fine = load("essay-realistic", {"grid.step": "0.00036"})
    assert fine.grid.n_steps > 97_000
    full_fine = estimate_memory(fine, keep="full").chunk_bytes
    assert full_fine > 10 * 2**30
    # ... but without them the metrics and hazards accumulate in the loop, which keeps only
    # the steps of the last year (the hazard's trailing speed): 2,780 of the 97,223
    assert estimate_memory(fine, keep="none").chunk_bytes < full_fine / 20


def test_estimate_covers_the_ftm_engine_and_worker_processes():
    sc = load("ftm-best-guess", samples=20_000)
    threads = estimate_memory(sc, keep="none", workers=2)
    procs = estimate_memory(sc, keep="none", workers=2, processes=True)
    assert threads.chunks_in_flight == 2
    assert procs.total > threads.total  # one interpreter per worker process
    assert "20,000 samples" in threads.describe()


def test_estimate_counts_the_political_shock_table():
    """At 10 politicised lifts a year (the most the policy allows) the shocks' table, one row
    per shock for every sample, is most of a chunk run without trajectories."""
    sc = load("essay-realistic", samples=4000)
    end = sc.policy.end.model_copy(update={"political_lift_hazard_per_year": 10.0})
    hot = sc.with_policy(sc.policy.model_copy(update={"end": end}))
    calm = estimate_memory(sc, keep="none", chunk_size=4000)
    est = estimate_memory(hot, keep="none", chunk_size=4000)
    assert est.chunk_bytes > 2 * calm.chunk_bytes
    tracemalloc.start()
    try:
        simulate(hot, keep="none", chunk_size=4000, executor=LocalExecutor(1))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert 0.8 < (est.total - est.baseline) / peak < 1.5, (est.describe(), peak)
    # without the table the estimate falls short of the peak
    assert (calm.total - calm.baseline) / peak < 0.8
