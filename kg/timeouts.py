"""A time limit for the work on one document, so hostile input cannot hang a build.

Uses ``SIGALRM`` (a real-time interval timer), which interrupts pure-Python
loops and returns control between bytecodes; it only works in the main thread
of a process (build workers and the ``kg`` command are), elsewhere the limit is
silently not applied.  The extraction stages are written to be linear in the
input (see tests/test_fuzz.py), so the limit is a last line of defence.
"""

from __future__ import annotations

import contextlib
import signal
import threading

from .errors import InputError

DEFAULT_SECONDS = 120.0


class DocumentTimeout(InputError):
    """The document took longer than the per-document time limit."""


@contextlib.contextmanager
def time_limit(seconds: float | None):
    """Raise :class:`DocumentTimeout` in the body if it runs longer than ``seconds`` (None or 0: no limit)."""
    usable = (seconds and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise DocumentTimeout(f"took longer than the per-document time limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
