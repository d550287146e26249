"""Rich tables for the command line (presentation only; the numbers come from the core)."""

from __future__ import annotations

import math

from rich.markup import escape
from rich.table import Table

from pausesim.metrics.compute import failure_counts

#: Failing variables a caption names before it summarises the rest.
_NAMED_FAILURES = 6


def _fmt(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if abs(x) >= 1000:
        return f"{x:.1f}"
    return f"{x:.3g}" if abs(x) < 0.01 and x != 0 else f"{x:.2f}"


def _interval(row) -> str:
    return f"[{_fmt(row['p5'])}, {_fmt(row['p95'])}]"


def _undefined(row) -> str:
    u = int(row["n_undefined"])
    return f"{u} of {int(row['n'])}" if u else "0"


def failure_note(*runs) -> str:
    """``"N failed samples"``, with the variables that failed and how often.

    ``runs`` are :class:`~pausesim.run.Result` objects (a comparison passes both runs, each
    world counted once per run it failed in).
    """
    counts: dict[str, int] = {}
    for r in runs:
        for name, c in failure_counts(r.metrics).items():
            counts[name] = counts.get(name, 0) + c
    n = sum(r.n_failed for r in runs)
    if not n:
        return "0 failed samples (NaN/overflow)"
    named = [f"{escape(k)} {c}" for k, c in list(counts.items())[:_NAMED_FAILURES]]
    more = len(counts) - _NAMED_FAILURES
    rest = f" and {more} more" if more > 0 else ""
    return (
        f"{n} failed samples (NaN/overflow in: {', '.join(named)}{rest}; per sample: metrics "
        "column failed_variables), left out of every metric and verdict"
    )


def _full_table(title: str) -> Table:
    """A table for the --full output: no lines, so that it fits 80 columns."""
    return Table(
        title=title,
        box=None,
        pad_edge=False,
        title_justify="left",
        title_style="bold",
        header_style="bold underline",
    )


def _with_unit(lab) -> str:
    unit = "" if lab.unit in ("", "year", "share", "probability", "pauses") else f" ({lab.unit})"
    return escape(lab.label + unit)


def run_table(result) -> Table:
    """Median and 90% interval of every metric of one run."""
    s = result.summary()
    t = _full_table(
        f"Every metric of {escape(result.scenario.name)}: {result.scenario.samples} samples, "
        f"seed {result.scenario.seed}"
    )
    t.add_column("metric (unit)", overflow="fold")
    t.add_column("median", justify="right", no_wrap=True)
    t.add_column("90% interval", justify="right", no_wrap=True)
    t.add_column("undef.", justify="right", no_wrap=True)
    for name, row in s.iterrows():
        if _none_defined(row):
            continue  # defined in no world (e.g. no defector)
        lab = _label(name, result.scenario.engine)
        t.add_row(_with_unit(lab), _fmt(row["median"]), _interval(row), _undefined(row))
    t.caption = f"{failure_note(result)}; undefined = level never reached or pause never lifted"
    return t


def _label(name: str, engine: str):
    """The :class:`~pausesim.labels.Label` of a metric or summary row name."""
    from pausesim.labels import describe

    return describe(name, "metric", engine)


def lift_reason_table(result) -> Table | None:
    """Why the first pause episode ended and how long it lasted, per reason."""
    reasons = result.lift_reasons()
    if reasons.empty:
        return None
    from pausesim.labels import lift_reason_label

    t = _full_table("Why the pause ended (first episode)")
    t.add_column("reason", overflow="fold")
    t.add_column("worlds", justify="right")
    t.add_column("share", justify="right")
    t.add_column("pause length, years: median [90%]", justify="right")
    for r in reasons.itertuples():
        t.add_row(
            escape(lift_reason_label(r.reason)),
            str(r.n),
            f"{r.share:.2f}",
            f"{_fmt(r.pause_years_median)} [{_fmt(r.pause_years_p5)}, {_fmt(r.pause_years_p95)}]",
        )
    m = result.metrics
    if "n_pauses" in m:
        again = float((m["n_pauses"].values >= 2).mean())
        t.caption = (
            f"Re-paused at least once in {pct(again)} of worlds ('Years paused in total' "
            "counts every episode). 'Still in force at the end': paused when the grid ends "
            "(length so far)."
        )
    return t


def comparison_table(comparison) -> Table:
    """Policy vs no pause: medians side by side, then the per-sample deltas."""
    s = comparison.summary()
    sc = comparison.scenario
    t = _full_table(
        f"Every metric: {escape(sc.policy.name)} vs no pause, {sc.samples} sampled worlds, "
        f"seed {sc.seed}"
    )
    t.add_column("metric (unit)", overflow="fold")
    t.add_column("pause: median [90%]", justify="right", no_wrap=True)
    t.add_column("no pause: median [90%]", justify="right", no_wrap=True)
    t.add_column("undef.", justify="right", no_wrap=True)
    engine = sc.engine
    pol, cf = s.loc["policy"], s.loc["counterfactual"]
    for name in pol.index:
        if name.startswith("risk["):
            continue  # shown by worldview in the verdict table
        a, b = pol.loc[name], cf.loc[name]
        if _none_defined(a) and _none_defined(b):
            continue  # defined in no world of either run (e.g. no defector)
        t.add_row(
            _with_unit(_label(name, engine)),
            f"{_fmt(a['median'])} {_interval(a)}",
            f"{_fmt(b['median'])} {_interval(b)}",
            f"{int(a['n_undefined'])}/{int(b['n_undefined'])}",
        )
    t.add_section()
    for name, row in s.loc["comparison"].iterrows():
        if name.startswith("delta_risk["):
            continue  # shown by worldview in the verdict table
        t.add_row(
            f"[bold]{_with_unit(_label(name, engine))}[/]",
            f"{_fmt(row['median'])} {_interval(row)}",
            "",
            _undefined(row),
        )
    beyond = comparison.deltas.attrs.get("n_danger_beyond_grid_policy_only", 0)
    t.caption = (
        "Same sampled worlds under both policies (common random numbers); below the line, the "
        "per-world differences. Undef.: worlds where the metric is undefined (level never "
        "reached, pause never lifted), with the pause / without. "
        f"{failure_note(comparison.policy, comparison.counterfactual)}. The delay is undefined "
        f"where the danger level is not reached in one run ({beyond} reach it only without the "
        "pause). Column names of the CSV files: the code names, e.g. delay_years "
        "(pausesim.labels)."
    )
    return t


def _none_defined(row) -> bool:
    """No sample enters the row's statistics (all undefined or failed)."""
    return int(row["n_undefined"]) + int(row.get("n_failed", 0)) >= int(row["n"])


def params_table(records: list[dict], engine: str) -> Table:
    """The parameter catalog as a table."""
    t = Table(title=f"Parameters of the {engine} engine", show_lines=True)
    for col in ("name", "unit", "default", "range", "source"):
        t.add_column(col, overflow="fold")
    for r in records:
        default = r["default"] + (f"\n{r['actor_defaults']}" if r["actor_defaults"] else "")
        name = f"{escape(r['name'])}\n[dim]{escape(r['label'])}[/]"
        t.add_row(name, r["unit"], default, f"[{r['min']:g}, {r['max']:g}]", r["source"])
    return t


def _worldview_title(name: str) -> str:
    from pausesim.worldviews import BUILTIN

    return BUILTIN[name].title if name in BUILTIN else name


def _grouped(title: str, tables: list[Table], caption: str):
    """A bold title, one table per worldview (titled by it), and a shared caption."""
    from rich.console import Group
    from rich.text import Text

    return Group(Text(title, style="bold"), *tables, Text(caption, justify="left"))


def verdict_table(comparison):
    """Per worldview and horizon: P(policy better) with its Wilson interval and delta_risk.

    One table per worldview under a shared title and caption (a :class:`rich.console.Group`).
    """
    v = comparison.verdicts()
    if v.empty:
        return None
    cf = comparison.counterfactual.metrics["risk"]
    if "sample_failed" in comparison.deltas:  # the worlds of the verdict: neither run failed
        cf = cf.where(~comparison.deltas["sample_failed"])
    fixed_any = False
    tables = []
    for w in v.index.get_level_values(0).unique():
        rows = v.loc[w]
        flag = " †" if rows["sign_depends_on_horizon"].any() else ""
        t = _full_table(f"{escape(_worldview_title(w))}{flag}")
        t.title_style = "italic"
        t.add_column("risk until", no_wrap=True)
        t.add_column("risk, no pause", justify="right")
        t.add_column("P(lower) [95%]", justify="right", no_wrap=True)
        t.add_column("mean Δ", justify="right", no_wrap=True)
        t.add_column("Δrisk median [90%]", justify="right", no_wrap=True)
        t.add_column("ties/ undef./ failed", justify="right")
        for h, row in rows.iterrows():
            fixed = bool(row.get("fixed_by_construction", ""))
            fixed_any |= fixed
            t.add_row(
                escape(h),
                _fmt(float(cf.sel(worldview=w, horizon=h).median())),
                "never (by construction)"
                if fixed
                else f"{row['p_policy_better']:.2f} [{row['p_low']:.2f}, {row['p_high']:.2f}]",
                f"{row['mean_delta_risk']:+.4f}",
                f"{row['median']:+.3f} [{row['p5']:+.3f}, {row['p95']:+.3f}]",
                f"{int(row['n_ties'])}/{int(row['n_undefined'])}/{int(row.get('n_failed', 0))}",
            )
        tables.append(t)
    caption = (
        "Risk, no pause: median over worlds. P(lower): share of worlds where the pause lowers "
        "the risk, with its Wilson score interval. Mean Δ: mean Δrisk, risk with the pause "
        "minus without. Ties: worlds where the pause leaves "
        "the risk exactly unchanged (counted as not better). "
        "A year horizon accumulates risk until that year; K>=x until the frontier reaches x OOM "
        "above GPT-4 (equal capability, not equal dates). Undefined: the level is not reached "
        "within the grid in one of the two runs. Failed: NaN or overflow in either run (left "
        "out; variables in the comparison table's caption). † the sign of the verdict depends "
        "on the horizon (see the horizon sweep)."
        + (
            " 'never (by construction)': the worldview weighs only hazards that are zero without "
            "a pause and never negative, so no pause can lower its risk."
            if fixed_any
            else ""
        )
    )
    return _grouped(
        "Verdict by worldview and horizon (risk with the pause minus without)", tables, caption
    )


def headline_horizon(comparison) -> str:
    """The horizon the short tables use: the first capability level, else the last year."""
    return headline_horizon_of(comparison.scenario)


def headline_horizon_of(scenario) -> str:
    """:func:`headline_horizon` of a scenario."""
    risk = scenario.risk
    if risk.level_horizons:
        return f"K>={risk.level_horizons[0]:g}"
    return f"{risk.horizons[-1]:g}"


def decomposition_table(comparison):
    """Which hazard term decides the verdict, per worldview, at the headline horizon.

    One table per worldview under a shared title and caption (a :class:`rich.console.Group`).
    """
    from pausesim.worldviews.terms import TERM_LABELS

    h = headline_horizon(comparison)
    d = comparison.decomposition([h])
    if d.empty:
        return None
    sweep = comparison.horizon_sweep()
    tables = []
    for w in d["worldview"].unique():
        total = sweep.loc[(w, h)]
        t = _full_table(
            f"{escape(_worldview_title(w))}: P(pause lowers risk) {total['p_policy_better']:.2f}"
        )
        t.title_style = "italic"
        t.add_column("hazard term", overflow="fold")
        t.add_column("share of hazard: none / pause", justify="right")
        t.add_column("mean Δ hazard", justify="right")
        t.add_column("share of Δ", justify="right")
        t.add_column("same sign", justify="right")
        rows = d[(d["worldview"] == w) & (d["horizon"] == h)].set_index("term")
        for term, r in rows.iterrows():
            t.add_row(
                escape(TERM_LABELS.get(term, term)),
                f"{_fmt(r['share_no_pause'])} / {_fmt(r['share_policy'])}",
                f"{r['mean_delta']:+.4f}",
                _fmt(r["share_of_delta"]),
                _fmt(r["p_same_sign"]),
            )
        t.add_row("[bold]total[/]", "", f"[bold]{total['mean_delta_hazard']:+.4f}[/]", "1.00", "")
        tables.append(t)
    caption = (
        "Hazard is a weighted sum of terms, so the change of integrated hazard (pause minus no "
        "pause, same worlds) splits exactly by term; its sign is the sign of Δrisk in every "
        "world. Share of Δ: the term's part of the mean change (negative: it pulls the other "
        "way). Same sign: how often the term's change has the total's sign. Mean Δ hazard: the "
        "change of the hazard integrated to the horizon. Terms: pausesim worldviews. All "
        "horizons: Comparison.decomposition(), decomposition.csv."
    )
    return _grouped(
        f"Which hazard term decides the verdict (risk until {escape(h)})", tables, caption
    )


def horizon_table(comparison) -> Table | None:
    """P(policy better) and mean Δrisk per worldview across the horizon sweep."""
    sweep = comparison.horizon_sweep()
    if sweep.empty:
        return None
    worldviews = list(sweep.index.get_level_values("worldview").unique())
    t = _full_table("Verdict across horizons: P(pause lowers risk) (mean Δrisk)")
    t.add_column("risk until", no_wrap=True)
    for w in worldviews:
        t.add_column(escape(_worldview_title(w)), justify="right", overflow="fold")
    fixed = {w.name: bool(w.fixed_by_construction) for w in comparison.worldviews}
    order = sweep.loc[worldviews[0]].sort_values(["kind", "value"], ascending=[False, True])
    for h in order.index:
        cells = []
        for w in worldviews:
            r = sweep.loc[(w, h)]
            p = "never" if fixed.get(w) else _fmt(r["p_policy_better"])
            undefined = f", {int(r['n_undefined'])} undef." if r["n_undefined"] else ""
            if r.get("n_failed", 0):
                undefined += f", {int(r['n_failed'])} failed"
            cells.append(f"{p} ({r['mean_delta_risk']:+.4f}{undefined})")
        t.add_row(escape(h), *cells)
    t.caption = (
        "Years every 5 from 10 years after the grid's start, and capability levels 1-12 OOM "
        "above the danger level, with the scenario's own horizons (docs/worldviews.md, "
        "'Horizons'). Comparison.horizon_sweep(), horizons.csv."
    )
    return t


def horizon_warnings(comparison) -> list[str]:
    """One warning per worldview whose verdict changes sign across the horizon sweep."""
    dep = comparison.horizon_dependence()
    if dep.empty:
        return []
    out = []
    for w, r in dep[dep["sign_depends_on_horizon"]].iterrows():
        noise = (
            ""
            if r["p_crosses_half_beyond_2se"] or r["delta_changes_sign"]
            else " (it crosses 50% only within two Monte Carlo standard errors)"
        )
        out.append(
            f"Warning: the verdict of {_worldview_title(w)} depends on the horizon: the pause "
            f"lowers its risk in {pct(r['p_min'])} of worlds (risk until "
            f"{_horizon_text(r['horizon_p_min'])}) to {pct(r['p_max'])} (until "
            f"{_horizon_text(r['horizon_p_max'])}); the mean change of risk goes from "
            f"{100 * r['delta_min']:+.2f} to {100 * r['delta_max']:+.2f} points{noise}."
        )
    return out


def _horizon_text(horizon: str) -> str:
    """``"K>=7.68"`` -> ``"K≥7.68"``, a year as it is."""
    return str(horizon).replace(">=", "≥")


def drivers_table(comparison) -> Table | None:
    """Parameters most rank-correlated with delta_risk, per worldview (a screen).

    The numbers are :func:`pausesim.risk.crux_screen` (average-rank Spearman).
    """
    cruxes = comparison.cruxes()
    if cruxes.empty:
        return None
    from pausesim.labels import describe

    engine = comparison.scenario.engine
    t = _full_table("What drives the verdict: parameters most associated with Δrisk")
    t.add_column("parameter (name for --set)", overflow="fold")
    t.add_column("Spearman ρ with Δrisk", justify="right", no_wrap=True)
    last = ""
    for r in cruxes.itertuples():
        if r.worldview != last:
            t.add_row(f"[bold]{escape(_worldview_title(r.worldview))}[/]", "")
        lab = describe(r.parameter.split("[")[0], "parameter", engine)
        cell = r.parameter[len(lab.name) :]  # the actor of a per-actor parameter, if any
        t.add_row(
            f"  {escape(lab.label + cell)} [dim]({escape(r.parameter)})[/]",
            f"{r.spearman_rho:+.2f}",
        )
        last = r.worldview
    t.caption = (
        "Across sampled worlds, at the last horizon; Spearman with average ranks for ties. "
        "Positive: higher values make the pause look worse. A screen, not a causal attribution: "
        "'pausesim cruxes' finds the values the verdict turns on, 'pausesim sensitivity' "
        "ranks one-at-a-time and variance-based effects."
    )
    return t


def worldview_table(worldviews, terms: dict[str, str]) -> Table:
    """Built-in worldviews with their weights."""
    t = Table(title="Worldviews (yearly hazard = sum of weight x term)", show_lines=True)
    t.add_column("worldview", style="bold")
    t.add_column("weights")
    t.add_column("description and source", overflow="fold")
    for w in worldviews:
        weights = "\n".join(f"{k} = {v:g}" for k, v in w.weights.items())
        t.add_row(w.name, weights, f"{escape(w.description)}\n[dim]{escape(w.source)}[/]")
    from pausesim.worldviews.terms import TERM_LABELS

    t.caption = "Terms: " + "; ".join(
        f"{k} ({TERM_LABELS.get(k, k)}): {v}" for k, v in terms.items()
    )
    return t


# -- the headline: what a person reads first --------------------------------------------------


def value(x: float, unit: str) -> str:
    """A number with its unit for people: ``2030.1``, ``1.11 years``, ``64%``, ``0.44 OOM``."""
    if x is None or not math.isfinite(x):
        return "—"
    if unit == "year":  # a date
        return f"{x:.1f}"
    if unit == "probability":
        return f"{x:.1%}"
    if unit == "share":
        return pct(x)
    if unit == "years":
        return f"{_fmt(x)} years"
    if unit == "x":
        return f"{_fmt(x)}x"
    return f"{_fmt(x)} {unit}"


def _spread(row, unit: str) -> str:
    """``median [p5, p95]`` with the unit once, on the median."""
    if _none_defined(row):
        return "—"
    bare = "" if unit in ("share", "probability", "year", "x") else unit
    lo, hi = (value(row[k], unit).removesuffix(f" {bare}") for k in ("p5", "p95"))
    return f"{value(row['median'], unit)} [{lo}, {hi}]"


def danger_sentence(scenario) -> str:
    """What the danger level is, in plain words, with its number."""
    from pausesim.units import DANGER_LEVEL_OOMS, LOG10_GPT4_FLOP

    k = scenario.metrics.danger_level_ooms
    flop = 10 ** (k + LOG10_GPT4_FLOP)
    what = (
        ", where AI could automate 20% of cognitive tasks (Davidson 2023, best guess)"
        if abs(k - DANGER_LEVEL_OOMS) < 5e-3
        else " (set by metrics.danger_level_ooms)"
    )
    return (
        f"Danger level: capability K = {k:g}, i.e. {k:g} orders of magnitude (OOM, factors "
        f"of ten) more effective training compute than GPT-4, about {flop:.0e} FLOP at 2022 "
        f"algorithms{what}."
    ).replace("e+", "e")


def _metric_rows(table: Table, names, first, second, engine: str) -> None:
    """One row per metric in ``names`` present in ``first``: label and median [90%].

    A table with a second value column gets the median in ``second`` there (empty if
    ``second`` is None).
    """
    from pausesim.labels import describe

    two = len(table.columns) > 2
    for name in names:
        if name not in first.index:
            continue
        lab = describe(name, "metric", engine)
        a = first.loc[name]
        b = second.loc[name] if second is not None and name in second.index else None
        if _none_defined(a) and (b is None or _none_defined(b)):
            continue
        cells = [escape(lab.label), escape(_spread(a, lab.unit) + _undefined_note(a))]
        if two:
            cells.append("" if b is None else escape(value(b["median"], lab.unit)))
        table.add_row(*cells)


def _undefined_note(row) -> str:
    u = int(row["n_undefined"])
    return f" ({u} of {int(row['n'])} undefined)" if u else ""


def _share_rows(table: Table, metric: str, first, second, engine: str) -> None:
    """One row per actor of a per-actor share metric, labelled by the actor."""
    from pausesim.labels import actor_label, describe

    cells = [n for n in first.index if n.startswith(f"{metric}[")]
    if len(cells) < 2 or all(_none_defined(first.loc[n]) for n in cells):
        return  # one actor holds everything, or the level is never reached: nothing to say
    two = len(table.columns) > 2
    table.add_row(escape(describe(metric, "metric", engine).label) + ":", *[""] * (1 + two))
    for name in cells:
        row = ["  " + escape(actor_label(name[len(metric) + 1 : -1]))]
        row.append(escape(_spread(first.loc[name], "share")))
        if two:
            row.append("" if second is None else escape(value(second.loc[name]["median"], "share")))
        table.add_row(*row)


def _facts_table(title_cols: tuple[str, ...]) -> Table:
    from rich import box

    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    t.add_column("", overflow="fold")
    for col in title_cols:
        t.add_column(col, justify="right", overflow="fold")
    return t


def lift_sentence(result) -> str | None:
    """Why the first pause ended, in one or two sentences; None without pause episodes."""
    from pausesim.labels import lift_reason_label

    reasons = result.lift_reasons()
    if reasons.empty:
        return None
    reasons = reasons.sort_values("n", ascending=False)
    parts = []
    for i, r in enumerate(reasons.itertuples()):
        text = lift_reason_label(r.reason)
        where = "of worlds" if i == 0 else ""
        length = (
            f"after {_fmt(r.pause_years_median)} years, median"
            if r.reason != "in_force_at_end"
            else f"{_fmt(r.pause_years_median)} years so far, median"
        )
        if i == 0:
            parts.append(f"{text} in {pct(r.share)} {where} ({length})")
        else:
            parts.append(f"{text} in {pct(r.share)} ({_fmt(r.pause_years_median)} years)")
    out = "Why the pause ended: " + "; ".join(parts) + "."
    m = result.metrics
    if "n_pauses" in m:
        again = float((m["n_pauses"].values >= 2).mean())
        out += f" It was imposed again at least once in {pct(again)} of worlds."
    return out


def _verdict_word(row) -> str:
    if row.get("fixed_by_construction", ""):
        return "worse"
    if row["p_low"] > 0.5:
        return "[green]better[/]"
    if row["p_high"] < 0.5:
        return "[red]worse[/]"
    return "[yellow]unclear[/]"


def pct(x: float) -> str:
    """A share as a percentage: whole percent, one decimal below 1% (``0.5%``, ``<0.1%``).

    Only an exact 0 prints as ``0%``.
    """
    if not math.isfinite(x):
        return "—"
    if 0 < abs(x) < 0.001:
        return "<0.1%" if x > 0 else ">-0.1%"
    return f"{x:.1%}" if 0 < abs(x) < 0.01 else f"{x:.0%}"


def verdict_headline(comparison) -> list:
    """The verdict per worldview at the headline horizon: a sentence, a table and a note."""
    from pausesim.labels import describe

    v = comparison.verdicts()
    if v.empty:
        return []
    h = headline_horizon(comparison)
    horizon = describe(h, "term")
    cf = comparison.counterfactual.metrics["risk"]
    if "sample_failed" in comparison.deltas:
        cf = cf.where(~comparison.deltas["sample_failed"])
    meaning = horizon.meaning.replace("Risk accumulated", "Risk is accumulated", 1)
    intro = "[bold]Verdict[/]: does the pause lower the risk of catastrophe? " + escape(meaning)
    from rich import box

    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    t.add_column("worldview", no_wrap=True)
    t.add_column("verdict")
    for col in ("lowers risk in [95%]", "change", "risk, no pause"):
        t.add_column(col, justify="right", overflow="fold")
    daggers = False
    for w in v.index.get_level_values(0).unique():
        row = v.loc[(w, h)]
        label = describe(w, "worldview").label if w in _builtin() else w
        dep = bool(row.get("sign_depends_on_horizon", False))
        daggers |= dep
        share = (
            "never, by construction"
            if row.get("fixed_by_construction", "")
            else f"{pct(row['p_policy_better'])} [{pct(row['p_low'])}, {pct(row['p_high'])}]"
        )
        t.add_row(
            f"{escape(label)}{' †' if dep else ''}",
            _verdict_word(row),
            share,
            f"{100 * row['mean_delta_risk']:+.2f} pts",
            f"{float(cf.sel(worldview=w, horizon=h).mean()):.1%}",
        )
    notes = [
        "Lowers risk in: share of worlds where the pause lowers the worldview's risk, with its "
        "95% interval (Wilson). Better: the interval lies above 50%; worse: below; unclear: it "
        "spans 50%. Change: mean risk with the pause minus without, in percentage points "
        "(pts); it can have the other sign when a few worlds change a lot. Risk, no pause: the "
        "mean without it."
    ]
    if daggers:
        notes.append("† The sign of the verdict changes at other horizons (see --full).")
    return [intro, t, " ".join(notes)]


def _builtin() -> set[str]:
    from pausesim.worldviews import BUILTIN

    return set(BUILTIN)


def comparison_headline(comparison) -> list:
    """What a person reads first: the numbers that answer 'what does this pause do?'.

    A list of Rich renderables and strings, printed in order: the setting, what the danger
    level is, the delay, pause length, overhang, jump and frontier shares (median and 90%
    interval over worlds), why the pause ended, and the verdict per worldview.
    """
    sc = comparison.scenario
    engine = sc.engine
    s = comparison.summary()
    pol, cf, cmp_ = s.loc["policy"], s.loc["counterfactual"], s.loc["comparison"]
    out: list = [
        f"[bold]{escape(sc.name)}[/]: {escape(_policy_name(sc))}, against no pause in "
        f"{sc.samples:,} sampled worlds (seed {sc.seed}); each world is run with and without "
        "the pause.",
        *([f"[dim]{escape(sc.description)}[/]"] if sc.description else []),
        danger_sentence(sc),
    ]
    t = _facts_table(("with the pause: median [90%]", "no pause"))
    _metric_rows(t, ["danger_year"], pol, cf, engine)
    _metric_rows(t, ["delay_years"], cmp_, None, engine)
    _metric_rows(t, ["pause_years", "overhang_ooms", "max_jump_ooms_per_year"], pol, cf, engine)
    _metric_rows(t, _engine_headline(comparison.policy), pol, cf, engine)
    _share_rows(t, "frontier_share_at_danger", pol, cf, engine)
    out.append(t)
    out.append(
        "[90%]: 5th and 95th percentile over the worlds. OOM: orders of magnitude (factors "
        "of ten) of effective compute; the overhang is how far the coalition can jump when the "
        "cap is lifted."
    )
    sentence = lift_sentence(comparison.policy)
    if sentence:
        out.append(sentence)
    out.extend(verdict_headline(comparison))
    beyond = comparison.deltas.attrs.get("n_danger_beyond_grid_policy_only", 0)
    if beyond:
        out.append(
            f"In {beyond} worlds the danger level is reached only without the pause (within "
            "the simulated years), so the delay there is at least the rest of the grid."
        )
    if comparison.policy.n_failed or comparison.counterfactual.n_failed:
        out.append(failure_note(comparison.policy, comparison.counterfactual) + ".")
    return out


def _policy_name(scenario) -> str:
    from pausesim.labels import actor_label

    members = scenario.policy.coalition.everyone_ever
    who = ", ".join(actor_label(a) for a in members)
    return f"{who} pause from {scenario.policy.start_year:g} (policy '{scenario.policy.name}')"


def _engine_headline(result) -> list[str]:
    """An engine's own headline metrics (the ftm engine's AGI year and takeoff speeds)."""
    return [k for k, v in result.metrics.data_vars.items() if v.attrs.get("headline")]


def run_headline(result) -> list:
    """What a person reads first about one run: the danger year, the pause and the frontier."""
    sc = result.scenario
    s = result.summary()
    what = "nobody pauses" if sc.policy.is_none else _policy_name(sc)
    out: list = [
        f"[bold]{escape(sc.name)}[/]: {escape(what)}, in {sc.samples:,} sampled worlds "
        f"(seed {sc.seed}).",
        *([f"[dim]{escape(sc.description)}[/]"] if sc.description else []),
        danger_sentence(sc),
    ]
    t = _facts_table(("median [90%]",))
    names = ["danger_year", "takeoff_years", "max_jump_ooms_per_year"]
    if not sc.policy.is_none:
        names[1:1] = ["pause_years", "overhang_ooms"]
    names += _engine_headline(result)
    _metric_rows(t, names, s, None, sc.engine)
    _share_rows(t, "frontier_share_at_danger", s, None, sc.engine)
    h = headline_horizon_of(sc)
    risks = [n for n in s.index if n.startswith("risk[") and n.endswith(f", {h}]")]
    if risks:
        from pausesim.labels import describe

        t.add_row(f"Risk {escape(describe(h, 'term').label)}:", "")
        for name in risks:
            w = name[len("risk[") : -len(f", {h}]")]
            label = describe(w, "worldview").label if w in _builtin() else w
            t.add_row("  " + escape(label), escape(_spread(s.loc[name], "probability")))
    out.append(t)
    out.append("[90%]: 5th and 95th percentile over the worlds.")
    sentence = lift_sentence(result)
    if sentence and not sc.policy.is_none:
        out.append(sentence)
    if result.n_failed:
        out.append(failure_note(result) + ".")
    return out


def _more(what: str, full: bool, out) -> str | None:
    """Where to find the rest: ``--full`` (unless given), and the per-world table."""
    parts = [] if full else [f"{what}: add --full."]
    if out is None:
        parts.append("Every number, one row per world: --out DIR.")
    else:
        parts.append(f"Every number, one row per world: {escape(str(out))}/worlds.csv.")
    return "[dim]" + " ".join(parts) + "[/]"


def comparison_report(comparison, *, full: bool = False, out=None) -> list:
    """What ``pausesim compare`` prints: the headline, then every table with ``full``.

    ``out`` is the results folder, if one is written (named in the closing hint).
    """
    parts = comparison_headline(comparison)
    parts += [f"[yellow]{escape(line)}[/]" for line in horizon_warnings(comparison)]
    if full:
        tables = (
            comparison_table(comparison),
            lift_reason_table(comparison.policy),
            verdict_table(comparison),
            decomposition_table(comparison),
            horizon_table(comparison),
            drivers_table(comparison),
        )
        parts += [t for t in tables if t is not None]
    what = "Every metric, the verdict at every horizon, its split by hazard term and what drives it"
    parts.append(_more(what, full, out))
    return parts


def run_report(result, *, full: bool = False, out=None) -> list:
    """What ``pausesim run`` prints: the headline, then every metric with ``full``.

    ``out`` is the results folder, if one is written (named in the closing hint).
    """
    parts = run_headline(result)
    if full:
        parts.append(run_table(result))
        reasons = lift_reason_table(result)
        if reasons is not None:
            parts.append(reasons)
    parts.append(_more("Every metric", full, out))
    return parts
