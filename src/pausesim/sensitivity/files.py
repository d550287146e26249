"""Write an analysis to a folder: each table as CSV and Parquet with a JSON summary, as a unit.

The folder is built beside the target and swapped in whole with a ``manifest.json``
(:func:`pausesim.io.folder.write_folder`), like a run's results: an analysis written to a folder
replaces what was there, and an interrupted one leaves it untouched.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from pausesim import __version__
from pausesim.io import save_table
from pausesim.io.folder import test_delay, write_folder


def write_analysis(frame: pd.DataFrame, folder: str | Path, stem: str, summary: dict) -> list[Path]:
    """``{stem}.csv``, ``{stem}.parquet`` and ``{stem}.json`` as the whole of ``folder``.

    ``summary`` holds what a reader needs to interpret the table (scenario, seed, samples,
    outputs, method options, timings); it must be JSON-serialisable.
    """
    return write_analyses({stem: (frame, summary)}, folder)


def write_analyses(
    tables: Mapping[str, tuple[pd.DataFrame, dict]], folder: str | Path
) -> list[Path]:
    """Several analysis tables, ``stem -> (frame, summary)``, written together as ``folder``.

    Returns the paths of the files written, the manifest last.

    Raises
    ------
    pausesim.io.folder.OutputFolderError
        If ``folder`` cannot be written or another process is writing it.
    """
    first = next(iter(tables.values()), (None, {}))[1]
    info = {
        "kind": "analysis",
        "pausesim_version": __version__,
        "tables": list(tables),
        **{k: first[k] for k in ("scenario", "seed", "samples") if k in first},
        "command": list(sys.argv),
    }
    with write_folder(folder, info) as tmp:
        for stem, (frame, summary) in tables.items():
            table = (
                frame.reset_index()
                if frame.index.name or isinstance(frame.index, pd.MultiIndex)
                else frame
            )
            for suffix in ("csv", "parquet"):
                test_delay()
                save_table(table, tmp / f"{stem}.{suffix}")
            text = json.dumps(summary, indent=1, default=str) + "\n"
            (tmp / f"{stem}.json").write_text(text, encoding="utf-8")
        names = sorted(p.name for p in tmp.iterdir())
    folder = Path(folder)
    return [folder / name for name in names] + [folder / "manifest.json"]
