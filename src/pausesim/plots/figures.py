"""Plotly figures of a run or comparison: fan charts, distributions, shares, risk, cruxes.

Every builder takes a :class:`~pausesim.run.Result`, a :class:`~pausesim.run.Comparison`, a
saved results folder (:func:`pausesim.run.load_result`) or a :class:`~.source.PlotSource`, and
returns a :class:`plotly.graph_objects.Figure` whose titles, axes and legends carry the labels
and units of :mod:`pausesim.labels`. A builder raises :class:`NoData` when the results hold
nothing to draw (e.g. a run saved without trajectories), naming what is missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pausesim.plots import _text as T
from pausesim.plots.headline import headline_horizon
from pausesim.plots.source import PlotSource, as_source

#: Colours of the two runs of a comparison.
RUN_COLOURS = {"policy": "#1f5fa8", "counterfactual": "#c8641e"}
#: Legend names of the two runs.
RUN_NAMES = {"policy": "With the pause", "counterfactual": "No pause"}
#: Colours for actors, worldviews and reasons, in order.
PALETTE = ("#1f5fa8", "#c8641e", "#2a9d4b", "#8e44ad", "#b8860b", "#c0392b", "#16a085", "#555")

#: Colour of each reason a pause ended, the same in every figure.
REASON_COLOURS = {
    "none": "#999999",
    "duration": "#1f5fa8",
    "catch_up": "#c8641e",
    "politicised": "#2a9d4b",
    "alignment_target": "#8e44ad",
    "coalition_empty": "#b8860b",
    "in_force_at_end": "#555555",
}

FAN_VARIABLES = {
    "capability": "frontier_capability",
    "frontier_capability": "frontier_capability",
    "effective_compute": "effective_compute",
    "alignment": "alignment_frontier",
    "alignment_frontier": "alignment_frontier",
    "alignment_gap": "alignment_gap",
    "low_safety_frontier_share": "low_safety_frontier_share",
    "governance": "governance",
}


def _run_name(src: PlotSource, run: str) -> str:
    """The legend name of a run: with or without the pause, or this run alone."""
    if run == "comparison":
        return "With the pause minus no pause"
    if src.kind != "comparison":
        return "No pause" if src.scenario.policy.is_none else "With the pause"
    return RUN_NAMES[run]


class NoData(ValueError):
    """The results hold nothing for this figure (the message says what is missing)."""


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _layout(fig: go.Figure, title: str, *, height: int = 440, legend: bool = True) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 16}},
        template="plotly_white",
        height=height,
        margin={"l": 70, "r": 30, "t": 70, "b": 110 if legend else 60},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0.0},
        showlegend=legend,
        hoverlabel={"namelength": -1},
        font={"family": "Helvetica, Arial, sans-serif", "size": 13},
    )
    return fig


def _actors(src: PlotSource, ds) -> list[str]:
    return (
        [str(a) for a in ds["actor"].values] if "actor" in ds.coords else list(src.scenario.actors)
    )


def _units(src: PlotSource, name: str, var) -> str:
    u = T.unit(name, "variable", src.engine)
    if not u:
        u = str(var.attrs.get("units", ""))
        u = T._UNIT_TEXT.get(u, u)
    return u


def _bands(src: PlotSource, run: str, name: str):
    ds = src.bands(run)
    if ds is None:
        raise NoData(
            "no trajectories in these results (kept with keep='none'); run with "
            "keep='quantiles' to draw charts over time"
        )
    if name not in ds:
        raise NoData(f"the {src.engine} engine records no '{T.label(name, 'trajectory')}'")
    return ds[name]


def _add_band(fig, var, colour: str, name: str, group: str, row=None, col=None, show=True):
    """Median line with 50% and 90% bands of ``var`` (dims ``quantile, time``).

    The policy's bands are filled; the counterfactual's (orange) are drawn as edges only
    (dashed: 50%, dotted: 90%), so that the two fans stay apart where they overlap.
    """
    t = var["time"].values
    q = {round(float(x), 2): var.sel(quantile=x).values for x in var["quantile"].values}
    kw = {"row": row, "col": col} if row is not None else {}
    filled = group == "policy"
    bands = ((0.05, 0.95, 0.15, "90%", "dot"), (0.25, 0.75, 0.3, "50%", "dash"))
    for lo, hi, alpha, what, dash in bands:
        edge = {"width": 0} if filled else {"width": 1.2, "color": colour, "dash": dash}
        style = "" if filled else (" (dashed)" if dash == "dash" else " (dotted)")
        fig.add_trace(
            go.Scatter(
                x=t,
                y=q[lo],
                mode="lines",
                line=edge,
                hoverinfo="skip",
                showlegend=False,
                legendgroup=f"{group}{what}",
            ),
            **kw,
        )
        fig.add_trace(
            go.Scatter(
                x=t,
                y=q[hi],
                mode="lines",
                line=edge,
                fill="tonexty" if filled else None,
                fillcolor=_rgba(colour, alpha) if filled else None,
                name=f"{name}: {what} of worlds{style}",
                legendgroup=f"{group}{what}",
                showlegend=show,
                hovertemplate=f"{name}, {what} band: %{{y:.2f}}<extra></extra>",
            ),
            **kw,
        )
    fig.add_trace(
        go.Scatter(
            x=t,
            y=q[0.5],
            mode="lines",
            line={"color": colour, "width": 2.5},
            name=f"{name}: median",
            legendgroup=f"{group}median",
            showlegend=show,
            hovertemplate=f"{name}, median: %{{y:.2f}} in %{{x:.1f}}<extra></extra>",
        ),
        **kw,
    )


def _pause_start(fig, src: PlotSource, **kw) -> None:
    pol = src.scenario.policy
    if src.kind == "comparison" or not pol.is_none:
        fig.add_vline(
            x=pol.start_year,
            line={"dash": "dot", "color": "#777", "width": 1},
            annotation_text="pause starts",
            annotation_position="top right",
            annotation_font_size=11,
            **kw,
        )


def fan(obj, variable: str = "capability") -> go.Figure:
    """Fan chart over time: median, 50% and 90% of worlds, with the pause and without.

    ``variable``: ``capability`` (the frontier), ``effective_compute`` (one panel per actor),
    ``alignment``, ``alignment_gap``, or any trajectory with a ``quantile`` band.
    """
    src = as_source(obj)
    name = FAN_VARIABLES.get(variable, variable)
    var = _bands(src, "policy", name)
    if "quantile" not in var.dims:
        raise NoData(f"'{T.label(name, 'trajectory')}' is a share of worlds; use pause_state()")
    y_title = T.label(name, "variable", src.engine)
    u = _units(src, name, var)
    y_axis = f"{y_title} ({u})" if u else y_title
    if "actor" in var.dims:
        actors = _actors(src, var)
        fig = make_subplots(
            rows=1,
            cols=len(actors),
            shared_yaxes=True,
            subplot_titles=[T.actor(a) for a in actors],
            horizontal_spacing=0.03,
        )
        for j, a in enumerate(actors, start=1):
            for run in src.runs:
                v = _bands(src, run, name).sel(actor=a)
                if "sector" in v.dims:
                    v = v.sel(sector="legal")
                _add_band(fig, v, RUN_COLOURS[run], _run_name(src, run), run, 1, j, show=j == 1)
            fig.update_xaxes(title_text="year", row=1, col=j)
        fig.update_yaxes(title_text=y_axis, row=1, col=1)
        title = f"{y_title} by actor"
    else:
        fig = go.Figure()
        for run in src.runs:
            _add_band(fig, _bands(src, run, name), RUN_COLOURS[run], _run_name(src, run), run)
        fig.update_xaxes(title_text="year")
        fig.update_yaxes(title_text=y_axis)
        title = y_title
        if name == "frontier_capability":
            level = src.scenario.metrics.danger_level_ooms
            fig.add_hline(
                y=level,
                line={"dash": "dash", "color": "#b03030", "width": 1.2},
                annotation_text=f"danger level ({level:g} OOM above GPT-4)",
                annotation_position="bottom right",
                annotation_font_color="#b03030",
            )
    grid = src.scenario.grid
    fig.update_xaxes(range=[grid.start, grid.end])
    _pause_start(fig, src)
    return _layout(fig, title, height=460)


def pause_state(obj) -> go.Figure:
    """Share of worlds in which each actor is paused, and the pause is in force, over time."""
    src = as_source(obj)
    ds = src.bands("policy")
    if ds is None or "paused" not in ds:
        raise NoData("no pause-state trajectories in these results (kept with keep='none')")
    fig = go.Figure()
    paused = ds["paused"]
    t = paused["time"].values
    never, lines = [], []
    for j, a in enumerate(_actors(src, paused)):
        share = 100 * paused.sel(actor=a).values.astype(float)
        if not np.any(share > 0):
            never.append(T.actor(a))
            continue
        lines.append(share)
        fig.add_trace(
            go.Scatter(
                x=t,
                y=share,
                mode="lines",
                line={"color": PALETTE[j % len(PALETTE)], "width": 2},
                name=f"{T.actor(a)} paused",
                hovertemplate=f"{T.actor(a)}: paused in %{{y:.0f}}% of worlds<extra></extra>",
            )
        )
    if not lines:
        raise NoData("no actor is paused in any world (the scenario's coalition is empty)")
    if "in_force" in ds and "actor" not in ds["in_force"].dims:
        in_force = 100 * ds["in_force"].values.astype(float)
        if not any(np.allclose(in_force, line) for line in lines):
            fig.add_trace(
                go.Scatter(
                    x=ds["in_force"]["time"].values,
                    y=in_force,
                    mode="lines",
                    line={"color": "#333", "width": 1.5, "dash": "dash"},
                    name="pause in force (any member)",
                )
            )
    if never:
        _note(fig, "never paused in any world: " + ", ".join(never))
    fig.update_xaxes(title_text="year")
    fig.update_yaxes(title_text="share of worlds (%)", range=[-2, 102])
    fig.update_xaxes(range=[src.scenario.grid.start, src.scenario.grid.end])
    _pause_start(fig, src)
    return _layout(fig, "Pause state: share of worlds paused", height=400)


def _column(src: PlotSource, metric: str, run: str) -> np.ndarray | None:
    frame = src.deltas if run == "comparison" else src.metrics.get(run)
    if frame is None or metric not in frame:
        return None
    return np.asarray(frame[metric], dtype=float)


def _undefined_note(values: np.ndarray) -> str:
    bad = int((~np.isfinite(values)).sum())
    return f"{bad} of {values.size} worlds undefined" if bad else ""


def distribution(obj, metric: str = "overhang_ooms") -> go.Figure:
    """Histogram of a per-world metric with the pause and without (or of a difference).

    ``metric``: a metric (``overhang_ooms``, ``max_jump_ooms_per_year``, ``pause_years``, ...)
    or a comparison delta (``delay_years``, ``max_jump_ratio``, ...). ``pause_years`` is
    stacked by why the pause ended.
    """
    src = as_source(obj)
    in_deltas = src.deltas is not None and metric in src.deltas
    runs = ("comparison",) if in_deltas else src.runs
    series = {r: _column(src, metric, r) for r in runs}
    series = {r: v for r, v in series.items() if v is not None}
    if not series:
        raise NoData(f"these results have no '{T.label(metric, 'metric', src.engine)}'")
    kind = "metric"
    label = T.label(metric, kind, src.engine)
    u = T.unit(metric, kind, src.engine)
    x_title = f"{label} ({u})" if u else label
    fig = go.Figure()
    notes = []
    if metric == "pause_years" and "lift_reason" in src.metrics["policy"]:
        years = series["policy"]
        codes = np.asarray(src.metrics["policy"]["lift_reason"], dtype=float)
        finite = years[np.isfinite(years)]
        size = _bin_size(finite)
        for j, code in enumerate(np.unique(codes[np.isfinite(codes)]).astype(int)):
            pick = (codes == code) & np.isfinite(years)
            if not pick.any():
                continue
            reason = src.lift_reason_names.get(code, str(code))
            fig.add_trace(
                go.Histogram(
                    x=years[pick],
                    name=f"ended: {T.reason(reason)}",
                    marker_color=REASON_COLOURS.get(reason, PALETTE[j % len(PALETTE)]),
                    xbins={"start": float(finite.min()), "size": size},
                    hovertemplate="%{y} worlds<extra>%{fullData.name}</extra>",
                )
            )
        if not fig.data:
            raise NoData("no pause ended within the simulated years in any world")
        fig.update_layout(barmode="stack")
        notes.append(_undefined_note(years))
    else:
        allv = np.concatenate([v[np.isfinite(v)] for v in series.values()])
        if allv.size == 0:
            raise NoData(f"'{label}' is undefined in every world")
        if np.ptp(allv) == 0:
            raise NoData(f"'{label}' is {allv[0]:g} in every world")
        size = _bin_size(allv)
        for r, v in series.items():
            ok = v[np.isfinite(v)]
            if r == "counterfactual" and (ok.size == 0 or np.ptp(ok) == 0):
                if ok.size:
                    notes.append(f"no pause: {ok[0]:g} in every world")
                continue
            fig.add_trace(
                go.Histogram(
                    x=ok,
                    name=_run_name(src, r),
                    marker_color=RUN_COLOURS.get(r, RUN_COLOURS["policy"]),
                    opacity=0.65 if len(series) > 1 else 0.9,
                    xbins={"start": float(allv.min()), "size": size},
                    hovertemplate="%{y} worlds<extra>%{fullData.name}</extra>",
                )
            )
            note = _undefined_note(v)
            if note:
                notes.append(f"{_run_name(src, r)}: {note}")
            med = float(np.median(ok))
            fig.add_vline(
                x=med,
                line={"dash": "dash", "color": RUN_COLOURS.get(r, RUN_COLOURS["policy"])},
                annotation_text=f"median {med:.2f}",
                annotation_position="top left" if r == "counterfactual" else "top right",
                annotation_font_color=RUN_COLOURS.get(r, RUN_COLOURS["policy"]),
            )
        fig.update_layout(barmode="overlay")
        if in_deltas and metric != "max_jump_ratio":
            fig.add_vline(x=0, line={"color": "#555", "width": 1})
        if metric == "max_jump_ratio":
            fig.add_vline(x=1, line={"color": "#555", "width": 1})
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text="number of worlds")
    notes = [n for n in notes if n]
    if notes:
        _note(fig, "; ".join(notes))
    fig = _layout(fig, label, height=400, legend=len(fig.data) > 1)
    return fig


def _bin_size(values: np.ndarray) -> float:
    """A histogram bin width: about 30 bins over the central 98% of the values."""
    if values.size == 0:
        return 1.0
    lo, hi = np.quantile(values, [0.01, 0.99])
    span = hi - lo if hi > lo else max(abs(float(hi)), 1.0)
    return float(span / 30)


def _pct(x: float) -> str:
    """A share as a percentage, never rounding a non-zero share to 0%."""
    text = f"{100 * x:.0f}%"
    return "<1%" if x > 0 and text == "0%" else text


def lift_reasons(obj) -> go.Figure:
    """Why the first pause episode ended: share of worlds per reason, with its length."""
    src = as_source(obj)
    t = src.table("lift_reasons")
    if t.empty:
        raise NoData("these results record no pause episodes")
    t = t.sort_values("share", ascending=False, kind="stable").reset_index(drop=True)
    labels = [T.reason(r) for r in t["reason"]]
    text = [
        f"{_pct(s)} · median {m:.1f} years" if np.isfinite(m) else _pct(s)
        for s, m in zip(t["share"], t["pause_years_median"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=100 * t["share"],
            y=labels,
            orientation="h",
            marker_color=[
                REASON_COLOURS.get(r, PALETTE[i % len(PALETTE)]) for i, r in enumerate(t["reason"])
            ],
            text=text,
            textposition="auto",
            customdata=np.stack([t["n"], t["pause_years_p5"], t["pause_years_p95"]], axis=1),
            hovertemplate="%{y}: %{customdata[0]} worlds; pause length 90%: "
            "%{customdata[1]:.1f}-%{customdata[2]:.1f} years<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_xaxes(title_text="share of worlds (%)", range=[0, 105])
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, "Why the first pause ended", height=120 + 50 * len(t), legend=False)


def _note(fig: go.Figure, text: str) -> None:
    """A small grey note above the plot's top-right corner."""
    fig.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        x=1,
        y=1.02,
        xanchor="right",
        yanchor="bottom",
        showarrow=False,
        font={"size": 11, "color": "#555"},
    )

def _percent_box(src: PlotSource, run: str, values, category: str, legend: bool) -> go.Box:
    """One run's box of a share or probability across worlds, in percent, at ``category``."""
    return go.Box(
        y=100 * values.astype(float),
        x=[category] * len(values),
        name=_run_name(src, run),
        legendgroup=run,
        showlegend=legend,
        marker_color=RUN_COLOURS[run],
        boxpoints=False,
        offsetgroup=run,
    )


def shares(obj, metric: str = "frontier_share_at_danger") -> go.Figure:
    """Each actor's share of the frontier when it reaches the danger level, across worlds."""
    src = as_source(obj)
    fig = go.Figure()
    found = False
    for run in src.runs:
        frame = src.metrics[run]
        cols = [c for c in frame.columns if c.startswith(metric + "[")]
        if not cols:
            continue
        found = True
        for c in cols:
            actor = T.split_cell(c)[1][0]
            fig.add_trace(_percent_box(src, run, frame[c], T.actor(actor), c == cols[0]))
    if not found:
        raise NoData(f"these results have no '{T.label(metric, 'metric', src.engine)}'")
    fig.update_layout(boxmode="group")
    fig.update_yaxes(title_text="share of the frontier (%)", range=[-2, 102])
    fig.update_xaxes(title_text="actor")
    return _layout(fig, T.label(metric, "metric", src.engine), height=420)


def alignment(obj) -> go.Figure:
    """The alignment stock at the frontier and its gap to capability, over time."""
    src = as_source(obj)
    names = [n for n in ("alignment_frontier", "alignment_gap") if n in (src.bands() or {})]
    if not names:
        if src.bands() is None:
            _bands(src, "policy", "alignment_frontier")
        raise NoData(f"the {src.engine} engine records no alignment stock")
    titles = [T.label(n, "variable", src.engine) for n in names]
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=titles, horizontal_spacing=0.1)
    for j, n in enumerate(names, start=1):
        for run in src.runs:
            v = _bands(src, run, n)
            _add_band(fig, v, RUN_COLOURS[run], _run_name(src, run), run, 1, j, show=j == 1)
        u = _units(src, n, _bands(src, "policy", n))
        fig.update_yaxes(title_text=f"{titles[j - 1]} ({u})" if u else titles[j - 1], row=1, col=j)
        fig.update_xaxes(title_text="year", row=1, col=j)
    fig.update_xaxes(range=[src.scenario.grid.start, src.scenario.grid.end])
    _pause_start(fig, src, row=1, col="all")
    return _layout(fig, "Alignment: stock and gap", height=460)


def _verdicts(src: PlotSource) -> pd.DataFrame:
    v = src.table("verdicts")
    if v.empty:
        raise NoData("no risk verdicts (a single run, or an engine without risk)")
    v = v.copy()
    v["horizon"] = v["horizon"].astype(str)
    fixed = v["fixed_by_construction"] if "fixed_by_construction" in v else ""
    fixed = pd.Series(fixed, index=v.index, dtype=object)
    v["fixed_by_construction"] = fixed.where(fixed.notna(), "").astype(str)
    return v


def risk(obj) -> go.Figure:
    """P(the pause lowers risk) per worldview and horizon, with its 95% Wilson interval."""
    src = as_source(obj)
    v = _verdicts(src)
    fig = go.Figure()
    horizons = list(dict.fromkeys(v["horizon"]))
    xs = {h: T.horizon(h) for h in horizons}
    for j, (w, g) in enumerate(v.groupby("worldview", sort=False)):
        p = 100 * g["p_policy_better"].astype(float)
        fig.add_trace(
            go.Scatter(
                x=[xs[h] for h in g["horizon"]],
                y=p,
                mode="markers",
                marker={"size": 11, "color": PALETTE[j % len(PALETTE)]},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": 100 * g["p_high"].astype(float) - p,
                    "arrayminus": p - 100 * g["p_low"].astype(float),
                    "thickness": 1.5,
                },
                name=T.worldview(w),
                customdata=np.stack(
                    [100 * g["p_low"], 100 * g["p_high"], g["mean_delta_risk"]], axis=1
                ),
                hovertemplate="%{x}: %{y:.0f}% (95%: %{customdata[0]:.0f}-%{customdata[1]:.0f}"
                "%), mean change in risk %{customdata[2]:+.4f}<extra>%{fullData.name}</extra>",
            )
        )
    fig.add_hline(
        y=50,
        line={"dash": "dash", "color": "#777", "width": 1},
        annotation_text="even odds",
        annotation_position="top right",
    )
    fig.update_layout(scattermode="group", scattergap=0.6)
    fig.update_yaxes(title_text="worlds where the pause lowers risk (%)", range=[-2, 102])
    fig.update_xaxes(title_text="risk accumulated")
    return _layout(fig, "Verdict by worldview: does the pause lower risk?", height=440)


def risk_levels(obj, horizon: str | None = None) -> go.Figure:
    """Each worldview's risk with the pause and without, across worlds, at one horizon."""
    src = as_source(obj)
    h = horizon or headline_horizon(src.scenario)
    fig = go.Figure()
    found = False
    for run in src.runs:
        frame = src.metrics[run]
        cols = [c for c in frame.columns if c.startswith("risk[") and c.endswith(f", {h}]")]
        for c in cols:
            found = True
            w = T.split_cell(c)[1][0]
            fig.add_trace(_percent_box(src, run, frame[c], T.worldview(w), c == cols[0]))
    if not found:
        raise NoData(f"no risk {T.horizon(h)} in these results")
    fig.update_layout(boxmode="group")
    fig.update_yaxes(title_text="risk (%)", rangemode="tozero")
    fig.update_xaxes(title_text="worldview")
    return _layout(fig, f"Risk {T.horizon(h)}, per worldview", height=420)


def decomposition(obj, horizon: str | None = None) -> go.Figure:
    """How each hazard term changes the integrated hazard (pause minus no pause), per worldview."""
    src = as_source(obj)
    d = src.table("decomposition")
    if d.empty:
        raise NoData("no risk decomposition (a single run, or an engine without risk)")
    h = horizon or headline_horizon(src.scenario)
    d = d[d["horizon"].astype(str) == h]
    if d.empty:
        raise NoData(f"no decomposition {T.horizon(h)}")
    worldviews = list(dict.fromkeys(d["worldview"]))
    fig = make_subplots(
        rows=len(worldviews),
        cols=1,
        subplot_titles=[T.worldview(w) for w in worldviews],
        vertical_spacing=0.12 if len(worldviews) > 1 else 0.0,
    )
    for i, w in enumerate(worldviews, start=1):
        g = d[d["worldview"] == w]
        delta = g["mean_delta"].astype(float).values
        fig.add_trace(
            go.Bar(
                x=delta,
                y=[T.term(t) for t in g["term"]],
                orientation="h",
                marker_color=["#b03030" if x > 0 else "#2a7d3f" for x in delta],
                showlegend=False,
                customdata=np.stack([g["share_of_delta"], g["p_same_sign"]], axis=1),
                hovertemplate="%{y}: %{x:+.4f} (share of the change %{customdata[0]:.2f}; same "
                "sign as the total in %{customdata[1]:.0%} of worlds)<extra></extra>",
            ),
            row=i,
            col=1,
        )
        total = float(delta.sum())
        fig.add_vline(x=0, line={"color": "#555", "width": 1}, row=i, col=1)
        effect = "pause raises" if total > 0 else "pause lowers"
        fig.layout.annotations[
            i - 1
        ].text = f"{T.worldview(w)}: total {total:+.4f} ({effect} risk on average)"
        fig.update_yaxes(autorange="reversed", row=i, col=1)
    fig.update_xaxes(
        title_text="change of integrated hazard, pause minus no pause (red: raises risk)",
        row=len(worldviews),
        col=1,
    )
    return _layout(
        fig,
        f"Which hazard term decides the verdict (risk {T.horizon(h)})",
        height=140 + 190 * len(worldviews),
        legend=False,
    )


def cruxes(obj, top: int = 3) -> go.Figure:
    """The parameters most rank-correlated with the change in risk, per worldview (a screen)."""
    src = as_source(obj)
    c = src.table("cruxes")
    if c.empty:
        raise NoData("no crux screen (a single run, or an engine without risk)")
    worldviews = list(dict.fromkeys(c["worldview"]))
    fig = make_subplots(
        rows=len(worldviews),
        cols=1,
        subplot_titles=[T.worldview(w) for w in worldviews],
        shared_xaxes=True,
        vertical_spacing=0.1,
    )
    for i, w in enumerate(worldviews, start=1):
        g = c[c["worldview"] == w].head(top)
        rho = g["spearman_rho"].astype(float).values
        fig.add_trace(
            go.Bar(
                x=rho,
                y=[T.label(p, "parameter", src.engine) for p in g["parameter"]],
                orientation="h",
                marker_color=["#b03030" if r > 0 else "#2a7d3f" for r in rho],
                showlegend=False,
                hovertemplate="%{y}: Spearman ρ %{x:+.2f}<extra></extra>",
            ),
            row=i,
            col=1,
        )
        fig.update_yaxes(autorange="reversed", row=i, col=1)
    fig.update_xaxes(range=[-1, 1])
    fig.update_xaxes(
        title_text="rank correlation with the change in risk (red: higher values make the "
        "pause look worse)",
        row=len(worldviews),
        col=1,
    )
    return _layout(
        fig, "What drives the verdict (screen)", height=120 + 150 * len(worldviews), legend=False
    )


def analysis(frame: pd.DataFrame, stem: str, engine: str = "compute", top: int = 8) -> go.Figure:
    """A bar chart of a saved crux or sensitivity table (``pausesim cruxes`` or ``sensitivity``).

    ``stem``: ``cruxes_ranking`` (how far P(better) moves from the lowest to the highest bin of
    each parameter), ``sensitivity_tornado`` (swing) or ``sensitivity_sobol`` (S1 and ST).
    """
    if frame.empty:
        raise NoData(f"the table {stem} is empty")
    outputs = list(dict.fromkeys(frame["output"]))
    fig = make_subplots(
        rows=len(outputs),
        cols=1,
        subplot_titles=[_output_label(o) for o in outputs],
        vertical_spacing=0.25 / max(len(outputs), 1),
    )
    for i, out in enumerate(outputs, start=1):
        g = frame[frame["output"] == out]
        names = [T.label(p, "parameter", engine) for p in g["parameter"]]
        if stem == "cruxes_ranking":
            g = g.head(top)
            names = names[: len(g)]
            x = 100 * g["movement"].astype(float)
            fig.add_trace(
                go.Bar(
                    x=x,
                    y=names,
                    orientation="h",
                    marker_color="#1f5fa8",
                    showlegend=False,
                    customdata=[_crux_text(r) for r in g.itertuples()],
                    hovertemplate="%{y}: %{x:+.0f} points; %{customdata}<extra></extra>",
                ),
                row=i,
                col=1,
            )
            x_title = (
                "change in P(pause lowers risk) from the lowest to the highest quantile bin of "
                "the parameter's values (percentage points)"
            )
        elif stem.endswith("sobol"):
            g = g.sort_values("ST", ascending=False).head(top)
            names = [T.label(p, "parameter", engine) for p in g["parameter"]]
            for k, colour, what in (("S1", "#1f5fa8", "first order"), ("ST", "#c8641e", "total")):
                fig.add_trace(
                    go.Bar(
                        x=g[k].astype(float),
                        y=names,
                        orientation="h",
                        name=f"Sobol index, {what}",
                        marker_color=colour,
                        showlegend=i == 1,
                        error_x={"type": "data", "array": g[f"{k}_conf"].astype(float)},
                    ),
                    row=i,
                    col=1,
                )
            x_title = "share of the output's variance"
        else:
            g = g.reindex(g["swing"].abs().sort_values(ascending=False).index).head(top)
            names = [T.label(p, "parameter", engine) for p in g["parameter"]]
            fig.add_trace(
                go.Bar(
                    x=g["swing"].astype(float),
                    y=names,
                    orientation="h",
                    marker_color="#1f5fa8",
                    showlegend=False,
                ),
                row=i,
                col=1,
            )
            x_title = "swing of the output from the 5th to the 95th percentile"
        fig.update_yaxes(autorange="reversed", row=i, col=1)
    fig.update_xaxes(title_text=x_title, row=len(outputs), col=1)
    if stem.endswith("sobol"):
        fig.update_layout(barmode="group")
    title = {
        "cruxes_ranking": "Cruxes: the parameter values the verdict turns on",
        "sensitivity_tornado": "One-at-a-time sensitivity (tornado)",
        "sensitivity_sobol": "Global sensitivity (Sobol indices)",
    }.get(stem, stem)
    return _layout(
        fig, title, height=140 + 60 * top * len(outputs) // 2, legend=stem.endswith("sobol")
    )


def _output_label(output: str) -> str:
    """``'p_better[feedback-loop, K>=10.68]'`` or ``'p_better:w:h'`` in words."""
    text = str(output)
    base, cells = T.split_cell(text)
    if not cells and ":" in text:
        base, *cells = text.split(":")
    what = {
        "p_better": "P(pause lowers risk)",
        "delta_risk": "change in risk",
    }.get(base, T.label(base, "metric"))
    parts = []
    for c in cells:
        parts.append(T.cell(c))
    return what + (", " + ", ".join(parts) if parts else "")


def _crux_text(row) -> str:
    thr = getattr(row, "threshold", float("nan"))
    if thr is None or not np.isfinite(thr):
        return "no crossing of 50%"
    side = "below" if getattr(row, "better_when", "") == "low" else "above"
    return f"helps if {side} {thr:.3g}"
