"""Human-readable labels, units and meanings of every name a user meets in pausesim's output.

One lookup over the registries where each name is defined: metrics
(:data:`pausesim.metrics.compute.RUN_METRICS` and :data:`~pausesim.metrics.compute.
DELTA_METRICS`, the ftm engine's :data:`pausesim.engines.ftm.metrics.FTM_METRICS`), parameters
(the engine's :class:`~pausesim.params.catalog.Catalog`), policy levers (the pydantic fields of
:class:`~pausesim.policy.Policy`), worldviews (:data:`pausesim.worldviews.BUILTIN`), hazard
terms and capability levels (:mod:`pausesim.worldviews.terms`, :mod:`pausesim.units`), actors
and engine output variables (:data:`pausesim.engines.base.COMMON_OUTPUTS` and the engine's
own). The CLI, the HTML report and the web page all read their labels from here, so a label is
written once, next to the thing it labels.

Names with a bracket compose: ``frontier_share_at_danger[us_allies]`` is the metric's label
with the actor's, ``risk[feedback-loop, K>=10.68]`` the risk's with the worldview's and the
horizon's, ``hw_rnd_share[china]`` the parameter's with the actor's. The columns of
``worlds.csv`` are labelled too: ``policy.danger_year`` is the metric with the pause,
``counterfactual.danger_year`` without it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from functools import lru_cache

KINDS = ("metric", "parameter", "lever", "worldview", "term", "actor", "variable")

#: Prefixes of the per-world columns of :meth:`pausesim.run.Comparison.worlds` and what they
#: add to a metric's label.
RUNS = {"policy": " (with the pause)", "counterfactual": " (no pause)", "comparison": ""}


@dataclass(frozen=True)
class Label:
    """What a name means, for people.

    Attributes
    ----------
    name
        The code identifier, e.g. ``"overhang_ooms"`` or ``"frontier_share_at_danger[china]"``.
    kind
        One of :data:`KINDS`.
    label
        Short human label, e.g. ``"Hardware overhang at the lift"``.
    unit
        Short unit, e.g. ``"OOM"``, ``"years"``, ``"share"``, ``"year"``.
    unit_long
        The unit spelled out, e.g. ``"orders of magnitude of effective compute"``.
    meaning
        One sentence for a non-specialist.
    source
        Citation, or a sentence starting with ``"Assumption"``, where one exists.
    """

    name: str
    kind: str
    label: str
    unit: str
    unit_long: str
    meaning: str
    source: str = ""

    def text(self) -> dict[str, str]:
        """The reader-facing fields (label, units, meaning, source), e.g. for a JSON answer."""
        return {
            "label": self.label,
            "unit": self.unit,
            "unit_long": self.unit_long,
            "meaning": self.meaning,
            "source": self.source,
        }


def describe(name: str, kind: str | None = None, engine: str = "compute") -> Label:
    """The :class:`Label` of ``name`` (of ``kind`` if given, else the first kind that has it).

    Kinds are tried in the order of :data:`KINDS` when ``kind`` is None; a name that is both a
    metric and a parameter (``covert_share_max``) is then the metric, so pass ``kind`` where it
    matters.

    Raises
    ------
    ValueError
        For an unknown kind or name, naming it with the closest known names.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown label kind '{kind}'; the kinds are {', '.join(KINDS)}")
    kinds = (kind,) if kind else KINDS
    run, _, rest = name.partition(".")
    if run in RUNS and "metric" in kinds:  # a column of worlds.csv: policy.danger_year
        try:
            inner = describe(rest, "metric", engine)
        except ValueError:
            inner = None
        if inner is not None:
            return replace(inner, name=name, label=inner.label + RUNS[run])
    base, args = _split(name)
    for k in kinds:
        table = labels(k, engine)
        if name in table:
            return table[name]
        if args and base in table:
            return _compose(table[base], name, args, engine)
        if k == "metric" and base.startswith("delta_") and base[6:] in table:
            delta = _delta_of(table[base[6:]], base)
            return _compose(delta, name, args, engine) if args else delta
        if k == "term":
            level = _horizon(name, engine)
            if level is not None:
                return level
        if k == "actor" and kind == "actor":
            return describe_actor(name, engine)  # any actor id of a custom world
    known = sorted({n for k in kinds for n in labels(k, engine)})
    close = difflib.get_close_matches(base, known, n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    what = f"{kind} " if kind else ""
    raise ValueError(f"no label for {what}name '{name}' (engine '{engine}'){hint}")


def labels(kind: str, engine: str = "compute") -> dict[str, Label]:
    """Every known name of ``kind`` and its :class:`Label`.

    Actors are those of the engine's default world (others are labelled on request by
    :func:`describe`); worldviews are the built-in ones.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown label kind '{kind}'; the kinds are {', '.join(KINDS)}")
    return dict(_table(kind, engine))


def actor_label(actor_id: str) -> str:
    """A readable actor name: ``"us_allies"`` -> ``"US and allies"``.

    Actors of the shipped worlds have their own names
    (:data:`pausesim.engines.compute.parameters.ACTOR_LABELS`); any other id is spelled out
    with spaces and an initial capital (``"eu_bloc"`` -> ``"Eu bloc"``).
    """
    from pausesim.engines.compute.parameters import ACTOR_LABELS

    if actor_id in ACTOR_LABELS:
        return ACTOR_LABELS[actor_id][0]
    text = actor_id.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else actor_id


def lift_reason_label(reason: str) -> str:
    """Why a pause ended, in words: ``"catch_up"`` -> ``"outsiders caught up"``.

    ``reason`` is a name of ``lift_reason`` (:meth:`pausesim.run.Result.lift_reasons`); an
    unknown one is spelled out with spaces.
    """
    from pausesim.metrics.events import LIFT_REASON_TEXT

    return LIFT_REASON_TEXT.get(reason, reason.replace("_", " "))


def describe_actor(actor_id: str, engine: str = "compute") -> Label:
    """The :class:`Label` of an actor (any id: unknown ones are spelled out)."""
    from pausesim.engines.compute.parameters import ACTOR_LABELS

    meaning = ACTOR_LABELS.get(actor_id, ("", f"the actor '{actor_id}' of the scenario's world"))
    return Label(actor_id, "actor", actor_label(actor_id), "", "", meaning[1])


def unit_long(unit: str) -> str:
    """A unit spelled out (:data:`pausesim.units.UNIT_NAMES`), else the unit itself."""
    from pausesim.units import UNIT_NAMES

    return UNIT_NAMES.get(unit, unit)


# -- the tables -------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _table(kind: str, engine: str) -> tuple[tuple[str, Label], ...]:
    build = {
        "metric": _metrics,
        "parameter": _parameters,
        "lever": _levers,
        "worldview": _worldviews,
        "term": _terms,
        "actor": _actors,
        "variable": _variables,
    }[kind]
    return tuple((lab.name, lab) for lab in build(engine))


def _metrics(engine: str) -> list[Label]:
    from pausesim.metrics.compute import DELTA_METRICS, RUN_METRICS

    registries = [RUN_METRICS, DELTA_METRICS]
    if engine == "ftm":
        from pausesim.engines.ftm.metrics import FTM_METRICS

        registries.append(FTM_METRICS)
    out = []
    for registry in registries:
        for name, info in registry.items():
            shown = info.display_unit or _display_unit(info.unit)
            out.append(
                Label(
                    name,
                    "metric",
                    info.label,
                    shown,
                    info.unit_long or unit_long(shown),
                    _sentence(info.description),
                )
            )
    return out


def _parameters(engine: str) -> list[Label]:
    from pausesim.engines import get_engine

    return [
        Label(
            p.name,
            "parameter",
            p.title,
            p.unit,
            unit_long(p.unit),
            _sentence(p.description),
            p.source,
        )
        for p in get_engine(engine).catalog
    ]


def _levers(engine: str) -> list[Label]:
    from pausesim.policy import Policy

    return [
        Label(path, "lever", title, unit, unit_long(unit), _sentence(desc))
        for path, title, unit, desc in lever_fields(Policy, "policy.")
    ]


def lever_fields(model, prefix: str) -> list[tuple[str, str, str, str]]:
    """``(path, title, unit, description)`` of every leaf field of a policy model.

    Titles and descriptions are the pydantic fields' ``title`` and ``description``; the unit
    is the field's ``json_schema_extra["unit"]``, else ``"choice"`` for a fixed set of values,
    ``"yes/no"`` for a switch and ``"list"`` for a list (of actors or changes).
    """
    from pausesim.cli.suggest import _model_of

    out = []
    for name, info in model.model_fields.items():
        if prefix == "policy." and name in ("name", "description"):
            continue  # identify the policy, no lever
        sub = _model_of(info.annotation)
        if sub is not None and not _is_sequence(info.annotation):
            out.extend(lever_fields(sub, f"{prefix}{name}."))
            continue
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        out.append(
            (
                f"{prefix}{name}",
                info.title or "",
                str(extra.get("unit", "")) or _kind_of_value(info.annotation),
                info.description or "",
            )
        )
    return out


def _kind_of_value(annotation) -> str:
    from typing import Literal, get_origin

    if annotation is bool:
        return "yes/no"
    if get_origin(annotation) is Literal:
        return "choice"
    if _is_sequence(annotation):
        return "list"
    return ""


def _is_sequence(annotation) -> bool:
    return getattr(annotation, "__origin__", None) in (tuple, list)


def _worldviews(engine: str) -> list[Label]:
    from pausesim.worldviews import BUILTIN

    return [describe_worldview(w) for w in BUILTIN.values()]


def describe_worldview(worldview) -> Label:
    """The :class:`Label` of a :class:`~pausesim.worldviews.Worldview` (also custom ones)."""
    return Label(
        worldview.name,
        "worldview",
        worldview.title,
        "probability",
        "probability of catastrophe accumulated by the horizon",
        _sentence(worldview.description) or f"The custom worldview '{worldview.name}'.",
        worldview.source,
    )


def _terms(engine: str) -> list[Label]:
    from pausesim.units import GLOSSARY
    from pausesim.worldviews.terms import TERM_LABELS, TERM_UNITS, TERMS

    out = [
        Label(t, "term", TERM_LABELS[t], TERM_UNITS[t], unit_long(TERM_UNITS[t]), _sentence(d))
        for t, d in TERMS.items()
    ]
    for name, (label, unit, meaning, source) in GLOSSARY.items():
        out.append(Label(name, "term", label, unit, unit_long(unit), meaning, source))
    return out


def _actors(engine: str) -> list[Label]:
    from pausesim.engines import get_engine

    return [describe_actor(a, engine) for a in get_engine(engine).default_actors]


def _variables(engine: str) -> list[Label]:
    from pausesim.engines import get_engine
    from pausesim.engines.base import COMMON_OUTPUTS, OUTPUT_LABELS

    rows = {name: (unit, desc) for name, (_, unit, desc) in COMMON_OUTPUTS.items()}
    extra = getattr(get_engine(engine), "output_labels", {})
    labels_ = {**OUTPUT_LABELS, **{k: v[0] for k, v in extra.items()}}
    rows.update({k: (v[1], v[2]) for k, v in extra.items()})
    return [
        Label(name, "variable", labels_[name], unit, unit_long(unit), _sentence(desc))
        for name, (unit, desc) in rows.items()
    ]


# -- composition ------------------------------------------------------------------------------

_BRACKET = re.compile(r"^(?P<base>[^\[]+)\[(?P<args>.*)\]$")


def _split(name: str) -> tuple[str, tuple[str, ...]]:
    m = _BRACKET.match(name)
    if not m:
        return name, ()
    return m["base"], tuple(a.strip() for a in m["args"].split(","))


def _compose(base: Label, name: str, args: tuple[str, ...], engine: str) -> Label:
    """``base`` for one cell: its label followed by the cell's actor, worldview or horizon."""
    parts = [_arg_label(a, engine) for a in args]
    return replace(base, name=name, label=f"{base.label}: {', '.join(parts)}")


def _arg_label(arg: str, engine: str) -> str:
    from pausesim.worldviews import BUILTIN

    if arg in BUILTIN:
        return BUILTIN[arg].title
    level = _horizon(arg, engine)
    if level is not None:
        return level.label
    return actor_label(arg)


def _delta_of(base: Label, name: str) -> Label:
    """A ``delta_<metric>``: the metric with the pause minus without, on the same worlds."""
    duration = base.unit == "year"  # a difference of dates is a duration
    return replace(
        base,
        name=name,
        label=f"Change in {_lower_first(base.label)}",
        unit="years" if duration else base.unit,
        unit_long="years" if duration else base.unit_long,
        meaning=f"With the pause minus without, in the same world: {_lower_first(base.meaning)}",
    )


def _lower_first(text: str) -> str:
    """``text`` with a lower-case initial, unless it starts an acronym (``AGI``)."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


_LEVEL = re.compile(r"^K>=(?P<x>-?[0-9.]+)$")
_YEAR = re.compile(r"^(?P<y>[12][0-9]{3})(\.0)?$")


def _horizon(text: str, engine: str) -> Label | None:
    """A risk horizon: a year (``"2040"``) or a capability level (``"K>=10.68"``)."""
    from pausesim.units import LOG10_GPT4_FLOP, level_name

    m = _LEVEL.match(text)
    if m:
        x = float(m["x"])
        named = level_name(x)
        where = f" ({named})" if named else ""
        flop = f"{10 ** (x + LOG10_GPT4_FLOP):.0e}".replace("e+", "e")
        return Label(
            text,
            "term",
            f"until K≥{x:g}{where}",
            "OOM",
            unit_long("OOM"),
            f"Risk accumulated until the frontier reaches capability K = {x:g}{where}: {x:g} "
            f"orders of magnitude more effective training compute than GPT-4, about {flop} FLOP "
            "at 2022 algorithms; compared at equal capability rather than on equal dates.",
        )
    m = _YEAR.match(text)
    if m:
        return Label(
            text,
            "term",
            f"until {m['y']}",
            "year",
            "calendar year",
            f"Risk accumulated from the start of the simulation until {m['y']}.",
        )
    return None


def _display_unit(unit: str) -> str:
    return {"1": "share", "year": "year"}.get(unit, unit)


def _sentence(text: str) -> str:
    """``text`` as one sentence: initial capital, final full stop."""
    text = " ".join(text.split())
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."
