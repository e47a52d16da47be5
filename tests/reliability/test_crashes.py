"""Crash anywhere, restart, and every request completes exactly once (RELIABILITY 1, 9, 10, 14, 15).

introbot runs as a real process (`python3 -m introbot once`, as cron runs it) that kills itself with
SIGKILL at a named crash point; the next run, without the crash, must finish the work, and the
people's mailboxes must hold exactly what they should.
"""

from __future__ import annotations

import json
import signal
import subprocess

import pytest

from introbot.faults import POINTS
from tests.conversation import ADA, BOT, SAM
from tests.mailhost import wait_until
from tests.reliability.world import REPO, ReliabilityWorld, direct_request, new_world

world = pytest.fixture(new_world, name="world")


def request_and_crash(world: ReliabilityWorld, crash_at: str) -> None:
    world.send(direct_request(SAM, "Maya Chen"), sender=ADA)
    crashed = world.process(crash_at=crash_at)
    assert crashed.killed, crashed.log


def settled_inbox(world: ReliabilityWorld, person: tuple[str, str], at_least: int = 1):
    """The person's Message-IDs once at least `at_least` arrived and Postfix holds nothing more for anyone."""
    wait_until(lambda: sum(world.message_ids(person).values()) >= at_least or None, 20,
               lambda: f"{person[0]} received {dict(world.message_ids(person))}")
    world.mail.wait_for_queue_empty()
    return world.message_ids(person)


@pytest.mark.parametrize("point", POINTS)
def test_a_kill_at_each_crash_point_then_a_restart_completes_the_request_exactly_once(world, point):
    request_and_crash(world, point)

    restarted = world.process()

    assert restarted.returncode == 0, restarted.log
    asks = settled_inbox(world, SAM)
    [(message_id, copies)] = asks.items()
    # Killed between the server's 250 and the Sent copy: the one undecidable window, resent with the same Message-ID.
    assert copies == (2 if point == "after-smtp-accept" else 1)
    assert world.folder_sizes() == {"introbot/processed": 1, "Sent": 1}
    assert world.database_rows("SELECT count(*), min(state) FROM intros") == [(1, "asking")]
    assert world.database_rows("SELECT status, count(*) FROM outbox GROUP BY status") == [("sent", 1)]
    assert world.integrity() == "ok"
    assert world.message_ids(ADA) == {} and not world.received("maya@bodywork.example")


@pytest.mark.parametrize("copy_to_sent, provider_keeps_copy, copies", [
    (True, False, 1),   # introbot put its copy in Sent before the crash, and finds it there
    (False, True, 1),   # Gmail and Microsoft 365 keep one themselves: introbot finds theirs
    (False, False, 2),  # nobody kept one: the undecidable window, sent again with the same Message-ID
])
def test_after_the_servers_250_the_sent_folder_decides_whether_to_send_again(world, copy_to_sent,
                                                                            provider_keeps_copy, copies):
    world.configure("smtp", copy_to_sent=copy_to_sent)
    request_and_crash(world, "after-sent-copy" if copy_to_sent else "after-smtp-accept")
    if provider_keeps_copy:
        [delivered] = world.wait_inbox(SAM, 1)
        world.mail.append(BOT, delivered.as_bytes(), folder="Sent", flags=("\\Seen",))

    assert world.process().returncode == 0

    asks = settled_inbox(world, SAM)
    assert list(asks.values()) == [copies]
    found = world.counters().get("found_in_sent", 0)
    assert (found, world.counters().get("resent", 0)) == ((1, 0) if copies == 1 else (0, 1))
    assert world.database_rows("SELECT status FROM outbox") == [("sent",)]


def test_a_second_daemon_on_the_same_database_or_mailbox_refuses_to_start(world, tmp_path):
    daemon = subprocess.Popen(world.command("run"), cwd=REPO, env=world.environment(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        heartbeat = world.folder / "introbot.heartbeat"
        wait_until(lambda: heartbeat.exists() and json.loads(heartbeat.read_text())["pid"] == daemon.pid or None,
                   30, lambda: "the daemon never beat")

        same_database = world.process()
        other_folder = tmp_path / "second"
        other_folder.mkdir()
        second = ReliabilityWorld(world.mail, other_folder)  # its own database, the same intro@ mailbox
        same_mailbox = second.process()
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, log = daemon.communicate(timeout=60)

    assert same_database.returncode == 1
    assert f"another introbot (pid {daemon.pid}) is already using {world.database}" in same_database.log
    assert same_mailbox.returncode == 1
    assert f"another introbot (pid {daemon.pid}) is already using this mailbox" in same_mailbox.log
    assert daemon.returncode == 0, log
    assert json.loads(heartbeat.read_text())["state"] == "stopped"
