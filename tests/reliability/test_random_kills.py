"""The randomised run (RELIABILITY 1, 9, 10, 15): at least 200 SIGKILLs at random moments, and at random
crash points, while 100 requests and their answers flow; then every request is final, everyone holds
exactly the mails they should, and the database is sound.

Each daemon life is `introbot run` in a process forked from this one after introbot was imported (a
fresh `python3 -m introbot` spends most of a second importing, and 200 of them would take minutes);
it is killed with SIGKILL by a random timer, or kills itself at a random crash point.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import random
import signal
import sys
import time
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from introbot import faults
from introbot.cli import main
from introbot.config import load_config
from introbot.daemon import Daemon
from tests.reliability.traffic import Traffic, outcome
from tests.reliability.world import ReliabilityWorld, new_world

world = pytest.fixture(new_world, name="world")

KILLS, REQUESTS = 200, 100
FORK = multiprocessing.get_context("fork")


def daemon_life(config: str, crash_at: str, log: str) -> None:
    """The forked child: log to the shared file, arm the crash point, run until killed."""
    descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(descriptor, 1)
    os.dup2(descriptor, 2)
    sys.stdout = sys.stderr = open(2, "w", buffering=1, closefd=False)
    logging.root.handlers.clear()  # the test runner's capture is no place for a child's log
    faults.arm(crash_at)
    os._exit(main(["run", "--config", config]))


def random_crash(rng: random.Random) -> str:
    """Half the lives die at a named crash point, the n-th time they reach it; the others at a random moment."""
    return f"{rng.choice(faults.POINTS)}:{rng.randint(1, 3)}" if rng.random() < 0.5 else ""


@pytest.mark.timeout(900)
def test_two_hundred_random_kills_lose_nothing_and_double_nothing(world: ReliabilityWorld, tmp_path: Path):
    world.configure("imap", timeout="5s")
    world.configure("smtp", timeout="5s")
    # A hundred requests in two minutes, half of them to Maya, are far beyond honest use: lift the caps.
    world.configure("limits", mails_per_hour=100_000, mails_per_recipient_per_day=100_000,
                    requests_per_referrer_per_day=100_000)
    rng = random.Random(20260302)
    traffic = Traffic(world, REQUESTS, rng)
    log = tmp_path / "lives.log"
    kills = lives = 0
    started = time.monotonic()
    while kills < KILLS or traffic.finished() < REQUESTS:
        assert time.monotonic() - started < 600, f"stuck after {kills} kills: {traffic.finished()} requests final"
        life = FORK.Process(target=daemon_life, args=(str(world.config_path), random_crash(rng), str(log)))
        life.start()
        end = time.monotonic() + rng.uniform(0.05, 1.0)
        while life.is_alive() and time.monotonic() < end:
            if traffic.sent < REQUESTS and traffic.sent < 0.7 * (kills + 1):  # spread requests over the kills
                traffic.send_request()
            traffic.answer()
            time.sleep(0.02)
        if life.is_alive():
            os.kill(life.pid, signal.SIGKILL)
        life.join()
        lives += 1
        kills += life.exitcode == -signal.SIGKILL
    assert world.process().returncode == 0  # one clean pass, as after any crash: moves what a kill left behind
    if world.database_rows("SELECT count(*) FROM outbox WHERE status = 'queued'") != [(0,)]:
        later = datetime.now(timezone.utc) + timedelta(hours=2)  # a retry after a temporary failure is due
        Daemon(load_config(world.config_path), clock=lambda: later).once()
    world.mail.wait_for_queue_empty()

    result = outcome(world, traffic)
    text = log.read_text()
    figures = {"kills": kills, "crash_points": text.count("crash point "), "lives": lives,
               "after_250_crash_points": text.count("crash point after-smtp-accept"),
               "seconds": round(time.monotonic() - started), **asdict(result)}
    print(f"\nrandomised kill run: {figures}")
    assert kills >= KILLS and lives == kills  # every life ended in a SIGKILL
    assert (result.final, result.intros) == (REQUESTS, REQUESTS)
    assert (result.lost, result.duplicated, result.unexpected_people) == (0, 0, 0)
    assert (result.integrity, result.left_in_inbox, result.quarantined) == ("ok", 0, 0)
    assert "Traceback" not in text and "@" not in text
