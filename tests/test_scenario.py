import math

import pytest

from pausesim import scenario as S
from pausesim.run import compare


def test_every_preset_loads_and_round_trips_through_toml():
    import tomllib

    assert {
        "no-pause",
        "essay-realistic",
        "ideal-global",
        "hardware-included",
        "gradual-lift",
        "compute-governance",
    } <= set(S.preset_names())
    for name in S.preset_names():
        sc = S.load(name)
        again = S.from_dict(tomllib.loads(S.to_toml(sc)))
        assert again == sc, name


@pytest.mark.parametrize("name", [n for n in S.preset_names() if not n.startswith("ftm-")])
def test_every_compute_preset_runs_as_a_smoke_test(name):
    sc = S.load(name, samples=60)
    c = compare(sc)
    assert c.policy.n_failed == 0 and c.counterfactual.n_failed == 0
    assert c.policy.metrics.sizes["sample"] == 60
    s = c.summary()
    assert math.isfinite(s.loc[("policy", "danger_year"), "median"])
    if name != "no-pause":
        assert (c.policy.trajectories["paused"].sum() > 0).item()


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        (
            {"hw_doubling_years": "0.1"},
            r"hw_doubling_years = 0.1 is outside the allowed range \[0.3, 30\]",
        ),
        (
            {"hw_doubling_yearz": "2"},
            "unknown parameter 'hw_doubling_yearz'.*did you mean 'hw_doubling_years'",
        ),
        (
            {"policy.end.duration_years": "-1"},
            "policy.end.duration_years: Input should be greater than 0",
        ),
        ({"policy.end.duration_years": "500"}, "at most 200 or inf"),
        ({"policy.coalition.members": '["mars"]'}, "unknown actor 'mars'"),
        ({"research_share": "{china = 2}"}, r"research_share.china = 2 is outside"),
        ({"research_share": "{mars = 0.2}"}, r"research_share.mars: unknown actor"),
        ({"hw_doubling_years": "{us_allies = 2}"}, "one value for the whole world"),
        ({"samples": "0"}, "samples: Input should be greater than or equal to 1"),
        (
            {"policy.cap.kind": '"weird"'},
            "policy.cap.kind: Input should be 'fixed', 'frozen' or 'declining'",
        ),
        ({"policy.cap.kind": '"fixed"'}, "a fixed cap needs threshold_flop"),
        ({"hw_doubling_years": '{kind = "lognormal", p5 = 0.01, p95 = 3}'}, "5th percentile 0.01"),
        (
            {"hw_doubling_years": '{kind = "lognormal", p5 = 3, p95 = 2}'},
            "p95 .* must be greater than p5",
        ),
        ({"policy.foo": "1"}, "policy.foo: Extra inputs are not permitted"),
        ({"engine": '"nope"'}, "unknown engine 'nope'"),
    ],
)
def test_bad_values_are_rejected_with_the_field_named(overrides, match):
    with pytest.raises(S.ScenarioError, match=match):
        S.load("essay-realistic", overrides)


def test_overrides_accept_distributions_and_per_actor_tables():
    sc = S.load(
        "essay-realistic",
        {
            "alg_halving_months": '{kind = "lognormal", p5 = 6, p95 = 12}',
            "research_share": "{china = 0.3}",
            "policy.end.duration_years": "inf",
        },
    )
    assert sc.world.params["alg_halving_months"].kind == "lognormal"
    assert sc.world.params["research_share"]["china"].value == 0.3
    assert math.isinf(sc.policy.end.duration_years)


def test_malformed_toml_is_reported_with_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("name = 'x'\n[policy\n")
    with pytest.raises(S.ScenarioError, match="malformed TOML"):
        S.load(bad)


def test_unknown_preset_suggests_names():
    with pytest.raises(S.ScenarioError, match="did you mean essay-realistic"):
        S.load("essay-realistc")
