"""The ``pausesim`` command line: a thin Typer layer over the Python API."""

from __future__ import annotations

import atexit
import contextlib
import json
import sys
from enum import Enum, StrEnum
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
    invoke_without_command=True,  # bare `pausesim` prints this help and exits 0 (see _root)
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
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
FullOpt = Annotated[
    bool,
    typer.Option(
        "--full",
        help="Also print the full tables (every metric, the verdict at every horizon, its "
        "decomposition by hazard term, the drivers) after the headline.",
    ),
]


class KeepChoice(StrEnum):
    """What ``--keep`` keeps of the trajectories."""

    full = "full"
    quantiles = "quantiles"
    none = "none"


class FormatChoice(StrEnum):
    """Output formats of ``pausesim params``."""

    table = "table"
    json = "json"
    csv = "csv"


def _engine_choice() -> type[Enum]:
    from pausesim.engines import engine_names

    return StrEnum("EngineChoice", {name: name for name in engine_names()})


EngineChoice = _engine_choice()

KeepOpt = Annotated[
    KeepChoice | None,
    typer.Option(
        "--keep",
        help="Trajectories to keep: full (every sample), quantiles (5/25/50/75/95% over samples, "
        "for very large runs) or none (metrics only). Default: none, or full with --out (then "
        "quantiles if full would not fit in --max-memory).",
        show_default=False,
    ),
]
MaxMemoryOpt = Annotated[
    str | None,
    typer.Option(
        "--max-memory",
        metavar="SIZE",
        help="Refuse a run whose estimated peak memory exceeds SIZE (e.g. 8GiB, 500MB). "
        "Default: half the machine's RAM.",
        show_default=False,
    ),
]
ChunkOpt = Annotated[
    int, typer.Option("--chunk-size", min=100, max=1_000_000, help="Samples per chunk.")
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        max=64,
        help="Threads for chunks (default 1: threads contend for the GIL and slow the run "
        "down; use --processes N to use more cores).",
    ),
]
ProcessesOpt = Annotated[
    int | None,
    typer.Option(
        "--processes",
        min=1,
        max=64,
        metavar="N",
        help="Run chunks in N worker processes instead of threads: faster for large runs "
        "that keep few trajectories (e.g. --processes 2; see docs/performance.md).",
        show_default=False,
    ),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="Run chunks on the dask cluster whose scheduler listens there (`dask scheduler`, "
        "dask-jobqueue, dask-kubernetes); same numbers as a local run. Needs "
        "pip install 'pausesim\\[dask]'; see docs/scale.md.",
        show_default=False,
    ),
]
ClusterOpt = Annotated[
    str | None,
    typer.Option(
        "--cluster",
        metavar="local[:N]",
        help="Start a dask cluster of N worker processes on this machine for this run "
        "(local: one per CPU); same numbers as a local run. See docs/scale.md.",
        show_default=False,
    ),
]
BackendOpt = Annotated[
    str,
    typer.Option(
        "--backend",
        metavar="numpy|jax",
        help="Array backend of the engine's step: numpy (the reference) or jax (the same step "
        "compiled by XLA; needs pip install 'pausesim\\[fast]'). Numbers equal NumPy's to "
        "about 5e-3 (compute engine, float32) or 1e-9 (ftm, float64); see "
        "docs/performance.md.",
    ),
]
ParamsOpt = Annotated[
    Path | None,
    typer.Option(
        "--params",
        help="TOML file of parameter values (top-level keys are parameter names, as under "
        "\\[world.params]), e.g. the fragment `pausesim calibrate --out` writes; applied like "
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
        _fail(escape(str(e)))


def _load(scenario: str, samples, seed, sets, worldviews=None, params_file: Path | None = None):
    """The validated scenario, or exit 2 with every bad field named (user text printed as is).

    Settings that are valid but have no effect (:attr:`~pausesim.scenario.Scenario.warnings`)
    are printed as warnings on stderr.
    """
    _check_set_names(sets)  # "did you mean" for every command that loads a scenario
    from pausesim.risk import resolve_worldviews
    from pausesim.scenario import ScenarioError, load
    from pausesim.worldviews import WorldviewError

    from_file = _params_file_overrides(params_file)
    overrides = {}
    for item in sets or []:
        if "=" not in item:
            _fail(escape(f"--set expects name=value, got {item!r}"))
        k, v = item.split("=", 1)
        if k.strip() in overrides:
            _fail(escape(f"--set {k.strip()}: given twice; give each field once"))
        overrides[k.strip()] = v.strip()
    if worldviews:
        if "risk.worldviews" in overrides:
            _fail("risk.worldviews: given twice (--set risk.worldviews=... and -w); give it once")
        overrides["risk.worldviews"] = "[" + ", ".join(json.dumps(w) for w in worldviews) + "]"
    try:
        sc = load(scenario, {**from_file, **overrides}, samples=samples, seed=seed)
        resolve_worldviews(sc.risk)  # load custom worldview files now, to report errors early
    except (ScenarioError, WorldviewError) as e:
        if from_file and isinstance(e, ScenarioError):
            try:  # does the scenario load without the parameter file? then the file is at fault
                load(scenario, overrides, samples=samples, seed=seed)
            except (ScenarioError, WorldviewError):
                pass
            else:
                _fail(escape(f"--params {params_file}: invalid parameter file\n{e}"))
        _fail(escape(str(e)))
    for warning in sc.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    return sc


def _check_set_names(sets: list[str] | None) -> None:
    """Refuse a dotted ``--set`` name that is no scenario field, suggesting the closest ones."""
    from pausesim.cli.suggest import unknown_field

    for item in sets or []:
        name = item.split("=", 1)[0].strip()
        problem = unknown_field(name) if "=" in item else None
        if problem:
            _fail(escape(f"--set {name}: {problem}"))


def _check_comparable(sc) -> None:
    """Refuse to compare a scenario without a pause with no pause (itself)."""
    if not sc.policy.is_none:
        return
    member = sc.actors[0]
    hint = (
        f"pausesim compare {sc.name} --set policy.name=cap-2027 "
        f"--set policy.coalition.members='[\"{member}\"]'"
    )
    _fail(
        escape(
            f"scenario '{sc.name}' has no pause (policy '{sc.policy.name}': no actor ever joins "
            f"the coalition), so compare would set no pause against itself. Give it a pause, "
            f"e.g. a frozen cap from {sc.policy.start_year:g} (see policy.* in the scenario "
            f"file):\n  {hint}\nor look at the scenario alone with `pausesim run {sc.name}`."
        )
    )


def _fit_memory(sc, keep, out, chunk_size, workers, processes, max_memory, n_policies) -> str:
    """The ``--keep`` to use, after refusing a run whose estimated peak exceeds the budget.

    ``keep`` unset means ``none`` without ``--out`` and ``full`` with it; if that default would
    not fit, ``quantiles`` is used with a note. An explicit ``--keep`` is never changed.
    """
    from pausesim.executor import LocalExecutor
    from pausesim.memory import default_budget, format_size, machine_memory, parse_size
    from pausesim.run import estimate_memory

    if max_memory is not None:
        try:
            budget = parse_size(max_memory)
        except ValueError as e:
            _fail(escape(f"--max-memory: {e}"))
        origin = "--max-memory"
    else:
        budget = default_budget()
        ram = machine_memory()
        origin = f"half of this machine's {format_size(ram)} RAM" if ram else ""
    explicit = keep is not None
    keep = KeepChoice(keep).value if explicit else ("full" if out is not None else "none")
    if budget is None:
        return keep
    n_workers = processes or LocalExecutor(workers).workers

    def estimate(keep, samples=None, chunk=chunk_size):
        scenario = sc if samples is None else sc.model_copy(update={"samples": samples})
        return estimate_memory(
            scenario,
            n_policies=n_policies,
            keep=keep,
            chunk_size=chunk,
            workers=n_workers,
            processes=bool(processes),
        )

    est = estimate(keep)
    if est.total <= budget:
        return keep
    if not explicit and keep == "full" and estimate("quantiles").total <= budget:
        err_console.print(
            f"[yellow]note:[/] keeping every trajectory would take about "
            f"{format_size(est.total)}, over the {format_size(budget)} budget; keeping "
            "quantiles instead (--keep full to insist, with a larger --max-memory)",
            highlight=False,
        )
        return "quantiles"
    fixes = []
    for other in ("quantiles", "none"):
        if other != keep:
            alt = estimate(other)
            if alt.total <= budget:
                fixes.append(f"--keep {other} (about {format_size(alt.total)})")
    per_sample = max((est.total - estimate(keep, 1).total) / max(sc.samples - 1, 1), 1.0)
    fit_n = int(sc.samples - (est.total - budget) / per_sample)
    if fit_n >= 1:
        fixes.append(f"--samples {fit_n:,} or fewer")
    if est.chunk_size > 100:
        small = estimate(keep, chunk=100)
        if small.total <= budget:
            fixes.append(f"a smaller --chunk-size (100 needs about {format_size(small.total)})")
    fixes.append("a larger --max-memory")
    source = f" ({origin})" if origin else ""
    _fail(
        escape(
            f"this run needs an estimated {est.describe()}, over the memory budget of "
            f"{format_size(budget)}{source}. To fit: " + "; ".join(fixes) + "."
        )
    )


def _check_analysis_memory(sc, *, worlds: int, n_policies: int) -> None:
    """Refuse an analysis whose largest single evaluation would exceed the memory budget.

    The evaluation is ``worlds`` worlds under ``n_policies`` policies, metrics only.
    """
    from pausesim.memory import default_budget, format_size
    from pausesim.run import estimate_memory

    budget = default_budget()
    if budget is None:
        return
    est = estimate_memory(
        sc.model_copy(update={"samples": max(int(worlds), 1)}),
        n_policies=n_policies,
        keep="none",
        chunk_size=5_000,
        workers=1,
        processes=False,
    )
    if est.total > budget:
        _fail(
            escape(
                f"one evaluation of this analysis ({worlds:,} worlds, {n_policies} policies) "
                f"needs an estimated {est.describe()}, over the memory budget of "
                f"{format_size(budget)} (half of this machine's RAM). To fit: fewer worlds "
                "(--samples, --base-samples) or, for sweep, a smaller --batch-size."
            )
        )


def _check_executor(workers, processes, scheduler, cluster) -> int | None:
    """Refuse conflicting or malformed executor options before any work.

    Returns the worker processes on this machine, for the memory estimate (``--processes N``
    or ``--cluster local:N``; ``None`` for threads or a remote cluster).
    """
    chosen = {"--processes": processes, "--scheduler": scheduler, "--cluster": cluster}
    given = [name for name, value in chosen.items() if value is not None]
    if len(given) > 1:
        _fail(f"{given[0]} and {given[1]} both choose where chunks run; give one of them")
    if workers is not None and (scheduler is not None or cluster is not None):
        _fail(
            f"--workers sets threads in this process; with {given[0]} chunks run on dask "
            "workers (one thread each), so drop --workers"
        )
    from pausesim.dask_executor import check_address, parse_cluster

    if scheduler is not None:
        try:
            check_address(scheduler)
        except ValueError as e:
            _fail(escape(f"--scheduler: {e}"))
    if cluster is not None:
        try:
            return parse_cluster(cluster)
        except ValueError as e:
            _fail(escape(f"--cluster: {e}"))
    return processes


def _check_backend(backend: str) -> str:
    """``--backend``, or exit naming the allowed values (and how to install JAX)."""
    from pausesim.backend import BACKENDS, require_jax

    if backend not in BACKENDS:
        _fail(f"--backend must be one of {', '.join(BACKENDS)}; got {backend!r}")
    if backend == "jax":
        try:
            require_jax()
        except ImportError as e:
            _fail(escape(f"--backend jax: {e}"))
    return backend


@contextlib.contextmanager
def _executor(workers, processes, scheduler, cluster, backend="numpy"):
    """The executor the options choose; a dask one is connected or started, and closed after."""
    from pausesim.executor import LocalExecutor, ProcessExecutor

    backend = _check_backend(backend)
    if scheduler is None and cluster is None:
        if processes:
            yield ProcessExecutor(processes, backend=backend)
        else:
            yield LocalExecutor(workers, backend=backend)
        return
    from pausesim.dask_executor import ChunkFailedError, ClusterError, DaskExecutor, parse_cluster

    option = "--scheduler" if scheduler is not None else "--cluster"
    try:
        if scheduler is not None:
            executor = DaskExecutor(scheduler, backend=backend)
        else:
            executor = DaskExecutor(local_workers=parse_cluster(cluster), backend=backend)
    except (ClusterError, ValueError) as e:
        _fail(escape(f"{option}: {e}"))
    err_console.print(f"running chunks on the {escape(executor.describe())}", highlight=False)
    try:
        yield executor
    except ChunkFailedError as e:
        err_console.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False)
        raise typer.Exit(1) from None
    finally:
        executor.close()


def _execute(
    fn,
    scenario,
    keep,
    chunk_size,
    workers,
    processes=None,
    scheduler=None,
    cluster=None,
    backend="numpy",
):
    if keep not in ("full", "quantiles", "none"):
        _fail(f"--keep must be one of full, quantiles, none; got {keep!r}")
    with _executor(workers, processes, scheduler, cluster, backend) as executor, Progress(
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
            executor=executor,
            progress=lambda done: bar.update(task, completed=done),
        )


#: Widest a report is printed: longer lines are hard to read.
_MAX_WIDTH = 110


def _print(parts) -> None:
    """Print the renderables of a report, a blank line between them.

    The width follows the terminal, or ``COLUMNS`` when it is set (also when piped); other
    piped output gets a wide fixed width; no report is wider than :data:`_MAX_WIDTH`.
    """
    import os

    columns = os.environ.get("COLUMNS", "")
    console.width = int(columns) if columns.isdigit() else (None if console.is_terminal else 150)
    for i, part in enumerate(parts):
        if i:
            console.print()
        console.print(part, highlight=False, width=min(console.width, _MAX_WIDTH))


# --out folders locked by _check_out: released by _save, or when the process exits.
_out_locks = contextlib.ExitStack()
atexit.register(_out_locks.close)
_started: dict[Path, str] = {}


def _check_out(out: Path | None) -> None:
    """Refuse a bad ``--out`` before simulating, and lock it against other writers until saved."""
    if out is None:
        return
    from datetime import UTC, datetime

    from pausesim.io.folder import OutputFolderError, check_output_folder, folder_lock

    try:
        path = _out_locks.enter_context(folder_lock(check_output_folder(out)))
    except OutputFolderError as e:
        _fail(f"--out {escape(str(e))}")
    except OSError as e:
        _fail(f"--out {escape(str(out))}: cannot write ({escape(e.strerror or str(e))})")
    _started[path] = datetime.now(UTC).isoformat(timespec="milliseconds")


def _save(result, out: Path | None, keep: str) -> None:
    """Write the results folder as a unit (the old one stays whole if this fails)."""
    if out is None:
        return
    import os

    from pausesim.io.folder import OutputFolderError
    from pausesim.run import save_result

    try:
        files = save_result(
            result,
            out,
            trajectories=keep != "none",
            keep=keep,
            command=sys.argv,
            started=_started.get(Path(os.path.abspath(out))),
        )
    except OutputFolderError as e:
        _fail(f"--out {escape(str(e))}")
    except OSError as e:
        err_console.print(
            f"[bold red]error:[/] cannot write {escape(str(out))}: "
            f"{escape(e.strerror or str(e))}; nothing there was changed",
            highlight=False,
        )
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        err_console.print(f"interrupted: {escape(str(out))} left as it was", highlight=False)
        raise
    finally:
        _out_locks.close()
    console.print(f"wrote {len(files)} files to [bold]{escape(str(out))}[/]", highlight=False)


@app.command()
def run(
    scenario: ScenarioArg,
    samples: SamplesOpt = None,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    out: OutOpt = None,
    keep: KeepOpt = None,
    chunk_size: ChunkOpt = 5_000,
    workers: WorkersOpt = None,
    processes: ProcessesOpt = None,
    scheduler: SchedulerOpt = None,
    cluster: ClusterOpt = None,
    backend: BackendOpt = "numpy",
    worldview: WorldviewOpt = None,
    params_file: ParamsOpt = None,
    max_memory: MaxMemoryOpt = None,
    full: FullOpt = False,
) -> None:
    """Run one scenario and print what happens: the danger year, the pause and the frontier.

    --full adds the median and 90% interval of every metric.
    """
    from pausesim.run import simulate

    sc = _load(scenario, samples, seed, set_, worldview, params_file)
    _check_out(out)
    local = _check_executor(workers, processes, scheduler, cluster)
    threads = 1 if scheduler is not None else workers  # a remote cluster: one chunk here at a time
    keep = _fit_memory(sc, keep, out, chunk_size, threads, local, max_memory, n_policies=1)
    result = _execute(
        simulate, sc, keep, chunk_size, workers, processes, scheduler, cluster, backend
    )
    _print(render.run_report(result, full=full, out=out))
    _save(result, out, keep)


@app.command()
def compare(
    scenario: ScenarioArg,
    samples: SamplesOpt = None,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    out: OutOpt = None,
    keep: KeepOpt = None,
    chunk_size: ChunkOpt = 5_000,
    workers: WorkersOpt = None,
    processes: ProcessesOpt = None,
    scheduler: SchedulerOpt = None,
    cluster: ClusterOpt = None,
    backend: BackendOpt = "numpy",
    worldview: WorldviewOpt = None,
    params_file: ParamsOpt = None,
    max_memory: MaxMemoryOpt = None,
    full: FullOpt = False,
) -> None:
    """Compare the scenario's pause with no pause on the same sampled worlds.

    Prints a headline: the delay, the pause's length, the overhang and jump, who holds the
    frontier, why the pause ended and the verdict under each worldview. --full adds every
    table; --out writes every number (worlds.csv has one row per world).
    """
    from pausesim.run import compare as compare_

    sc = _load(scenario, samples, seed, set_, worldview, params_file)
    _check_out(out)
    _check_comparable(sc)
    local = _check_executor(workers, processes, scheduler, cluster)
    threads = 1 if scheduler is not None else workers  # a remote cluster: one chunk here at a time
    keep = _fit_memory(sc, keep, out, chunk_size, threads, local, max_memory, n_policies=2)
    comparison = _execute(
        compare_, sc, keep, chunk_size, workers, processes, scheduler, cluster, backend
    )
    _print(render.comparison_report(comparison, full=full, out=out))
    _save(comparison, out, keep)


@app.command()
def params(
    engine: Annotated[
        EngineChoice, typer.Option("--engine", help="Engine whose parameters to list.")
    ] = "compute",
    format: Annotated[
        FormatChoice, typer.Option("--format", "-f", help="Output format.")
    ] = FormatChoice.table,
) -> None:
    """List every parameter: unit, default (90% interval), allowed range and source."""
    from pausesim.engines import get_engine

    engine, format = EngineChoice(engine).value, FormatChoice(format).value
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


def _show_version(value: bool) -> None:
    if value:
        from pausesim import __version__

        typer.echo(f"pausesim {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


def main() -> None:
    """Entry point of the ``pausesim`` script.

    SIGINT and SIGTERM stop the command with exit status 130 or 143, even where Python would
    have swallowed the interrupt (:mod:`pausesim.io.interrupts`).
    """
    from pausesim.io.interrupts import exit_status, handle_signals

    with handle_signals():
        try:
            app()
        except SystemExit as e:
            raise SystemExit(exit_status(e.code)) from None
        raise SystemExit(exit_status(0))


if __name__ == "__main__":  # pragma: no cover
    main()


# Analysis commands live in their own modules and register on ``app`` when imported.
from pausesim.cli import cruxes_cmd as _cruxes_cmd  # noqa: E402, F401
from pausesim.cli import report_cmd as _report_cmd  # noqa: E402, F401
from pausesim.cli import sensitivity_cmd as _sensitivity_cmd  # noqa: E402, F401
from pausesim.cli import serve_cmd as _serve_cmd  # noqa: E402, F401
from pausesim.cli import sweep_cmd as _sweep_cmd  # noqa: E402, F401
