"""Write an analysis to a folder: the table as CSV and Parquet, and a JSON summary."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from pausesim.io import atomic_write, save_table


def write_analysis(frame: pd.DataFrame, folder: str | Path, stem: str, summary: dict) -> list[Path]:
    """``{stem}.csv``, ``{stem}.parquet`` and ``{stem}.json`` in ``folder``, each atomically.

    ``summary`` holds what a reader needs to interpret the table (scenario, seed, samples,
    outputs, method options, timings); it must be JSON-serialisable.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table = (
        frame.reset_index() if frame.index.name or isinstance(frame.index, pd.MultiIndex) else frame
    )
    written = [save_table(table, folder / f"{stem}.{suffix}") for suffix in ("csv", "parquet")]
    with atomic_write(folder / f"{stem}.json") as tmp:
        Path(tmp).write_text(json.dumps(summary, indent=1, default=str) + "\n", encoding="utf-8")
    return [*written, folder / f"{stem}.json"]
