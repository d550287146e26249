"""Array backends of the engines: plain NumPy (the default and the reference) or XLA via JAX.

Each engine's step is written once, against an array namespace ``xp`` (``numpy`` or
``jax.numpy``), so no equation exists twice: the NumPy loop runs it as it is, and the compiled
loop traces it once per chunk shape and runs it as one XLA program. The compiled path is an
optional extra (``pip install 'pausesim[fast]'``); its results agree with NumPy's to the
tolerances stated in ``docs/performance.md`` and ``docs/ftm.md`` and tested in
``tests/engines/compute/test_compiled.py`` and ``tests/engines/ftm/test_ftm_jax.py``: the ftm
engine's program runs in float64 (:func:`x64`), the compute engine's in float32 (XLA's float64
transcendentals are what made it slower than NumPy).
"""

from __future__ import annotations

import contextlib
from types import ModuleType

import numpy as np

#: Backends a run can use (``--backend``), the first is the default.
BACKENDS = ("numpy", "jax")

_FAST_HINT = "install the compiled backend with: pip install 'pausesim[fast]'"


def check_backend(name: str) -> str:
    """``name`` if it is a known backend, else a ``ValueError`` naming the allowed values."""
    if name not in BACKENDS:
        allowed = ", ".join(BACKENDS)
        raise ValueError(f"backend: {name!r} is not a backend (allowed: {allowed})")
    return name


def jax_available() -> bool:
    """Whether JAX can be imported (the ``fast`` extra is installed)."""
    try:
        import jax  # noqa: F401
    except ImportError:
        return False
    return True


def require_jax() -> ModuleType:
    """The ``jax`` module, or an ``ImportError`` that says how to install it."""
    try:
        import jax
    except ImportError as err:
        raise ImportError(f"backend 'jax' needs JAX, which is not installed; {_FAST_HINT}") from err
    return jax


def x64(enabled: bool = True):
    """Context in which JAX computes in float64 (``enabled=False``: in float32).

    A no-op context without JAX.
    """
    if not jax_available():
        return contextlib.nullcontext()
    import jax

    enable = getattr(jax, "enable_x64", None)
    if enable is None:  # (JAX before 0.6 has it under jax.experimental)
        from jax.experimental import enable_x64 as enable
    return enable(enabled)


def namespace(name: str) -> ModuleType:
    """The array namespace of backend ``name``: ``numpy`` or ``jax.numpy``."""
    check_backend(name)
    if name == "numpy":
        return np
    require_jax()
    import jax.numpy as jnp

    return jnp


def is_numpy(xp: ModuleType) -> bool:
    """Whether ``xp`` is NumPy (eager: shortcuts on the data, such as ``mask.any()``, apply)."""
    return xp is np
