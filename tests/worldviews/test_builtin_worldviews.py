"""Built-in worldviews: sources, and verdicts fixed by construction."""

import numpy as np
from typer.testing import CliRunner

from pausesim import scenario as S
from pausesim.cli.app import app
from pausesim.run import compare
from pausesim.worldviews import BUILTIN, Worldview
from pausesim.worldviews.terms import PAUSE_ONLY


def test_no_builtin_verdict_is_fixed_by_construction():
    for w in BUILTIN.values():
        assert w.fixed_by_construction == "", w.name


def test_a_worldview_of_pause_only_terms_is_fixed_by_construction_and_says_why():
    only = Worldview(name="x", weights=dict.fromkeys(sorted(PAUSE_ONLY), 0.01))
    assert "no pause can lower its risk" in only.fixed_by_construction
    mixed = Worldview(name="y", weights={"hostility": 0.01, "concentration": 0.01})
    assert mixed.fixed_by_construction == ""


def test_a_fixed_verdict_is_flagged_and_matches_the_numbers():
    sc = S.load(
        "essay-realistic",
        {
            "risk.custom": "[{name = 'war-only', weights = {hostility = 0.01}}]",
            "risk.worldviews": '["war-only", "conflict-and-tyranny"]',
        },
        samples=100,
    )
    v = compare(sc, keep="none").verdicts()
    war = v.loc["war-only"]
    assert (war["fixed_by_construction"] != "").all()
    assert (war["p_policy_better"] == 0).all()  # what the construction implies
    assert (v.loc["conflict-and-tyranny", "fixed_by_construction"] == "").all()


def test_compare_prints_by_construction_instead_of_zero_plus_minus_zero(tmp_path):
    f = tmp_path / "war.toml"
    f.write_text("name = 'war-only'\n[weights]\nhostility = 0.01\n")
    r = CliRunner().invoke(app, ["compare", "essay-realistic", "-n", "60", "-w", str(f)])
    assert r.exit_code == 0, r.output
    assert "never, by construction" in r.output and "0.00 ± 0.00" not in r.output


def test_conflict_and_tyranny_is_not_fixed_because_no_pause_worlds_accrue_concentration():
    cmp = compare(S.load("ideal-global", samples=80), keep="none")
    cf = cmp.counterfactual.metrics["risk"].sel(worldview="conflict-and-tyranny")
    assert float(cf.min()) > 0.0  # a world without a pause has hazard too, from concentration
    d = cmp.decomposition(["2060"]).query("worldview == 'conflict-and-tyranny'").set_index("term")
    assert d.loc["concentration", "mean_no_pause"] > 0
    assert np.allclose(d.loc[sorted(PAUSE_ONLY), "mean_no_pause"], 0.0)
