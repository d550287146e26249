"""``pausesim cruxes``: what you would have to believe for the pause to help."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

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
)
from pausesim.cli.sensitivity_cmd import frame_table, progress_bar, resolve_outputs

CruxOutputOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--output",
        help="Verdict to explain (repeatable): p_better:WORLDVIEW:HORIZON, e.g. "
        "p_better:feedback-loop:K>=10.68. Default: P(pause lowers risk) per worldview at the "
        "equal-capability horizon.",
    ),
]


@app.command()
def cruxes(
    scenario: ScenarioArg,
    samples: SamplesOpt = None,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    worldview: WorldviewOpt = None,
    output: CruxOutputOpt = None,
    top: Annotated[
        int,
        typer.Option(
            "--top", min=1, max=200, help="Parameters to print; pairs of the first 3 get a 2-D map."
        ),
    ] = 10,
    bins: Annotated[
        int, typer.Option("--bins", min=2, max=100, help="Quantile bins per parameter.")
    ] = 10,
    boot: Annotated[
        int,
        typer.Option("--boot", min=0, max=10_000, help="Bootstrap resamples for the thresholds."),
    ] = 200,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder for the results.")] = None,
    scheduler: SchedulerOpt = None,
    cluster: ClusterOpt = None,
    backend: BackendOpt = "numpy",
) -> None:
    """Which parameter values, term weights and horizons the verdict turns on.

    One run of the scenario against no pause, then, with no new simulations: P(pause lowers
    risk) in quantile bins of every parameter, the value where it crosses 50% with a bootstrap
    interval, a 2-D map for pairs of the top parameters, and the worldview's term weights and
    the horizon as beliefs. Results: tables here, CSV, Parquet and JSON with --out.
    """
    from pausesim.engines import get_engine
    from pausesim.run import compare
    from pausesim.sensitivity.cruxes import find_cruxes
    from pausesim.sensitivity.files import write_analyses

    sc = _load(scenario, samples, seed, set_, worldview)
    _check_out(out)
    _check_executor(None, None, scheduler, cluster)
    _check_analysis_memory(sc, worlds=sc.samples, n_policies=2)
    if not get_engine(sc.engine).publishes_risk_inputs:
        _fail(
            f"scenario '{sc.name}' runs engine '{sc.engine}', which has no risk, so P(pause "
            "lowers risk) is undefined; use 'pausesim sensitivity' for its takeoff metrics"
        )
    if sc.policy.is_none:
        _fail(f"scenario '{sc.name}' pauses nobody: there is no verdict to explain")
    outputs = resolve_outputs(output, sc)
    started = time.perf_counter()
    with progress_bar(f"cruxes of {sc.name}") as bar:
        task = bar.add_task("simulating", total=sc.samples)
        with _executor(None, None, scheduler, cluster, backend) as executor:
            comparison = compare(
                sc,
                keep="none",
                executor=executor,
                progress=lambda done: bar.update(task, completed=done),
            )
        bar.update(task, description="finding cruxes", completed=0, total=None)
        try:
            found = find_cruxes(
                comparison,
                outputs,
                bins=bins,
                top=3,
                boot=boot,
                seed=sc.seed,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        except ValueError as e:
            _fail(str(e))
    seconds = time.perf_counter() - started
    head = f"{sc.name}, {sc.samples} worlds, seed {sc.seed}"
    shown = [
        "parameter",
        "p_bottom_bin",
        "p_top_bin",
        "movement",
        "threshold",
        "threshold_low",
        "threshold_high",
        "share_crossing",
        "share_beyond",
    ]
    for out_label, g in found.ranking.groupby("output", sort=False):
        console.print(frame_table(g[shown], escape(f"Cruxes of {out_label}: {head}"), top))
        for belief in g["belief"].head(3):
            console.print(f"  - {escape(belief)}")
    if not found.weights.empty:
        cols = [
            "output",
            "term",
            "weight",
            "p_better",
            "p_at_quarter",
            "p_at_four",
            "crossing_factor",
        ]
        console.print(frame_table(found.weights[cols], "Term weights as beliefs (x1/4 to x4)"))
    if not found.horizons.empty:
        cols = ["worldview", "kind", "first", "last", "p_first", "p_last", "crossing"]
        shown_h = found.horizons[cols].astype({"first": str, "last": str, "crossing": object})
        shown_h["crossing"] = [
            f"{v:.4g}" if v == v else "never" for v in found.horizons["crossing"]
        ]
        console.print(frame_table(shown_h, "The horizon as a belief (year, or OOM above GPT-4)"))
    if out is not None:
        summary = {
            "command": "cruxes",
            "scenario": sc.name,
            "samples": sc.samples,
            "seed": sc.seed,
            "outputs": [o.label for o in outputs],
            "options": found.options,
            "seconds": round(seconds, 2),
        }
        tables = {stem: (f, {**summary, "table": stem}) for stem, f in found.frames().items()}
        files = write_analyses(tables, out)
        console.print(f"wrote {len(files)} files to [bold]{out}[/]")
