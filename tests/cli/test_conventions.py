"""CLI conventions: help, version, completion, choices, --processes N, memory budget."""

import tomllib
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pausesim import __version__
from pausesim.cli.app import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def test_bare_pausesim_prints_help_and_exits_0():
    r = runner.invoke(app, [])
    assert r.exit_code == 0
    assert "Usage" in r.output and "compare" in r.output


def test_version_and_short_help():
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.output.strip() == f"pausesim {__version__}"
    for args in (["-h"], ["run", "-h"], ["compare", "-h"], ["params", "-h"]):
        r = runner.invoke(app, args)
        assert r.exit_code == 0 and "Usage" in r.output, args


def test_shell_completion_is_offered():
    r = runner.invoke(app, ["--help"])
    assert "--install-completion" in r.output and "--show-completion" in r.output


def test_choices_are_enums_shown_in_help_and_enforced():
    r = runner.invoke(app, ["run", "--help"])
    assert "full|quantiles|none" in r.output
    r = runner.invoke(app, ["params", "--help"])
    assert "compute|ftm" in r.output and "table|json|csv" in r.output
    r = runner.invoke(app, ["run", "essay-realistic", "--keep", "most"])
    assert r.exit_code == 2 and "most" in r.output
    r = runner.invoke(app, ["params", "--engine", "nope"])
    assert r.exit_code == 2 and "nope" in r.output
    r = runner.invoke(app, ["params", "--engine", "ftm", "-f", "csv"])
    assert r.exit_code == 0 and "hardware_returns" in r.output


def test_processes_takes_the_number_of_worker_processes():
    args = ["run", "essay-realistic", "-n", "200", "--chunk-size", "100"]
    r = runner.invoke(app, [*args, "--processes", "2"])
    assert r.exit_code == 0, r.output
    threads = runner.invoke(app, args)
    assert threads.exit_code == 0
    assert r.output == threads.output  # same numbers whatever runs the chunks
    r = runner.invoke(app, [*args, "--processes", "0"])
    assert r.exit_code == 2


def test_unknown_set_field_suggests_the_closest_names():
    r = runner.invoke(app, ["run", "essay-realistic", "-n", "10", "--set", "policy.strat_year=1"])
    assert r.exit_code == 2
    assert "did you mean 'policy.start_year'" in " ".join(r.output.split())
    r = runner.invoke(app, ["run", "essay-realistic", "-n", "10", "--set", "grid.stp=1"])
    assert r.exit_code == 2 and "'grid.step'" in r.output
    r = runner.invoke(app, ["run", "essay-realistic", "-n", "10", "--set", "hw_dubling_years=2"])
    assert r.exit_code == 2 and "hw_doubling_years" in r.output  # catalog's own suggestion


def test_licence_is_an_spdx_string():
    """A ``license = {text = ...}`` table makes setuptools >= 77 warn on every build."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert meta["project"]["license"] == "MIT"


# -- bounded memory ------------------------------------------------------------------------------


def _flat(output: str) -> str:
    return " ".join(output.split())


def test_ten_million_samples_are_refused_before_allocating():
    r = runner.invoke(app, ["run", "essay-realistic", "--samples", "10000000"])
    assert r.exit_code == 2
    out = _flat(r.output)
    assert "estimated" in out and "memory budget" in out and "GiB" in out
    assert "--samples" in out and "--max-memory" in out
    assert "Traceback" not in out


def test_a_million_samples_with_full_trajectories_are_refused_with_the_fix():
    r = runner.invoke(app, ["compare", "essay-realistic", "-n", "1000000", "--keep", "full"])
    assert r.exit_code == 2
    out = _flat(r.output)
    assert "keep full" in out and "--keep none" in out and "--keep quantiles" in out


def test_a_97000_point_grid_with_trajectories_is_refused_and_keep_none_suggested():
    # Without trajectories (the default) the metrics accumulate in the loop, which keeps only
    # the last year of steps, so such a run fits (tests/test_memory.py); with them it does not.
    args = ["run", "essay-realistic", "--set", "grid.step=0.00036", "--keep", "quantiles"]
    r = runner.invoke(app, args)
    assert r.exit_code == 2
    assert "--keep none" in _flat(r.output)


def test_max_memory_is_parsed_and_applied():
    r = runner.invoke(app, ["run", "essay-realistic", "-n", "10", "--max-memory", "lots"])
    assert r.exit_code == 2 and "--max-memory" in r.output
    r = runner.invoke(app, ["run", "essay-realistic", "-n", "10", "--max-memory", "10MB"])
    assert r.exit_code == 2 and "(--max-memory)" in _flat(r.output)


def test_keep_defaults_to_none_without_out_and_full_with_it(tmp_path):
    import xarray as xr

    r = runner.invoke(app, ["run", "essay-realistic", "-n", "30", "--out", str(tmp_path / "a")])
    assert r.exit_code == 0, r.output
    with xr.open_dataset(tmp_path / "a" / "trajectories_policy.nc") as ds:
        assert ds.sizes["sample"] == 30
    r = runner.invoke(
        app, ["run", "essay-realistic", "-n", "30", "--keep", "none", "-o", str(tmp_path / "b")]
    )
    assert r.exit_code == 0
    assert not (tmp_path / "b" / "trajectories_policy.nc").exists()


def test_default_keep_falls_back_to_quantiles_when_full_would_not_fit(tmp_path):
    import xarray as xr

    from pausesim.memory import format_size
    from pausesim.run import estimate_memory
    from pausesim.scenario import load

    sc = load("essay-realistic", samples=3000)
    from pausesim.executor import LocalExecutor

    workers = LocalExecutor().workers
    full = estimate_memory(sc, keep="full", workers=workers).total
    quantiles = estimate_memory(sc, keep="quantiles", workers=workers).total
    assert quantiles < full
    budget = str((full + quantiles) // 2)
    out = tmp_path / "q"
    args = ["run", "essay-realistic", "-n", "3000", "--max-memory", budget, "--out", str(out)]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "keeping quantiles instead" in _flat(r.output)
    with xr.open_dataset(out / "trajectories_policy.nc") as ds:
        assert "quantile" in ds.dims
    # an explicit --keep full is refused, not changed
    r = runner.invoke(app, [*args[:-2], "--keep", "full"])
    assert r.exit_code == 2 and format_size(int(budget)) in _flat(r.output)


# -- ftm presets in compare -----------------------------------------------------------------------


def test_compare_refuses_to_set_no_pause_against_itself():
    r = runner.invoke(app, ["compare", "ftm-best-guess"])
    assert r.exit_code == 2
    out = _flat(r.output)
    assert "has no pause" in out and "policy.coalition.members" in out
    r = runner.invoke(app, ["compare", "no-pause", "-n", "10"])
    assert r.exit_code == 2 and "has no pause" in _flat(r.output)


@pytest.mark.parametrize("save", [False, True])
def test_ftm_compare_of_a_cap_shows_davidsons_headline_metrics(tmp_path, save):
    """The README's ftm example: a frozen cap from 2027 lifted after five years."""
    out = tmp_path / "ftm"
    args = [
        "compare",
        "ftm-best-guess",
        "--set",
        "policy.name=cap-2027",
        "--set",
        'policy.coalition.members=["world"]',
    ]
    from pausesim.labels import describe

    r = runner.invoke(app, [*args, "--out", str(out)] if save else [*args, "--full"])
    assert r.exit_code == 0, r.output
    for name in ("agi_year", "automation_gns_100pct", "full_automation_gns", "gwp_growth"):
        assert describe(name, "metric", "ftm").label in _flat(r.output)  # in the headline
        if not save:  # and, with --full, its change in the table of every metric
            assert describe(f"delta_{name}", "metric", "ftm").label in _flat(r.output)
    if save:
        policy = pd.read_csv(out / "metrics_policy.csv")
        deltas = pd.read_csv(out / "deltas.csv")
        # docs/ftm.md: best guess, AGI 2040.0 without the pause and 2040.1 with it
        assert policy["agi_year"].iloc[0] == pytest.approx(2040.1, abs=0.01)
        assert deltas["delta_agi_year"].iloc[0] == pytest.approx(0.1, abs=0.01)


def test_analysis_commands_refuse_runs_over_the_memory_budget(monkeypatch):
    from typer.testing import CliRunner

    import pausesim.memory
    from pausesim.cli.app import app

    monkeypatch.setattr(pausesim.memory, "default_budget", lambda: 50 * 2**20)  # 50 MiB
    for command in ("sensitivity", "cruxes"):
        r = CliRunner().invoke(app, [command, "essay-realistic", "-n", "200000"])
        assert r.exit_code == 2, r.output
        assert "memory budget" in " ".join(r.output.split())
