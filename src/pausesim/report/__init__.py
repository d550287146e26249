"""A self-contained HTML report of a run or comparison (needs the ``report`` extra: plotly).

:func:`build_report` returns the HTML text, :func:`write_report` writes it: one file with
plotly.js embedded once from the plotly wheel, so it opens offline in any browser. The figures
come from :mod:`pausesim.plots`; :func:`export_images` writes each as PNG and SVG through
kaleido and a local Chromium.
"""

from __future__ import annotations

from pausesim.report.build import Report, build_report, export_images, write_report

__all__ = ["Report", "build_report", "export_images", "write_report"]
