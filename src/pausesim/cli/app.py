"""The ``pausesim`` command line: a thin Typer layer over the Python API."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
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


def _load(scenario: str, samples, seed, sets, worldviews=None):
    from pausesim.risk import resolve_worldviews
    from pausesim.scenario import ScenarioError, load
    from pausesim.worldviews import WorldviewError

    overrides = {}
    for item in sets or []:
        if "=" not in item:
            _fail(f"--set expects name=value, got {item!r}")
        k, v = item.split("=", 1)
        overrides[k.strip()] = v.strip()
    if worldviews:
        overrides["risk.worldviews"] = "[" + ", ".join(f'"{w}"' for w in worldviews) + "]"
    try:
        sc = load(scenario, overrides, samples=samples, seed=seed)
        resolve_worldviews(sc.risk)  # load custom worldview files now, to report errors early
        return sc
    except (ScenarioError, WorldviewError) as e:
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
) -> None:
    """Run one scenario and print the median and 90% interval of every metric."""
    from pausesim.run import simulate

    sc = _load(scenario, samples, seed, set_, worldview)
    result = _execute(simulate, sc, keep, chunk_size, workers, processes)
    console.print(render.run_table(result))
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
) -> None:
    """Compare the scenario's pause with no pause on the same sampled worlds.

    Shows the delay, the overhang and jump, who holds the frontier, and the verdict under each
    worldview.
    """
    from pausesim.run import compare as compare_

    sc = _load(scenario, samples, seed, set_, worldview)
    comparison = _execute(compare_, sc, keep, chunk_size, workers, processes)
    console.print(render.comparison_table(comparison))
    for table in (render.verdict_table(comparison), render.drivers_table(comparison)):
        if table is not None:
            console.print(table)
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


def main() -> None:
    """Entry point of the ``pausesim`` script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
