"""A time budget for handling one message: past it, the work is interrupted and the message counts a failed try.

Parsing is pure Python, and Python cannot stop a thread from outside, except by asking the
interpreter to raise an exception in it at the next bytecode (PyThreadState_SetAsyncExc). One
watchdog thread does that when the budget runs out. Code stuck inside one C call never reaches a
next bytecode: if the block has not ended `grace` seconds later, `on_stuck` runs (by default the
process exits, so that its supervisor restarts it; the try was counted before handling began, so
the message is quarantined after a bounded number of them).
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger("introbot.budget")
EXIT_STUCK = 75  # EX_TEMPFAIL: the supervisor should start introbot again


class OverBudget(TimeoutError):
    """Handling one message took longer than its time budget."""


def _exit_stuck() -> None:
    log.critical("handling a message is stuck past its time budget and cannot be interrupted; exiting so "
                 "that the supervisor restarts introbot (the message is quarantined after a few tries)")
    logging.shutdown()
    os._exit(EXIT_STUCK)


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Ask the interpreter to raise `exception` in the thread (None withdraws a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exception) if exception else None)


class TimeBudget:
    """`with budget.watch(): ...` raises OverBudget inside the block once `seconds` have passed.

    One block at a time per TimeBudget (the IMAP thread handles one message at a time).
    """

    def __init__(self, seconds: float, grace: float = 10.0, on_stuck: Callable[[], None] = _exit_stuck):
        self.seconds = seconds
        self.grace = grace
        self._on_stuck = on_stuck
        self._changed = threading.Condition()
        self._thread_id: int | None = None
        self._deadline = 0.0
        self._interrupted = False
        self._watchdog: threading.Thread | None = None
        # When the watchdog next looks by itself: the deadline it waits for, or None while it waits for a block.
        self._wakes_at: float | None = None

    @contextmanager
    def watch(self) -> Iterator[None]:
        with self._changed:
            if self._watchdog is None:
                self._watchdog = threading.Thread(target=self._watch, name="introbot-budget", daemon=True)
                self._watchdog.start()
            self._thread_id = threading.get_ident()
            self._deadline = time.monotonic() + self.seconds
            self._interrupted = False
            # The watchdog already wakes by an earlier block's deadline, and then waits for this one. Waking it
            # for every block would have it take the interpreter at the block's first I/O, once per message.
            if self._wakes_at is None or self._deadline < self._wakes_at:
                self._changed.notify()
        try:
            yield
        finally:
            self._end()

    def _end(self) -> None:
        """Leave the block; an interruption that arrives now, when the work is over, is withdrawn or dropped."""
        while True:
            try:
                with self._changed:
                    if self._interrupted:
                        _raise_in(threading.get_ident(), None)
                    self._thread_id = None  # seen when the watchdog next wakes: waking it now would cost a switch
                return
            except OverBudget:
                continue

    def _watch(self) -> None:
        with self._changed:
            while True:
                if self._thread_id is None:
                    self._wakes_at = None
                    self._changed.wait()
                    continue
                remaining = self._deadline - time.monotonic()
                if remaining > 0:
                    self._wakes_at = self._deadline
                    self._changed.wait(remaining)
                    continue
                if not self._interrupted:
                    self._interrupted = True
                    _raise_in(self._thread_id, OverBudget)
                    self._deadline = time.monotonic() + self.grace
                    continue
                self._on_stuck()
                self._thread_id = None
