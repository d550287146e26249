"""Rich tables for the command line (presentation only; the numbers come from the core)."""

from __future__ import annotations

import math

from rich.markup import escape
from rich.table import Table

from pausesim.metrics.compute import RUN_METRICS


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


def run_table(result) -> Table:
    """Median and 90% interval of every metric of one run."""
    s = result.summary()
    t = Table(
        title=f"{result.scenario.name}: {result.scenario.samples} samples, "
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
    t.caption = (
        f"{result.n_failed} samples failed (NaN/overflow); "
        "undefined = level never reached or pause never lifted"
    )
    return t


def comparison_table(comparison) -> Table:
    """Policy vs no pause: medians side by side, then the per-sample deltas."""
    s = comparison.summary()
    sc = comparison.scenario
    t = Table(title=f"{sc.policy.name} vs no pause — {sc.samples} sampled worlds, seed {sc.seed}")
    t.add_column("metric")
    t.add_column("pause: median [90%]", justify="right")
    t.add_column("no pause: median [90%]", justify="right")
    t.add_column("undefined (pause / none)", justify="right")
    pol, cf = s.loc["policy"], s.loc["counterfactual"]
    for name in pol.index:
        if name.startswith("risk["):
            continue  # shown by worldview in the verdict table
        a, b = pol.loc[name], cf.loc[name]
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
    failed = comparison.policy.n_failed + comparison.counterfactual.n_failed
    beyond = comparison.deltas.attrs.get("n_danger_beyond_grid_policy_only", 0)
    t.caption = (
        "Same sampled worlds under both policies (common random numbers). "
        f"{failed} failed samples. "
        f"delay undefined where the danger level is not reached in one run ({beyond} reach it only "
        "without the pause)."
    )
    return t


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
    """Per worldview and horizon: P(policy better) with its SE and delta_risk."""
    v = comparison.verdicts()
    if v.empty:
        return None
    cf = comparison.counterfactual.metrics["risk"]
    t = Table(title="Verdict by worldview (risk with the pause minus without, same worlds)")
    t.add_column("worldview")
    t.add_column("risk until", justify="right")
    t.add_column("risk, no pause (median)", justify="right")
    t.add_column("P(pause lowers risk) ± SE", justify="right")
    t.add_column("Δrisk mean", justify="right")
    t.add_column("Δrisk median [90%]", justify="right")
    t.add_column("undefined", justify="right")
    for w in v.index.get_level_values(0).unique():
        for i, (h, row) in enumerate(v.loc[w].iterrows()):
            t.add_row(
                w if i == 0 else "",
                escape(h),
                _fmt(float(cf.sel(worldview=w, horizon=h).median())),
                f"{row['p_policy_better']:.2f} ± {row['se']:.2f}",
                f"{row['mean_delta_risk']:+.4f}",
                f"{row['median']:+.4f} [{row['p5']:+.4f}, {row['p95']:+.4f}]",
                str(int(row["n_undefined"])),
            )
    t.caption = (
        "A year horizon accumulates risk until that year; K>=x until the frontier reaches x OOM "
        "above GPT-4 (equal capability, not equal dates). Undefined: the level is not reached "
        "within the grid in one of the two runs."
    )
    return t


def drivers_table(comparison) -> Table | None:
    """Parameters most rank-correlated with delta_risk, per worldview (a screen)."""
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
        "Across sampled worlds, at the last horizon. Positive: higher values make the pause look "
        "worse. A screen, not a causal attribution."
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
