"""Metrics of runs and comparisons (DESIGN §5)."""

from pausesim.metrics.compute import run_metrics
from pausesim.metrics.summary import summarize

__all__ = ["run_metrics", "summarize"]
