"""Plotly figures of runs and comparisons (needs the ``report`` extra: plotly).

The core never imports this package at module level: :attr:`pausesim.run.Result.plot` and
:attr:`pausesim.run.Comparison.plot` import it when first used.

>>> comparison.plot.fan("capability")          # doctest: +SKIP
>>> comparison.plot.distribution("overhang_ooms")  # doctest: +SKIP
"""

from __future__ import annotations

from pausesim.plots.source import PlotSource, as_source


class PlotAccessor:
    """``result.plot`` / ``comparison.plot``: each method returns a plotly ``Figure``.

    Works on a :class:`~pausesim.run.Result`, a :class:`~pausesim.run.Comparison` or a saved
    results folder (:func:`pausesim.run.load_result`). Trajectory charts need trajectories
    (``keep="quantiles"`` or ``"full"``); risk charts need a comparison.
    """

    def __init__(self, obj) -> None:
        self._obj = obj
        self._src: PlotSource | None = None

    @property
    def source(self) -> PlotSource:
        """What the figures read (built once, on first use)."""
        if self._src is None:
            self._src = as_source(self._obj)
        return self._src

    def fan(self, variable: str = "capability"):
        """Fan chart over time (``capability``, ``effective_compute``, ``alignment``, ...)."""
        from pausesim.plots import figures

        return figures.fan(self.source, variable)

    def pause_state(self):
        """Share of worlds paused, per actor, over time."""
        from pausesim.plots import figures

        return figures.pause_state(self.source)

    def distribution(self, metric: str = "overhang_ooms"):
        """Histogram of a per-world metric or difference (``delay_years``, ``pause_years``)."""
        from pausesim.plots import figures

        return figures.distribution(self.source, metric)

    def lift_reasons(self):
        """Why the first pause ended."""
        from pausesim.plots import figures

        return figures.lift_reasons(self.source)

    def shares(self, metric: str = "frontier_share_at_danger"):
        """Each actor's frontier share at the danger level."""
        from pausesim.plots import figures

        return figures.shares(self.source, metric)

    def alignment(self):
        """Alignment stock and gap over time."""
        from pausesim.plots import figures

        return figures.alignment(self.source)

    def risk(self):
        """P(pause lowers risk) per worldview and horizon with its 95% interval."""
        from pausesim.plots import figures

        return figures.risk(self.source)

    def risk_levels(self, horizon: str | None = None):
        """Risk with and without the pause per worldview."""
        from pausesim.plots import figures

        return figures.risk_levels(self.source, horizon)

    def decomposition(self, horizon: str | None = None):
        """The change in integrated hazard by term, per worldview."""
        from pausesim.plots import figures

        return figures.decomposition(self.source, horizon)

    def cruxes(self, top: int = 3):
        """The parameters most associated with the change in risk (a screen)."""
        from pausesim.plots import figures

        return figures.cruxes(self.source, top)


__all__ = ["PlotAccessor", "PlotSource", "as_source"]
