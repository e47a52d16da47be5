"""Named crash points for fault-injection tests: the process kills itself with SIGKILL at a chosen point.

`INTROBOT_CRASH_AT=after-commit:3` kills the process the third time it reaches "after-commit".
Unset, as in every real deployment, a crash point is one dictionary lookup. The points are where a
crash is most dangerous: between fetching and committing, between committing and moving, and on
each side of the SMTP server's "250 OK".
"""

from __future__ import annotations

import os
import signal

POINTS = ("after-fetch", "after-commit", "before-move", "before-smtp", "after-smtp-accept")


def _plan(spec: str) -> dict[str, int]:
    plan = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, _, count = item.partition(":")
        if name not in POINTS:
            raise ValueError(f"INTROBOT_CRASH_AT names an unknown crash point {name!r}; known: {', '.join(POINTS)}")
        plan[name] = int(count or 1)
    return plan


_remaining = _plan(os.environ.get("INTROBOT_CRASH_AT", ""))


def crash_point(name: str) -> None:
    if name in _remaining:
        _remaining[name] -= 1
        if _remaining[name] <= 0:
            os.kill(os.getpid(), signal.SIGKILL)
