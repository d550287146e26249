"""Declarative probability distributions that sample themselves.

Each distribution is a small frozen pydantic model with a ``kind`` tag, so that scenario
files can write it inline (``{ kind = "lognormal", p5 = 2.0, p95 = 3.1 }``) and it is
validated at the boundary. Every distribution exposes its quantile function ``ppf``;
sampling is ``ppf`` of uniforms drawn from an explicit :class:`numpy.random.Generator`,
which is also what lets a Gaussian copula impose rank correlations
(:func:`sample_correlated`).

Intervals are 90% credible intervals (5th and 95th percentiles), following the convention of
squigglepy's ``to(a, b)`` and of takeoffspeeds.com's conservative/aggressive bounds.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

import numpy as np
from pydantic import Field, model_validator
from scipy import special

from pausesim._frozen import Frozen

#: z-score of the 95th percentile of a standard normal: a 90% interval spans +-Z90 sd.
Z90 = float(special.ndtri(0.95))


class _Base(Frozen):
    """Shared behaviour: sampling, truncation and summaries through the quantile function."""

    def ppf(self, u: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        """Quantile function evaluated at probabilities ``u`` in (0, 1)."""
        raise NotImplementedError

    def cdf(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        """Cumulative distribution function."""
        raise NotImplementedError

    def support(self) -> tuple[float, float]:  # pragma: no cover - abstract
        """Smallest and largest value the distribution can take."""
        raise NotImplementedError

    def sample(
        self,
        n: int,
        rng: np.random.Generator,
        bounds: tuple[float, float] | None = None,
    ) -> np.ndarray:
        """Draw ``n`` values; with ``bounds``, from the distribution truncated to them."""
        return self.ppf_within(rng.random(n), bounds)

    def ppf_within(self, u: np.ndarray, bounds: tuple[float, float] | None = None) -> np.ndarray:
        """Quantile function of the distribution truncated to ``bounds``.

        Truncation rescales the probability mass inside the bounds (inverse-CDF sampling of the
        truncated law); no value is clamped.
        """
        u = np.asarray(u, dtype=float)
        if bounds is None:
            return self.ppf(u)
        lo, hi = bounds
        s_lo, s_hi = self.support()
        if lo <= s_lo and hi >= s_hi:
            return self.ppf(u)
        c_lo = float(self.cdf(np.asarray(lo))) if lo > s_lo else 0.0
        c_hi = float(self.cdf(np.asarray(hi))) if hi < s_hi else 1.0
        if c_hi - c_lo <= 0.0:
            raise ValueError(
                f"distribution {self.describe()} has no probability mass inside the bounds "
                f"[{lo:g}, {hi:g}]"
            )
        return self.ppf(c_lo + u * (c_hi - c_lo))

    def median(self) -> float:
        """The 50th percentile."""
        return float(self.ppf(np.asarray(0.5)))

    def interval90(self) -> tuple[float, float]:
        """The 5th and 95th percentiles."""
        return float(self.ppf(np.asarray(0.05))), float(self.ppf(np.asarray(0.95)))

    @property
    def is_point(self) -> bool:
        """True for a degenerate (certain) value."""
        return False

    def describe(self) -> str:
        """A one-line human-readable summary, e.g. ``lognormal 90% [2.1, 3.0]``."""
        lo, hi = self.interval90()
        return f"{self.kind} 90% [{lo:.4g}, {hi:.4g}]"


class Point(_Base):
    """A value known with certainty."""

    kind: Literal["point"] = "point"
    value: float

    def ppf(self, u):
        return np.full(np.shape(u), self.value, dtype=float)

    def cdf(self, x):
        return (np.asarray(x) >= self.value).astype(float)

    def support(self):
        return self.value, self.value

    def ppf_within(self, u, bounds=None):
        if bounds is not None and not bounds[0] <= self.value <= bounds[1]:
            raise ValueError(f"value {self.value:g} is outside [{bounds[0]:g}, {bounds[1]:g}]")
        return self.ppf(u)

    @property
    def is_point(self) -> bool:
        return True

    def describe(self) -> str:
        return f"{self.value:.4g}"


class _Interval(_Base):
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self):
        if not self.high > self.low:
            raise ValueError(f"high ({self.high:g}) must be greater than low ({self.low:g})")
        return self


class Uniform(_Interval):
    """Uniform on ``[low, high]``."""

    kind: Literal["uniform"] = "uniform"

    def ppf(self, u):
        return self.low + np.asarray(u) * (self.high - self.low)

    def cdf(self, x):
        return np.clip((np.asarray(x) - self.low) / (self.high - self.low), 0.0, 1.0)

    def support(self):
        return self.low, self.high

    def describe(self) -> str:
        return f"uniform [{self.low:.4g}, {self.high:.4g}]"


class LogUniform(_Interval):
    """Uniform in ``log(x)`` on ``[low, high]`` (both positive)."""

    kind: Literal["loguniform"] = "loguniform"

    @model_validator(mode="after")
    def _positive(self):
        if self.low <= 0:
            raise ValueError(f"low must be > 0 for a log-uniform, got {self.low:g}")
        return self

    def ppf(self, u):
        a, b = math.log(self.low), math.log(self.high)
        return np.exp(a + np.asarray(u) * (b - a))

    def cdf(self, x):
        a, b = math.log(self.low), math.log(self.high)
        with np.errstate(divide="ignore"):
            return np.clip((np.log(np.asarray(x, dtype=float)) - a) / (b - a), 0.0, 1.0)

    def support(self):
        return self.low, self.high

    def describe(self) -> str:
        return f"loguniform [{self.low:.4g}, {self.high:.4g}]"


class Normal(_Base):
    """Normal distribution given by its 90% interval ``[p5, p95]``."""

    kind: Literal["normal"] = "normal"
    p5: float
    p95: float

    @model_validator(mode="after")
    def _ordered(self):
        if not self.p95 > self.p5:
            raise ValueError(f"p95 ({self.p95:g}) must be greater than p5 ({self.p5:g})")
        return self

    @property
    def mean(self) -> float:
        """Mean (the midpoint of the 90% interval)."""
        return 0.5 * (self.p5 + self.p95)

    @property
    def sd(self) -> float:
        """Standard deviation implied by the 90% interval."""
        return (self.p95 - self.p5) / (2 * Z90)

    @classmethod
    def from_mean_sd(cls, mean: float, sd: float) -> Normal:
        """Construct from mean and standard deviation."""
        return cls(p5=mean - Z90 * sd, p95=mean + Z90 * sd)

    def ppf(self, u):
        return self.mean + self.sd * special.ndtri(np.asarray(u, dtype=float))

    def cdf(self, x):
        return special.ndtr((np.asarray(x, dtype=float) - self.mean) / self.sd)

    def support(self):
        return -math.inf, math.inf


class LogNormal(_Base):
    """Log-normal distribution given by its 90% interval ``[p5, p95]`` (both positive)."""

    kind: Literal["lognormal"] = "lognormal"
    p5: float
    p95: float

    @model_validator(mode="after")
    def _ordered(self):
        if self.p5 <= 0:
            raise ValueError(f"p5 must be > 0 for a log-normal, got {self.p5:g}")
        if not self.p95 > self.p5:
            raise ValueError(f"p95 ({self.p95:g}) must be greater than p5 ({self.p5:g})")
        return self

    @property
    def mu(self) -> float:
        """Mean of ``log(x)``."""
        return 0.5 * (math.log(self.p5) + math.log(self.p95))

    @property
    def sigma(self) -> float:
        """Standard deviation of ``log(x)``."""
        return (math.log(self.p95) - math.log(self.p5)) / (2 * Z90)

    def ppf(self, u):
        return np.exp(self.mu + self.sigma * special.ndtri(np.asarray(u, dtype=float)))

    def cdf(self, x):
        x = np.asarray(x, dtype=float)
        with np.errstate(divide="ignore"):
            return special.ndtr((np.log(x) - self.mu) / self.sigma)

    def support(self):
        return 0.0, math.inf


class Beta(_Base):
    """Beta distribution with shapes ``a``, ``b``, rescaled to ``[low, high]`` (default [0, 1])."""

    kind: Literal["beta"] = "beta"
    a: float = Field(gt=0)
    b: float = Field(gt=0)
    low: float = 0.0
    high: float = 1.0

    @model_validator(mode="after")
    def _ordered(self):
        if not self.high > self.low:
            raise ValueError(f"high ({self.high:g}) must be greater than low ({self.low:g})")
        return self

    def ppf(self, u):
        return self.low + (self.high - self.low) * special.betaincinv(
            self.a, self.b, np.asarray(u, dtype=float)
        )

    def cdf(self, x):
        z = (np.asarray(x, dtype=float) - self.low) / (self.high - self.low)
        return special.betainc(self.a, self.b, np.clip(z, 0.0, 1.0))

    def support(self):
        return self.low, self.high


Distribution = Annotated[
    Union[Point, Uniform, LogUniform, Normal, LogNormal, Beta],  # noqa: UP007
    Field(discriminator="kind"),
]
"""Any distribution spec; ``kind`` selects the family."""


def point(value: float) -> Point:
    """A certain value."""
    return Point(value=value)


def to(low: float, high: float) -> LogNormal:
    """Log-normal with 90% interval ``[low, high]`` (squigglepy's ``to``)."""
    return LogNormal(p5=low, p95=high)


def norm90(low: float, high: float) -> Normal:
    """Normal with 90% interval ``[low, high]``."""
    return Normal(p5=low, p95=high)


def spearman_to_pearson(rho_s: np.ndarray) -> np.ndarray:
    """Pearson correlation of a bivariate normal with Spearman rank correlation ``rho_s``.

    ``rho = 2 sin(pi rho_s / 6)`` (Pearson 1907; Kruskal 1958). Using it for the Gaussian copula
    makes the *rank* correlation of the sampled marginals equal the requested one, whatever the
    marginals are.
    """
    return 2.0 * np.sin(np.pi * np.asarray(rho_s, dtype=float) / 6.0)


def copula_cholesky(rank_corr: np.ndarray) -> np.ndarray:
    """Cholesky factor of the Pearson matrix that gives the Spearman matrix ``rank_corr``.

    Scenario validation calls it to reject impossible correlations before a run, and
    :func:`correlated_uniforms` to sample, so both apply the same test. Raises ``ValueError``
    when the matrix is not a valid correlation matrix or not positive definite.
    """
    r = np.asarray(rank_corr, dtype=float)
    k = r.shape[0] if r.ndim else 0
    if r.shape != (k, k) or not np.allclose(r, r.T) or not np.allclose(np.diag(r), 1.0):
        raise ValueError("rank correlation matrix must be square, symmetric, with unit diagonal")
    if not np.all(np.isfinite(r)) or np.any(np.abs(r) > 1):
        raise ValueError("rank correlations must lie in [-1, 1]")
    p = spearman_to_pearson(r)
    np.fill_diagonal(p, 1.0)
    try:
        return np.linalg.cholesky(p)
    except np.linalg.LinAlgError:
        raise ValueError(
            "rank correlation matrix is not positive definite: the stated correlations "
            "cannot hold together"
        ) from None


def correlated_uniforms(rank_corr: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Uniforms ``(n, k)`` whose Spearman rank correlation matrix is ``rank_corr``.

    Gaussian copula: draw correlated standard normals with the Pearson matrix that corresponds
    to ``rank_corr`` and map them through the normal CDF. Raises ``ValueError`` when the
    matrix is not a valid correlation matrix.
    """
    chol = copula_cholesky(rank_corr)
    k = chol.shape[0]
    z = rng.standard_normal((n, k)) @ chol.T
    u = special.ndtr(z)
    # ndtr can round to exactly 0 or 1 in the far tails; keep u inside the open interval.
    return np.clip(u, np.finfo(float).tiny, 1.0 - np.finfo(float).epsneg)


def sample_correlated(
    dists: list,
    rank_corr: np.ndarray,
    n: int,
    rng: np.random.Generator,
    bounds: list[tuple[float, float] | None] | None = None,
) -> np.ndarray:
    """Sample ``(n, k)`` values of ``k`` distributions joined by a Gaussian copula."""
    u = correlated_uniforms(rank_corr, n, rng)
    bounds = bounds or [None] * len(dists)
    return np.column_stack(
        [d.ppf_within(u[:, j], b) for j, (d, b) in enumerate(zip(dists, bounds, strict=True))]
    )
