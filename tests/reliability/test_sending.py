"""SMTP in the real world (RELIABILITY 11-13): temporary failures retried with growing delays until a
lifetime, permanent refusals not retried, servers that never answer timed out, connections reused.

introbot runs in-process with a clock the test moves; its SMTP peer is FaultSMTP (programmed replies
and stalls) or the real Postfix; its IMAP peer is the real Dovecot.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from introbot.config import load_config
from introbot.daemon import Daemon
from tests.conversation import ADA, MAYA, SAM
from tests.faultproxy import FaultProxy
from tests.faultsmtp import PERMANENT, SHUTTING_DOWN, STALL, TEMPORARY, FaultSMTP, Reply
from tests.reliability.world import ReliabilityWorld, direct_request, drop_into_inbox, new_world

world = pytest.fixture(new_world, name="world")

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def smtp(world: ReliabilityWorld):
    """FaultSMTP on loopback as introbot's SMTP server (plain, no login: allowed only for loopback)."""
    with FaultSMTP() as server:
        world.configure("smtp", host="127.0.0.1", port=server.port, security="none", username=None,
                        password_file=None, ca_file=None, timeout="1s")
        yield server


def run_at(world: ReliabilityWorld, moment: datetime) -> None:
    assert Daemon(load_config(world.config_path), clock=lambda: moment).once() == 0


def to(server: FaultSMTP, person: tuple[str, str]) -> list[bytes]:
    return [message.data for message in server.messages if person[1] in message.rcpt_to]


def ask_row(world: ReliabilityWorld) -> tuple[int, datetime, str, str | None]:
    [(attempts, next_attempt, status, error)] = world.database_rows(
        "SELECT attempts, next_attempt_at, status, last_error FROM outbox WHERE kind = 'ask_client'")
    return attempts, datetime.fromisoformat(next_attempt), status, error


def for_sam(transaction) -> bool:
    """A FaultSMTP rule's `when` that picks Sam's transactions only (Ada's note must get through)."""
    return SAM[1] in (*transaction.rcpt_to, transaction.address)


@pytest.mark.parametrize("command, reply", [("RCPT", TEMPORARY), ("DATA", SHUTTING_DOWN),
                                            ("MAIL", Reply(451, "4.7.1 Greylisted, try again later"))])
def test_a_temporary_failure_is_retried_with_growing_delays_until_its_lifetime_then_the_referrer_is_told_once(
        world, smtp, command, reply):
    world.configure("smtp", retry_for="3h")
    # Greylisting refuses the first try only, as greylisting servers do.
    smtp.on(command, reply, **({"times": 1} if command == "MAIL" else {"when": for_sam}))
    drop_into_inbox(world.mail, direct_request(SAM, "Maya Chen"))
    if command == "MAIL":
        run_at(world, START)
        attempts, next_attempt, status, error = ask_row(world)
        assert (attempts, status, next_attempt - START, error) == (1, "queued", timedelta(minutes=1), str(reply))
        run_at(world, next_attempt)
        assert len(to(smtp, SAM)) == 1 and ask_row(world)[2] == "sent"
        return

    moment, delays = START, []
    while True:
        run_at(world, moment)
        attempts, next_attempt, status, error = ask_row(world)
        if status != "queued":
            break
        assert str(reply) in error
        delays.append(next_attempt - moment)
        moment = next_attempt
    run_at(world, moment + timedelta(days=1))

    assert [delay // timedelta(minutes=1) for delay in delays] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert (status, attempts) == ("failed", 9)
    assert to(smtp, SAM) == [] and to(smtp, MAYA) == []
    [note] = to(smtp, ADA)
    assert b"Sam" in note  # who could not be reached
    assert world.database_rows("SELECT state FROM intros") == [("failed",)]
    assert world.counters() == {"processed": 1, "retried": 8, "failed": 1, "sent": 1}


def test_a_permanent_refusal_is_not_retried_and_the_referrer_is_told_once(world):
    """Postfix refuses refused@... at RCPT with 550 5.1.1."""
    drop_into_inbox(world.mail, direct_request(("Riley Refused", "refused@client.example"), "Maya Chen"))

    run_at(world, START)
    run_at(world, START + timedelta(days=1))
    run_at(world, START + timedelta(days=8))  # past any reminder or expiry: nobody hears more

    world.mail.wait_for_queue_empty()
    assert world.database_rows("SELECT kind, status, attempts FROM outbox ORDER BY id") == [
        ("ask_client", "failed", 1), ("referrer_failed", "sent", 1)]
    assert len(world.message_ids(ADA)) == 1 and world.message_ids(MAYA) == {}
    assert world.database_rows("SELECT state FROM intros") == [("failed",)]


def test_when_the_colleague_is_refused_for_good_the_client_asked_alongside_hears_nothing_more(world, smtp):
    """Parallel asks; the colleague's address is refused: the intro closes, the client gets no reminder."""
    world.configure("consent", order="parallel")
    smtp.on("RCPT", PERMANENT, when=lambda transaction: transaction.address == MAYA[1])
    drop_into_inbox(world.mail, direct_request(SAM, "Maya Chen"))

    for day in (0, 4, 8):
        run_at(world, START + timedelta(days=day))

    assert len(to(smtp, SAM)) == 1 and len(to(smtp, ADA)) == 1 and to(smtp, MAYA) == []
    assert world.database_rows("SELECT state FROM intros") == [("failed",)]


@pytest.mark.parametrize("stall", ["greeting", "after the final dot"])
def test_a_server_that_accepts_and_never_answers_is_timed_out_and_the_mail_sent_later_with_its_message_id(
        world, smtp, stall):
    if stall == "greeting":
        smtp.stall_greeting()
    else:
        smtp.on("DATA", STALL, times=1)
    drop_into_inbox(world.mail, direct_request(SAM, "Maya Chen"))

    run_at(world, START)  # returns: every network step has a timeout
    attempts, next_attempt, status, error = ask_row(world)
    assert (attempts, status) == (1, "queued") and ("timeout" in error or "did not answer" in error)
    smtp.clear()
    run_at(world, next_attempt)

    [message_id] = world.database_rows("SELECT message_id FROM outbox WHERE kind = 'ask_client'")[0]
    [delivered] = to(smtp, SAM)
    assert f"Message-ID: {message_id}".encode() in delivered
    assert ask_row(world)[2] == "sent"


def test_a_server_that_cannot_be_reached_costs_a_drain_one_timeout_and_every_message_due_waits_its_retry(world, smtp):
    """Five asks due and a server that never greets: one wait for it, not five (at the default 30 s each, the
    daemon would miss its watchdog's 60 s and be killed mid-batch, its outcomes unrecorded, again and again)."""
    smtp.stall_greeting()
    for number in range(5):
        drop_into_inbox(world.mail, direct_request((f"Client {number}", f"client{number}@client.example"), "Maya Chen"))

    run_at(world, START)

    assert smtp.connections == 1
    assert world.database_rows("SELECT status, attempts, next_attempt_at FROM outbox") == [
        ("queued", 1, (START + timedelta(minutes=1)).isoformat(timespec="microseconds"))] * 5
    smtp.stall_greeting(False)
    run_at(world, START + timedelta(minutes=1))
    assert len(smtp.messages) == 5 and smtp.connections == 2


def test_draining_many_messages_uses_one_smtp_and_one_imap_connection(world, smtp):
    clients = [(f"Client {n}", f"client{n}@client.example") for n in range(30)]
    for client in clients:
        drop_into_inbox(world.mail, direct_request(client, "Maya Chen"))
    with FaultProxy(world.mail.imaps_port) as imap:
        world.configure("imap", port=imap.port)
        run_at(world, START)
        connections = imap.connections_made

    assert smtp.messages_per_connection() == [30]
    assert connections == 2  # the watcher's, and one for all 30 copies in Sent
    assert world.folder_sizes()["Sent"] == 30


def test_after_a_crash_with_the_mailbox_black_holed_the_sent_folder_costs_one_timeout_not_two(world):
    """A run killed right after the server's 250 leaves its ask undecided, and the next start finds the mailbox
    black-holed (no answer, no FIN). The drain looked for the ask in Sent and timed out, then tried to open Sent
    for its copies and timed out again: at the default 30 s each, 60 s before the first beat, systemd's watchdog."""
    world.send(direct_request(SAM, "Maya Chen"), sender=ADA)
    assert world.process(crash_at="after-smtp-accept").killed
    with FaultProxy(world.mail.imaps_port) as imap:
        imap.black_hole()
        world.configure("imap", port=imap.port, timeout="1s")
        restarted = world.process()
        connections = imap.connections_made
    assert connections == 2  # the catch-up's, and one try of the Sent folder for the drain
    assert "cannot look in the Sent folder" in restarted.log
    assert world.database_rows("SELECT status FROM outbox") == [("sent",)]  # sent again, with the same Message-ID
