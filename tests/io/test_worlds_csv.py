"""``worlds.csv``: one row per world with its inputs and outputs, verified by the manifest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pausesim.io.manifest import ResultFolderError
from pausesim.run import compare, load_result, save_result, simulate
from pausesim.scenario import load


@pytest.fixture(scope="module")
def comparison():
    return compare(load("essay-realistic", samples=60, seed=11), keep="none")


def test_comparison_worlds_hold_inputs_outputs_and_deltas(comparison):
    w = comparison.worlds()
    params = comparison.policy.params
    assert len(w) == 60 and list(w["sample"]) == list(range(60))
    # every sampled input, per-actor ones as name[actor]
    np.testing.assert_array_equal(w["hw_doubling_years"], params["hw_doubling_years"].values)
    for actor in comparison.scenario.actors:
        np.testing.assert_array_equal(
            w[f"hw_rnd_share[{actor}]"], params["hw_rnd_share"].sel(actor=actor).values
        )
    n_inputs = sum(
        np.prod([params.sizes[d] for d in v.dims if d != "sample"], dtype=int)
        for v in params.data_vars.values()
    )
    assert sum(not c.startswith(("policy.", "counterfactual.", "comparison.")) for c in w) == (
        1 + n_inputs
    )
    # both runs and the per-world deltas, with their failed flags
    np.testing.assert_allclose(
        w["comparison.delay_years"],
        w["policy.danger_year"] - w["counterfactual.danger_year"],
        rtol=0,
        atol=1e-3,
    )
    for run in ("policy", "counterfactual", "comparison"):
        assert w[f"{run}.sample_failed"].dtype == bool
    assert "policy.risk[feedback-loop, K>=10.68]" in w
    assert "comparison.delta_risk[time-to-prepare, 2040]" in w
    assert "policy.frontier_share_at_danger[china]" in w
    np.testing.assert_array_equal(
        w["comparison.delta_risk[feedback-loop, 2040]"],
        comparison.deltas["delta_risk"].sel(worldview="feedback-loop", horizon="2040").values,
    )


def test_worlds_csv_round_trips_and_the_manifest_verifies_it(comparison, tmp_path):
    out = tmp_path / "r"
    save_result(comparison, out, trajectories=False)
    saved = load_result(out)
    assert "worlds.csv" in {f["path"] for f in saved.manifest["files"]}
    back = pd.read_csv(out / "worlds.csv")
    expected = comparison.worlds()
    assert list(back.columns) == list(expected.columns)
    numeric = [c for c in expected if expected[c].dtype.kind in "fiu"]
    np.testing.assert_allclose(back[numeric], expected[numeric].astype(float), rtol=1e-6)
    np.testing.assert_array_equal(back["policy.sample_failed"], expected["policy.sample_failed"])
    pd.testing.assert_frame_equal(saved.table("worlds"), back)
    # a spreadsheet edit is caught
    (out / "worlds.csv").write_text(back.head(3).to_csv(index=False))
    with pytest.raises(ResultFolderError, match="worlds.csv: size or SHA-256 differs"):
        load_result(out)


def test_a_run_has_its_worlds_too(tmp_path):
    result = simulate(load("no-pause", samples=25), keep="none")
    w = result.worlds()
    assert len(w) == 25 and "policy.danger_year" in w and "alg_halving_months" in w
    assert not any(c.startswith("counterfactual.") for c in w)
    # the same name as an input and a metric stays apart
    assert "covert_share_max" in w and "policy.covert_share_max" in w
    save_result(result, tmp_path / "run", trajectories=False)
    assert len(load_result(tmp_path / "run").table("worlds")) == 25
