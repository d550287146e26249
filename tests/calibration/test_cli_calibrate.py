import tomllib

import pytest
from typer.testing import CliRunner

from pausesim.cli.app import app

runner = CliRunner()


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_calibrate_prints_the_fits_and_writes_a_fragment_run_accepts(tmp_path, shared_dir):
    frag = tmp_path / "calibrated.toml"
    r = runner.invoke(app, ["calibrate", "--data", str(shared_dir), "--out", str(frag)])
    assert r.exit_code == 0, r.output
    out = _flat(r.output)
    for text in (
        "frontier_compute",
        "frontier_cost",
        "frontier_flop_per_usd",
        "FLOP",
        "2023 USD",
        "4.17x",
        "top 10 by training compute at publication",
        "nominal",
        "CC-BY 4.0",
    ):
        assert text in out
    data = tomllib.loads(frag.read_text())
    assert data["spend_growth_per_year"]["kind"] == "lognormal"
    r = runner.invoke(app, ["run", "no-pause", "-n", "50", "--params", str(frag), "--keep", "none"])
    assert r.exit_code == 0, r.output
    assert "Year the danger level is reached" in r.output


def test_calibrate_offline_uses_the_snapshot_and_says_so(tmp_path):
    r = runner.invoke(app, ["calibrate", "--bootstrap", "100", "--since", "2018"])
    assert r.exit_code == 0, r.output
    out = _flat(r.output)
    assert "cannot download" in out and "snapshot" in out
    assert "published 2018-01-01" in out


def test_calibrate_backtest_prints_coverage(shared_dir):
    r = runner.invoke(
        app,
        ["calibrate", "--data", str(shared_dir), "--bootstrap", "100", "--backtest", "-n", "200"],
    )
    assert r.exit_code == 0, r.output
    out = _flat(r.output)
    assert "in 90% band" in out and "trend of 14 compute records" in out and "records" in out


def test_calibrate_with_a_bad_data_folder_exits_2(tmp_path):
    (tmp_path / "notable_ai_models.csv").write_text("Model,Publication date\n")
    (tmp_path / "ml_hardware.csv").write_text("Hardware name\n")
    r = runner.invoke(app, ["calibrate", "--data", str(tmp_path)])
    assert r.exit_code == 2
    assert "Training compute (FLOP)" in _flat(r.output) and "Traceback" not in r.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"spend_growth_per_year = 0.5\n", "spend_growth_per_year"),
        (b"spend_growth_per_year = 0.5\n", "invalid parameter file"),
        (b'spend_growth_per_year = { kind = "lognormal", p5 = 3, p95 = 2 }\n', "p95"),
        (b"no_such_parameter = 1\n", "no_such_parameter"),
        (b"spend_growth_per_year = [\n", "malformed TOML"),
        (b"x = '\xff\xfe'\n", "not UTF-8"),
        (b"", "sets no parameter"),
    ],
)
def test_a_bad_parameter_file_exits_2_naming_the_file_and_field(tmp_path, content, expected):
    f = tmp_path / "frag.toml"
    f.write_bytes(content)
    for command in ("run", "compare"):
        r = runner.invoke(app, [command, "no-pause", "-n", "20", "--params", str(f)])
        assert r.exit_code == 2, r.output
        out = _flat(r.output)
        assert expected in out and "frag.toml" in out
        assert "Traceback" not in r.output


def test_set_overrides_win_over_the_parameter_file(tmp_path):
    f = tmp_path / "frag.toml"
    f.write_text("spend_growth_per_year = 0.5\n")  # invalid, but replaced by --set
    r = runner.invoke(
        app,
        [
            "run",
            "no-pause",
            "-n",
            "20",
            "--params",
            str(f),
            "--set",
            "world.params.spend_growth_per_year=2.5",
            "--keep",
            "none",
        ],
    )
    assert r.exit_code == 0, r.output


def test_a_parameter_file_cannot_replace_the_policy(tmp_path):
    f = tmp_path / "frag.toml"
    f.write_text("[policy]\nname = 'x'\n")
    r = runner.invoke(app, ["run", "no-pause", "-n", "20", "--params", str(f)])
    assert r.exit_code == 2 and "world.params.policy" in _flat(r.output)
