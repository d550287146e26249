"""The ``pausesim`` command line: a thin Typer layer over the Python API."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from pausesim.cli import render

app = typer.Typer(
    name="pausesim",
    help="Simulate AI development under AI-pause policies: the delay a pause buys, the "
    "overhang and capability jump when it lifts, and who holds the frontier.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped output (files, CI logs) gets a wide fixed width instead of Rich's 80 columns.
console = Console(width=None if sys.stdout.isatty() else 150)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 150)

ScenarioArg = Annotated[
    str, typer.Argument(help="A shipped scenario name (see `pausesim scenarios`) or a .toml file.")
]
SamplesOpt = Annotated[
    int | None, typer.Option("--samples", "-n", help="Number of sampled worlds.")
]
SeedOpt = Annotated[
    int | None, typer.Option("--seed", help="Random seed (same seed, same numbers).")
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override a field: name=value, e.g. hw_doubling_years=2.0, "
        "policy.end.duration_years=10, or 'alg_halving_months={kind=\"lognormal\", p5=6, p95=12}'; "
        "'none' resets a field to its default. Validated exactly like the file.",
    ),
]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Folder to write results to.")]
KeepOpt = Annotated[
    str,
    typer.Option(
        "--keep",
        help="Trajectories to keep: full (every sample), quantiles (5/25/50/75/95% over samples, "
        "for very large runs) or none (metrics only).",
    ),
]
ChunkOpt = Annotated[
    int, typer.Option("--chunk-size", min=100, max=1_000_000, help="Samples per chunk.")
]
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", min=1, max=64, help="Threads (or processes) for chunks."),
]
ProcessesOpt = Annotated[
    bool,
    typer.Option(
        "--processes",
        help="Run chunks in worker processes instead of threads: faster for large runs "
        "that keep few trajectories (see docs/performance.md).",
    ),
]
ParamsOpt = Annotated[
    Path | None,
    typer.Option(
        "--params",
        help="TOML file of parameter values (top-level keys are parameter names, as under "
        "[world.params]), e.g. the fragment `pausesim calibrate --out` writes; applied like "
        "--set overrides, before any --set.",
    ),
]
WorldviewOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--worldview",
        "-w",
        help="Worldview to evaluate (repeatable): feedback-loop, time-to-prepare, "
        "conflict-and-tyranny, or a .toml file of weights. Default: the scenario's.",
    ),
]


def _fail(message: str) -> None:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    raise typer.Exit(2)


def _params_file_overrides(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    from pausesim.calibration.errors import CalibrationError
    from pausesim.calibration.fragment import params_overrides

    try:
        return params_overrides(path)
    except CalibrationError as e:
        _fail(str(e))


def _load(scenario: str, samples, seed, sets, worldviews=None, params_file: Path | None = None):
    from pausesim.risk import resolve_worldviews
    from pausesim.scenario import ScenarioError, load
    from pausesim.worldviews import WorldviewError

    from_file = _params_file_overrides(params_file)
    overrides = {}
    for item in sets or []:
        if "=" not in item:
            _fail(f"--set expects name=value, got {item!r}")
        k, v = item.split("=", 1)
        overrides[k.strip()] = v.strip()
    if worldviews:
        overrides["risk.worldviews"] = "[" + ", ".join(f'"{w}"' for w in worldviews) + "]"
    try:
        sc = load(scenario, {**from_file, **overrides}, samples=samples, seed=seed)
        resolve_worldviews(sc.risk)  # load custom worldview files now, to report errors early
        return sc
    except (ScenarioError, WorldviewError) as e:
        if from_file and isinstance(e, ScenarioError):
            try:  # does the scenario load without the parameter file? then the file is at fault
                load(scenario, overrides, samples=samples, seed=seed)
            except ScenarioError:
                pass
            else:
                _fail(f"--params {params_file}: invalid parameter file\n{e}")
        _fail(str(e))


def _execute(fn, scenario, keep, chunk_size, workers, processes=False):
    from pausesim.executor import LocalExecutor, ProcessExecutor

    if keep not in ("full", "quantiles", "none"):
        _fail(f"--keep must be one of full, quantiles, none; got {keep!r}")
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=scenario.samples < 20_000 or not err_console.is_terminal,
    ) as bar:
        task = bar.add_task(f"{scenario.name}", total=scenario.samples)
        return fn(
            scenario,
            keep=keep,
            chunk_size=chunk_size,
            executor=ProcessExecutor(workers) if processes else LocalExecutor(workers),
            progress=lambda done: bar.update(task, completed=done),
        )


def _save(result, out: Path | None, keep: str) -> None:
    if out is None:
        return
    from pausesim.run import save_result

    files = save_result(result, out, trajectories=keep != "none")
    console.print(f"wrote {len(files)} files to [bold]{out}[/]")


@app.command()
def run(
    scenario: ScenarioArg,
    samples: SamplesOpt = None,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    out: OutOpt = None,
    keep: KeepOpt = "full",
    chunk_size: ChunkOpt = 5_000,
    workers: WorkersOpt = None,
    processes: ProcessesOpt = False,
    worldview: WorldviewOpt = None,
    params_file: ParamsOpt = None,
) -> None:
    """Run one scenario and print the median and 90% interval of every metric."""
    from pausesim.run import simulate

    sc = _load(scenario, samples, seed, set_, worldview, params_file)
    result = _execute(simulate, sc, keep, chunk_size, workers, processes)
    console.print(render.run_table(result))
    reasons = render.lift_reason_table(result)
    if reasons is not None:
        console.print(reasons)
    _save(result, out, keep)


@app.command()
def compare(
    scenario: ScenarioArg,
    samples: SamplesOpt = None,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    out: OutOpt = None,
    keep: KeepOpt = "full",
    chunk_size: ChunkOpt = 5_000,
    workers: WorkersOpt = None,
    processes: ProcessesOpt = False,
    worldview: WorldviewOpt = None,
    params_file: ParamsOpt = None,
) -> None:
    """Compare the scenario's pause with no pause on the same sampled worlds.

    Shows the delay, the overhang and jump, who holds the frontier, and the verdict under each
    worldview.
    """
    from pausesim.run import compare as compare_

    sc = _load(scenario, samples, seed, set_, worldview, params_file)
    comparison = _execute(compare_, sc, keep, chunk_size, workers, processes)
    console.print(render.comparison_table(comparison))
    tables = (
        render.lift_reason_table(comparison.policy),
        render.verdict_table(comparison),
        render.decomposition_table(comparison),
        render.horizon_table(comparison),
        render.drivers_table(comparison),
    )
    for table in tables:
        if table is not None:
            console.print(table)
    for line in render.horizon_warnings(comparison):
        console.print(f"[yellow]{escape(line)}[/]")
    _save(comparison, out, keep)


@app.command()
def params(
    engine: Annotated[str, typer.Option(help="Engine whose parameters to list.")] = "compute",
    format: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
) -> None:
    """List every parameter: unit, default (90% interval), allowed range and source."""
    from pausesim.engines import engine_names, get_engine

    if engine not in engine_names():
        _fail(f"--engine must be one of {', '.join(engine_names())}; got {engine!r}")
    records = get_engine(engine).catalog.records()
    if format == "json":
        sys.stdout.write(json.dumps(records, indent=1, default=str) + "\n")
    elif format == "csv":
        import pandas as pd

        sys.stdout.write(pd.DataFrame(records).to_csv(index=False))
    elif format == "table":
        console.print(render.params_table(records, engine))
    else:
        _fail(f"--format must be one of table, json, csv; got {format!r}")


@app.command()
def worldviews() -> None:
    """List the built-in worldviews: their hazard terms, weights and sources."""
    from pausesim.worldviews import BUILTIN, TERMS

    console.print(render.worldview_table(BUILTIN.values(), TERMS))


@app.command()
def scenarios() -> None:
    """List the shipped scenarios, one line each."""
    from pausesim.scenario import load, preset_names

    table = Table(title="Shipped scenarios", show_lines=False)
    table.add_column("name", style="bold")
    table.add_column("engine")
    table.add_column("description")
    for name in preset_names():
        sc = load(name)
        table.add_row(name, sc.engine, sc.description)
    console.print(table)


def _growth(x: float) -> str:
    return f"{x:.3g}x"


def _trend_table(calibration) -> Table:
    table = Table(
        title="Trends fitted to Epoch AI data (growth factor per year, bootstrap median and 90% "
        "interval)",
    )
    table.add_column("trend", style="bold")
    table.add_column("quantity")
    table.add_column("unit")
    table.add_column("n", justify="right")
    table.add_column("growth/yr", justify="right")
    table.add_column("90% interval", justify="right")
    table.add_column("doubling", justify="right")
    for f in calibration.fits:
        table.add_row(
            f.trend,
            escape(f.quantity),
            escape(f.unit),
            str(f.n),
            _growth(f.growth_median),
            f"[{f.growth_p5:.3g}, {f.growth_p95:.3g}]",
            f"{12 * f.doubling_years:.1f} months",
        )
    table.caption = escape(calibration.fits[0].method) + "; release prices are nominal USD"
    return table


def _selection_lines(calibration) -> list[str]:
    return [f"selection of {f.trend}: {f.selection}" for f in calibration.fits]


def _backtest_tables(bt) -> list[Table]:
    starts = Table(title="Backtest starting points (where the frontier stood on January 1)")
    for col in (
        "start",
        "initial compute (FLOP), median [90%]",
        "from",
        "initial cost (2023 USD)",
        "from",
    ):
        starts.add_column(col)
    for r in bt.starts.itertuples():
        starts.add_row(
            str(r.start_year),
            f"{r.initial_compute_flop:.3g} "
            f"[{r.initial_compute_p5:.2g}, {r.initial_compute_p95:.2g}]",
            escape(r.compute_from),
            f"{r.initial_cost_usd:.3g}",
            escape(r.cost_from),
        )
    cov = Table(
        title=f"Backtest: later models in the simulated no-pause frontier ({bt.samples} samples, "
        f"seed {bt.seed})",
        caption="coverage = share of models inside the central 50% / 90% band of the simulated "
        "largest training run at their publication date; 'all' pools every start year",
    )
    for col in ("models", "start", "n", "in 50% band", "in 90% band", "median percentile"):
        cov.add_column(col, justify="right" if col not in ("models", "start") else "left")
    for (group, start), r in bt.summary.iterrows():
        cov.add_row(
            group,
            str(start),
            str(int(r["n"])),
            f"{r['coverage50']:.0%}",
            f"{r['coverage90']:.0%}",
            f"{r['median_percentile']:.1f}",
        )
    return [starts, cov]


@app.command()
def calibrate(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Folder with Epoch's notable_ai_models.csv and ml_hardware.csv. Default: the "
            "cache (downloaded on first use), else the snapshot shipped with pausesim.",
        ),
    ] = None,
    top: Annotated[
        int,
        typer.Option("--top", min=1, max=1000, help="Frontier = top N by compute at publication."),
    ] = 10,
    since: Annotated[
        str, typer.Option("--since", help="First year (or ISO date) of the frontier fits.")
    ] = "2015",
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", min=10, max=100_000, help="Bootstrap resamples.")
    ] = 2000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the bootstrap.")] = 0,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the calibrated parameters as a TOML fragment."),
    ] = None,
    run_backtest: Annotated[
        bool,
        typer.Option("--backtest", help="Also backtest the no-pause baseline from past years."),
    ] = False,
    samples: Annotated[
        int, typer.Option("--samples", "-n", min=10, max=100_000, help="Backtest samples.")
    ] = 2000,
    offline: Annotated[
        bool, typer.Option("--offline", help="Never download: cache, else the shipped snapshot.")
    ] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Download the live datasets again into the cache.")
    ] = False,
) -> None:
    """Fit compute, cost and price-performance trends to Epoch AI data (CC-BY 4.0).

    Prints the fits with their 90% intervals; --out writes the parameters they calibrate
    (spend_growth_per_year, precision_gain_per_year) as a fragment for `run --params`;
    --backtest places later models in the simulated no-pause frontier.
    """
    from pausesim.calibration import CITATION, CalibrationError, calibrate, load_epoch
    from pausesim.calibration.fragment import calibration_fragment, write_fragment

    try:
        epoch = load_epoch(data, download_missing=not offline, refresh=refresh)
        for note in epoch.messages:
            err_console.print(f"[yellow]note:[/] {escape(note)}", highlight=False)
        cal = calibrate(epoch, top=top, since=since, n_boot=bootstrap, seed=seed)
    except CalibrationError as e:
        _fail(escape(str(e)))
    console.print(_trend_table(cal))
    for line in _selection_lines(cal):
        console.print(escape(line), highlight=False)
    for kind, source in epoch.sources.items():
        console.print(f"{kind}: {escape(source)}", highlight=False)
    excluded = ", ".join(f"{e.rows} {e.reason} ({e.file})" for e in epoch.exclusions)
    console.print(f"excluded rows: {escape(excluded) or 'none'}", highlight=False)
    console.print(f"data: {CITATION}", highlight=False)
    params = cal.parameters()
    for name, dist in params.items():
        console.print(
            f"{name} = lognormal 90% [{dist.p5:.4g}, {dist.p95:.4g}] (median {dist.median():.4g})",
            highlight=False,
        )
    if out is not None:
        try:
            write_fragment(calibration_fragment(cal), out)
        except OSError as e:
            _fail(f"--out {out}: cannot write ({e.strerror})")
        console.print(
            f"wrote [bold]{escape(str(out))}[/] "
            f"(use: pausesim run no-pause --params {escape(str(out))})"
        )
    if run_backtest:
        from pausesim.calibration.backtest import backtest
        from pausesim.scenario import ScenarioError

        try:
            bt = backtest(epoch, samples=samples, seed=seed, top=top, calibration=cal)
        except (CalibrationError, ScenarioError) as e:
            _fail(escape(str(e)))
        for table in _backtest_tables(bt):
            console.print(table)


def main() -> None:
    """Entry point of the ``pausesim`` script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()


# Analysis commands live in their own modules and register on ``app`` when imported.
from pausesim.cli import cruxes_cmd as _cruxes_cmd  # noqa: E402, F401
from pausesim.cli import sensitivity_cmd as _sensitivity_cmd  # noqa: E402, F401
from pausesim.cli import sweep_cmd as _sweep_cmd  # noqa: E402, F401
