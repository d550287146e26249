"""Rich tables for the command line (presentation only; the numbers come from the core)."""

from __future__ import annotations

import math

from rich.markup import escape
from rich.table import Table

from pausesim.metrics.compute import RUN_METRICS, failure_counts

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


def run_table(result) -> Table:
    """Median and 90% interval of every metric of one run."""
    s = result.summary()
    t = Table(
        title=f"{escape(result.scenario.name)}: {result.scenario.samples} samples, "
        f"seed {result.scenario.seed}"
    )
    t.add_column("metric")
    t.add_column("unit")
    t.add_column("median", justify="right")
    t.add_column("90% interval", justify="right")
    t.add_column("undefined", justify="right")
    for name, row in s.iterrows():
        unit = RUN_METRICS.get(name.split("[")[0], ("", ""))[0]
        t.add_row(escape(name), unit, _fmt(row["median"]), _interval(row), _undefined(row))
    t.caption = f"{failure_note(result)}; undefined = level never reached or pause never lifted"
    return t


def lift_reason_table(result) -> Table | None:
    """Why the first pause episode ended and how long it lasted, per reason."""
    reasons = result.lift_reasons()
    if reasons.empty:
        return None
    t = Table(title="Why the pause ended (first episode)")
    t.add_column("reason")
    t.add_column("worlds", justify="right")
    t.add_column("share", justify="right")
    t.add_column("pause length, years: median [90%]", justify="right")
    for r in reasons.itertuples():
        t.add_row(
            escape(r.reason.replace("_", " ")),
            str(r.n),
            f"{r.share:.2f}",
            f"{_fmt(r.pause_years_median)} [{_fmt(r.pause_years_p5)}, {_fmt(r.pause_years_p95)}]",
        )
    m = result.metrics
    if "n_pauses" in m:
        again = float((m["n_pauses"].values >= 2).mean())
        t.caption = (
            f"Re-paused at least once in {again:.0%} of worlds; paused_years_total counts every "
            "episode. 'in force at end': still paused when the grid ends (length so far)."
        )
    return t


def comparison_table(comparison) -> Table:
    """Policy vs no pause: medians side by side, then the per-sample deltas."""
    s = comparison.summary()
    sc = comparison.scenario
    t = Table(
        title=f"{escape(sc.policy.name)} vs no pause — {sc.samples} sampled worlds, seed {sc.seed}"
    )
    t.add_column("metric")
    t.add_column("pause: median [90%]", justify="right")
    t.add_column("no pause: median [90%]", justify="right")
    t.add_column("undefined (pause / none)", justify="right")
    pol, cf = s.loc["policy"], s.loc["counterfactual"]
    for name in pol.index:
        if name.startswith("risk["):
            continue  # shown by worldview in the verdict table
        a, b = pol.loc[name], cf.loc[name]
        if _none_defined(a) and _none_defined(b):
            continue  # defined in no world of either run (e.g. no defector)
        t.add_row(
            escape(name),
            f"{_fmt(a['median'])} {_interval(a)}",
            f"{_fmt(b['median'])} {_interval(b)}",
            f"{int(a['n_undefined'])} / {int(b['n_undefined'])}",
        )
    t.add_section()
    for name, row in s.loc["comparison"].iterrows():
        if name.startswith("delta_risk["):
            continue  # shown by worldview in the verdict table
        t.add_row(
            f"[bold]{escape(name)}[/]",
            f"{_fmt(row['median'])} {_interval(row)}",
            "",
            _undefined(row),
        )
    beyond = comparison.deltas.attrs.get("n_danger_beyond_grid_policy_only", 0)
    t.caption = (
        "Same sampled worlds under both policies (common random numbers). "
        f"{failure_note(comparison.policy, comparison.counterfactual)}. "
        f"delay undefined where the danger level is not reached in one run ({beyond} reach it only "
        "without the pause)."
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
        t.add_row(r["name"], r["unit"], default, f"[{r['min']:g}, {r['max']:g}]", r["source"])
    return t


def verdict_table(comparison) -> Table | None:
    """Per worldview and horizon: P(policy better) with its Wilson interval and delta_risk."""
    v = comparison.verdicts()
    if v.empty:
        return None
    cf = comparison.counterfactual.metrics["risk"]
    if "sample_failed" in comparison.deltas:  # the worlds of the verdict: neither run failed
        cf = cf.where(~comparison.deltas["sample_failed"])
    t = Table(title="Verdict by worldview (risk with the pause minus without, same worlds)")
    t.add_column("worldview")
    t.add_column("risk until", justify="right")
    t.add_column("risk, no pause (median)", justify="right")
    t.add_column("P(pause lowers risk) [95%]", justify="right")
    t.add_column("Δrisk mean", justify="right")
    t.add_column("Δrisk median [90%]", justify="right")
    t.add_column("ties", justify="right")
    t.add_column("undefined", justify="right")
    t.add_column("failed", justify="right")
    fixed_any = False
    for w in v.index.get_level_values(0).unique():
        for i, (h, row) in enumerate(v.loc[w].iterrows()):
            fixed = bool(row.get("fixed_by_construction", ""))
            fixed_any |= fixed
            flag = " [yellow]†[/]" if row.get("sign_depends_on_horizon", False) else ""
            t.add_row(
                w + flag if i == 0 else "",
                escape(h),
                _fmt(float(cf.sel(worldview=w, horizon=h).median())),
                "never, by construction"
                if fixed
                else f"{row['p_policy_better']:.2f} [{row['p_low']:.2f}, {row['p_high']:.2f}]",
                f"{row['mean_delta_risk']:+.4f}",
                f"{row['median']:+.4f} [{row['p5']:+.4f}, {row['p95']:+.4f}]",
                str(int(row["n_ties"])),
                str(int(row["n_undefined"])),
                str(int(row.get("n_failed", 0))),
            )
    t.caption = (
        "[95%]: Wilson score interval of the share of worlds. Ties: worlds where the pause leaves "
        "the risk exactly unchanged (counted as not better). "
        "A year horizon accumulates risk until that year; K>=x until the frontier reaches x OOM "
        "above GPT-4 (equal capability, not equal dates). Undefined: the level is not reached "
        "within the grid in one of the two runs. Failed: NaN or overflow in either run (left "
        "out; variables in the comparison table's caption). † the sign of the verdict depends "
        "on the horizon (see the horizon sweep)."
        + (
            " 'never, by construction': the worldview weighs only hazards that are zero without "
            "a pause and never negative, so no pause can lower its risk."
            if fixed_any
            else ""
        )
    )
    return t


def headline_horizon(comparison) -> str:
    """The horizon the short tables use: the first capability level, else the last year."""
    risk = comparison.scenario.risk
    if risk.level_horizons:
        return f"K>={risk.level_horizons[0]:g}"
    return f"{risk.horizons[-1]:g}"


def decomposition_table(comparison) -> Table | None:
    """Which hazard term decides the verdict, per worldview, at the headline horizon."""
    h = headline_horizon(comparison)
    d = comparison.decomposition([h])
    if d.empty:
        return None
    sweep = comparison.horizon_sweep()
    t = Table(title=f"Which term decides the verdict (risk until {escape(h)}, by hazard term)")
    t.add_column("worldview")
    t.add_column("term")
    t.add_column("share of hazard: no pause / pause", justify="right")
    t.add_column("mean Δ integrated hazard", justify="right")
    t.add_column("share of Δ", justify="right")
    t.add_column("same sign as total", justify="right")
    for w in d["worldview"].unique():
        rows = d[(d["worldview"] == w) & (d["horizon"] == h)].set_index("term")
        for i, (term, r) in enumerate(rows.iterrows()):
            t.add_row(
                w if i == 0 else "",
                term,
                f"{_fmt(r['share_no_pause'])} / {_fmt(r['share_policy'])}",
                f"{r['mean_delta']:+.4f}",
                _fmt(r["share_of_delta"]),
                _fmt(r["p_same_sign"]),
            )
        total = sweep.loc[(w, h)]
        t.add_row(
            "",
            "[bold]total[/]",
            "",
            f"[bold]{total['mean_delta_hazard']:+.4f}[/]",
            "1.00",
            f"P(pause lowers risk) {total['p_policy_better']:.2f}",
        )
        t.add_section()
    t.caption = (
        "Hazard is a weighted sum of terms, so the change of integrated hazard (pause minus no "
        "pause, same worlds) splits exactly by term; its sign is the sign of Δrisk in every "
        "world. Share of Δ: the term's part of the mean change (negative: it pulls the other "
        "way). Same sign: how often the term's change has the total's sign. All horizons: "
        "Comparison.decomposition(), decomposition.csv."
    )
    return t


def horizon_table(comparison) -> Table | None:
    """P(policy better) and mean Δrisk per worldview across the horizon sweep."""
    sweep = comparison.horizon_sweep()
    if sweep.empty:
        return None
    worldviews = list(sweep.index.get_level_values("worldview").unique())
    t = Table(title="Verdict across horizons: P(pause lowers risk) (mean Δrisk)")
    t.add_column("risk until")
    for w in worldviews:
        t.add_column(w, justify="right")
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
            else " (P crosses 0.5 only within two Monte Carlo standard errors)"
        )
        out.append(
            f"Warning: the verdict of {w} depends on the horizon: P(pause lowers risk) "
            f"{r['p_min']:.2f} (until {r['horizon_p_min']}) to {r['p_max']:.2f} (until "
            f"{r['horizon_p_max']}), mean Δrisk {r['delta_min']:+.4f} to {r['delta_max']:+.4f}"
            f"{noise}."
        )
    return out


def drivers_table(comparison) -> Table | None:
    """Parameters most rank-correlated with delta_risk, per worldview (a screen).

    The numbers are :func:`pausesim.risk.crux_screen` (average-rank Spearman).
    """
    cruxes = comparison.cruxes()
    if cruxes.empty:
        return None
    t = Table(title="What drives the verdict: parameters most associated with Δrisk")
    t.add_column("worldview")
    t.add_column("parameter")
    t.add_column("Spearman ρ with Δrisk", justify="right")
    last = ""
    for r in cruxes.itertuples():
        t.add_row(
            r.worldview if r.worldview != last else "",
            escape(r.parameter),
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
    t.caption = "Terms: " + "; ".join(f"{k}: {v}" for k, v in terms.items())
    return t
