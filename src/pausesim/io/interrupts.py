"""Interrupts that are never lost: SIGINT and SIGTERM raise, and are remembered.

Python turns SIGINT into :class:`KeyboardInterrupt` wherever the main thread happens to be,
including inside a finaliser or a C callback, where the exception is printed as "Exception
ignored" and dropped: the run then carries on and may replace a results folder the user meant
to keep. Inside :func:`handle_signals`, SIGINT raises :class:`KeyboardInterrupt` and SIGTERM
raises :class:`Terminated` (a subclass, so every ``except KeyboardInterrupt`` clean-up runs for
both), and the signal is also recorded: :func:`received` reports it even if the exception was
swallowed, so a folder swap can refuse to commit and the command line can exit with
``128 + signal`` (130 for Ctrl-C, 143 for SIGTERM).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

__all__ = [
    "Terminated",
    "exit_status",
    "handle_signals",
    "raise_if_received",
    "received",
    "signals_blocked",
]


class Terminated(KeyboardInterrupt):
    """The process received SIGTERM (or another terminating signal) and stops."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(f"terminated by signal {signal.Signals(signum).name}")
        self.signum = signum


_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_state = {"depth": 0, "received": None, "previous": {}}


def _handler(signum, frame) -> None:
    _state["received"] = signum
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated(signum)


@contextlib.contextmanager
def handle_signals() -> Iterator[None]:
    """Install the raising, recording handlers for SIGINT and SIGTERM for the block.

    Re-entrant: nested blocks share the outermost installation, which forgets any earlier
    signal on entry and restores the previous handlers on exit. Outside the main thread (where
    Python cannot install handlers) the block runs unchanged.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if _state["depth"] == 0:
        _state["received"] = None
        _state["previous"] = {s: signal.signal(s, _handler) for s in _SIGNALS}
    _state["depth"] += 1
    try:
        yield
    finally:
        _state["depth"] -= 1
        if _state["depth"] == 0:
            for s, h in _state["previous"].items():
                signal.signal(s, h)


def received() -> int | None:
    """The last signal received inside :func:`handle_signals`, even if its exception was lost."""
    return _state["received"]


def raise_if_received() -> None:
    """Raise the exception of a signal received earlier, if any (swallowed ones included)."""
    signum = received()
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    if signum is not None:
        raise Terminated(signum)


def exit_status(code: int | str | None) -> int | str | None:
    """The process exit status: ``128 + signal`` if one was received, else ``code``."""
    signum = received()
    return code if signum is None else 128 + int(signum)


@contextlib.contextmanager
def signals_blocked() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for a few system calls that must not be split.

    A signal arriving meanwhile is delivered (and raises) as soon as the block ends.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
