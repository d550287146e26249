"""Why the pause ended and how long it lasted: the pause events of a run, tabulated."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

#: Why a pause episode ended, in words that complete "the pause ended because ...": the names
#: of ``lift_reason`` (:data:`pausesim.engines.compute.pause.LIFT_REASONS`); read through
#: :func:`pausesim.labels.lift_reason_label`.
LIFT_REASON_TEXT: dict[str, str] = {
    "none": "it never started",
    "duration": "its fixed term ran out",
    "catch_up": "outsiders caught up",
    "politicised": "politics lifted it",
    "alignment_target": "alignment reached its target",
    "coalition_empty": "every member had left",
    "in_force_at_end": "it was still in force at the end",
}


def reason_names(metrics: xr.Dataset) -> dict[int, str]:
    """Codes of ``lift_reason`` and their names, from the variable's ``reasons`` attribute."""
    text = metrics["lift_reason"].attrs.get("reasons", "")
    pairs = (item.split("=", 1) for item in text.split(", ") if "=" in item)
    return {int(code): name for code, name in pairs}


def lift_reasons(metrics: xr.Dataset) -> pd.DataFrame:
    """Per reason the first pause episode ended: worlds, their share, and the pause length.

    One row per reason that occurs (``none``: no episode at all, e.g. a coalition that never
    had a member; ``in_force_at_end``: still in force at the end of the grid, so its length is
    at least ``pause_years_at_least``). Empty for engines that do not record episodes.
    """
    columns = ["reason", "n", "share", "pause_years_median", "pause_years_p5", "pause_years_p95"]
    if "lift_reason" not in metrics:
        return pd.DataFrame(columns=columns)
    names = reason_names(metrics)
    code = metrics["lift_reason"].values
    years = metrics["pause_years"].values
    total = metrics["paused_years_total"].values if "paused_years_total" in metrics else years
    rows = []
    for c in np.unique(code[np.isfinite(code)]).astype(int):
        pick = code == c
        length = years[pick]
        if names.get(c) == "in_force_at_end":
            length = total[pick]  # censored at the end of the grid
        ok = np.isfinite(length)
        q = np.quantile(length[ok], [0.5, 0.05, 0.95]) if ok.any() else [np.nan] * 3
        rows.append(
            {
                "reason": names.get(c, str(c)),
                "n": int(pick.sum()),
                "share": float(pick.mean()),
                "pause_years_median": float(q[0]),
                "pause_years_p5": float(q[1]),
                "pause_years_p95": float(q[2]),
            }
        )
    return pd.DataFrame(rows, columns=columns)
