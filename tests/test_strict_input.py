"""Strict input at the boundary (issue 10, item 4): no coercion, clear refusals, no tracebacks.

Each test reproduces a finding of the issue; the fuzz tests at the end drive ``pausesim run``
with generated ``--set`` values and scenario files and require exit 0 or 2, never a traceback,
and a message that names the field.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pausesim import scenario as S
from pausesim._textfile import MAX_INPUT_BYTES
from pausesim.cli.app import app
from pausesim.policy import Coalition, Policy
from pausesim.risk import resolve_worldviews
from pausesim.worldviews import WorldviewError

runner = CliRunner()
#: A small, fast run: the fuzz tests run it dozens of times.
FAST = ["-n", "5", "--keep", "none", "--set", "grid.end=2030", "--set", "risk.horizons=[2030]"]
#: Words of pydantic's internals that must never reach a user.
INTERNALS = (
    "tagged-union",
    "function-after",
    "input_type",
    "input_value",
    "errors.pydantic.dev",
    "instance of",
    "Unable to extract tag",
    "Traceback",
)


def _run(*args: str):
    return runner.invoke(app, ["run", *args])


def _flat(text: str) -> str:
    return " ".join(text.split())


def _load_error(overrides: dict[str, str], name: str = "essay-realistic", **fields) -> str:
    with pytest.raises(S.ScenarioError) as err:
        S.load(name, overrides, **fields)
    message = str(err.value)
    assert not any(word in message for word in INTERNALS), message
    return _flat(message)


def _scenario_file(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


# -- no coercion ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"metrics.danger_level_ooms": "true"},
            "metrics.danger_level_ooms: must be a number, not true",
        ),
        ({"samples": '"1000"'}, "samples: must be a whole number, not text (got '1000')"),
        ({"samples": "1e3"}, "samples: must be a whole number"),
        (
            {"policy.hardware_rnd_paused": '"yes"'},
            "policy.hardware_rnd_paused: must be true or false",
        ),
        ({"policy.start_year": '"2027"'}, "policy.start_year: must be a number, not text"),
        (
            {"hw_doubling_years": "true"},
            "world.params.hw_doubling_years: must be a number, not true",
        ),
        (
            {"research_share": "{china = false}"},
            "world.params.research_share.china: must be a number",
        ),
        (
            {"hw_doubling_years": '{kind = "lognormal", p5 = "2", p95 = 3}'},
            "world.params.hw_doubling_years.p5: must be a number, not text",
        ),
    ],
)
def test_no_number_from_a_boolean_or_a_string_and_no_boolean_from_a_string(overrides, expected):
    assert expected in _load_error(overrides)


def test_a_boolean_switch_parameter_still_takes_true_and_false():
    sc = S.load("ftm-best-guess", {"dynamic_t_end": "true"})
    assert sc.world.params["dynamic_t_end"].value == 1.0


def test_toml_integers_still_fill_float_fields(tmp_path):
    f = _scenario_file(
        tmp_path,
        'name = "ints"\nsamples = 1000\n[grid]\nstart = 2025\nend = 2040\nstep = 1\n'
        '[policy]\nstart_year = 2027\n[policy.coalition]\nmembers = ["us_allies"]\n'
        "[policy.end]\nduration_years = 5\n[risk]\nhorizons = [2040]\n"
        "[world.params]\nhw_doubling_years = 3\n",
    )
    sc = S.load(f)
    assert sc.samples == 1000 and sc.policy.end.duration_years == 5.0
    assert isinstance(sc.policy.start_year, float) and sc.grid.step == 1.0
    assert sc.world.params["hw_doubling_years"].value == 3.0
    sc = S.load("essay-realistic", {"policy.end.duration_years": "5", "hw_doubling_years": "3"})
    assert sc.policy.end.duration_years == 5.0 and sc.world.params["hw_doubling_years"].value == 3.0
    assert S.load("conditional-on-alignment").policy.end.duration_years == float("inf")


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"hw_doubling_years": "nan"}, "world.params.hw_doubling_years: must be a finite number"),
        ({"policy.start_year": "inf"}, "policy.start_year: must be a finite number"),
        ({"hw_doubling_years": "1" + "0" * 400}, "world.params.hw_doubling_years: 100000000000"),
        ({"policy.end.duration_years": "nan"}, "policy.end.duration_years"),
    ],
)
def test_non_finite_and_huge_numbers_are_refused_with_the_field(overrides, expected):
    assert expected in _load_error(overrides)


def test_the_python_api_is_strict_too():
    with pytest.raises(ValueError, match="valid number"):
        Policy(start_year="2027")
    with pytest.raises(ValueError, match="valid boolean"):
        Policy(hardware_rnd_paused="yes")
    assert Coalition(members=["us_allies"]).members == ("us_allies",)  # lists become tuples


def test_a_bad_set_value_is_not_dropped_when_an_option_sets_the_same_field():
    message = _load_error({"samples": "abc"}, samples=10)
    assert "samples given twice" in message
    r = _run("essay-realistic", "--set", "samples=abc", "-n", "10", "--keep", "none")
    assert r.exit_code == 2 and "samples" in r.output
    r = _run("essay-realistic", "--set", "samples=abc", "--keep", "none")
    assert r.exit_code == 2 and "samples: must be a whole number" in _flat(r.output)
    r = _run("essay-realistic", "--set", "x=1", "--set", "x=2")
    assert r.exit_code == 2 and "given twice" in r.output


# -- contradictions -------------------------------------------------------------------------------


def test_an_empty_actor_list_is_refused_not_read_as_the_defaults():
    assert "world.actors: list at least one actor" in _load_error({"world.actors": "[]"})
    assert "actor names must not be empty" in _load_error({"world.actors": '["us_allies", " "]'})


def test_unknown_actors_point_at_world_actors():
    message = _load_error({"world.actors": '["a", "b"]'})
    assert "policy.coalition.members: unknown actor 'us_allies'" in message
    assert "world.actors" in message


def test_worldviews_listed_twice_or_named_like_a_built_in_are_refused(tmp_path):
    message = _load_error({"risk.worldviews": '["feedback-loop", "feedback-loop"]'})
    assert "risk.worldviews: each worldview may be listed once" in message
    r = _run("essay-realistic", "-w", "feedback-loop", "-w", "feedback-loop", *FAST)
    assert r.exit_code == 2 and "listed twice" in r.output and "Traceback" not in r.output

    inline = _scenario_file(
        tmp_path,
        'name = "x"\n[[risk.custom]]\nname = "feedback-loop"\nweights = { speed = 0.1 }\n',
    )
    assert "risk.custom.0.name: 'feedback-loop' is the name of a built-in" in _flat(
        str(pytest.raises(S.ScenarioError, S.load, inline).value)
    )
    twice = _scenario_file(
        tmp_path,
        'name = "x"\n[[risk.custom]]\nname = "a"\nweights = { speed = 0.1 }\n'
        '[[risk.custom]]\nname = "a"\nweights = { speed = 0.2 }\n',
        "twice.toml",
    )
    with pytest.raises(S.ScenarioError, match="two custom worldviews are named 'a'"):
        S.load(twice)

    shadow = _scenario_file(tmp_path, 'name = "feedback-loop"\n[weights]\nspeed = 0.05\n', "w.toml")
    sc = S.load("essay-realistic", {"risk.worldviews": f'["{shadow}"]'})
    with pytest.raises(WorldviewError, match="like a built-in worldview"):
        resolve_worldviews(sc.risk)
    r = _run("essay-realistic", "-w", str(shadow), *FAST)
    assert r.exit_code == 2 and "like a built-in worldview" in _flat(r.output)

    mine = _scenario_file(tmp_path, 'name = "mine"\n[weights]\nspeed = 0.05\n', "m1.toml")
    also = _scenario_file(tmp_path, 'name = "mine"\n[weights]\nspeed = 0.07\n', "m2.toml")
    r = _run("essay-realistic", "-w", str(mine), "-w", str(also), *FAST)
    assert r.exit_code == 2 and "both named 'mine'" in _flat(r.output)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {
                "policy.coalition.members": '["us_allies", "china"]',
                "policy.coalition.defections": '[{actor = "china", year = 2030}]',
                "policy.coalition.joins": '[{actor = "china", year = 2030}]',
            },
            "policy.coalition.joins: 'china' defects in 2030 and joins again in 2030",
        ),
        (
            {
                "policy.coalition.members": '["us_allies", "china"]',
                "policy.coalition.defections": '[{actor = "china", year = 2030}]',
                "policy.coalition.joins": '[{actor = "china", year = 2033}]',
            },
            "re-joining after a defection is not modelled",
        ),
        (
            {
                "policy.coalition.joins": '[{actor = "china", year = 2033}]',
                "policy.coalition.defections": '[{actor = "china", year = 2030}]',
            },
            "policy.coalition.defections: 'china' defects in 2030 but joins only in 2033",
        ),
        (
            {
                "policy.coalition.joins": (
                    '[{actor = "china", year = 2030}, {actor = "china", year = 2035}]'
                )
            },
            "policy.coalition.joins: listed more than once: ['china']",
        ),
        (
            {"policy.coalition.members": '["us_allies", "us_allies"]'},
            "policy.coalition.members: listed more than once",
        ),
    ],
)
def test_a_defector_cannot_re_join_and_nobody_joins_or_defects_twice(overrides, expected):
    assert expected in _load_error(overrides)


def test_a_later_defection_of_a_joiner_is_fine():
    sc = S.load(
        "essay-realistic",
        {
            "policy.coalition.joins": '[{actor = "china", year = 2029}]',
            "policy.coalition.defections": '[{actor = "china", year = 2033}]',
        },
    )
    assert sc.warnings == ()


def test_a_defection_by_a_non_member_is_warned_about():
    overrides = {"policy.coalition.defections": '[{actor = "china", year = 2028}]'}
    sc = S.load("essay-realistic", overrides)
    assert any("'china' is never a member" in w for w in sc.warnings)
    r = _run(
        "essay-realistic",
        "--set",
        'policy.coalition.defections=[{actor="china", year=2028}]',
        *FAST,
    )
    assert r.exit_code == 0, r.output
    assert "warning: policy.coalition.defections: 'china' is never a member" in _flat(r.output)


def test_a_pause_that_starts_after_the_grid_is_refused_naming_the_field():
    message = _load_error({"policy.start_year": "2070"})
    assert "policy.start_year: the pause would start in 2070" in message
    assert "grid.end = 2060" in message
    message = _load_error(
        {
            "policy.coalition.members": "[]",
            "policy.coalition.joins": '[{actor = "china", year = 2065}]',
        }
    )
    assert (
        "policy.coalition.joins (policy.coalition.members is empty): the pause would start in 2065"
        in message
    )
    S.load("no-pause", {"grid.end": "2030", "risk.horizons": "[2030]"})  # nobody pauses: fine


def test_levers_an_engine_cannot_model_are_refused_before_the_run():
    message = _load_error({"policy.end.alignment_target": "3"}, "ftm-best-guess")
    assert "policy.end.alignment_target: the ftm engine has no alignment stock" in message
    r = _run(
        "ftm-best-guess", "--set", "policy.end.alignment_target=3", "-n", "5", "--keep", "none"
    )
    assert r.exit_code == 2 and "alignment stock" in r.output and r.exception is not None
    assert isinstance(r.exception, SystemExit)


def test_shares_of_a_world_total_must_be_able_to_sum_to_one():
    message = _load_error({"hw_rnd_share": "{us_allies = 1, china = 1, rest_of_world = 1}"})
    assert (
        "world.params.hw_rnd_share: the actors' shares of one world total sum to 3 > 1" in message
    )
    message = _load_error({"chip_production_share": "0.5"})  # one value for every actor
    assert "chip_production_share" in message and "sum to 1.5" in message
    S.load(
        "essay-realistic", {"hw_rnd_share": "{us_allies = 0.9, china = 0.05, rest_of_world = 0.05}"}
    )
    # research shares are relative (effort against the leading actor): they need not sum to 1
    S.load("essay-realistic", {"research_share": "{us_allies = 1, china = 1, rest_of_world = 1}"})


def test_correlations_are_checked_when_the_scenario_is_validated():
    pairs = (
        '[{a = "hw_doubling_years", b = "alg_halving_months", rho = 0.9}, '
        '{a = "hw_doubling_years", b = "spend_growth_per_year", rho = 0.9}, '
        '{a = "alg_halving_months", b = "spend_growth_per_year", rho = -0.9}]'
    )
    assert "world.correlations: rank correlation matrix is not positive definite" in _load_error(
        {"world.correlations": pairs}
    )
    twice = (
        '[{a = "hw_doubling_years", b = "alg_halving_months", rho = 0.3}, '
        '{a = "alg_halving_months", b = "hw_doubling_years", rho = 0.2}]'
    )
    assert "world.correlations.1: the pair" in _load_error({"world.correlations": twice})
    itself = '[{a = "hw_doubling_years", b = "hw_doubling_years", rho = 0.3}]'
    assert "correlated with itself" in _load_error({"world.correlations": itself})
    r = _run("essay-realistic", "--set", f"world.correlations={pairs}", *FAST)
    assert r.exit_code == 2 and "not positive definite" in _flat(r.output)


# -- files ----------------------------------------------------------------------------------------


def test_non_utf8_files_get_a_clear_error(tmp_path):
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('name = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(S.ScenarioError, match="not UTF-8 text .*line 1"):
        S.load(bad)
    r = _run(str(bad))
    assert r.exit_code == 2 and "not UTF-8" in r.output and "Traceback" not in r.output
    r = _run("essay-realistic", "-w", str(bad), *FAST)
    assert r.exit_code == 2 and "worldview file is not UTF-8" in _flat(r.output)
    r = _run("essay-realistic", "--params", str(bad), *FAST)
    assert r.exit_code == 2 and "parameter file is not UTF-8" in _flat(r.output)
    bom = _scenario_file(tmp_path, '\ufeffname = "bom"\n', "bom.toml")
    assert S.load(bom).name == "bom"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_devices_directories_and_large_files_are_refused(tmp_path):
    r = _run("/dev/zero")
    assert r.exit_code == 2 and "it is a device" in r.output
    r = _run(str(tmp_path))
    assert r.exit_code == 2 and "it is a directory" in r.output
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (MAX_INPUT_BYTES + 1))
    r = _run(str(big))
    assert r.exit_code == 2 and "larger than 4 MB" in r.output
    r = _run("essay-realistic", "--params", "/dev/zero", *FAST)
    assert r.exit_code == 2 and "it is a device" in r.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    r = _run(str(fifo))
    assert r.exit_code == 2 and "FIFO" in r.output
    r = _run("essay-realistic", "-w", str(fifo), *FAST)
    assert r.exit_code == 2 and "FIFO" in r.output


# -- messages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"hw_doubling_years": '{kind = "beta", a = -1, b = 2}'},
            "world.params.hw_doubling_years.a: Input should be greater than 0",
        ),
        (
            {"hw_doubling_years": '{kind = "weird"}'},
            "world.params.hw_doubling_years: unknown kind 'weird'",
        ),
        (
            {"hw_doubling_years": '"abc"'},
            "world.params.hw_doubling_years: must be a number, a distribution",
        ),
        (
            {"research_share": '{china = "x"}'},
            "world.params.research_share.china: must be a number",
        ),
        ({"policy": "3"}, "policy: must be a table"),
        ({"policy.coalition.members": '"us_allies"'}, "policy.coalition.members: must be an array"),
        (
            {"world.correlations": '[{a = "hw_doubling_years"}]'},
            "world.correlations.0.b: is required",
        ),
    ],
)
def test_messages_name_the_parameter_and_show_no_pydantic_internals(overrides, expected):
    assert expected in _load_error(overrides)


def test_user_text_is_printed_literally_not_as_markup(tmp_path):
    r = _run(str(tmp_path / "[red]x[/red].toml"))
    assert r.exit_code == 2 and "[red]x[/red].toml" in r.output
    r = _run("essay-realistic", "--set", "[bold]x=1", *FAST)
    assert r.exit_code == 2 and "[bold]x" in r.output


def test_a_name_with_markup_runs_and_is_printed_literally():
    r = _run("essay-realistic", "--set", 'name="[/]"', *FAST)
    assert r.exit_code == 0 and "[/]" in r.output


# -- fuzz -----------------------------------------------------------------------------------------

#: Fields a user may --set, with the name the error must mention.
SET_FIELDS = (
    "samples",
    "seed",
    "engine",
    "grid.step",
    "grid.start",
    "policy.start_year",
    "policy.end.duration_years",
    "policy.end.forced_margin_ooms",
    "policy.coalition.members",
    "policy.coalition.joins",
    "policy.coalition.defections",
    "policy.cap.kind",
    "policy.cap.threshold_flop",
    "policy.lift.kind",
    "policy.hardware_rnd_paused",
    "metrics.danger_level_ooms",
    "metrics.takeoff_to_ooms",
    "risk.worldviews",
    "risk.level_horizons",
    "world.actors",
    "world.correlations",
    "hw_doubling_years",
    "research_share",
    "hw_rnd_share",
    "alg_halving_months",
)

_scalars = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["true", "false", "inf", "-inf", "nan", "none", "0", "1", "2030", "1e26"]),
    st.text(min_size=0, max_size=12).map(lambda s: tomli_w.dumps({"v": s})[4:].strip()),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_.-]{0,10}", fullmatch=True),
)
_values = st.one_of(
    _scalars,
    st.lists(_scalars, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
    st.sampled_from(
        [
            '{kind = "lognormal", p5 = 2, p95 = 3}',
            '{kind = "normal", p5 = 3}',
            '{kind = "beta", a = 0, b = 1}',
            "{china = 0.3}",
            '{china = "x"}',
            '["us_allies", "china"]',
            '["us_allies", "us_allies"]',
            '[{actor = "china", year = 2029}]',
            '[{actor = "mars", year = 2029}]',
            '[{a = "hw_doubling_years", b = "alg_halving_months", rho = 0.5}]',
            '[{a = "hw_doubling_years", b = "hw_doubling_years", rho = 0.5}]',
            "[]",
            "{}",
        ]
    ),
    st.text(max_size=20),  # raw text: often not TOML at all
)


def _assert_clean(r, must_name: str) -> None:
    out = _flat(r.output)
    assert r.exit_code in (0, 2), (r.exit_code, r.output, r.exception)
    if r.exception is not None:
        assert isinstance(r.exception, SystemExit), repr(r.exception)
    assert not any(word in out for word in INTERNALS), out
    if r.exit_code == 2:
        assert "error:" in out, out
        assert must_name in out, (must_name, out)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    preset=st.sampled_from(["essay-realistic", "compute-governance", "ftm-best-guess"]),
    field=st.sampled_from(SET_FIELDS),
    value=_values,
)
def test_fuzz_set_values_exit_0_or_2_and_name_the_field(preset, field, value):
    if "\x00" in value or "\n" in value or "\r" in value:
        value = value.replace("\x00", "").replace("\n", " ").replace("\r", " ")
    r = _run(preset, "--set", f"{field}={value}", *FAST)
    _assert_clean(r, field.split(".")[-1] if field != "samples" else "samples")


_keys = st.sampled_from(
    [
        "samples",
        "seed",
        "engine",
        "description",
        "grid.step",
        "policy.start_year",
        "policy.coalition.members",
        "policy.end.duration_years",
        "policy.cap.kind",
        "world.actors",
        "world.params.hw_doubling_years",
        "world.params.research_share",
        "metrics.danger_level_ooms",
        "risk.worldviews",
        "risk.custom",
        "policy.coalition.joins",
        "world.correlations",
        "grid.end",
        "surprise",
    ]
)
_toml_values = st.recursive(
    st.one_of(
        st.booleans(),
        st.integers(-(10**6), 10**6),
        st.floats(allow_nan=False, allow_infinity=True),
        st.text(max_size=8),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["kind", "p5", "china", "actor", "year", "a", "name"]),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=4,
)


def _nest(flat: dict) -> dict:
    out: dict = {"name": "fuzz"}
    for key, value in flat.items():
        node = out
        *parents, leaf = key.split(".")
        for p in parents:
            node = node.setdefault(p, {})
            if not isinstance(node, dict):
                break
        else:
            node[leaf] = value
    return out


@settings(max_examples=25, deadline=None)
@given(fields=st.dictionaries(_keys, _toml_values, min_size=1, max_size=3))
def test_fuzz_small_scenario_files_exit_0_or_2_and_name_the_field(tmp_path_factory, fields):
    path = tmp_path_factory.mktemp("fuzz") / "s.toml"
    path.write_text(tomli_w.dumps(_nest(fields)), encoding="utf-8")
    r = _run(str(path), *FAST)
    _assert_clean(r, str(path))
    if r.exit_code == 2 and "invalid scenario" in r.output:
        named = [k.split(".")[-1] for k in fields] + ["policy", "world", "grid", "risk", "metrics"]
        assert any(n in _flat(r.output) for n in named), r.output


@settings(max_examples=15, deadline=None)
@given(raw=st.binary(max_size=200))
def test_fuzz_raw_bytes_files_exit_2_with_the_file_named(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("raw") / "s.toml"
    path.write_bytes(raw)
    r = _run(str(path), *FAST)
    _assert_clean(r, str(path))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))


def test_a_one_point_grid_is_refused_with_the_fields_named():
    r = _run("no-pause", "--set", "grid.end=2025.2", "--set", "risk.horizons=[]")
    assert r.exit_code == 2, r.output
    assert "at least two time points" in r.output and "Traceback" not in r.output
