"""``pausesim report``: one self-contained HTML file with the figures of a run or comparison."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from pausesim.cli.app import (
    ChunkOpt,
    MaxMemoryOpt,
    ParamsOpt,
    SamplesOpt,
    SeedOpt,
    SetOpt,
    WorkersOpt,
    WorldviewOpt,
    _execute,
    _fail,
    _fit_memory,
    _load,
    app,
    console,
    err_console,
)

SourceArg = Annotated[
    str,
    typer.Argument(
        metavar="RESULT_DIR_OR_SCENARIO",
        help="A results folder written by `pausesim compare --out` or `pausesim run --out`, or "
        "a scenario (shipped name or .toml file) to compare with no pause for the report.",
        show_default=False,
    ),
]


def _is_results_folder(text: str) -> bool:
    path = Path(text)
    return path.is_dir() and (path / "manifest.json").is_file()


def _saved(folder: str):
    from pausesim.io.manifest import ResultFolderError
    from pausesim.run import load_result
    from pausesim.scenario import ScenarioError

    try:
        return load_result(folder)
    except (ResultFolderError, ScenarioError) as e:
        _fail(escape(str(e)))


def _folder_kind(folder: str) -> str:
    """The ``kind`` in a results folder's manifest (``run``, ``comparison``, ``analysis``)."""
    from pausesim.io.manifest import ResultFolderError, read_manifest

    try:
        return str(read_manifest(folder, verify=False).get("kind"))
    except ResultFolderError as e:
        _fail(escape(str(e)))


@app.command()
def report(
    source: SourceArg,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="HTML file to write.", dir_okay=False),
    ] = Path("report.html"),
    samples: SamplesOpt = None,
    seed: SeedOpt = None,
    set_: SetOpt = None,
    worldview: WorldviewOpt = None,
    params_file: ParamsOpt = None,
    cruxes: Annotated[
        Path | None,
        typer.Option(
            "--cruxes",
            help="A folder written by `pausesim cruxes --out` or `pausesim sensitivity --out`, "
            "whose ranking the report draws too.",
            file_okay=False,
        ),
    ] = None,
    images: Annotated[
        Path | None,
        typer.Option(
            "--images",
            help="Also write every figure as PNG and SVG into this folder (kaleido with a local "
            "Chromium; set BROWSER_PATH if it is not found).",
            file_okay=False,
        ),
    ] = None,
    chunk_size: ChunkOpt = 5_000,
    workers: WorkersOpt = None,
    max_memory: MaxMemoryOpt = None,
) -> None:
    """Write a self-contained HTML report (works offline) of a comparison or saved results.

    From a scenario, the report runs the pause against no pause on the same sampled worlds,
    keeping the 5/25/50/75/95% quantiles of the trajectories for the fan charts. From a saved
    folder it reads what was saved (charts over time need `--keep quantiles` or `full`).
    """
    try:
        from pausesim.report import build_report, export_images
    except ImportError as e:
        _fail(
            f"the report needs plotly ({escape(str(e))}); install it with "
            "pip install 'pausesim[report]'"
        )
    if out.exists() and out.is_dir():
        _fail(f"--out {escape(str(out))}: is a folder; give the path of an .html file")
    if not out.parent.exists():
        _fail(f"--out {escape(str(out))}: the folder {escape(str(out.parent))} does not exist")
    if cruxes is not None and not _is_results_folder(str(cruxes)):
        _fail(
            f"--cruxes {escape(str(cruxes))}: not a results folder (no manifest.json); give "
            "the folder of `pausesim cruxes --out` or `pausesim sensitivity --out`"
        )
    if _is_results_folder(source):
        given = [
            name
            for name, v in (
                ("--samples", samples),
                ("--seed", seed),
                ("--set", set_),
                ("--worldview", worldview),
                ("--params", params_file),
            )
            if v
        ]
        if given:
            _fail(
                f"{', '.join(given)}: only apply when the report runs a scenario; "
                f"{escape(source)} is a saved results folder, whose numbers are fixed"
            )
        kind = _folder_kind(source)
        if kind not in ("run", "comparison"):
            _fail(
                f"{escape(source)}: holds results of kind '{escape(str(kind))}', not a run or "
                "comparison; give it with --cruxes, and the folder of `pausesim compare --out` "
                "(or a scenario) as the argument"
            )
        obj = _saved(source)
        command = f"pausesim report {source}"
    else:
        from pausesim.run import compare, simulate

        sc = _load(source, samples, seed, set_, worldview, params_file)
        n_policies = 1 if sc.policy.is_none else 2
        keep = _fit_memory(sc, "quantiles", None, chunk_size, workers, None, max_memory, n_policies)
        if sc.policy.is_none:
            err_console.print(
                f"[yellow]note:[/] scenario '{escape(sc.name)}' pauses nobody: the report shows "
                "the run alone, without a comparison or risk verdicts",
                highlight=False,
            )
        obj = _execute(simulate if sc.policy.is_none else compare, sc, keep, chunk_size, workers)
        command = f"pausesim report {source} --samples {sc.samples} --seed {sc.seed}" + "".join(
            f" --set '{s}'" for s in set_ or []
        )
    if cruxes is not None:
        command += f" --cruxes {cruxes}"
    try:
        rep = build_report(obj, cruxes=cruxes, command=command)
    except ValueError as e:
        _fail(escape(str(e)))
    tmp = out.with_name(out.name + ".tmp")
    try:
        tmp.write_text(rep.html, encoding="utf-8")
        tmp.replace(out)
    except OSError as e:
        _fail(f"--out {escape(str(out))}: cannot write ({escape(e.strerror or str(e))})")
    size = out.stat().st_size / 2**20
    console.print(
        f"wrote [bold]{escape(str(out))}[/] ({size:.1f} MiB, {len(rep.figures)} figures; opens "
        "offline in any browser)",
        highlight=False,
    )
    for key, why in rep.missing.items():
        console.print(f"  not shown: {escape(key)}: {escape(why)}", highlight=False)
    if images is not None:
        try:
            paths = export_images(rep, images)
        except RuntimeError as e:
            err_console.print(f"[bold red]error:[/] --images: {escape(str(e))}", highlight=False)
            raise typer.Exit(1) from None
        console.print(
            f"wrote {len(paths)} images (PNG and SVG) to [bold]{escape(str(images))}[/]",
            highlight=False,
        )
