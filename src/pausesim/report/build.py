"""Assemble the HTML report: headline, scenario and policy tables, figures, verdicts, cruxes."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from pausesim import __version__
from pausesim.plots import _text as T
from pausesim.plots import figures as F
from pausesim.plots.headline import esc as _esc
from pausesim.plots.headline import headline_rows as _headline
from pausesim.plots.source import PlotSource, as_source

#: plotly.js inside the plotly wheel: embedded once, so the report needs no network.
PLOTLY_JS = ("plotly", "package_data/plotly.min.js")

#: Options of every figure: no plotly logo; the camera button downloads a PNG (offline).
CONFIG = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"scale": 2}}


@dataclass(frozen=True)
class FigureSpec:
    """One figure of the report: its anchor, heading, one-sentence reading guide and builder."""

    key: str
    title: str
    explain: str
    build: Callable[[PlotSource], object]
    section: str


#: Figures that need a comparison (a policy against no pause on the same worlds).
COMPARISON_ONLY = {"delay", "risk", "risk_levels", "decomposition", "cruxes"}
#: Figures of the pause itself, left out when the scenario pauses nobody.
PAUSE_ONLY = {"pause_state", "overhang", "pause_length", "lift_reasons"}


def _specs(src: PlotSource) -> list[FigureSpec]:
    level = src.scenario.metrics.danger_level_ooms
    cmp_ = src.kind == "comparison"
    vs = " with the pause (blue) and without (orange), on the same sampled worlds" if cmp_ else ""
    band = (
        "The line is the median world; the darker band holds the middle 50% of worlds and the "
        "lighter band 90%."
    )
    specs = [
        FigureSpec(
            "capability",
            "Frontier capability over time",
            f"Capability of the best model anywhere{vs}, in orders of magnitude (OOM) of "
            f"effective training compute above GPT-4. {band} The red line is the danger level "
            f"({level:g} OOM).",
            lambda s: F.fan(s, "capability"),
            "trajectories",
        ),
        FigureSpec(
            "effective_compute",
            "Effective compute by actor",
            "Each actor's largest training run times its algorithmic efficiency, as log10 of "
            f"effective FLOP (FLOP at 2022 algorithms){vs}. {band} A flat stretch is a pause cap "
            "holding that actor back.",
            lambda s: F.fan(s, "effective_compute"),
            "trajectories",
        ),
        FigureSpec(
            "pause_state",
            "Pause state",
            "The share of sampled worlds in which each actor is under the pause cap in a given "
            "year (with several members, a dashed line shows the share of worlds where the pause "
            "is in force at all). "
            "It falls as pauses end early (an outsider catching up, politics) and can rise again "
            "when a pause is re-imposed.",
            F.pause_state,
            "trajectories",
        ),
        FigureSpec(
            "alignment",
            "Alignment stock and gap",
            "Left: alignment research progress at the frontier (frontier-weighted stock, OOM). "
            "Right: how far the frontier's models are beyond what alignment can handle (gap, "
            f"OOM; 0 means alignment keeps up){vs}. {band}",
            F.alignment,
            "trajectories",
        ),
        FigureSpec(
            "delay",
            "Delay of the danger level",
            "How many years later the frontier reaches the danger level with the pause than "
            "without, in each sampled world (positive: the pause bought time).",
            lambda s: F.distribution(s, "delay_years"),
            "distributions",
        ),
        FigureSpec(
            "overhang",
            "Compute overhang at the lift",
            "When the pause lifts, how much more compute (OOM) the coalition could use than the "
            "cap allowed it: the overhang a lift releases at once.",
            lambda s: F.distribution(s, "overhang_ooms"),
            "distributions",
        ),
        FigureSpec(
            "max_jump",
            "Largest capability jump",
            "The largest rise of frontier capability within the jump window (OOM per year)"
            f"{vs}: a sudden jump leaves little time to react.",
            lambda s: F.distribution(s, "max_jump_ooms_per_year"),
            "distributions",
        ),
        FigureSpec(
            "pause_length",
            "Length of the pause, by why it ended",
            "How long the first pause episode lasted in each world, stacked by what ended it.",
            lambda s: F.distribution(s, "pause_years"),
            "distributions",
        ),
        FigureSpec(
            "lift_reasons",
            "Why the first pause ended",
            "The share of worlds in which each rule ended the first pause, with the median "
            "pause length under that rule.",
            F.lift_reasons,
            "distributions",
        ),
        FigureSpec(
            "shares",
            "Who holds the frontier at the danger level",
            "Each actor's share of the frontier's effective compute when the frontier first "
            f"reaches the danger level{vs}. Boxes span the middle 50% of worlds, whiskers the "
            "rest up to 1.5 box lengths, the line is the median.",
            F.shares,
            "distributions",
        ),
        FigureSpec(
            "risk",
            "Verdict by worldview",
            "For each worldview (a set of beliefs about where catastrophic risk comes from), "
            "the share of sampled worlds in which the pause lowers the risk accumulated up to "
            "each horizon, with its 95% Wilson interval. Above the dashed line the pause helps "
            "in most worlds.",
            F.risk,
            "risk",
        ),
        FigureSpec(
            "risk_levels",
            "Risk with and without the pause",
            "Each worldview's probability of catastrophe accumulated until the headline "
            "horizon, across sampled worlds, with the pause and without.",
            F.risk_levels,
            "risk",
        ),
        FigureSpec(
            "decomposition",
            "Which hazard term decides the verdict",
            "Each worldview's hazard is a weighted sum of terms, so the change in integrated "
            "hazard (pause minus no pause, mean over worlds) splits exactly into one bar per "
            "term: red bars raise risk, green bars lower it.",
            F.decomposition,
            "risk",
        ),
        FigureSpec(
            "cruxes",
            "What drives the verdict (screen)",
            "The parameters whose sampled values are most rank-correlated (Spearman) with the "
            "change in risk, per worldview: a quick screen, not a causal attribution.",
            F.cruxes,
            "cruxes",
        ),
    ]
    return specs


@dataclass
class Report:
    """The figures and HTML of one report (:func:`build_report`)."""

    source: PlotSource
    figures: dict[str, object] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    html: str = ""


def _table(header: list[str], rows: list[list[str]], cls: str = "") -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _policy_rows(src: PlotSource) -> list[list[str]]:
    from pausesim import labels

    pol = src.scenario.policy
    flat: dict[str, object] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}", v)
        else:
            flat[prefix] = value

    walk("policy", pol.model_dump())
    known = labels.labels("lever", src.engine)
    rows = []
    for name, value in flat.items():
        if name not in known:
            continue
        lab = known[name]
        if isinstance(value, tuple | list):
            shown = (
                ", ".join(T.actor(x) if isinstance(x, str) else _esc(str(x)) for x in value)
                or "none"
            )
        elif value is None:
            shown = "not used"
        elif isinstance(value, bool):
            shown = "yes" if value else "no"
        else:
            shown = f"{value:g}" if isinstance(value, float) else str(value)
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        unit = f" {lab.unit}" if numeric and lab.unit not in ("choice", "bool", "1", "") else ""
        rows.append([_esc(lab.label), _esc(shown + unit), _esc(lab.meaning)])
    return rows


def _parameter_rows(src: PlotSource) -> list[list[str]]:
    from pausesim.engines import get_engine

    catalog = get_engine(src.engine).catalog
    given = dict(src.scenario.world.params)
    actors = src.scenario.actors
    rows = []
    for p in catalog:
        value = given.get(p.name)
        if value is None:
            if p.per_actor:
                shown = "; ".join(f"{T.actor(a)}: {p.default_for(a).describe()}" for a in actors)
            else:
                shown = p.default.describe()
            origin = "default"
        elif isinstance(value, dict):
            shown = "; ".join(
                f"{T.actor(a)}: {(value.get(a) or p.default_for(a)).describe()}" for a in actors
            )
            origin = "<b>set by the scenario</b>"
        else:
            shown = value.describe()
            origin = "<b>set by the scenario</b>"
        unit = T.unit(p.name, "parameter", src.engine) or p.unit
        rows.append(
            [
                _esc(T.label(p.name, "parameter", src.engine)),
                _esc("" if unit == "1" else unit),
                _esc(shown),
                origin,
                f"[{p.bounds[0]:g}, {p.bounds[1]:g}]",
                _esc(p.source),
            ]
        )
    return rows


def _verdict_rows(src: PlotSource) -> list[list[str]]:
    v = src.table("verdicts")
    rows = []
    for r in v.itertuples():
        fixed = str(getattr(r, "fixed_by_construction", "") or "")
        p = (
            "never, by construction"
            if fixed and fixed != "nan"
            else f"{100 * r.p_policy_better:.0f}% (95%: {100 * r.p_low:.0f}–{100 * r.p_high:.0f}%)"
        )
        flag = " †" if bool(getattr(r, "sign_depends_on_horizon", False)) else ""
        rows.append(
            [
                _esc(T.worldview(r.worldview)) + flag,
                _esc(T.horizon(r.horizon)),
                p,
                f"{r.mean_delta_risk:+.4f}",
                f"{r.median:+.4f} (90%: {r.p5:+.4f} to {r.p95:+.4f})",
                str(int(r.n_undefined)),
                str(int(getattr(r, "n_failed", 0))),
            ]
        )
    return rows


def _analysis_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """The crux and sensitivity tables of an analysis folder (``pausesim cruxes --out``)."""
    from pausesim.io import load_table
    from pausesim.io.manifest import read_manifest

    manifest = read_manifest(folder)
    if manifest.get("kind") != "analysis":
        raise ValueError(
            f"--cruxes {folder}: holds a '{manifest.get('kind')}' result, not an analysis; give "
            "the folder of `pausesim cruxes --out` or `pausesim sensitivity --out`"
        )
    out = {}
    for stem in manifest.get("tables", []):
        if stem == "cruxes_ranking" or stem.startswith("sensitivity_"):
            path = folder / f"{stem}.parquet"
            out[stem] = load_table(path if path.is_file() else folder / f"{stem}.csv")
    if not out:
        raise ValueError(
            f"--cruxes {folder}: no crux ranking or sensitivity table in it "
            f"(tables: {', '.join(manifest.get('tables', [])) or 'none'})"
        )
    return out


#: Units read after a number in a sentence.
_PLURAL = {"month": "months", "year": "years", "share": ""}


def _belief_rows(frame: pd.DataFrame, engine: str, top: int = 3) -> list[list[str]]:
    rows = []
    for out, g in frame.groupby("output", sort=False):
        for r in g.head(top).itertuples():
            label = T.label(r.parameter, "parameter", engine)
            # mid-sentence: "algorithmic halving time", but "GDP share" stays
            name = label[:1].lower() + label[1:] if label[1:2].islower() else label
            unit = T.unit(r.parameter, "parameter", engine)
            u = f" {_PLURAL.get(unit, unit)}" if unit else ""
            if np.isfinite(r.threshold):
                side = "below" if r.better_when == "low" else "above"
                text = (
                    f"the pause helps in most worlds only if {name} is {side} "
                    f"{r.threshold:.3g}{u} (95% interval {r.threshold_low:.3g} to "
                    f"{r.threshold_high:.3g})"
                )
            else:
                text = f"{label} does not move P(pause lowers risk) across 50%"
            rows.append(
                [
                    _esc(F._output_label(out)),
                    _esc(label),
                    f"{100 * r.p_bottom_bin:.0f}% → {100 * r.p_top_bin:.0f}%",
                    _esc(text),
                ]
            )
    return rows


_CSS = """
body{font-family:Helvetica,Arial,sans-serif;max-width:1150px;margin:0 auto;padding:24px;
color:#222;line-height:1.45}
h1{font-size:26px;margin-bottom:4px}h2{margin-top:40px;border-bottom:2px solid #ddd;
padding-bottom:4px}h3{margin-bottom:4px}
.meta{color:#555;font-size:14px}
table{border-collapse:collapse;margin:10px 0 18px;font-size:13.5px;width:100%}
th,td{border:1px solid #ddd;padding:5px 8px;vertical-align:top;text-align:left}
th{background:#f3f5f8}
table.headline td:first-child{font-weight:bold;width:32%}
figure{margin:18px 0 30px;padding:0}
figure p.explain{margin:2px 0 6px;color:#333;max-width:900px}
.downloads{font-size:13px;color:#555}
.downloads button{margin-left:6px;font-size:12px;padding:2px 8px;cursor:pointer}
.note{background:#fff7e0;border-left:4px solid #e0a800;padding:8px 12px;margin:10px 0}
.missing{color:#777;font-style:italic}
details{margin:10px 0}summary{cursor:pointer;font-weight:bold}
pre{background:#f6f6f6;padding:10px;overflow-x:auto;font-size:12px}
td.src{font-size:12px;color:#444;max-width:380px}
"""

_JS = """
function pausesimDownload(id, fmt) {
  var el = document.getElementById(id);
  Plotly.downloadImage(el, {format: fmt, filename: id, width: el.offsetWidth || 1000,
                            height: el.offsetHeight || 450, scale: fmt === 'png' ? 2 : 1});
}
"""


def _plotly_js() -> str:
    pkg, rel = PLOTLY_JS
    return resources.files(pkg).joinpath(rel).read_text(encoding="utf-8")


def build_report(obj, *, cruxes: str | Path | None = None, command: str | None = None) -> Report:
    """The report of a ``Result``, ``Comparison`` or saved results folder, as a :class:`Report`.

    ``cruxes`` is an optional analysis folder (``pausesim cruxes --out`` or ``pausesim
    sensitivity --out``) whose ranking is drawn too. Figures the results cannot draw (no
    trajectories, no risk) are listed in the report with the reason, never left out silently.
    """
    import plotly.io as pio

    src = as_source(obj)
    rep = Report(src)
    analysis = _analysis_tables(Path(cruxes)) if cruxes is not None else {}
    sc = src.scenario
    level = sc.metrics.danger_level_ooms
    parts: list[str] = []
    title = f"pausesim report: {sc.name}"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    origin = "simulated for this report" if src.origin == "computed" else f"read from {src.origin}"
    parts.append(f"<h1>{_esc(title)}</h1>")
    parts.append(
        f'<p class="meta">{src.samples:,} sampled worlds, seed {sc.seed}, engine '
        f"{_esc(sc.engine)}; results {_esc(origin)}; pausesim {__version__}, {when}.</p>"
    )
    if sc.description:
        parts.append(f"<p>{_esc(sc.description)}</p>")
    for note in src.notes:
        parts.append(f'<p class="note">{_esc(note)}</p>')

    parts.append("<h2>Headline</h2>")
    danger = (
        f"The <b>danger level</b> is capability {level:g}: {level:g} orders of magnitude (factors "
        "of ten) more effective training compute than GPT-4"
        + (
            ", about 1e32 FLOP at 2022 algorithms, where Davidson (2023, best guess) puts "
            "the automation of 20% of cognitive tasks"
            if abs(level - 6.68) < 5e-3
            else ""
        )
        + ". The delay, the frontier shares and the safety metrics are measured when the "
        "frontier first reaches it."
    )
    parts.append(f"<p>{danger}</p>")
    rows = [[_esc(a), _esc(b)] for a, b in _headline(src)]
    parts.append(_table(["", "median over sampled worlds (90% of worlds)"], rows, "headline"))

    parts.append("<h2>Scenario and policy</h2>")
    if sc.policy.description:
        parts.append(f"<p><b>Policy:</b> {_esc(sc.policy.description)}</p>")
    if sc.policy.is_none:
        parts.append("<p><b>Policy:</b> nobody pauses (no actor ever joins a coalition).</p>")
    else:
        parts.append(_table(["Policy lever", "Value", "Meaning"], _policy_rows(src)))
    parts.append(
        "<details><summary>Parameters of the model (values or distributions, sources)</summary>"
        + "<p>Uncertain parameters are sampled per world from the distribution shown (a 90% "
        "interval); the range is what the model accepts.</p>"
        + _table(
            ["Parameter", "Unit", "Value in this scenario", "", "Allowed range", "Source"],
            _parameter_rows(src),
        ).replace("<td>", "<td>", 1)
        + "</details>"
    )

    sections = {
        "trajectories": "Over time",
        "distributions": "The pause: delay, overhang, jumps, length and who leads",
        "risk": "Risk per worldview",
        "cruxes": "Cruxes",
    }
    specs = _specs(src)
    for section, heading in sections.items():
        parts.append(f"<h2>{_esc(heading)}</h2>")
        if section == "risk" and not src.table("verdicts").empty:
            parts.append(
                "<p>Risk is the probability of catastrophe accumulated until a horizon, under "
                "each worldview's weights of hazard terms (docs/worldviews.md). The verdict "
                "compares the pause with no pause in the same sampled world.</p>"
            )
        if src.scenario.policy.is_none and section == "distributions":
            parts.append(
                '<p class="missing">Nobody pauses in this scenario, so there is no pause state, '
                "overhang, pause length or lift reason to show.</p>"
            )
        if src.kind != "comparison" and section in ("risk", "cruxes"):
            parts.append(
                '<p class="missing">A single run has no counterfactual, so no change in risk '
                "and no verdict: give the report a scenario with a pause, or the folder of "
                "<code>pausesim compare --out</code>.</p>"
            )
        for spec in (s for s in specs if s.section == section):
            if src.kind != "comparison" and spec.key in COMPARISON_ONLY:
                continue
            if src.scenario.policy.is_none and spec.key in PAUSE_ONLY:
                continue
            try:
                fig = spec.build(src)
            except F.NoData as e:
                rep.missing[spec.key] = str(e)
                parts.append(
                    f'<figure id="sec-{spec.key}"><h3>{_esc(spec.title)}</h3>'
                    f'<p class="missing">Not shown: {_esc(e)}.</p></figure>'
                )
                continue
            rep.figures[spec.key] = fig
            div = pio.to_html(
                fig,
                full_html=False,
                include_plotlyjs=False,
                div_id=f"fig-{spec.key}",
                config={**CONFIG, "toImageButtonOptions": {"filename": spec.key, "scale": 2}},
                default_width="100%",
            )
            parts.append(
                f'<figure id="sec-{spec.key}"><h3>{_esc(spec.title)}</h3>'
                f'<p class="explain">{_esc(spec.explain)}</p>{div}'
                f'<div class="downloads">Download this figure:'
                f"<button onclick=\"pausesimDownload('fig-{spec.key}','png')\">PNG</button>"
                f"<button onclick=\"pausesimDownload('fig-{spec.key}','svg')\">SVG</button>"
                "</div></figure>"
            )
        if section == "risk" and not src.table("verdicts").empty:
            parts.append(
                "<h3>Verdicts</h3>"
                + _table(
                    [
                        "Worldview",
                        "Risk accumulated",
                        "Worlds where the pause lowers risk",
                        "Mean change in risk",
                        "Median change in risk",
                        "Undefined",
                        "Failed",
                    ],
                    _verdict_rows(src),
                )
                + '<p class="meta">95%: Wilson score interval of the share of worlds. A '
                "change in risk is the probability with the pause minus without (negative: the "
                "pause lowers risk). Undefined: the capability level is not reached within the "
                "simulated years in one of the two runs. Failed: a numerical failure (NaN or "
                "overflow) in either run, left out. † the verdict's sign depends on the "
                "horizon.</p>"
            )
        if section == "cruxes":
            for stem, frame in analysis.items():
                key = stem.replace("_", "-")
                try:
                    fig = F.analysis(frame, stem, sc.engine)
                except F.NoData as e:
                    rep.missing[key] = str(e)
                    parts.append(f'<p class="missing">{_esc(stem)}: not shown: {_esc(e)}.</p>')
                    continue
                rep.figures[key] = fig
                div = pio.to_html(
                    fig,
                    full_html=False,
                    include_plotlyjs=False,
                    div_id=f"fig-{key}",
                    config={**CONFIG, "toImageButtonOptions": {"filename": key, "scale": 2}},
                    default_width="100%",
                )
                parts.append(
                    f'<figure id="sec-{key}"><h3>{_esc(fig.layout.title.text)}</h3>'
                    f'<p class="explain">From the analysis folder {_esc(cruxes)}.</p>{div}'
                    f'<div class="downloads">Download this figure:'
                    f"<button onclick=\"pausesimDownload('fig-{key}','png')\">PNG</button>"
                    f"<button onclick=\"pausesimDownload('fig-{key}','svg')\">SVG</button>"
                    "</div></figure>"
                )
                if stem == "cruxes_ranking":
                    parts.append(
                        "<h3>What you would have to believe</h3>"
                        + _table(
                            [
                                "Verdict",
                                "Parameter",
                                "P(pause lowers risk), lowest → highest values",
                                "Belief",
                            ],
                            _belief_rows(frame, sc.engine),
                        )
                    )
            if not analysis:
                parts.append(
                    '<p class="meta">For the parameter values the verdict turns on, run '
                    "<code>pausesim cruxes SCENARIO --out FOLDER</code> and give the folder to "
                    "<code>pausesim report --cruxes FOLDER</code>.</p>"
                )

    from pausesim.scenario import to_toml

    parts.append("<h2>Reproduce</h2>")
    cmd = command or (
        f"pausesim report {sc.name} --samples {src.samples} --seed {sc.seed}"
        if src.origin == "computed"
        else f"pausesim report {src.origin}"
    )
    parts.append(
        f"<p><code>{_esc(cmd)}</code></p><details><summary>Scenario file (TOML, accepted by "
        f"every pausesim command)</summary><pre>{_esc(to_toml(sc))}</pre></details>"
    )
    parts.append(
        '<p class="meta">Each figure has a camera button (top right, PNG) and the PNG/SVG '
        "buttons below it; they work offline. Drag to zoom, double-click to reset, click a "
        "legend entry to hide it.</p>"
    )
    body = "\n".join(parts)
    rep.html = (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{_esc(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{_CSS}</style>"
        f'<script type="text/javascript">{_plotly_js()}</script>'
        f"<script>{_JS}</script></head>\n<body>\n{body}\n</body></html>\n"
    )
    return rep


def write_report(obj, path: str | Path, **options) -> Report:
    """Build the report (:func:`build_report`) and write it to ``path`` (UTF-8)."""
    rep = build_report(obj, **options)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(rep.html, encoding="utf-8")
    os.replace(tmp, path)
    return rep


def export_images(rep: Report, folder: str | Path, formats=("png", "svg")) -> list[Path]:
    """Each figure of ``rep`` as PNG and SVG in ``folder``, through kaleido and Chromium.

    Kaleido (1.x) drives a local Chromium; when ``BROWSER_PATH`` is unset it is pointed at the
    ``chromium`` on ``PATH`` (Debian's ``/usr/bin/chromium``).

    Raises
    ------
    RuntimeError
        If kaleido is not installed or cannot start a browser, saying how to fix it.
    """
    import plotly.io as pio

    try:
        import kaleido  # noqa: F401
    except ImportError as e:
        raise RuntimeError(
            "--images needs kaleido (pip install 'pausesim[report]'); or open the report "
            "and use each figure's PNG/SVG buttons"
        ) from e
    if not os.environ.get("BROWSER_PATH"):
        found = shutil.which("chromium") or shutil.which("chromium-browser")
        if found:
            os.environ["BROWSER_PATH"] = found
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    figs, paths = [], []
    for key, fig in rep.figures.items():
        for fmt in formats:
            figs.append(fig)
            paths.append(folder / f"{key}.{fmt}")
    try:
        pio.write_images(figs, paths, width=1100)
    except Exception as e:  # kaleido raises its own types when no browser starts
        raise RuntimeError(
            f"could not export images with kaleido ({type(e).__name__}: {e}). Kaleido needs "
            "Chrome or Chromium: install it (Debian: apt-get install chromium) or set "
            "BROWSER_PATH to its executable; or open the report and use each figure's PNG/SVG "
            "buttons"
        ) from e
    return paths
