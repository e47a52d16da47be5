"""Named crash points for fault-injection tests: the process kills itself with SIGKILL at a chosen point.

`INTROBOT_CRASH_AT=after-commit:3` kills the process the third time it reaches "after-commit".
`INTROBOT_STALL_ON=<message key>` makes the handling of that one message hang, as a message that
sends the parser into a very long loop would, so tests can show the time budget ends it.
Unset, as in every real deployment, a crash point is one dictionary lookup. The points are where a
crash is most dangerous: between fetching and committing, between committing and moving, and on
each side of the SMTP server's "250 OK" and of keeping its copy in the Sent folder.
"""

from __future__ import annotations

import os
import signal
import time

POINTS = ("after-fetch", "after-commit", "before-move", "before-smtp", "after-smtp-accept", "after-sent-copy")


def _plan(spec: str) -> dict[str, int]:
    plan = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, _, count = item.partition(":")
        if name not in POINTS:
            raise ValueError(f"INTROBOT_CRASH_AT names an unknown crash point {name!r}; known: {', '.join(POINTS)}")
        plan[name] = int(count or 1)
    return plan


_remaining = _plan(os.environ.get("INTROBOT_CRASH_AT", ""))
_stall_on = os.environ.get("INTROBOT_STALL_ON", "")


def arm(crash_at: str, stall_on: str = "") -> None:
    """Replace the plan read from the environment, for a process forked after introbot was imported."""
    global _stall_on
    _remaining.clear()
    _remaining.update(_plan(crash_at))
    _stall_on = stall_on


def crash_point(name: str) -> None:
    if name in _remaining:
        _remaining[name] -= 1
        if _remaining[name] <= 0:
            os.write(2, f"crash point {name}: SIGKILL\n".encode("ascii"))  # so a test can tell it from other deaths
            os.kill(os.getpid(), signal.SIGKILL)


def stall_point(message_key: str) -> None:
    """Hang while handling the chosen message, in small sleeps so that an asynchronous exception ends it."""
    while _stall_on and message_key == _stall_on:
        time.sleep(0.01)
