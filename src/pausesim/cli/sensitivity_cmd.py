"""``pausesim sensitivity``: which parameters move a verdict, by any registered method."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from pausesim.cli.app import (
    BackendOpt,
    ClusterOpt,
    SamplesOpt,
    ScenarioArg,
    SchedulerOpt,
    SeedOpt,
    SetOpt,
    WorldviewOpt,
    _check_analysis_memory,
    _check_executor,
    _check_out,
    _executor,
    _fail,
    _load,
    app,
    console,
    err_console,
)

OutputOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--output",
        help="What to explain (repeatable): p_better:WORLDVIEW:HORIZON, "
        "delta_risk:WORLDVIEW:HORIZON, overhang, max_jump, delay or pause_years. "
        "Default: P(pause lowers risk) per worldview at the equal-capability horizon.",
    ),
]


def progress_bar(description: str):
    """A Rich progress bar on stderr (hidden when stderr is not a terminal)."""
    return Progress(
        f"[progress.description]{escape(description)}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )


def resolve_outputs(texts: list[str] | None, scenario) -> list:
    """Outputs from ``--output``, or P(better) per worldview at the last level horizon."""
    from pausesim.engines import get_engine
    from pausesim.risk import horizon_labels
    from pausesim.sensitivity import Output, parse

    try:
        if texts:
            outputs = [parse(t) for t in texts]
        elif get_engine(scenario.engine).publishes_risk_inputs:
            horizon = horizon_labels(scenario.risk)[-1]
            return [Output("p_better", w, horizon) for w in scenario.risk.worldviews]
        else:  # no risk in this engine: the pause metrics
            return [Output(k) for k in ("overhang", "max_jump", "delay", "pause_years")]
    except ValueError as e:
        _fail(str(e))
    if any(o.is_risk for o in outputs) and not get_engine(scenario.engine).publishes_risk_inputs:
        _fail(
            f"--output: engine '{scenario.engine}' publishes no risk; use overhang, max_jump, "
            "delay or pause_years"
        )
    return outputs


def frame_table(frame, title: str, top: int | None = None) -> Table:
    """A DataFrame as a Rich table, numbers to 3 significant digits."""
    t = Table(title=title)
    df = frame.reset_index() if frame.index.name or frame.index.nlevels > 1 else frame
    for col in df.columns:
        t.add_column(str(col), justify="right" if df[col].dtype.kind in "fiu" else "left")
    rows = df if top is None else df.head(top)
    for _, row in rows.iterrows():
        t.add_row(*(escape(_cell(v)) for v in row.to_list()))
    return t


def _cell(v) -> str:
    if isinstance(v, float):
        return "—" if v != v else f"{v:.3g}"
    return str(v)


@app.command()
def sensitivity(
    scenario: ScenarioArg,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            "-m",
            help="tornado (one-at-a-time, 5th/95th percentile), sobol (variance-based, "
            "Saltelli design), or pawn, rbd-fast, delta (given data: no new simulations).",
        ),
    ] = "tornado",
    output: OutputOpt = None,
    samples: SamplesOpt = None,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    worldview: WorldviewOpt = None,
    parameter: Annotated[
        list[str] | None,
        typer.Option("--parameter", "-p", help="Parameters to analyse (repeatable). Default: all."),
    ] = None,
    base_samples: Annotated[
        int,
        typer.Option(
            "--base-samples",
            min=8,
            max=65_536,
            help="sobol: base sample N (a power of 2); N x (D + 2) worlds for D factors.",
        ),
    ] = 256,
    levers: Annotated[
        bool,
        typer.Option(
            "--levers", help="tornado: also switch each policy lever (booleans, options)."
        ),
    ] = False,
    top: Annotated[int, typer.Option("--top", min=1, max=500, help="Rows to print.")] = 20,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder for the results.")] = None,
    scheduler: SchedulerOpt = None,
    cluster: ClusterOpt = None,
    backend: BackendOpt = "numpy",
) -> None:
    """Rank the parameters by how much they move a verdict or metric.

    Every evaluation runs on common random numbers, so differences come from what is varied.
    Results: a table here, and CSV, Parquet and a JSON summary with --out.
    """
    from pausesim.sensitivity import get_method
    from pausesim.sensitivity.files import write_analysis

    try:
        runner = get_method(method)
    except ValueError as e:
        _fail(str(e))
    sc = _load(scenario, samples, seed, set_, worldview)
    _check_out(out)
    _check_executor(None, None, scheduler, cluster)
    _check_analysis_memory(
        sc, worlds=base_samples if method == "sobol" else sc.samples, n_policies=2
    )
    outputs = resolve_outputs(output, sc)
    started = time.perf_counter()
    with (
        _executor(None, None, scheduler, cluster, backend) as executor,
        progress_bar(f"{method} on {sc.name}") as bar,
    ):
        task = bar.add_task(method, total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            frame = runner.analyze(
                sc,
                outputs,
                parameters=parameter or None,
                base_samples=base_samples,
                progress=progress,
                executor=executor,
                **({"levers": True} if levers else {}),
            )
        except ValueError as e:
            _fail(str(e))
    seconds = time.perf_counter() - started
    worlds = frame.attrs.get("evaluations", sc.samples)
    title = f"{method}: {escape(sc.name)}, {worlds} worlds, seed {sc.seed}"
    console.print(frame_table(frame, title, top))
    if out is not None:
        summary = {
            "method": method,
            "scenario": sc.name,
            "samples": sc.samples,
            "seed": sc.seed,
            "outputs": [o.label for o in outputs],
            "parameters": parameter or "all",
            "base_samples": base_samples if method == "sobol" else None,
            "seconds": round(seconds, 2),
            "attrs": frame.attrs,
        }
        files = write_analysis(frame, out, f"sensitivity_{method}", summary)
        console.print(f"wrote {len(files)} files to [bold]{out}[/]")
