"""The playground's controls: one per policy lever and per main crux parameter.

Each control carries what a person needs to judge it: the label, unit, meaning and source
from :mod:`pausesim.labels`, the allowed range (the catalog's bounds for a parameter, the
policy field's constraints for a lever) and the default (the parameter's distribution, or the
preset's value of the lever). Its ``name`` is the dotted override the request sends, the same
as the command line's ``--set`` name.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel

from pausesim.scenario import Scenario

#: The parameters that decide the shipped verdicts (docs/cruxes.md, "Computed ranking"), plus
#: the essay's named crux (the feedback exponent), in the order the page shows them.
CRUX_PARAMETERS = (
    "alg_halving_months",
    "feedback_exponent",
    "paused_spend_growth_fraction",
    "max_scaleup_per_year",
    "alignment_rate",
    "safety_sharing",
    "pause_safety_effort_boost",
    "governance_hazard_reduction",
    "spend_ceiling_gdp_share",
    "alg_diffusion_rate",
)

#: Policy levers with a control: (override name, widget, slider range for numbers).
LEVERS: tuple[tuple[str, str, tuple[float, float] | None], ...] = (
    ("policy.coalition.members", "actors", None),
    ("policy.start_year", "number", (2025.0, 2045.0)),
    ("policy.end.duration_years", "number", (0.5, 30.0)),
    ("policy.end.forced_margin_ooms", "optional_number", (0.0, 3.0)),
    ("policy.end.political_lift_hazard_per_year", "number", (0.0, 1.0)),
    ("policy.cap.kind", "choice", None),
    ("policy.cap.threshold_flop", "number", (1e23, 1e30)),
    ("policy.cap.decline_ooms_per_year", "number", (0.0, 1.0)),
    ("policy.hardware_rnd_paused", "switch", None),
    ("policy.chip_production_paused", "switch", None),
    ("policy.lift.kind", "choice", None),
    ("policy.lift.ramp_ooms_per_year", "number", (0.1, 3.0)),
    ("policy.safety_research_exempt", "switch", None),
    ("policy.enforcement.detection_hazard_per_year", "number", (0.0, 3.0)),
    ("policy.enforcement.chip_mechanism_coverage", "number", (0.0, 1.0)),
)


def _field(path: str):
    """The pydantic field behind a dotted policy path (``policy.end.duration_years``)."""
    from pausesim.cli.suggest import _model_of
    from pausesim.policy import Policy

    model: type[BaseModel] = Policy
    parts = path.split(".")[1:]
    for part in parts[:-1]:
        model = _model_of(model.model_fields[part].annotation)
    return model.model_fields[parts[-1]]


def _constraints(info) -> tuple[float | None, float | None, bool, bool]:
    lo = hi = None
    lo_open = hi_open = False
    for m in info.metadata:
        for attr, strict in (("ge", False), ("gt", True)):
            if getattr(m, attr, None) is not None:
                lo, lo_open = float(getattr(m, attr)), strict
        for attr, strict in (("le", False), ("lt", True)):
            if getattr(m, attr, None) is not None:
                hi, hi_open = float(getattr(m, attr)), strict
    return lo, hi, lo_open, hi_open


def _choices(info) -> list[str]:
    import typing

    return [str(a) for a in typing.get_args(info.annotation)]


def _policy_value(sc: Scenario, path: str) -> Any:
    node: Any = sc.policy
    for part in path.split(".")[1:]:
        node = getattr(node, part)
    if isinstance(node, tuple):
        return list(node)
    if isinstance(node, float) and not math.isfinite(node):
        return None  # inf duration: no fixed end
    return node


def lever_controls(sc: Scenario) -> list[dict]:
    """A control per policy lever, with the scenario's current value."""
    from pausesim.labels import actor_label, describe

    out = []
    for name, widget, slider in LEVERS:
        info = _field(name)
        lo, hi, lo_open, hi_open = _constraints(info)
        ctl = {
            "name": name,
            "kind": "lever",
            "widget": widget,
            **describe(name, "lever").text(),
            "value": _policy_value(sc, name),
            "min": lo,
            "max": hi,
            "min_exclusive": lo_open,
            "max_exclusive": hi_open,
        }
        if slider is not None:
            ctl["slider_min"], ctl["slider_max"] = slider
            ctl["step"] = _step(*slider)
            ctl["log"] = slider[0] > 0 and slider[1] / slider[0] >= 1e3
        if widget == "choice":
            ctl["choices"] = _choices(info)
        if widget == "actors":
            ctl["choices"] = list(sc.actors)
            ctl["choice_labels"] = [actor_label(a) for a in sc.actors]
        out.append(ctl)
    return out


def parameter_controls(sc: Scenario) -> list[dict]:
    """A control per main crux parameter: bounds, default distribution, slider range."""
    from pausesim.engines import get_engine
    from pausesim.labels import describe

    catalog = get_engine(sc.engine).catalog
    out = []
    for name in CRUX_PARAMETERS:
        p = catalog.get(name)
        if p is None:
            continue
        given = sc.world.params.get(name)
        dist = given if given is not None and not isinstance(given, dict) else p.default
        p5, p95 = dist.interval90()
        lo, hi = _slider_range(dist, p.bounds)
        log = lo > 0 and hi / lo >= 8
        out.append(
            {
                "name": name,
                "kind": "parameter",
                "widget": "number",
                **describe(name, "parameter").text(),
                "min": p.bounds[0],
                "max": p.bounds[1],
                "default": dist.describe(),
                "median": dist.median(),
                "p5": p5,
                "p95": p95,
                "slider_min": lo,
                "slider_max": hi,
                "step": _step(lo, hi),
                "log": log,
                "per_actor": p.per_actor,
            }
        )
    return out


def _slider_range(dist, bounds: tuple[float, float]) -> tuple[float, float]:
    """The slider's span: the law's support for a uniform, else its 90% interval widened."""
    from pausesim.distributions import Point, Uniform

    lo_b, hi_b = bounds
    if isinstance(dist, Uniform):
        lo, hi = dist.low, dist.high
    elif isinstance(dist, Point):
        v = dist.value
        lo, hi = (v * 0.5, v * 2.0) if v > 0 else (v - 1.0, v + 1.0)
    else:
        p5, p95 = dist.interval90()
        if p5 > 0 and p95 / p5 >= 4:
            lo, hi = p5 / 2.0, p95 * 2.0
        else:
            pad = 0.5 * (p95 - p5)
            lo, hi = p5 - pad, p95 + pad
    lo, hi = max(lo, lo_b), min(hi, hi_b)
    if hi <= lo:
        lo, hi = lo_b, hi_b
    return float(lo), float(hi)


def _step(lo: float, hi: float) -> float:
    span = hi - lo
    if span <= 0:
        return 0.01
    return float(10 ** math.floor(math.log10(span / 200)))
