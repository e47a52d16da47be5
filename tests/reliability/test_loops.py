"""Loops and floods (RELIABILITY 17-21): automatic mail never answered, our own mail marked, bounces matched
and reported once, caps that hold mail back without dropping it, and ping-pong with an autoresponder."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage

import pytest

from introbot.config import load_config
from introbot.core.compose import LOOP_HEADER
from introbot.daemon import Daemon
from tests.conversation import ADA, BEN, BOT, KIM, MAYA, SAM, new_message, reply
from tests.mailhost import UNDELIVERABLE_DOMAIN
from tests.reliability.world import ReliabilityWorld, direct_request, drop_into_inbox, new_world

world = pytest.fixture(new_world, name="world")

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
LEE = ("Lee Grant", "lee@client.example")


def run_at(world: ReliabilityWorld, moment: datetime | None = None) -> None:
    clock = (lambda: moment) if moment else (lambda: datetime.now(timezone.utc))
    assert Daemon(load_config(world.config_path), clock=clock).once() == 0
    world.mail.wait_for_queue_empty()


def ask_for(world: ReliabilityWorld, person: tuple[str, str]) -> EmailMessage:
    [ask] = [m for m in world.received(person[1]) if "Maya" in str(m["Subject"])]
    return ask


# --- 17, 18: automatic mail is never answered; our own mail says what it is -----------------------

AUTOMATIC = {  # client address -> how their "Yes" gives itself away as automatic
    "auto-replied@client.example": {"Auto-Submitted": "auto-replied"},
    "auto-generated@client.example": {"Auto-Submitted": "auto-generated"},
    "bulk@client.example": {"Precedence": "bulk"},
    "junk@client.example": {"Precedence": "junk"},
    "list@client.example": {"List-Id": "<clients.lists.example>"},
    "unsubscribe@client.example": {"List-Unsubscribe": "<mailto:leave@lists.example>"},
    "null@client.example": {"Return-Path": "<>"},
    "x-autoreply@client.example": {"X-Autoreply": "yes"},
    "mailer-daemon@client.example": {},
    "postmaster@client.example": {},
    "noreply@client.example": {},
}


def test_automatic_mail_of_every_kind_gets_no_answer_and_changes_nothing(world):
    people = [(f"Client {n}", address) for n, address in enumerate([*AUTOMATIC, SAM[1]])]
    for person in people:
        drop_into_inbox(world.mail, direct_request(person, "Maya Chen"))
    run_at(world)
    for person in people:
        answer = reply(ask_for(world, person), person, "Yes, please!")
        for name, value in AUTOMATIC.get(person[1], {}).items():
            answer[name] = value
        drop_into_inbox(world.mail, answer)
    loop = ask_for(world, people[0])  # our own ask, come back to us (a forwarding loop)
    loop.replace_header("To", f"Intro <{BOT}>")
    drop_into_inbox(world.mail, loop)

    run_at(world)

    assert [len(world.received(person[1])) for person in people] == [1] * len(people)
    assert len(world.received(MAYA[1])) == 1  # asked about Sam, the one person whose answer was a person's
    assert world.folder_sizes()["introbot/ignored"] == len(AUTOMATIC) + 1
    # A "yes" from MAILER-DAEMON is a bounce: that intro failed, and Ada heard of it; no one else changed.
    states = dict(world.database_rows("SELECT json_extract(data, '$.client.email'), state FROM intros"))
    assert states.pop("mailer-daemon@client.example") == "failed" and len(world.received(ADA[1])) == 1
    assert set(states.values()) == {"asking"}
    assert world.database_rows("SELECT json_extract(data, '$.client.consent'), count(*) FROM intros "
                               "GROUP BY 1 ORDER BY 1") == [("asked", len(AUTOMATIC)), ("yes", 1)]


def test_our_mail_is_marked_as_automatic_carries_a_loop_header_and_an_envelope_sender_that_finds_its_intro(world):
    drop_into_inbox(world.mail, direct_request(SAM, "Maya Chen"))
    run_at(world)
    ask = ask_for(world, SAM)
    drop_into_inbox(world.mail, reply(ask, SAM, "What does she charge?"))
    run_at(world)
    [note] = [m for m in world.received(SAM[1]) if m["Message-ID"] != ask["Message-ID"]]

    token = ask["Reply-To"].addresses[0].addr_spec.split("+")[1].split("@")[0]
    assert ask["Return-Path"] == f"<intro+{token}@collective.example>"  # a bounce comes back to this intro
    assert (ask["Auto-Submitted"], note["Auto-Submitted"]) == ("auto-generated", "auto-replied")  # RFC 3834
    assert ask[LOOP_HEADER] == note[LOOP_HEADER] == BOT
    assert token in ask["Message-ID"]


# --- 19: bounces -----------------------------------------------------------------------------------

def test_a_bounce_is_matched_to_its_intro_never_answered_and_the_referrer_is_told_once(world):
    nell = ("Nell North", f"nell@{UNDELIVERABLE_DOMAIN}")
    drop_into_inbox(world.mail, direct_request(nell, "Maya Chen"))
    run_at(world)  # the ask goes out; Postfix accepts it, then bounces a DSN to its envelope sender
    [dsn] = world.mail.wait_for_messages(BOT, 1)
    assert dsn.get_content_type() == "multipart/report"
    [(envelope_from,)] = world.database_rows("SELECT envelope_from FROM outbox WHERE kind = 'ask_client'")
    run_at(world)
    nonstandard = new_message(("Mail Delivery System", "MAILER-DAEMON@mx.bodywork.example"), ("", envelope_from),
                              "Undelivered Mail Returned to Sender",
                              f"This is the mail system.\n\nI'm sorry to have to inform you that your message could "
                              f"not be delivered to one or more recipients.\n\n<{nell[1]}>: host said: 550 5.1.1 "
                              f"User unknown\n")
    nonstandard["Return-Path"] = "<>"
    drop_into_inbox(world.mail, nonstandard)
    run_at(world)

    [note] = world.received(ADA[1])
    assert "Nell" in str(note["Subject"])
    assert world.database_rows("SELECT kind, recipients FROM outbox ORDER BY id") == [
        ("ask_client", f'["{nell[1]}"]'), ("referrer_failed", f'["{ADA[1]}"]')]
    assert world.database_rows("SELECT state FROM intros") == [("failed",)]
    assert world.folder_sizes() == {"introbot/processed": 1, "introbot/ignored": 2, "Sent": 2}


def test_a_bounce_whose_plus_address_a_relay_rewrote_is_matched_by_our_message_id_it_returns(world):
    nell = ("Nell North", f"nell@{UNDELIVERABLE_DOMAIN}")
    drop_into_inbox(world.mail, direct_request(nell, "Maya Chen"))
    run_at(world)
    [dsn] = world.mail.wait_for_messages(BOT, 1)
    # A relay that rewrites the envelope sender (a Gmail or Microsoft 365 account) returns the bounce to
    # the account's own address: no plus-address anywhere in its header block.
    header, separator, body = dsn.as_bytes().partition(b"\n\n")
    rewritten = re.sub(rb"intro\+[a-z2-7]{26}@", b"intro@", header) + separator + body
    assert b"intro+" in header and b"intro+" not in rewritten.partition(b"\n\n")[0]
    with world.mail.imap(BOT) as imap:
        imap.select_folder("INBOX")
        imap.delete_messages(imap.search())
        imap.expunge()
    drop_into_inbox(world.mail, rewritten)
    run_at(world)

    [note] = world.received(ADA[1])
    assert "Nell" in str(note["Subject"])
    assert world.database_rows("SELECT state FROM intros") == [("failed",)]


def test_a_late_bounce_of_the_ask_to_an_address_since_corrected_does_not_fail_the_new_ask(world):
    nell = ("Nell North", f"nell@{UNDELIVERABLE_DOMAIN}")
    drop_into_inbox(world.mail, direct_request(nell, "Maya Chen"))
    run_at(world)
    world.mail.wait_for_messages(BOT, 1)
    run_at(world)
    [failed] = world.received(ADA[1])
    drop_into_inbox(world.mail, reply(failed, ADA, "Her address is nell@client.example"))
    run_at(world)
    assert world.database_rows("SELECT state FROM intros") == [("asking",)]
    # A second MTA on the old route gives up later and says so in its own words.
    [(envelope_from,), _, _] = world.database_rows("SELECT envelope_from FROM outbox ORDER BY id")
    late = new_message(("Mail Delivery System", "MAILER-DAEMON@mx.relay.example"), ("", envelope_from),
                       "Undelivered Mail Returned to Sender",
                       f"I'm sorry to have to inform you that your message could not be delivered to one or more "
                       f"recipients.\n\n<{nell[1]}>: host said: 550 5.1.1 User unknown\n")
    late["Return-Path"] = "<>"
    drop_into_inbox(world.mail, late)
    # And the first ask's token answers for nobody now, not even from the new address.
    drop_into_inbox(world.mail, new_message(("Nell North", "nell@client.example"), ("", envelope_from),
                                            "Re: Would you like an introduction to Maya Chen?", "Yes please"))
    run_at(world)
    assert world.database_rows("SELECT state FROM intros") == [("asking",)]
    assert world.received(MAYA[1]) == []
    assert [kind for (kind,) in world.database_rows("SELECT kind FROM outbox ORDER BY id")] == [
        "ask_client", "referrer_failed", "ask_client"]
    assert len(world.received(ADA[1])) == 1


@pytest.mark.parametrize("status, action, fails", [("4.4.1", "failed", True), ("5.1.1", "failed", True),
                                                   ("4.4.1", "delayed", False)])
def test_a_report_that_delivery_failed_fails_the_intro_even_for_a_temporary_cause_a_delay_does_not(
        world, status, action, fails):
    drop_into_inbox(world.mail, direct_request(SAM, "Maya Chen"))
    run_at(world)
    [(envelope_from,)] = world.database_rows("SELECT envelope_from FROM outbox WHERE kind = 'ask_client'")
    subject = "Undelivered Mail Returned to Sender" if fails else "Delayed Mail (still being retried)"
    report = (f"From: MAILER-DAEMON@mx.client.example (Mail Delivery System)\r\nTo: {envelope_from}\r\n"
              f"Subject: {subject}\r\nReturn-Path: <>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; "
              f'report-type=delivery-status; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n'
              f"The mail system could not deliver your message.\r\n--b\r\nContent-Type: message/delivery-status\r\n"
              f"\r\nReporting-MTA: dns; mx.client.example\r\n\r\nFinal-Recipient: rfc822; {SAM[1]}\r\n"
              f"Action: {action}\r\nStatus: {status}\r\nDiagnostic-Code: smtp; connection timed out\r\n\r\n"
              f"--b--\r\n").encode()
    drop_into_inbox(world.mail, report)
    run_at(world)
    assert world.database_rows("SELECT state FROM intros") == [("failed",) if fails else ("asking",)]
    assert len(world.received(ADA[1])) == (1 if fails else 0)


# --- 20: caps --------------------------------------------------------------------------------------

def outbox(world: ReliabilityWorld) -> list[tuple[str, str | None]]:
    return world.database_rows("SELECT status, held_by FROM outbox ORDER BY id")


def alerts(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "introbot.caps" and r.levelno == logging.WARNING]


def test_over_the_hourly_cap_mail_waits_and_the_operator_is_alerted_once(world, caplog):
    caplog.set_level(logging.INFO, logger="introbot.caps")
    world.configure("limits", mails_per_hour=2)
    for person in (SAM, KIM, LEE):
        drop_into_inbox(world.mail, direct_request(person, "Maya Chen"))

    run_at(world, START)
    run_at(world, START + timedelta(minutes=30))  # still over: the same episode, no second alert
    waiting = outbox(world)
    run_at(world, START + timedelta(minutes=61))

    assert waiting == [("sent", None), ("sent", None), ("queued", "limits.mails_per_hour")]
    assert outbox(world) == [("sent", None)] * 3
    assert [len(world.received(p[1])) for p in (SAM, KIM, LEE)] == [1, 1, 1]
    [alert] = alerts(caplog)
    assert "over limits.mails_per_hour (2)" in alert and "none is dropped" in alert and "@" not in alert
    assert any("no longer holds" in r.getMessage() for r in caplog.records if r.name == "introbot.caps")
    assert world.counters()["cap_alerts"] == 1 and world.counters()["held"] == 2


def test_over_the_per_recipient_cap_the_second_ask_to_one_person_waits_a_day(world, caplog):
    world.configure("limits", mails_per_recipient_per_day=1)
    drop_into_inbox(world.mail, direct_request(SAM, "Maya Chen"))
    drop_into_inbox(world.mail, direct_request(SAM, "Lio Park", referrer=BEN))

    run_at(world, START)
    waiting = outbox(world)
    run_at(world, START + timedelta(days=1, minutes=1))

    assert waiting == [("sent", None), ("queued", "limits.mails_per_recipient_per_day")]
    assert outbox(world) == [("sent", None)] * 2 and len(world.received(SAM[1])) == 2
    assert len(alerts(caplog)) == 1


def test_over_the_per_referrer_cap_new_requests_wait_while_started_ones_go_on(world, caplog):
    world.configure("limits", requests_per_referrer_per_day=1)
    for person, referrer in ((SAM, ADA), (KIM, ADA), (LEE, BEN)):
        drop_into_inbox(world.mail, direct_request(person, "Maya Chen", referrer=referrer))
    run_at(world, START)
    drop_into_inbox(world.mail, reply(ask_for(world, SAM), SAM, "Yes please"))

    run_at(world, START + timedelta(hours=1))  # Sam's yes: Maya is asked, though Ada is at her cap

    assert [len(world.received(p[1])) for p in (SAM, KIM, LEE, MAYA)] == [1, 0, 1, 1]
    run_at(world, START + timedelta(days=1, minutes=1))
    assert len(world.received(KIM[1])) == 1  # waited, was never dropped
    assert len(alerts(caplog)) == 1


# --- 21: ping-pong ---------------------------------------------------------------------------------

def autoresponder_rounds(world: ReliabilityWorld, person: tuple[str, str], marks_itself: bool) -> int:
    """Let introbot and the person's autoresponder answer each other until one of them stops; return the rounds."""
    answered: set[str] = set()
    for rounds in range(1, 10):
        run_at(world)
        new = [m for m in world.received(person[1]) if m["Message-ID"] not in answered]
        if not new:
            return rounds
        for message in new:
            answered.add(message["Message-ID"])
            away = reply(message, person, "Thank you for your message. I will get back to you as soon as I can.")
            if marks_itself:
                away["Auto-Submitted"] = "auto-replied"
            world.send(away, sender=person)
    raise AssertionError("the ping-pong never ended")


@pytest.mark.parametrize("marks_itself, messages", [(False, 2), (True, 1)])
def test_ping_pong_with_an_autoresponder_ends_within_two_messages(world, marks_itself, messages):
    drop_into_inbox(world.mail, direct_request(SAM, "Maya Chen"))

    autoresponder_rounds(world, SAM, marks_itself)

    assert len(world.received(SAM[1])) == messages  # the ask, and at most one "please answer YES or NO"
    assert world.received(MAYA[1]) == [] and world.received(ADA[1]) == []


def test_a_referrer_whose_autoresponder_answers_every_note_gets_one_note(world):
    drop_into_inbox(world.mail, direct_request(SAM, "Maya Chen"))
    run_at(world)
    drop_into_inbox(world.mail, reply(ask_for(world, SAM), SAM, "No thanks"))  # Ada hears of it, once

    autoresponder_rounds(world, ADA, marks_itself=False)

    assert len(world.received(ADA[1])) == 1
