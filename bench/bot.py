"""introbot as the benchmark runs it: its own config and database, the real daemon as a child process."""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path
from typing import Callable

from introbot.config import Person, load_config
from introbot.daemon import build_service
from introbot.edges.store import Store

from bench.corpus import COLLEAGUES, PRACTITIONERS, Generator
from bench.procstat import Watched
from tests.conversation import ADA, BEN, LIO, MAYA, World
from tests.mailhost import MailHost

READY_TIMEOUT = 60.0
# 1,000 asks from 8 practitioners at once would be held at 50 per practitioner per day (limits.*).
NO_CAPS = ("\n[limits]\nrequests_per_referrer_per_day = 1000000\nmails_per_recipient_per_day = 1000000\n"
           "mails_per_hour = 1000000\n")


def _except(people: tuple[Person, ...], emails: set[str]) -> tuple[Person, ...]:
    return tuple(p for p in people if p.email not in emails)


def _people(section: str, people: tuple[Person, ...]) -> str:
    return "".join(f'\n[[{section}]]\nname = "{p.name}"\nemail = "{p.email}"\nwebsite = "{p.website}"\n'
                   f'specialty = "{p.specialty}"\n' for p in people)


class Bot:
    """A config, a database and a log folder for introbot on the bench's mail host."""

    def __init__(self, host: MailHost, folder: Path, lift_caps: bool = False) -> None:
        """`lift_caps`: no sending limit (limits.*) holds mail back, for a run that measures sending."""
        self.host = host
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        # The conversation tests' config (same mail host, bot and authserv-id), with the bench's whole roster.
        known = {email for _name, email in (ADA, BEN, MAYA, LIO)}
        world = World(host, folder, extra_config=_people("practitioners", _except(PRACTITIONERS, known))
                      + _people("colleagues", _except(COLLEAGUES, known)) + (NO_CAPS if lift_caps else ""))
        self.config, self.database = world.config_path, world.database

    def log_path(self, name: str) -> Path:
        return self.folder / f"{name}.log"

    def start(self, command: str, name: str, progress: Callable[[], int] | None = None,
              interval: float = 0.25) -> Watched:
        """`python3 -m introbot COMMAND --config …` as a child process, its log in the folder."""
        log = open(self.log_path(name), "wb")
        return Watched([sys.executable, "-m", "introbot", command, "--config", str(self.config)],
                       cwd=Path(__file__).resolve().parent.parent, log=log, progress=progress, interval=interval)

    def wait_until_watching(self, daemon: Watched, name: str) -> None:
        """Until the daemon says its watcher is connected and idling (or it died)."""
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if "watching with IDLE" in self.log_path(name).read_text(errors="replace"):
                return
            if daemon.process.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"introbot did not start watching within {READY_TIMEOUT:.0f} s; "
                           f"see {self.log_path(name)}:\n{self.log_path(name).read_text(errors='replace')[-3000:]}")

    # ------------------------------------------------------------------ the database, read from outside
    def count(self, query: str) -> int:
        if not self.database.exists():
            return 0
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=30) as db:
            return int(db.execute(query).fetchone()[0])

    def handled(self) -> int:
        return self.count("SELECT count(*) FROM inbound")

    def outbox(self, status: str) -> int:
        return self.count(f"SELECT count(*) FROM outbox WHERE status = '{status}'")

    def fill_outbox(self, generator: Generator, count: int, first: int) -> int:
        """Queue `count` consent asks the way the daemon does: by handing requests to introbot's own
        service (no mail server involved); returns how many messages the outbox holds for sending."""
        store = Store(self.database)
        try:
            service = build_service(load_config(self.config), store)
            for i in range(first, first + count):
                service.handle(generator.request(i).raw)
        finally:
            store.close()
        return self.outbox("queued")
