"""scenario.toml round-trips every accepted scenario (issue 10, item 3)."""

import math
import tomllib

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import pausesim.scenario as S
from pausesim.engines import get_engine
from pausesim.worldviews.terms import TERMS

CATALOG = get_engine("compute").catalog
SCALAR = sorted(p.name for p in CATALOG if not p.per_actor)
PER_ACTOR = sorted(p.name for p in CATALOG if p.per_actor)

# Any text TOML can hold: newlines, tabs, control characters, quotes, backslashes, non-ASCII.
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
names = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12)
years = st.floats(2025.0, 2060.0, allow_nan=False)


def _point_in(name):
    lo, hi = CATALOG[name].bounds
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@st.composite
def raw_scenarios(draw):
    actors = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    params = {}
    for name in draw(st.lists(st.sampled_from(SCALAR), max_size=3, unique=True)):
        a, b = sorted(draw(st.lists(_point_in(name), min_size=2, max_size=2)))
        params[name] = draw(
            st.sampled_from(
                [
                    a,  # a bare number
                    {"kind": "point", "value": b},
                    {"kind": "uniform", "low": a, "high": b},
                    {"kind": "normal", "p5": a, "p95": b},
                ]
            )
        )
    for name in draw(st.lists(st.sampled_from(PER_ACTOR), max_size=2, unique=True)):
        chosen = draw(st.lists(st.sampled_from(actors), min_size=1, unique=True))
        params[name] = {a: {"kind": "point", "value": draw(_point_in(name))} for a in chosen}
    members = draw(st.lists(st.sampled_from(actors), unique=True))
    end = {
        "duration_years": draw(st.one_of(st.just(math.inf), st.floats(0.5, 200.0))),
    }
    if draw(st.booleans()):
        end["forced_margin_ooms"] = draw(st.floats(0.0, 10.0))
    custom_name = draw(st.from_regex(r"\A[A-Za-z0-9_.-]{1,20}\Z")).removesuffix(".toml")
    assume(custom_name)
    custom = {
        "name": custom_name,
        "description": draw(any_text),
        "source": draw(any_text),
        "weights": {
            draw(st.sampled_from(sorted(TERMS))): draw(st.floats(0.01, 10.0)),
        },
    }
    data = {
        "name": draw(names),
        "description": draw(any_text),
        "samples": draw(st.integers(1, S.MAX_SAMPLES)),
        "seed": draw(st.integers(0, 2**63 - 1)),
        "world": {"actors": actors, "params": params},
        "policy": {
            "name": draw(names),
            "description": draw(any_text),
            "coalition": {"members": members},
            "start_year": draw(years),
            "end": end,
            "hardware_rnd_paused": draw(st.booleans()),
        },
        "risk": {
            "worldviews": ["time-to-prepare", custom_name],
            "custom": [custom],
            "horizons": [2040.0, 2060.0],
        },
    }
    try:
        return S.from_dict(data)
    except S.ScenarioError:
        assume(False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_scenarios())
def test_any_accepted_scenario_round_trips(sc):
    text = S.to_toml(sc)
    assert S.from_dict(tomllib.loads(text)) == sc


@pytest.mark.parametrize("name", S.preset_names())
def test_every_preset_round_trips(name):
    sc = S.load(name)
    assert S.from_dict(tomllib.loads(S.to_toml(sc))) == sc


def test_text_the_old_writer_broke_round_trips():
    sc = S.load(
        "essay-realistic",
        {
            "description": '"line one\\nline two\\ttab \\u0001 \\u007f é ✓"',
            "policy.end.duration_years": "inf",
        },
    )
    data = sc.world.model_dump()
    data["actors"] = ["ü-lab", "中国", "a b", *sc.actors]
    sc = sc.model_copy(update={"world": S.World.model_validate(data)})
    sc = S.from_dict(sc.model_dump())
    again = S.from_dict(tomllib.loads(S.to_toml(sc)))
    assert again == sc
    assert again.policy.end.duration_years == math.inf


def test_a_worldview_file_is_saved_by_its_weights(tmp_path, monkeypatch):
    (tmp_path / "mine.toml").write_text(
        'name = "mine"\ndescription = "x"\n[weights]\nspeed = 0.5\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    sc = S.load("essay-realistic", {"risk.worldviews": '["mine.toml", "feedback-loop"]'})
    text = S.to_toml(sc)
    assert "mine.toml" not in text
    (tmp_path / "mine.toml").unlink()  # the saved scenario no longer needs the file
    again = S.from_dict(tomllib.loads(text))
    assert again.risk.worldviews == ("mine", "feedback-loop")
    assert [w.name for w in again.risk.custom] == ["mine"]
    assert again.risk.custom[0].weights == {"speed": 0.5}
