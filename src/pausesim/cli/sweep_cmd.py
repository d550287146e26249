"""``pausesim sweep``: a grid and an optimizer over pause designs, and the risk-delay Pareto set."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
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
)
from pausesim.cli.sensitivity_cmd import progress_bar


@app.command()
def sweep(
    scenario: ScenarioArg,
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            help="A lever and its grid values (repeatable; the grid is every combination): "
            "LEVER=V1,V2,..., a dotted policy field, e.g. end.duration_years=2,5,10, "
            "coalition.members=us_allies,us_allies+china,all, cap.kind=frozen,declining, "
            "lift.kind=abrupt,phased, hardware_rnd_paused=false,true, 'none' unsets a field.",
        ),
    ] = None,
    samples: SamplesOpt = None,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    worldview: WorldviewOpt = None,
    horizon: Annotated[
        str | None,
        typer.Option(
            "--horizon",
            help="Horizon of the expected risk: a year (2040) or level (K>=10.68) of the "
            "scenario's risk settings. Default: its last (the full-automation level).",
        ),
    ] = None,
    optimize: Annotated[
        list[str] | None,
        typer.Option(
            "--optimize",
            help="A continuous lever and its bounds (repeatable): LEVER=LO:HI, e.g. "
            "end.duration_years=1:30. Differential evolution per worldview, from its best grid "
            "design, on the same worlds.",
        ),
    ] = None,
    cost: Annotated[
        str,
        typer.Option(
            "--cost",
            help="Cost axis of the Pareto set: delay (mean delay of the danger level, years) "
            "or paused_years (mean years a pause is in force).",
        ),
    ] = "delay",
    maxiter: Annotated[
        int, typer.Option("--maxiter", min=1, max=200, help="Optimizer generations.")
    ] = 8,
    popsize: Annotated[
        int,
        typer.Option("--popsize", min=2, max=100, help="Optimizer population per lever."),
    ] = 6,
    opt_seed: Annotated[int, typer.Option("--opt-seed", min=0, help="Optimizer seed.")] = 0,
    batch_size: Annotated[
        int,
        typer.Option("--batch-size", min=1, max=1000, help="Designs per engine pass."),
    ] = 20,
    top: Annotated[
        int, typer.Option("--top", min=1, max=500, help="Best designs to print per worldview.")
    ] = 5,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder for the results.")] = None,
    scheduler: SchedulerOpt = None,
    cluster: ClusterOpt = None,
    backend: BackendOpt = "numpy",
) -> None:
    """Search pause designs: expected risk per worldview, and the risk-delay trade-off.

    Every design is evaluated on the same sampled worlds as no pause (common random numbers).
    Prints the best designs per worldview and the Pareto set (no other design has both lower
    expected risk and lower cost); --out writes sweep.csv, sweep.parquet and sweep.json.
    """
    from pausesim.sensitivity.search import (
        design_policies,
        parse_bounds,
        parse_lever,
        resolve_horizon,
        search,
    )

    if not vary and not optimize:
        _fail("give at least one --vary LEVER=V1,V2,... or --optimize LEVER=LO:HI")
    sc = _load(scenario, samples, seed, set_, worldview)
    _check_out(out)
    _check_executor(None, None, scheduler, cluster)
    _check_analysis_memory(sc, worlds=sc.samples, n_policies=batch_size + 1)
    try:
        levers = dict(parse_lever(v) for v in vary or [])
        bounds = dict(parse_bounds(b) for b in optimize or [])
        label = resolve_horizon(sc, horizon)
        n_designs = len(design_policies(sc.policy, levers, sc.actors))
    except ValueError as e:
        _fail(escape(str(e)))
    started = time.perf_counter()
    with (
        _executor(None, None, scheduler, cluster, backend) as executor,
        progress_bar(f"sweep {sc.name}") as bar,
    ):
        grid_task = bar.add_task("grid", total=n_designs)
        opt_task = bar.add_task("optimizer", total=None, visible=bool(bounds))
        phase = {"task": grid_task}

        def progress(done: int, total: int) -> None:
            if phase["task"] == grid_task and done >= n_designs:
                bar.update(grid_task, completed=done)
                phase["task"] = opt_task
                return
            bar.update(phase["task"], completed=done, total=total)

        try:
            frame = search(
                sc,
                levers,
                bounds or None,
                horizon=label,
                cost=cost,
                batch_size=batch_size,
                maxiter=maxiter,
                popsize=popsize,
                seed=opt_seed,
                progress=progress,
                executor=executor,
            )
        except ValueError as e:
            _fail(escape(str(e)))
    seconds = time.perf_counter() - started
    for table in result_tables(frame, top):
        console.print(table)
    if out is not None:
        from pausesim.sensitivity.files import write_analysis

        files = write_analysis(frame, out, "sweep", sweep_summary(frame, seconds))
        console.print(f"wrote {len(files)} files to [bold]{escape(str(out))}[/]")


def result_tables(frame, top: int) -> list[Table]:
    """Per worldview: its best ``top`` designs, then the Pareto set of risk against cost."""
    import pandas as pd

    from pausesim.sensitivity.search import best_designs

    a = frame.attrs
    cost_col = a.get("cost_column", "delay_years")
    where = f"{a.get('samples')} worlds, seed {a.get('seed')}, risk by {a.get('horizon')}"
    tables = []
    best = best_designs(frame, top)
    for w in dict.fromkeys(frame["worldview"]):
        base = frame[(frame["worldview"] == w) & (frame["source"] == "no-pause")]
        baseline = f"; no pause: {base['expected_risk'].iloc[0]:.4f}" if len(base) else ""
        rows = best[best["worldview"] == w]
        own = frame[(frame["worldview"] == w) & frame["is_base"].astype(bool)]
        if not rows["is_base"].astype(bool).any():  # show where the scenario's design stands
            rows = pd.concat([rows, own.head(1)])
        tables.append(
            _design_table(rows, f"{w}: best {top} designs by expected risk ({where}{baseline})")
        )
        pareto = frame[(frame["worldview"] == w) & frame["pareto"]].sort_values(cost_col)
        tables.append(
            _design_table(
                pareto,
                f"{w}: Pareto set, expected risk against {cost_col} (lower is better on both)",
            )
        )
    return tables


def _design_table(rows, title: str) -> Table:
    t = Table(title=escape(title), title_justify="left")
    for col in (
        "rank",
        "design",
        "E[risk]",
        "Δrisk",
        "P(better) [95%]",
        "delay yr",
        "paused yr",
        "overhang",
        "max jump",
        "pareto",
    ):
        t.add_column(escape(col), justify="left" if col == "design" else "right")
    for r in rows.itertuples(index=False):
        t.add_row(
            str(r.rank),
            escape(str(r.design)) + (" (scenario's own)" if r.is_base else ""),
            f"{r.expected_risk:.4f}",
            f"{r.mean_delta_risk:+.4f}",
            _p(r.p_better, r.p_low, r.p_high),
            _num(r.delay_years),
            _num(r.paused_years_total),
            _num(r.overhang_ooms),
            _num(r.max_jump_ooms_per_year),
            "yes" if r.pareto else "",
        )
    return t


def _p(p, lo, hi) -> str:
    if p != p:
        return "—"
    return f"{p:.2f} [{lo:.2f}, {hi:.2f}]"


def _num(v) -> str:
    return "—" if v != v else f"{v:.2f}"


def sweep_summary(frame, seconds: float) -> dict:
    """The JSON summary: what was searched, on which worlds, the best designs and the Pareto set."""
    from pausesim.sensitivity.search import best_designs

    a = dict(frame.attrs)
    best = best_designs(frame, 1)
    best_pause = best_designs(frame, 1, pauses_only=True)
    cost_col = a.get("cost_column", "delay_years")

    def brief(rows) -> dict:
        return {
            r.worldview: {
                "design": r.design,
                "expected_risk": r.expected_risk,
                "mean_delta_risk": r.mean_delta_risk,
                "p_better": r.p_better,
                "p_interval": [r.p_low, r.p_high],
                cost_col: getattr(r, cost_col),
            }
            for r in rows.itertuples(index=False)
        }

    return {
        "command": "sweep",
        **a,
        "designs": int(frame.loc[frame["source"] == "grid", "candidate"].nunique()),
        "seconds": round(seconds, 2),
        "best": brief(best),
        "best_pause": brief(best_pause),
        "pareto": {
            w: part.sort_values(cost_col)["design"].tolist()
            for w, part in frame[frame["pareto"]].groupby("worldview", sort=False)
        },
    }
