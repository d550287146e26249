"""What a sensitivity analysis explains: one per-world output of a comparison and its summary.

An :class:`Output` names a quantity of a :class:`~pausesim.run.Comparison`:

- ``p_better`` — P(policy lowers risk) for a worldview and horizon; per world the indicator
  ``delta_risk < 0`` (its mean is the verdict);
- ``delta_risk`` — the change of risk (policy minus no pause) for a worldview and horizon;
- ``overhang``, ``max_jump``, ``delay``, ``pause_years`` — the policy run's
  ``overhang_ooms``, ``max_jump_ooms_per_year``, the delay of the danger level
  (``delay_years``) and the first pause's length.

:func:`per_world` gives the values ``(sample,)`` (NaN where undefined) and :func:`summary` the
statistic a tornado bar or a policy search reports (the mean over defined worlds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: output kind -> (unit, description)
KINDS: dict[str, tuple[str, str]] = {
    "p_better": ("1", "P(policy lowers risk): share of worlds where the pause lowers risk"),
    "delta_risk": ("1", "mean change of risk, policy minus no pause"),
    "overhang": ("OOM", "overhang at the lift (compute the cap withholds)"),
    "max_jump": ("OOM/yr", "largest one-year rise of frontier capability"),
    "delay": ("year", "delay of the danger level"),
    "pause_years": ("year", "length of the first pause episode"),
}
_METRIC = {
    "overhang": ("policy", "overhang_ooms"),
    "max_jump": ("policy", "max_jump_ooms_per_year"),
    "delay": ("deltas", "delay_years"),
    "pause_years": ("policy", "pause_years"),
}


@dataclass(frozen=True)
class Output:
    """One output of a comparison; ``worldview`` and ``horizon`` for the risk outputs."""

    kind: str = "p_better"
    worldview: str | None = None
    horizon: str | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"output kind must be one of {', '.join(KINDS)}; got {self.kind!r}")
        if self.is_risk and (self.worldview is None or self.horizon is None):
            raise ValueError(f"output '{self.kind}' needs a worldview and a horizon")

    @property
    def is_risk(self) -> bool:
        """True for the outputs that need a worldview and a horizon."""
        return self.kind in ("p_better", "delta_risk")

    @property
    def label(self) -> str:
        """Readable name, e.g. ``p_better[feedback-loop, K>=10.68]``."""
        return f"{self.kind}[{self.worldview}, {self.horizon}]" if self.is_risk else self.kind

    @property
    def unit(self) -> str:
        """Unit of :func:`summary`."""
        return KINDS[self.kind][0]


def parse(text: str) -> Output:
    """``kind`` or ``kind:worldview:horizon`` (e.g. ``p_better:feedback-loop:K>=10.68``)."""
    parts = text.split(":")
    if len(parts) == 1:
        return Output(parts[0])
    if len(parts) == 3:
        return Output(parts[0], parts[1], parts[2])
    raise ValueError(f"output {text!r}: give a kind ({', '.join(KINDS)}) or kind:worldview:horizon")


def default_outputs(comparison) -> list[Output]:
    """P(better) per worldview at every horizon of the scenario, then the pause metrics."""
    out = []
    if "delta_risk" in comparison.deltas:
        d = comparison.deltas["delta_risk"]
        for w in d["worldview"].values:
            for h in d["horizon"].values:
                out.append(Output("p_better", str(w), str(h)))
    return out + [Output(k) for k in _METRIC]


def per_world(comparison, output: Output) -> np.ndarray:
    """Values ``(sample,)`` of ``output`` in ``comparison``; NaN where undefined."""
    if output.is_risk:
        if "delta_risk" not in comparison.deltas:
            raise ValueError("this comparison has no risk (the engine publishes no risk inputs)")
        d = comparison.deltas["delta_risk"]
        for name, value in (("worldview", output.worldview), ("horizon", output.horizon)):
            known = [str(v) for v in d[name].values]
            if value not in known:
                raise ValueError(f"output {output.label}: unknown {name} {value!r}; have {known}")
        x = d.sel(worldview=output.worldview, horizon=output.horizon).values.astype(float)
        if output.kind == "p_better":
            return np.where(np.isfinite(x), (x < 0).astype(float), np.nan)
        return x
    where, name = _METRIC[output.kind]
    ds = comparison.policy.metrics if where == "policy" else comparison.deltas
    return ds[name].values.astype(float)


def summary(values: np.ndarray) -> tuple[float, float, int]:
    """Mean over defined worlds, its Monte Carlo standard error, and the number defined."""
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    n = int(ok.sum())
    if n == 0:
        return float("nan"), float("nan"), 0
    mean = float(v[ok].mean())
    se = float(v[ok].std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    return mean, se, n
