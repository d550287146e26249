"""Every name a user meets has a label, a unit and a meaning, from one place."""

from __future__ import annotations

import pytest

from pausesim import labels as L
from pausesim.engines import get_engine
from pausesim.metrics.summary import wide_table
from pausesim.policy import Policy
from pausesim.run import compare
from pausesim.scenario import load
from pausesim.worldviews import BUILTIN, TERMS

ENGINES = ("compute", "ftm")
NEEDS_UNIT = ("metric", "parameter", "lever", "worldview", "term")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("kind", L.KINDS)
def test_every_label_has_a_label_unit_and_meaning(kind, engine):
    table = L.labels(kind, engine)
    assert table, f"no {kind} labels for {engine}"
    for name, lab in table.items():
        assert lab.name == name and lab.kind == kind
        assert lab.label.strip(), name
        assert lab.meaning.strip().endswith("."), name
        assert "_" not in lab.label or kind == "lever", f"{name}: code name in {lab.label!r}"
        if kind in NEEDS_UNIT:
            assert lab.unit.strip() and lab.unit_long.strip(), name


def test_the_registries_are_covered():
    for engine in ENGINES:
        assert set(L.labels("parameter", engine)) == set(get_engine(engine).catalog.names)
    assert set(TERMS) <= set(L.labels("term"))
    assert set(BUILTIN) == set(L.labels("worldview"))
    levers = L.labels("lever")
    for path in ("policy.start_year", "policy.end.duration_years", "policy.cap.kind"):
        assert path in levers
    assert not any(p.endswith((".name", ".description")) for p in levers)
    # every leaf of the policy model, and nothing else
    assert len(levers) == len(L.lever_fields(Policy, "policy."))


def test_compute_parameters_have_short_labels_and_their_sources():
    for p in get_engine("compute").catalog:
        lab = L.describe(p.name, "parameter")
        assert lab.label == p.label and len(lab.label) <= 45, p.name
        assert lab.source == p.source and lab.unit == p.unit


@pytest.mark.parametrize("scenario", ["essay-realistic", "ftm-best-guess"])
def test_every_output_of_a_comparison_has_a_label(scenario):
    sc = load(scenario, samples=8)
    if sc.policy.is_none:  # the ftm presets: a frozen cap of the one-economy world
        sc = sc.with_policy(
            Policy.model_validate({"name": "cap", "coalition": {"members": list(sc.actors)}})
        )
    c = compare(sc, keep="full")
    names = set(c.summary().index.get_level_values("metric"))
    for ds in (c.policy.metrics, c.counterfactual.metrics, c.deltas):
        names |= set(wide_table(ds).columns) - {"sample"}
    for name in names:
        lab = L.describe(name, "metric", sc.engine)
        assert lab.label and lab.unit, name
    # every column of worlds.csv
    for column in c.worlds().columns.drop("sample"):
        lab = L.describe(column, engine=sc.engine)
        assert lab.label and "_" not in lab.label, column
    assert L.describe("policy.danger_year").label.endswith("(with the pause)")
    assert L.describe("policy.start_year").kind == "lever"  # not a worlds.csv column
    if sc.engine == "compute":
        for name in c.policy.trajectories.data_vars:
            if name not in ("variable_failed", "hazard"):
                assert L.describe(name, "variable").label, name


def test_bracketed_names_compose_the_labels():
    lab = L.describe("frontier_share_at_danger[us_allies]")
    assert lab.label == "Frontier share at the danger level: US and allies"
    assert lab.unit == "share"
    risk = L.describe("delta_risk[time-to-prepare, K>=10.68]")
    assert "Time to prepare" in risk.label and "K≥10.68" in risk.label
    assert L.describe("delta_takeoff_years").label == "Change in takeoff duration"
    assert L.describe("delta_takeoff_years").unit == "years"
    assert L.describe("delta_agi_year", engine="ftm").label == "Change in AGI year"


def test_the_danger_level_and_the_capability_horizon_are_explained():
    danger = L.describe("danger_level", "term")
    assert "6.68" in danger.meaning and "1e32" in danger.meaning and "20%" in danger.meaning
    assert "Davidson" in danger.source
    level = L.describe("K>=10.68")
    assert level.kind == "term" and "full automation" in level.label
    assert "GPT-4" in level.meaning and "1e36" in level.meaning
    assert L.describe("2040", "term").label == "until 2040"


def test_actor_labels():
    assert L.actor_label("us_allies") == "US and allies"
    assert L.actor_label("rest_of_world") == "Rest of world"
    assert L.actor_label("eu_bloc") == "Eu bloc"  # any id of a custom world reads
    assert L.describe("eu_bloc", "actor").label == "Eu bloc"


def test_unknown_names_and_kinds_are_errors_with_suggestions():
    with pytest.raises(ValueError, match=r"overhang_oom.*did you mean 'overhang_ooms'"):
        L.describe("overhang_oom")
    with pytest.raises(ValueError, match="hw_dubling_years.*hw_doubling_years"):
        L.describe("hw_dubling_years", "parameter")
    with pytest.raises(ValueError, match="no label for metric name 'nonsense'"):
        L.describe("nonsense", "metric")
    with pytest.raises(ValueError, match="unknown label kind 'metrics'"):
        L.describe("danger_year", "metrics")
    with pytest.raises(ValueError, match="unknown label kind"):
        L.labels("levers")


def test_lift_reasons_read_as_words():
    from pausesim.engines.compute.pause import LIFT_REASONS

    for name in LIFT_REASONS.values():
        text = L.lift_reason_label(name)
        assert text and "_" not in text, name
    assert L.lift_reason_label("catch_up") == "outsiders caught up"
