"""The metronome: one APScheduler 3.x job that wakes the event loop to sweep due work from the database.

No job is ever scheduled per intro: what is due is recomputed from the database on every beat, so
a restart loses nothing and the scheduler holds no state worth saving.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler


class Metronome:
    def __init__(self, beat: Callable[[], None], every: timedelta):
        self._scheduler = AsyncIOScheduler()
        self._scheduler.add_job(beat, "interval", seconds=every.total_seconds(), id="sweep",
                                max_instances=1, coalesce=True)

    def start(self) -> None:
        """Start beating; must be called from inside the running event loop."""
        self._scheduler.start()

    def stop(self) -> None:
        self._scheduler.shutdown(wait=False)
