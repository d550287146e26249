"""One row per sampled world: its input parameters and every per-world output.

The table a colleague needs to redo an analysis in a spreadsheet (``worlds.csv`` in a results
folder, :meth:`pausesim.run.Result.worlds`, :meth:`pausesim.run.Comparison.worlds`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import xarray as xr

from pausesim.metrics.summary import wide_table

#: Separator between a run's name and a metric in the column names (``policy.danger_year``).
SEP = "."


def worlds_table(params: xr.Dataset, outputs: Mapping[str, xr.Dataset]) -> pd.DataFrame:
    """``sample``, every sampled parameter, then every per-sample output of each run.

    Parameters
    ----------
    params : xarray.Dataset
        The sampled parameters (``Result.params``): one column per parameter, a per-actor
        parameter one per actor, named like ``hw_rnd_share[china]``; the names are those of
        the scenario file and ``--set``.
    outputs : mapping of str to xarray.Dataset
        Per-sample outputs by run (``{"policy": ..., "counterfactual": ...,
        "comparison": ...}``, the names of :meth:`pausesim.run.Comparison.summary`); each
        column is prefixed with its run, e.g. ``policy.danger_year``,
        ``comparison.delay_years``, ``policy.risk[feedback-loop, 2040]``, and includes the
        run's ``sample_failed`` flag (and ``failed_variables``, what failed).

    Returns
    -------
    pandas.DataFrame
        One row per world, in sample order, with a default index.

    Raises
    ------
    ValueError
        If the runs do not hold the same worlds as ``params``.
    """
    table = wide_table(params)
    samples = table["sample"].to_numpy()
    for run, ds in outputs.items():
        part = wide_table(ds)
        if len(part) != len(table) or (part["sample"].to_numpy() != samples).any():
            raise ValueError(
                f"the '{run}' outputs hold other worlds than the parameters "
                f"({len(part)} rows against {len(table)})"
            )
        part = part.drop(columns="sample").add_prefix(f"{run}{SEP}")
        table = pd.concat([table, part], axis=1)
    return table
