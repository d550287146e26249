import json

import pytest
from typer.testing import CliRunner

from pausesim.cli.app import app

runner = CliRunner()


def test_compare_prints_a_summary_and_writes_results(tmp_path):
    r = runner.invoke(app, ["compare", "essay-realistic", "-n", "50", "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    assert "Delay of the danger level" in r.output and "Compute overhang at the lift" in r.output
    assert (tmp_path / "o" / "summary.csv").exists()


def test_run_accepts_set_overrides():
    r = runner.invoke(
        app,
        [
            "run",
            "essay-realistic",
            "-n",
            "20",
            "--set",
            "policy.end.duration_years=2",
            "--keep",
            "none",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "Length of the first pause" in r.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("name = 'x'\n[policy\n", "malformed TOML"),
        ("name = 'x'\nsurprise = 1\n", "surprise: Extra inputs are not permitted"),
        (
            "name = 'x'\n[world.params]\nhw_doubling_years = 100\n",
            "outside the allowed range [0.3, 30]",
        ),
        (
            "name = 'x'\n[policy.end]\npolitical_lift_hazard_per_year = -1\n",
            "political_lift_hazard_per_year",
        ),
    ],
)
def test_bad_scenario_files_exit_2_with_the_field_named_and_no_traceback(
    tmp_path, content, expected
):
    f = tmp_path / "s.toml"
    f.write_text(content)
    r = runner.invoke(app, ["run", str(f)])
    assert r.exit_code == 2
    assert expected in " ".join(r.output.split())
    assert "Traceback" not in r.output


def test_bad_set_override_exits_2():
    r = runner.invoke(app, ["compare", "essay-realistic", "--set", "alg_halving_months=0"])
    assert r.exit_code == 2 and "alg_halving_months" in r.output
    r = runner.invoke(app, ["compare", "essay-realistic", "--set", "nonsense"])
    assert r.exit_code == 2 and "name=value" in r.output


def test_params_in_every_format():
    r = runner.invoke(app, ["params", "--format", "json"])
    assert r.exit_code == 0
    rows = json.loads(r.output)
    assert any(row["name"] == "hw_doubling_years" for row in rows)
    assert all(row["source"] for row in rows)
    r = runner.invoke(app, ["params", "--format", "csv"])
    assert r.exit_code == 0 and r.output.startswith("name,symbol")
    r = runner.invoke(app, ["params"])
    assert r.exit_code == 0 and "Hobbhahn" in r.output
    r = runner.invoke(app, ["params", "--format", "yaml"])
    assert r.exit_code == 2


def test_scenarios_lists_every_preset():
    from pausesim.scenario import preset_names

    r = runner.invoke(app, ["scenarios"])
    assert r.exit_code == 0
    for name in preset_names():
        assert name in r.output


def test_compare_says_why_the_pause_ended_and_saves_it(tmp_path):
    """A longer fixed duration changes nothing when catch-up ends the pause first: the output
    says so."""
    import pandas as pd

    out = tmp_path / "o"
    r = runner.invoke(
        app,
        [
            "compare",
            "essay-realistic",
            "-n",
            "200",
            "--set",
            "policy.end.duration_years=10",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "Why the pause ended: outsiders caught up" in " ".join(r.output.split())
    reasons = pd.read_csv(out / "lift_reasons.csv").set_index("reason")
    assert reasons["n"].sum() == 200
    assert reasons.loc["catch_up", "share"] > 0.5
    assert "duration" not in reasons.index  # ten years are never reached
