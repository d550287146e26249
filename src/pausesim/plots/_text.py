"""Reader-facing text for figures: labels, units and meanings from :mod:`pausesim.labels`.

Every axis title, legend entry and table heading goes through here, so that readers see the
label and unit defined once for the CLI, the report and the web page, never a code identifier.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Units that read better on an axis without a unit (dimensionless, codes, yes/no).
_UNIT_TEXT = {"1": "", "bool": "", "code": "", "share": "share", "x": "ratio"}

@lru_cache(maxsize=4096)
def _describe(name: str, kind: str | None, engine: str):
    from pausesim import labels

    try:
        return labels.describe(name, kind, engine=engine)
    except ValueError:
        return None


def _plain(name: str) -> str:
    """A name without its code spelling, for an item the label registry lacks."""
    text = re.sub(r"[_\-]+", " ", str(name)).strip()
    return text[:1].upper() + text[1:]


def split_cell(name: str) -> tuple[str, tuple[str, ...]]:
    """``'risk[feedback-loop, 2040]'`` -> ``('risk', ('feedback-loop', '2040'))``."""
    m = re.fullmatch(r"([^\[]+)\[(.*)\]", name)
    if not m:
        return name, ()
    return m.group(1), tuple(part.strip() for part in m.group(2).split(","))


def label(name: str, kind: str | None = None, engine: str = "compute") -> str:
    """The human-readable label of a metric, parameter, lever, worldview, term or variable."""
    d = _describe(name, kind, engine)
    return d.label if d is not None and d.label else _plain(name)


def unit(name: str, kind: str | None = None, engine: str = "compute") -> str:
    """The unit as readers see it (empty for dimensionless quantities, codes and switches)."""
    d = _describe(name, kind, engine)
    if d is None:
        return ""
    u = d.unit or ""
    return _UNIT_TEXT.get(u, u)


def meaning(name: str, kind: str | None = None, engine: str = "compute") -> str:
    """One sentence on what the quantity means ('' if the registry has none)."""
    d = _describe(name, kind, engine)
    return (d.meaning or "") if d is not None else ""


def source(name: str, kind: str | None = None, engine: str = "compute") -> str:
    """Where the quantity's default comes from ('' if the registry has none)."""
    d = _describe(name, kind, engine)
    return (d.source or "") if d is not None else ""


def axis(name: str, kind: str | None = None, engine: str = "compute") -> str:
    """``'Label (unit)'`` for an axis title."""
    u = unit(name, kind, engine)
    text = label(name, kind, engine)
    return f"{text} ({u})" if u else text


def actor(actor_id: str) -> str:
    """An actor's display name."""
    from pausesim import labels

    return labels.actor_label(str(actor_id))


def worldview(name: str) -> str:
    """A worldview's display name."""
    return label(str(name), "worldview")


def term(name: str) -> str:
    """A hazard term's display name."""
    return label(str(name), "term")


def horizon(h) -> str:
    """A risk horizon in words: ``'2040'`` -> ``'until 2040'``, ``'K>=10.68'`` -> capability."""
    text = str(h)
    if re.fullmatch(r"\d{4}\.0", text):
        text = text[:4]
    return label(text, "term")


def cell(value: str) -> str:
    """One index of a multi-cell name: a worldview, horizon or actor in words."""
    v = str(value)
    for kind in ("worldview", "term"):
        d = _describe(v, kind, "compute")
        if d is not None:
            return d.label
    return actor(v)


def reason(name: str) -> str:
    """Why a pause ended, in words (:func:`pausesim.labels.lift_reason_label`)."""
    from pausesim.labels import lift_reason_label

    return lift_reason_label(str(name))
