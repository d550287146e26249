"""The headline of a run or comparison as plain rows and a compact HTML table (no plotly).

Used by the HTML report and by ``Result._repr_html_`` / ``Comparison._repr_html_`` in
notebooks, so neither needs plotly to summarise results.
"""

from __future__ import annotations

import html

import numpy as np

from pausesim.plots import _text as T
from pausesim.plots.source import PlotSource, as_source


def headline_horizon(scenario) -> str:
    """The horizon the headline uses: the first capability level, else the last year."""
    risk = scenario.risk
    if risk.level_horizons:
        return f"K>={risk.level_horizons[0]:g}"
    return f"{risk.horizons[-1]:g}"


def _fmt(x: float, digits: int = 2) -> str:
    if x is None or not np.isfinite(x):
        return "—"
    if abs(x) >= 1000:
        return f"{x:.0f}"
    return f"{x:.{digits}f}" if abs(x) >= 0.01 or x == 0 else f"{x:.2g}"


def _median_interval(values, pct: bool = False) -> tuple[str, int]:
    v = np.asarray(values, dtype=float)
    ok = v[np.isfinite(v)]
    if ok.size == 0:
        return "undefined in every world", v.size
    m, lo, hi = np.quantile(ok, [0.5, 0.05, 0.95])
    if pct:
        return f"{100 * m:.0f}% (90%: {100 * lo:.0f}–{100 * hi:.0f}%)", v.size - ok.size
    return f"{_fmt(m)} (90%: {_fmt(lo)} to {_fmt(hi)})", v.size - ok.size


def share(x: float) -> str:
    """A share of worlds as a percentage, never rounding a non-zero share to 0%."""
    text = f"{100 * x:.0f}%"
    return "<1%" if x > 0 and text == "0%" else text


def esc(text) -> str:
    """``text`` escaped for HTML."""
    return html.escape(str(text), quote=True)


def headline_rows(src: PlotSource) -> list[tuple[str, str]]:
    """(what, value) rows of the headline."""
    rows: list[tuple[str, str]] = []
    pol = src.metrics["policy"]
    cf = src.metrics.get("counterfactual")

    def undefined(n: int, why: str) -> str:
        return f"; {n} of {src.samples} worlds {why}" if n else ""

    if src.deltas is not None and "delay_years" in src.deltas:
        text, n = _median_interval(src.deltas["delay_years"])
        rows.append(("Delay bought (years)", text + undefined(n, "never reach the level")))
    paused = not src.scenario.policy.is_none
    if paused and "overhang_ooms" in pol:
        text, n = _median_interval(pol["overhang_ooms"])
        rows.append(("Compute overhang at the lift (OOM)", text + undefined(n, "never lift")))
    if "max_jump_ooms_per_year" in pol:
        text, _ = _median_interval(pol["max_jump_ooms_per_year"])
        if cf is not None and "max_jump_ooms_per_year" in cf:
            text += f"; without the pause {_median_interval(cf['max_jump_ooms_per_year'])[0]}"
        rows.append(("Largest capability jump (OOM/yr)", text))
    share_cols = [c for c in pol.columns if c.startswith("frontier_share_at_danger[")]
    if share_cols:
        parts = []
        for c in share_cols:
            a = T.split_cell(c)[1][0]
            p = np.nanmedian(pol[c].astype(float))
            part = f"{T.actor(a)} {100 * p:.0f}%"
            if cf is not None and c in cf:
                part += f" (no pause {100 * np.nanmedian(cf[c].astype(float)):.0f}%)"
            parts.append(part)
        rows.append(("Frontier share at the danger level (median)", "; ".join(parts)))
    v = src.table("verdicts")
    if not v.empty:
        h = headline_horizon(src.scenario)
        vh = v[v["horizon"].astype(str) == h]
        for r in vh.itertuples():
            fixed = str(getattr(r, "fixed_by_construction", "") or "")
            if fixed and fixed != "nan":
                value = "never lowers risk, by construction"
            else:
                verdict = "helps in most worlds" if r.p_policy_better > 0.5 else "does not help"
                if r.p_low <= 0.5 <= r.p_high:
                    verdict = "too close to call"
                value = (
                    f"the pause lowers risk in {100 * r.p_policy_better:.0f}% of worlds "
                    f"(95%: {100 * r.p_low:.0f}–{100 * r.p_high:.0f}%): {verdict}"
                )
            rows.append((f"Verdict, {T.worldview(r.worldview)}, {T.horizon(h)}", value))
    lr = src.table("lift_reasons") if paused else None
    if lr is not None and not lr.empty:
        ordered = lr.sort_values("share", ascending=False, kind="stable")
        parts = [f"{T.reason(r.reason)} ({share(r.share)})" for r in ordered.itertuples()]
        rows.append(("Why the first pause ended", "; ".join(parts)))
    return rows


def to_html(obj) -> str:
    """A compact HTML summary of a ``Result`` or ``Comparison``: what was run and the headline."""
    src = as_source(obj)
    sc = src.scenario
    what = "comparison with no pause" if src.kind == "comparison" else "run"
    title = (
        f"<b>{esc(sc.name)}</b>: {what}, {src.samples:,} sampled worlds, seed {sc.seed}, "
        f"engine {esc(sc.engine)}"
    )
    rows = "".join(
        f'<tr><th style="text-align:left">{esc(a)}</th><td style="text-align:left">{esc(b)}'
        "</td></tr>"
        for a, b in headline_rows(src)
    )
    notes = "".join(f"<p><i>{esc(n)}</i></p>" for n in src.notes)
    hint = (
        "<p style='color:#666;font-size:90%'>Median over worlds (90% of worlds). Charts: "
        "<code>.plot.fan('capability')</code>, <code>.plot.risk()</code>, "
        "<code>.plot.distribution('overhang_ooms')</code>; tables: <code>.summary()</code>"
        + (", <code>.verdicts()</code>" if src.kind == "comparison" else "")
        + ".</p>"
    )
    return f"<div><p>{title}</p><table>{rows}</table>{notes}{hint}</div>"
